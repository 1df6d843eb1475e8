"""Layer zoo: published MAC totals, backward GEMMs, freezing, caching."""

from __future__ import annotations

import pytest

from workloads import WorkloadError
from workloads.zoo import PUBLISHED_GMACS, forward_gmacs, kernel, model_layers, num_weight_layers


@pytest.mark.parametrize("model", sorted(PUBLISHED_GMACS))
def test_forward_macs_within_one_percent_of_torchvision(model):
    assert forward_gmacs(model) == pytest.approx(PUBLISHED_GMACS[model], rel=0.01)


def test_vit_artifact_assumption_is_about_a_third_below():
    full, artifact = forward_gmacs("vit_b_32"), forward_gmacs("vit_b_32", vit_attention=False)
    assert 0.28 < 1 - artifact / full < 0.38


def _macs(table, kind):
    return table.select(table.kind == kind).macs


@pytest.mark.parametrize("model", ["resnet18", "vit_b_32", "mobilenet_v2"])
def test_backward_is_twice_forward_for_trainable_layers(model):
    t = kernel(model, "training", 4, 0).gemms
    fwd = _macs(t, "fwd")
    first = t.select((t.kind == "fwd") & (t.layer == 0)).macs  # no input gradient for the first layer
    # every layer after the first has its input gradient; weighted layers their weight gradient
    layers = {lay.name: lay for lay in model_layers(model)}
    weighted_fwd = sum(int(t.m[i] * t.n[i] * t.k[i] * t.repeat[i]) for i in range(len(t))
                       if t.kind[i] == "fwd" and layers[t.name[i]].weighted)
    weightless_fwd = fwd - weighted_fwd
    assert _macs(t, "bwd_weight") == weighted_fwd
    assert _macs(t, "bwd_data") == weighted_fwd - first + 2 * weightless_fwd


def test_resnet18_training_macs_are_three_times_forward_minus_stem_input_gradient():
    t = kernel("resnet18", "training", 16, 0).gemms
    fwd = _macs(t, "fwd")
    stem = t.select((t.kind == "fwd") & (t.layer == 0)).macs
    assert t.macs == 3 * fwd - stem
    assert fwd == 16 * kernel("resnet18", "inference", 1).gemms.macs


def test_frozen_layers_skip_weight_and_early_data_gradients():
    n = num_weight_layers("resnet18")
    full = kernel("resnet18", "training", 1, 0)
    frozen = kernel("resnet18", "training", 1, 10)
    t = frozen.gemms
    assert set(t.layer[t.kind == "bwd_weight"]) == set(range(10, n))
    assert set(t.layer[t.kind == "bwd_data"]) == set(range(11, n))
    assert frozen.update_params < full.update_params
    head_only = kernel("resnet18", "training", 1, n - 1).gemms
    assert list(head_only.kind) == ["fwd"] * (len(head_only) - 1) + ["bwd_weight"]


def test_tables_are_cached_per_argument_tuple():
    assert kernel("resnet34", "training", 8, 2) is kernel("resnet34", "training", 8, 2)


@pytest.mark.parametrize("args, field", [
    (("resnet19", "inference"), "model"), (("resnet18", "serving"), "phase"),
    (("resnet18", "training", 0), "batch"), (("resnet18", "training", 1, 99), "frozen"),
])
def test_bad_arguments_name_the_field(args, field):
    with pytest.raises(WorkloadError) as info:
        kernel(*args)
    assert info.value.field == field
