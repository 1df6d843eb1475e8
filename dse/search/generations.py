"""NSGA-II/III without the per-ask work that grows with the study or copies what is only read.

Optuna 5.1 counts a new trial's generation and lists a generation's members incrementally (dse
did that itself for Optuna 5.0, whose samplers walked every trial at every ask). Two costs
remain in Optuna's GA samplers, and these subclasses remove them, with Optuna's answers:

* `get_parent_population` walks every trial at every ask to pick out a generation's parents by
  id (12-15% of a worker's time at 6,000 trials, py-spy). The list is kept from the ask that
  selected the parents and handed out again (keeping it only from the next ask, which still
  walked once per generation, left ~0.25 s of a 10,000-trial worker's ~10 s in that walk).
* `infer_relative_search_space` deep-copies every distribution of the search space at every
  ask (`IntersectionSearchSpace.calculate`); the samplers only read them.

The attribute keys stay Optuna's, so studies move between these and Optuna's samplers freely.
"""

from __future__ import annotations

import weakref

import optuna
from optuna.search_space.intersection import _calculate  # private in Optuna 5 (pinned <6)
from optuna.trial import FrozenTrial


class KeptParents:
    """Mixin for Optuna's GA samplers (NSGA-II, NSGA-III), see the module docstring. `_OPTUNA`
    is the Optuna class: its attribute keys are kept (`BaseGASampler.__init_subclass__` would
    name them after the subclass, and a study would then not resume across the two)."""

    _OPTUNA: type

    @classmethod
    def _get_generation_key(cls) -> str:
        return cls._OPTUNA._get_generation_key()

    @classmethod
    def _get_parent_cache_key_prefix(cls) -> str:
        return cls._OPTUNA._get_parent_cache_key_prefix()

    def get_parent_population(self, study: optuna.Study, generation: int) -> list[FrozenTrial]:
        """Optuna's answer. Optuna selects a generation's parents once and stores their ids in
        the study; every later call lists the study's trials with those ids, in creation order:
        that list is kept from the call that selected them (the selected trials in creation
        order, when the ids the study then holds are theirs), or else from the first call that
        lists them. (Complete trials never change, so it stays Optuna's answer; only two workers
        racing to store a generation's parents in one shared study could make Optuna's later
        answers differ from the kept one.)"""
        if generation == 0:
            return []
        cache = self.__dict__.setdefault("_dse_parents", {})
        where = (study._study_id, generation)
        kept = cache.get(where)
        if kept is not None and kept[0]() is study._storage:
            return list(kept[1])
        key = self._get_parent_cache_key_prefix() + str(generation)
        stored = key in study._storage.get_study_system_attrs(study._study_id)
        parents = super().get_parent_population(study, generation)
        if stored:  # the list of the stored ids: what Optuna will answer from now on
            cache[where] = (weakref.ref(study._storage), list(parents))
        else:  # selected now: Optuna's later answers list these trials in creation order, unless
            # another worker stored other ids meanwhile (then the next call lists those)
            ids = study._storage.get_study_system_attrs(study._study_id).get(key)
            chosen = [t._trial_id for t in parents]
            if ids is not None and len(set(chosen)) == len(chosen) and set(ids) == set(chosen):
                cache[where] = (weakref.ref(study._storage), sorted(parents, key=lambda t: t.number))
        return parents

    def infer_relative_search_space(self, study: optuna.Study, trial: FrozenTrial) -> dict:
        """Optuna's (the intersection of the finished trials' distributions, kept up to date
        incrementally by Optuna's own `_calculate`, without single-valued ones), minus the deep
        copy of every distribution that `IntersectionSearchSpace.calculate` hands out at each
        ask: the samplers only read them."""
        space = self._search_space
        if space._study_id is None:
            space._study_id = study._study_id
        elif space._study_id != study._study_id:
            raise ValueError("`IntersectionSearchSpace` cannot handle multiple studies.")
        space._search_space, space._cached_trial_number = _calculate(
            study._get_trials(deepcopy=False, use_cache=False), space._include_pruned, space._search_space,
            space._cached_trial_number)
        return {name: d for name, d in sorted((space._search_space or {}).items()) if not d.single()}


class NSGAIISampler(KeptParents, optuna.samplers.NSGAIISampler):
    """Optuna's NSGA-II with kept parent populations and an uncopied search space."""

    _OPTUNA = optuna.samplers.NSGAIISampler


class NSGAIIISampler(KeptParents, optuna.samplers.NSGAIIISampler):
    """Optuna's NSGA-III with kept parent populations and an uncopied search space."""

    _OPTUNA = optuna.samplers.NSGAIIISampler
