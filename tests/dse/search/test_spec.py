"""Study files: the shipped ones parse; broken ones fail with the file and the key path."""

from __future__ import annotations

import pathlib

import pytest

from dse.errors import SpecError
from dse.search.spec import load_spec, parse_spec, shipped_studies

TINY = (pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml").read_text()


def test_shipped_studies_parse():
    names = sorted(p.name for p in shipped_studies().iterdir() if p.name.endswith(".toml"))
    assert "quick.toml" in names
    for name in names:
        spec = load_spec(name[:-5])
        assert spec.n_trials >= 1 and spec.objectives


def _broken(old: str, new: str) -> str:
    assert old in TINY
    return TINY.replace(old, new)


@pytest.mark.parametrize("text, key", [
    (_broken('seed = 3', 'seed = 3\ncolour = "red"'), "colour"),
    (_broken('n_trials = 40', 'n_trials = "40"'), "n_trials"),
    (_broken('n_trials = 40', 'n_trials = 0'), "n_trials"),
    (_broken('{low = 8, high = 24, step = 4}', '{low = 24, high = 8}'), "accel.rows"),
    (_broken('{low = 8, high = 24, step = 4}', '{low = 0, high = 8}'), "accel.rows"),
    (_broken('{low = 300.0, high = 800.0}', '{low = 300.0, high = inf}'), "accel.freq_mhz.high"),
    (_broken('{choices = [1, 3]}', '{choices = []}'), "accel.partition_granularity.choices"),
    (_broken('[policy.static]', '[policy.magic]'), "policy.magic"),
    (_broken('n_t = {low = 64', 'n_q = {low = 64'), "policy.dacapo-spatiotemporal.n_q"),
    (_broken('n_t = {low = 64, high = 1024', 'n_t = {low = 1, high = 1024'), "policy.dacapo-spatiotemporal.n_t"),
    (_broken('pairs = ["resnet18-wrn50"]', 'pairs = ["alexnet-vgg"]'), "pairs"),
    (_broken('scenarios = ["S1"]', 'scenarios = ["S9"]'), "scenarios"),
    (_broken('name = "nsga2"', 'name = "annealing"'), "sampler.name"),
    (_broken('population_size = 10', 'populace = 10'), "sampler.populace"),
    (_broken('population_size = 10', 'population_size = nan'), "sampler.population_size"),
    (_broken('population_size = 10', 'population_size = 10.5'), "sampler.population_size"),
    (_broken('population_size = 10', 'population_size = true'), "sampler.population_size"),
    (_broken('population_size = 10', 'population_size = 10\ncrossover_prob = inf'), "sampler.crossover_prob"),
    (_broken('area_mm2 = "minimize"', 'area_mm2 = "maximize"'), "objectives.area_mm2"),
    (_broken('[accel]', '[accel]\nprecision_modes = ["mx5"]'), "accel.precision_modes"),
    (_broken('[accel]', '[accel]\ndataflow = {choices = ["os", "xs"]}'), "accel.dataflow"),
    ("name = [", "toml"),
])
def test_broken_files_name_the_key(text, key):
    with pytest.raises(SpecError) as info:
        parse_spec(text, "broken.toml")
    assert info.value.field == key and info.value.source == "broken.toml"


def test_grid_sampler_needs_discrete_parameters():
    text = TINY.replace('name = "nsga2"\npopulation_size = 10', 'name = "grid"')
    with pytest.raises(SpecError, match="grid sampler needs"):
        parse_spec(text, "g.toml")
