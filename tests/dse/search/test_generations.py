"""The kept parent populations and the uncopied search space give Optuna's answers: at every ask
of random batched studies (trials finishing out of order, failed and pruned ones, some left
running), and in the trials a whole seeded study samples."""

from __future__ import annotations

import random

import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from dse.search import generations

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _drive(sampler, schedule: list[tuple[int, int]], seed: int, check=None, added: bool = False) -> list[tuple]:
    """Batches of asks; each batch finishes in a random order with random states, and
    `keep_running` trials of it stay RUNNING until the next batch ends. With `added`, a
    completed trial the sampler never saw (no generation) is added before some batches."""
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=sampler)
    rng = random.Random(seed)
    running: list[optuna.trial.Trial] = []
    dists = {"x": optuna.distributions.FloatDistribution(0.0, 1.0), "n": optuna.distributions.IntDistribution(1, 8)}
    for batch, keep_running in schedule:
        if added and rng.random() < 0.3:
            study.add_trial(optuna.trial.create_trial(params={"x": rng.random(), "n": rng.randint(1, 8)},
                                                      distributions=dists, values=[rng.random(), rng.random()]))
        asked = []
        for _ in range(batch):
            trial = study.ask()
            trial.suggest_float("x", 0.0, 1.0)
            trial.suggest_int("n", 1, 8)
            if check:
                check(study, trial)
            asked.append(trial)
        finishing = running + asked
        rng.shuffle(finishing)
        running = finishing[:keep_running]
        for trial in finishing[keep_running:]:
            state = rng.choices(["ok", "fail", "prune"], weights=[8, 1, 1])[0]
            if state == "ok":
                study.tell(trial, [rng.random(), rng.random()])
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL if state == "fail" else
                           optuna.trial.TrialState.PRUNED)
    key = sampler._get_generation_key()
    return [(t.number, t.state, t.params, t.system_attrs.get(key)) for t in study.trials]


#: Random batched studies: (batch size, trials left running) per batch, population size, seed,
#: and whether trials the sampler never saw are added (see `_drive`).
random_studies = given(schedule=st_.lists(st_.tuples(st_.integers(1, 9), st_.integers(0, 3)), min_size=1, max_size=25),
                       population=st_.integers(2, 6), seed=st_.integers(0, 10_000), added=st_.booleans())


@settings(max_examples=30, deadline=None)
@random_studies
def test_every_ask_gets_optunas_parent_populations(schedule, population, seed, added):
    sampler = generations.NSGAIISampler(population_size=population, seed=seed)
    prefix = sampler._get_parent_cache_key_prefix()
    compared, later_asks = [0], [0]

    def check(study, trial):
        newest = study._storage.get_trial(trial._trial_id).system_attrs[sampler._get_generation_key()]
        later_asks[0] += newest >= 1
        stored = study._storage.get_study_system_attrs(study._study_id)
        assert newest == 0 or prefix + str(newest) in stored  # sampling from them stored them, as Optuna does
        for g in range(1, newest + 2):
            if prefix + str(g) in stored:
                ours = sampler.get_parent_population(study, g)
                theirs = optuna.samplers._ga.BaseGASampler.get_parent_population(sampler, study, g)
                assert [t.number for t in ours] == [t.number for t in theirs]
                compared[0] += 1

    _drive(sampler, schedule, seed, check, added)
    assert compared[0] >= later_asks[0]  # each of those asks compared at least its own generation's


@pytest.mark.parametrize("ours, theirs", [(generations.NSGAIISampler, optuna.samplers.NSGAIISampler),
                                          (generations.NSGAIIISampler, optuna.samplers.NSGAIIISampler)])
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_a_seeded_study_samples_exactly_what_optunas_sampler_samples(ours, theirs):
    schedule = [(7, 2), (5, 0), (9, 3), (4, 1)] * 6
    got = _drive(ours(population_size=5, seed=3), schedule, seed=11, added=True)
    want = _drive(theirs(population_size=5, seed=3), schedule, seed=11, added=True)
    assert got == want
    assert max(g for *_, g in got if g is not None) >= 10  # many generations were exercised


def test_the_generation_is_stored_under_optunas_key():
    assert generations.NSGAIISampler._get_generation_key() == "NSGAIISampler:generation"
    assert generations.NSGAIIISampler._get_parent_cache_key_prefix() == "NSGAIIISampler:parent:"


@settings(max_examples=40, deadline=None)
@given(plan=st_.lists(st_.tuples(st_.sets(st_.sampled_from("abc")), st_.integers(0, 2),
                                 st_.sampled_from(["ok", "fail", "prune", "running"])), min_size=1, max_size=30))
def test_every_ask_gets_optunas_relative_search_space(plan):
    """The search space handed to the sampler at each ask is Optuna's intersection of the
    finished trials' distributions (public, non-incremental `intersection_search_space`), without
    single-valued ones, while parameters come and go and their ranges change."""
    sampler = generations.NSGAIISampler(population_size=3, seed=0)
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=sampler)
    ranges = [(0.0, 1.0), (0.0, 2.0), (0.5, 0.5)]  # the last is single-valued
    for names, r, state in plan:
        trial = study.ask()
        frozen = study._storage.get_trial(trial._trial_id)
        theirs = {k: d for k, d in optuna.search_space.intersection_search_space(
            study.get_trials(deepcopy=False)).items() if not d.single()}
        assert sampler.infer_relative_search_space(study, frozen) == theirs
        for name in sorted(names):
            trial.suggest_float(name, *ranges[r])
        if state == "ok":
            study.tell(trial, [0.1, 0.2])
        elif state != "running":
            study.tell(trial, state=optuna.trial.TrialState.FAIL if state == "fail" else optuna.trial.TrialState.PRUNED)
