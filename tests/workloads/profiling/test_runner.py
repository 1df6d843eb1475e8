"""`dse proxies profile` on the demo stream, with real (small) training: retraining on
teacher-labeled drifted samples helps, more samples do not hurt, seeds matter a little, and a
stopped profile resumes to the same table. Needs PyTorch and scikit-learn (extra `profile`)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow.parquet as pq
import pytest

pytest.importorskip("torch", reason="PyTorch (extra 'profile') is not installed")
pytest.importorskip("sklearn", reason="scikit-learn (extra 'profile') is not installed")

from workloads.profiling.runner import demo_spec, profile  # noqa: E402

SMALL = dataclasses.replace(demo_spec(0), students=("digits_cnn_m",), n_segments=4, samples=(16, 128),
                            epochs=(1, 4), frozen_layers=(0, 2), formats=("mx4", "mx9"), pretrain_epochs=8,
                            teacher_epochs=10)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("profile") / "obs.parquet"
    return pq.read_table(_run(SMALL, out)).to_pylist()


def _run(spec, out) -> str:
    profile(spec, str(out), threads=1)
    return str(out)


def _mean(rows, **where) -> float:
    sel = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert sel, where
    return float(np.mean([r["acc_after"] for r in sel]))


def test_retraining_on_teacher_labels_beats_the_drifted_student(small):
    drifted = [r for r in small if r["segment"] >= 1 and r["adapted_on"] == -1 and r["precision"] == "fp32"
               and r["samples"] == 128 and r["epochs"] == 4 and r["frozen_layers"] == 0]
    assert len(drifted) == 3
    gain = np.mean([r["acc_after"] - r["acc_before"] for r in drifted])
    assert gain > 0.02, gain
    assert all(0.5 < r["label_acc"] <= 1.0 for r in drifted)  # the teacher labels well, not perfectly


def test_more_samples_do_not_hurt_on_average(small):
    few = _mean(small, samples=16, epochs=4, precision="fp32", frozen_layers=0, adapted_on=-1)
    many = _mean(small, samples=128, epochs=4, precision="fp32", frozen_layers=0, adapted_on=-1)
    assert many >= few, (few, many)


def test_every_quantity_is_measured(small):
    assert {r["precision"] for r in small} == {"fp32", "mx4", "mx9"}
    assert {r["frozen_layers"] for r in small} == {0, 2}
    carried = [r for r in small if r["adapted_on"] >= 0]
    assert [(r["adapted_on"], r["segment"]) for r in carried] == [(0, 1), (1, 2), (2, 3)]
    assert all(r["label_acc"] is None for r in carried)
    # MX4 rounds harder than MX9: on average it loses accuracy against FP32, MX9 hardly any
    fp32 = _mean(small, precision="fp32", adapted_on=-1)
    assert _mean(small, precision="mx4", adapted_on=-1) < _mean(small, precision="mx9", adapted_on=-1) + 1e-9
    assert abs(_mean(small, precision="mx9", adapted_on=-1) - fp32) < 0.02


def test_another_seed_gives_different_but_close_numbers(small, tmp_path):
    other = pq.read_table(_run(dataclasses.replace(SMALL, seed=1), tmp_path / "seed1.parquet")).to_pylist()
    a = np.array([r["acc_after"] for r in small])
    b = np.array([r["acc_after"] for r in other])
    assert len(a) == len(b) and not np.array_equal(a, b)
    assert abs(a.mean() - b.mean()) < 0.05 and np.mean(np.abs(a - b)) < 0.15


def test_a_stopped_profile_resumes_to_the_same_table(small, tmp_path):
    out = tmp_path / "resumed.parquet"
    assert profile(SMALL, str(out), threads=1, max_tasks=3) is None  # stopped after 3 tasks
    assert not out.exists() and len(list((tmp_path / "resumed.parquet.parts").glob("*.parquet"))) == 3
    resumed = profile(SMALL, str(out), threads=1).to_pylist()
    assert resumed == small
