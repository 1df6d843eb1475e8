"""`dse study repair`: make a damaged journal readable again, keeping every readable record.

Two kinds of damage: a torn last record (a crash cut the last write short) is moved to
`JOURNAL.torn`; unparsable records anywhere (a disk fault, a crashed writer on a network file
system) are set aside, with their line numbers, in `JOURNAL.corrupt`. Optuna numbers trials by
the order of their creation records, so a lost creation record would shift every later trial's
writes onto the wrong trial: where a surviving record names a trial that was never created, a
placeholder creation record is put back in the lost record's place. Trials left running by the
damage (their final record lost) are marked failed with the reason, so `dse study resume` reruns
them; the report names them.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
from dataclasses import dataclass, field

from optuna.storages.journal import JournalFileOpenLock
from optuna.storages.journal._storage import JournalOperation

from ..errors import DseError
from .journal import HEADER, _decode, check_log, encode, is_compact
from .storage import Location, locate, torn_tail

LOST_REASON = "no final record (lost to journal damage, or its run was killed): failed by dse study repair"


@dataclass
class RepairReport:
    path: pathlib.Path
    torn_bytes: int = 0
    corrupt_lines: list[int] = field(default_factory=list)
    placeholders: int = 0
    lost_trials: list[int] = field(default_factory=list)  # trial numbers marked failed

    def line(self) -> str:
        if not (self.torn_bytes or self.corrupt_lines):
            return f"{self.path}: intact"
        parts = []
        if self.torn_bytes:
            parts.append(f"moved a torn {self.torn_bytes}-byte record to {self.path.name}.torn")
        if self.corrupt_lines:
            shown = ", ".join(map(str, self.corrupt_lines[:10])) + (" ..." if len(self.corrupt_lines) > 10 else "")
            parts.append(f"set {len(self.corrupt_lines)} unreadable record(s) (line {shown}) aside in "
                         f"{self.path.name}.corrupt")
        lost = (f"trials {', '.join(map(str, self.lost_trials))} lost information (no final record): marked failed, "
                "'dse study resume' reruns them") if self.lost_trials else "no trial lost information"
        return f"{self.path}: " + "; ".join(parts) + f"; {lost}"


def first_unreadable_line(path: pathlib.Path) -> int | None:
    """The number of the first complete line that is not a record, or None."""
    compact = is_compact(path)
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.endswith(b"\n"):
                return None
            try:
                _decode(line) if compact else check_log(json.loads(line))
            except ValueError:
                return number
    return None


def _parse(path: pathlib.Path, compact: bool):
    """(records, corrupt line numbers, torn bytes): each record = (line number, logs)."""
    records, corrupt = [], []
    with path.open("rb") as fh:
        data = fh.read()
    torn = torn_tail(path)
    body = data[: len(data) - torn]
    for number, line in enumerate(body.splitlines(keepends=True), start=1):
        try:
            logs = _decode(line) if compact else [check_log(json.loads(line))]
        except ValueError:
            corrupt.append((number, line))
            continue
        records.append((number, logs))
    return records, corrupt, data[len(data) - torn:] if torn else b""


def _rebuild(records: list) -> tuple[list[list[dict]], int]:
    """The surviving records in order, with placeholder creation records where a later record
    names a trial whose creation was lost; returns (records as log lists, placeholders added)."""
    created = 0  # trial ids are assigned in creation order
    study_of_last = 0
    out, added = [], 0
    for _, logs in records:
        fixed = []
        for log in logs:
            trial_id = log.get("trial_id")
            creates = log["op_code"] == JournalOperation.CREATE_TRIAL
            if creates:
                study_of_last = log.get("study_id", study_of_last)
            # a creation record naming its id (`journal_mirror`) after lost ones, or a record for a
            # trial whose creation was lost: placeholders keep every later trial's id and number
            lost = (trial_id - created if creates else trial_id - created + 1) if trial_id is not None else 0
            if lost > 0:
                now = datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
                fixed += [{"op_code": JournalOperation.CREATE_TRIAL, "worker_id": "dse-repair",
                           "study_id": study_of_last, "datetime_start": now} for _ in range(lost)]
                added += lost
                created += lost
            created += creates
            fixed.append(log)
        out.append(fixed)
    return out, added


def _study_records(path: pathlib.Path, rebuilt: list[list[dict]]) -> list[list[dict]]:
    """A per-study journal whose study records were lost gets them back from what survived: the
    name from the file, directions and target from the stored study file (`dse.spec_toml`)."""
    from .spec import parse_spec
    from .study import PATH_ATTR, SPEC_ATTR, TARGET_ATTR

    logs = [log for record in rebuilt for log in record]
    creates = [log for log in logs if log["op_code"] == JournalOperation.CREATE_STUDY]
    attrs = {k: v for log in logs if log["op_code"] == JournalOperation.SET_STUDY_USER_ATTR
             for k, v in log["user_attr"].items()}
    identity = path.with_name(f"{path.stem}.study.json")  # the copy `study.save_identity` keeps
    saved = json.loads(identity.read_text())["attrs"] if identity.exists() else {}
    if creates and all(k in attrs for k in saved) and TARGET_ATTR in attrs and PATH_ATTR in attrs:
        return rebuilt
    missing = {k: v for k, v in saved.items() if k not in attrs}
    attrs = {**saved, **attrs}
    if SPEC_ATTR not in attrs:
        raise DseError("journal", "the records naming the study and its file were both lost; the study cannot be "
                                  f"rebuilt (its readable records are in {path.name}; unreadable ones in "
                                  f"{path.name}.corrupt)", str(path))
    spec = parse_spec(attrs[SPEC_ATTR], attrs.get(PATH_ATTR, str(path)))
    head = [] if creates else [{"op_code": JournalOperation.CREATE_STUDY, "worker_id": "dse-repair",
                                "study_name": path.stem, "directions": [1 if d == "minimize" else 2
                                                                         for d in spec.directions]}]
    restored = {PATH_ATTR: spec.path, TARGET_ATTR: spec.n_trials, **missing}
    head += [{"op_code": JournalOperation.SET_STUDY_USER_ATTR, "worker_id": "dse-repair", "study_id": 0,
              "user_attr": {k: v}} for k, v in restored.items() if k in missing or k not in attrs]
    return [head, *rebuilt] if head else rebuilt


def repair_journal(path: pathlib.Path) -> RepairReport:
    """Repair one journal file in place (atomically, under its write lock)."""
    report = RepairReport(path)
    lock = JournalFileOpenLock(str(path))
    lock.acquire()
    try:
        compact = is_compact(path)
        records, corrupt, torn = _parse(path, compact)
        report.torn_bytes = len(torn)
        report.corrupt_lines = [n for n, _ in corrupt]
        if not (torn or corrupt):
            return report
        if torn:
            (path.parent / (path.name + ".torn")).write_bytes(torn)
        if corrupt:
            with (path.parent / (path.name + ".corrupt")).open("ab") as fh:
                for number, line in corrupt:
                    fh.write(f"# line {number}\n".encode() + line.rstrip(b"\r\n") + b"\n")
        rebuilt, report.placeholders = _rebuild(records)
        if compact:
            rebuilt = _study_records(path, rebuilt)
        tmp = path.with_name(path.name + ".repairing")
        with tmp.open("wb") as fh:
            if compact:
                fh.write(HEADER.encode())
            for logs in rebuilt:
                if not logs:
                    continue
                if compact:
                    fh.write(encode(logs))
                else:  # Optuna's own format: one plain JSON line per log
                    fh.write(b"".join(json.dumps(log, separators=(",", ":")).encode() + b"\n" for log in logs))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        lock.release()
    report.lost_trials = _fail_lost(path)
    return report


def _fail_lost(path: pathlib.Path) -> list[int]:
    """Mark failed the trials the damage left without a final state or parameters; their numbers."""
    import optuna

    from .storage import _open_journal

    storage = _open_journal(path, False, str(path))
    lost = []
    for summary in optuna.get_all_study_summaries(storage, include_best_trial=False):
        study = optuna.load_study(study_name=summary.study_name, storage=storage)
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
            storage.set_trial_user_attr(t._trial_id, "fail_reason", LOST_REASON)
            storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
            lost.append(t.number)
    return lost


def repair(url: str | None, study: str | None = None) -> list[RepairReport]:
    """Repair the journal(s) a `--storage` value names: a folder's study (or all of its studies),
    or a journal file."""
    loc: Location = locate(url)
    if loc.kind == "rdb":
        raise DseError("--storage", f"{url} is a database, not a journal: nothing to repair")
    if loc.kind == "file":
        if not loc.path.exists():
            raise DseError("--storage", f"{loc.path} is not a journal file")
        return [repair_journal(loc.path)]
    if study is not None:
        if not loc.journal(study).exists():
            raise DseError("study", f"no study named {study!r} in {loc.url}")
        return [repair_journal(loc.journal(study))]
    return [repair_journal(p) for p in sorted(loc.path.glob("*.journal"))]
