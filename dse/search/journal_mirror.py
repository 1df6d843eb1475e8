"""Journal studies that sample locally and append finished batches: the compact journal's
counterpart of `mirrored` (PostgreSQL).

Through Optuna's `JournalStorage` every ask, parameter and tell is a storage call that first reads
the file's new records; an ask also scans every trial for a waiting one; a trial's creation and
its end are two appended, fsynced records. A lone 5,000-trial `quick` study took 18-21 s that way
(12.8-16.5 s of user CPU and 3.5-4.4 s of system CPU). Here a worker keeps an in-memory mirror of
the study: once per batch it reads the records appended since it last looked and adopts the other
workers' finished trials; it asks, evaluates and tells the batch locally; and it appends the batch
under the journal's lock, after counting the completed trials under that lock, so the total is
exactly the target however many workers run. Each trial is one record: Optuna's creation record
of the whole finished trial (what `create_new_trial` writes for a template), plus the trial id it
gets, so that `dse study repair` can put a placeholder where damage lost a record and keep every
later trial's number. No trial is ever RUNNING in the journal: a killed worker's batch is simply
never written. The batch's per-scenario detail is written under the lock too, just before its
records, with the numbers its trials get.

Records this mirror does not write (a trial created running, or changed after its creation, by
Optuna's own storage calls) are replayed by Optuna's code instead (`_replay`).
"""

from __future__ import annotations

import copy
import datetime
import pathlib
import uuid
from typing import Any

import optuna
from optuna.distributions import BaseDistribution, distribution_to_json, json_to_distribution
from optuna.storages.journal._storage import JournalOperation  # private in Optuna 5 (pinned <6)
from optuna.trial import FrozenTrial, TrialState

from . import detail
from .journal import CompactJournalBackend, GroupingJournalStorage, encode
from .mirrored import local_study, within_target

_TRIAL_OPS = (JournalOperation.SET_TRIAL_PARAM, JournalOperation.SET_TRIAL_STATE_VALUES,
              JournalOperation.SET_TRIAL_INTERMEDIATE_VALUE, JournalOperation.SET_TRIAL_USER_ATTR,
              JournalOperation.SET_TRIAL_SYSTEM_ATTR)


def supports(storage) -> bool:
    """Whether a study's storage is a compact journal this module can append to."""
    return isinstance(storage, GroupingJournalStorage) and isinstance(storage._backend, CompactJournalBackend)


def creation_log(study_id: int, trial: FrozenTrial, dist_json: dict[int, str]) -> dict[str, Any]:
    """The fields of Optuna's creation record for a finished trial (`JournalStorage.create_new_trial`
    with `trial` as the template). `dist_json` caches each distribution object's JSON."""
    def utc(value: datetime.datetime | None) -> str | None:
        return None if value is None else value.astimezone(datetime.UTC).isoformat(timespec="microseconds")

    multi = trial.values is not None and len(trial.values) > 1
    log = {"study_id": study_id, "state": int(trial.state), "value": None if multi else trial.value,
           "values": trial.values if multi else None, "datetime_start": utc(trial.datetime_start)}
    if trial.datetime_complete:
        log["datetime_complete"] = utc(trial.datetime_complete)
    dists = trial.distributions
    log["distributions"] = {k: dist_json.get(id(d)) or dist_json.setdefault(id(d), distribution_to_json(d))
                            for k, d in dists.items()}
    log["params"] = {k: dists[k].to_internal_repr(v) for k, v in trial.params.items()}
    log.update(user_attrs=trial.user_attrs, system_attrs=trial.system_attrs,
               intermediate_values=trial.intermediate_values)
    return log


def _local_time(text: str | None) -> datetime.datetime | None:
    """As Optuna's replay reads a record's time: local and naive."""
    return None if text is None else datetime.datetime.fromisoformat(text).astimezone().replace(tzinfo=None)


class JournalMirror:
    """A worker's in-memory copy of a study in a compact journal (see the module docstring).
    `n_trials` and `n_complete` count the study's trials as of the last record read."""

    def __init__(self, remote: optuna.Study, sampler, detail_folder: pathlib.Path | None):
        self.remote, self.detail_folder = remote, detail_folder
        self.storage: GroupingJournalStorage = remote._storage
        self.backend: CompactJournalBackend = self.storage._backend
        self.study_id = remote._study_id
        self.worker = f"{uuid.uuid4()}-mirror"
        self.local = local_study(remote, sampler)
        self.held: set[int] = set()  # the journal's trial numbers the mirror holds (finished ones)
        self._parsed: dict[str, BaseDistribution] = {}  # a space has few distinct distributions
        self.local._storage.adopt(self.local._study_id, self._replay())

    def _replay(self) -> list[FrozenTrial]:
        """Read the journal to its end with Optuna's replay (exact for every kind of record) and
        take the finished trials the mirror does not hold yet."""
        trials = self.storage.get_all_trials(self.study_id, deepcopy=False)  # replays new records
        self.position = self.backend.position
        self.n_all = len(self.storage._replay_result._trials)  # every study's: the next trial id
        self.open_ids = {t._trial_id for t in trials if not t.state.is_finished()}
        self.n_trials = len(trials)
        self.n_complete = sum(t.state == TrialState.COMPLETE for t in trials)
        new = [copy.copy(t) for t in trials if t.state.is_finished() and t.number not in self.held]
        self.held.update(t.number for t in new)
        return new

    def sync(self) -> int:
        """Adopt the finished trials other workers appended since the last look; returns the
        journal's completed count."""
        self.local._storage.adopt(self.local._study_id, self._read())
        return self.n_complete

    def _read(self) -> list[FrozenTrial]:
        """Others' finished trials in the records after `position` (this mirror's own were counted
        when written, and are skipped by position)."""
        new: list[FrozenTrial] = []
        for end, logs in self.backend.records(self.position):
            for log in logs:
                op = log["op_code"]
                if op == JournalOperation.CREATE_TRIAL and log["study_id"] == self.study_id:
                    state = TrialState(log.get("state", TrialState.RUNNING.value))
                    if not state.is_finished():
                        return new + self._replay()  # a running trial: Optuna's replay follows it
                    new.append(self._trial(log, state))
                elif op in _TRIAL_OPS and log["trial_id"] in self.open_ids:
                    return new + self._replay()
                self.n_all += op == JournalOperation.CREATE_TRIAL
            self.position = end
        return new

    def _trial(self, log: dict[str, Any], state: TrialState) -> FrozenTrial:
        """The trial a creation record describes, as Optuna's replay builds it."""
        parsed = self._parsed
        dists = {k: parsed.get(v) or parsed.setdefault(v, json_to_distribution(v))
                 for k, v in log.get("distributions", {}).items()}
        trial = FrozenTrial(
            number=self.n_trials, state=state, value=log.get("value"), values=log.get("values"),
            datetime_start=_local_time(log.get("datetime_start")),
            datetime_complete=_local_time(log.get("datetime_complete")),
            params={k: dists[k].to_external_repr(p) for k, p in log.get("params", {}).items()},
            distributions=dists, user_attrs=log.get("user_attrs", {}), system_attrs=log.get("system_attrs", {}),
            intermediate_values={int(k): v for k, v in log.get("intermediate_values", {}).items()},
            trial_id=self.n_all)
        self.held.add(self.n_trials)
        self.n_trials += 1
        self.n_complete += state == TrialState.COMPLETE
        return trial

    def write(self, finished: list[FrozenTrial], target: int, details: list[dict | None] | None = None) -> list[int]:
        """Append finished trials under the journal's lock, keeping the completed total at most
        `target`; returns the positions (in `finished`) of those written. `details`: each
        trial's detail row (without its number) or None, written first with the numbers the
        trials get."""
        dist_json: dict[int, str] = {}
        logs = [{"op_code": JournalOperation.CREATE_TRIAL, "worker_id": self.worker,
                 **creation_log(self.study_id, t, dist_json)} for t in finished]

        def lines(kept: list[int], first_id: int) -> list[bytes]:
            return [encode([{**logs[i], "trial_id": first_id + k}]) for k, i in enumerate(kept)]

        guess = self.n_all
        encoded = lines(list(range(len(finished))), guess)  # before the lock: right unless others wrote
        with self.backend.exclusive():
            others = self._read()  # to the end: the counts are exact while the lock is held
            keep = within_target(finished, target - self.n_complete)
            if keep:
                first = self.n_trials
                if self.detail_folder is not None and details is not None:
                    detail.write_numbered(self.detail_folder, first, [
                        {"trial": first + k, **details[i]} for k, i in enumerate(keep) if details[i] is not None])
                if self.n_all != guess or len(keep) != len(finished):
                    encoded = lines(keep, self.n_all)
                self.position = self.backend.append_locked(b"".join(encoded))
                self.held.update(range(first, first + len(keep)))
                self.n_trials += len(keep)
                self.n_all += len(keep)
                self.n_complete += sum(finished[i].state == TrialState.COMPLETE for i in keep)
        self.local._storage.adopt(self.local._study_id, others)
        return keep
