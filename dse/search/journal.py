"""The compact study journal: Optuna's journal protocol, written small and read back exactly.

Optuna's journal file writes one JSON line per storage call: a trial of `dacapo-open` costs ~20
lines and ~4 KB, mostly its parameters with their distributions spelled out. Here:

* `GroupingJournalStorage` (an Optuna `JournalStorage`) holds a running trial's own writes
  (parameters, attributes) in memory, applied to its local state at once, and writes them in
  one record together with the trial's final state. Other processes see a trial's parameters
  when it finishes (samplers read finished trials); a process killed mid-trial leaves the trial
  running with no parameters, and `resume` fails it, as before. (A study's workers write whole
  finished trials instead, one record each, through `journal_mirror`, unless trials wait in it.)
* `CompactJournalBackend` writes each record as one line: ``z`` + base85 of zlib with a preset
  dictionary of Optuna's log vocabulary (`ZDICT_V1`), about 810 bytes for a whole finished
  dacapo-open trial; zlib's checksum makes any damaged byte a detectable error. The first line,
  ``{"cl_dse_journal": 1}``, names the format; a file without it is read as Optuna's own format.

Every line is one record; a torn last line (a crash mid-write) is ignored until repaired, and an
unparsable line anywhere stops reading with `JournalCorrupt`, naming the file and line.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pathlib
import zlib
from collections.abc import Iterator
from typing import Any

from optuna.storages import JournalStorage
from optuna.storages.journal import BaseJournalBackend, JournalFileOpenLock
from optuna.storages.journal._storage import JournalOperation

from ..errors import DseError

FORMAT_KEY = "cl_dse_journal"
FORMAT_VERSION = 1
HEADER = json.dumps({FORMAT_KEY: FORMAT_VERSION}) + "\n"
COMPRESSED = b"z"

#: The preset zlib dictionary of format version 1: Optuna's journal vocabulary. Never change it
#: for version 1 (files written with it must stay readable); a new dictionary is a new version.
ZDICT_V1 = (
    b'{"w":"","l":[{"op_code":9,"trial_id":,"system_attr":{"NSGAIISampler:generation":0}},'
    b'{"op_code":9,"trial_id":,"system_attr":{"NSGAIIISampler:generation":0}},'
    b'{"op_code":9,"trial_id":,"system_attr":{"constraints:dropped_fraction":0.0}},'
    b'{"op_code":9,"trial_id":,"system_attr":{"constraints:area_mm2":-0.},'
    b'{"op_code":9,"trial_id":,"system_attr":{"constraints:peak_power_w":-0.},'
    b'{"op_code":9,"trial_id":,"system_attr":{"constraints:avg_power_w":-0.},'
    b'{"op_code":5,"trial_id":,"param_name":"accel.rows","param_value_internal":,'
    b'"distribution":"{\\"name\\": \\"IntDistribution\\", \\"attributes\\": {\\"log\\": false, \\"step\\": 1, '
    b'\\"low\\": , \\"high\\": }}"},'
    b'{"op_code":5,"trial_id":,"param_name":"accel.freq_mhz","param_value_internal":,'
    b'"distribution":"{\\"name\\": \\"FloatDistribution\\", \\"attributes\\": {\\"step\\": null, \\"low\\": 300.0, '
    b'\\"high\\": 800.0, \\"log\\": false}}"},'
    b'{"op_code":5,"trial_id":,"param_name":"policy","param_value_internal":,'
    b'"distribution":"{\\"name\\": \\"CategoricalDistribution\\", \\"attributes\\": {\\"choices\\": '
    b'[\\"dacapo-spatiotemporal\\", \\"dacapo-spatial\\", \\"ekya-spatial\\", \\"static\\", \\"eomu\\", \\"mx4\\", '
    b'\\"mx6\\", \\"mx9\\", \\"mx4+mx6+mx9\\"]}}"},'
    b'{"op_code":5,"trial_id":,"param_name":"accel.cols","param_name":"accel.partition_granularity",'
    b'"param_name":"accel.sram_kb","param_name":"accel.dram_gbps","param_name":"accel.precision_modes",'
    b'"param_name":"dacapo-spatiotemporal.n_t","param_name":"dacapo-spatiotemporal.n_l",'
    b'"param_name":"dacapo-spatiotemporal.drift_threshold","param_name":"dacapo-spatiotemporal.infer_precision",'
    b'"param_name":"dacapo-spatiotemporal.train_precision","param_name":"static.infer_row_fraction"},'
    b'{"op_code":8,"trial_id":,"user_attr":{"fail_reason":"invalid design: "}},'
    b'{"op_code":8,"trial_id":,"user_attr":{"metrics":{"accuracy_pct":8,"avg_power_w":0.,"energy_per_frame_j":0.0,'
    b'"dropped_fraction":0.0,"area_mm2":2.,"peak_power_w":0.,"accuracy_p05":,"accuracy_p95":,'
    b'"acc_resnet18-wrn50_S1":8,"acc_resnet18-wrn50_S2":8,"acc_resnet18-wrn50_S3":8,"acc_resnet18-wrn50_S4":8,'
    b'"acc_resnet18-wrn50_S5":8,"acc_resnet18-wrn50_S6":8}}},'
    b'{"op_code":8,"trial_id":,"user_attr":{"draws":{"accuracy_pct":[8'
    b'{"op_code":6,"trial_id":,"state":1,"values":[8,0.,2.],"datetime_complete":"2026-12-01T00:00:00.000000+00:00"}'
    b']}'
)


class JournalCorrupt(DseError):
    """A journal line that cannot be parsed (not the torn last line of a crash)."""


def encode(logs: list[dict[str, Any]]) -> bytes:
    """One line: ``z`` + base85(zlib(...)), so every record carries zlib's checksum."""
    worker = logs[0].get("worker_id")
    body = {"w": worker, "l": [{k: v for k, v in log.items() if not (k == "worker_id" and v == worker)}
                               for log in logs]}
    packer = zlib.compressobj(9, zdict=ZDICT_V1)
    packed = packer.compress(json.dumps(body, separators=(",", ":")).encode()) + packer.flush()
    return COMPRESSED + base64.b85encode(packed) + b"\n"


#: The fields each journal operation must carry (Optuna's JournalOperation codes).
REQUIRED = {0: ("study_name", "directions"), 1: ("study_id",), 2: ("study_id", "user_attr"),
            3: ("study_id", "system_attr"), 4: ("study_id",), 5: ("trial_id", "param_name", "param_value_internal",
                                                                  "distribution"),
            6: ("trial_id", "state", "values"), 7: ("trial_id", "step", "intermediate_value"),
            8: ("trial_id", "user_attr"), 9: ("trial_id", "system_attr")}


def check_log(log: Any) -> dict[str, Any]:
    """`log` if it has an operation and that operation's fields, else ValueError."""
    if not isinstance(log, dict) or log.get("op_code") not in REQUIRED or "worker_id" not in log:
        raise ValueError("not a journal record")
    missing = [k for k in REQUIRED[log["op_code"]] if k not in log]
    if missing:
        raise ValueError(f"a record without {missing[0]}")
    return log


def _decode(line: bytes) -> list[dict[str, Any]]:
    """The logs of one complete line of a compact journal; ValueError if it is not a record."""
    if not line.startswith(COMPRESSED):
        header = json.loads(line)
        if isinstance(header, dict) and FORMAT_KEY in header:
            return []
        raise ValueError("not a compressed record")
    unpacker = zlib.decompressobj(zdict=ZDICT_V1)
    try:
        body = json.loads(unpacker.decompress(base64.b85decode(line[1:].rstrip(b"\r\n"))) + unpacker.flush())
    except (ValueError, zlib.error) as err:
        raise ValueError(str(err)) from None
    if not isinstance(body, dict) or not isinstance(body.get("l"), list) or not body["l"]:
        raise ValueError("not a grouped record")
    return [check_log({"worker_id": body.get("w"), **log}) for log in body["l"]]


def is_compact(path: pathlib.Path) -> bool:
    """Whether `path` is (or, empty or missing, will be) a compact journal."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        return FORMAT_KEY in json.loads(first)
    except (ValueError, TypeError):
        return False


class CompactJournalBackend(BaseJournalBackend):
    """Optuna's journal backend interface over a compact journal file (see module docstring).
    Appends hold `JournalFileOpenLock`; a failed append (a full disk) is cut back to the file's
    previous end, so no torn record is left, and raised as one clear error."""

    def __init__(self, path: str | os.PathLike):
        self.path = pathlib.Path(path)
        self._lock = JournalFileOpenLock(str(self.path))
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._append_bytes(HEADER.encode())
        self._position = 0  # byte offset of the next unread line
        self._count = 0  # logs before it

    def read_logs(self, log_number_from: int) -> Iterator[dict[str, Any]]:
        if log_number_from < self._count:
            self._position, self._count = 0, 0  # a fresh reader: from the start
        for end, logs in self.records(self._position):
            for log in logs:
                if self._count >= log_number_from:
                    yield log
                self._count += 1
            self._position = end

    def records(self, position: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(end offset, logs) of each complete record from byte `position` (a record's start);
        an unparsable record raises `JournalCorrupt`, a last line still being written ends it."""
        size = self.path.stat().st_size
        with self.path.open("rb") as fh:
            fh.seek(position)
            while fh.tell() < size:
                start = fh.tell()
                line = fh.readline()
                if not line.endswith(b"\n") or fh.tell() > size:
                    break  # being written, or torn by a crash: not a record yet
                try:
                    logs = _decode(line)
                except ValueError as err:
                    number = _line_number(self.path, start)
                    raise JournalCorrupt("journal", f"line {number} is not a readable record ({err}); "
                                                    f"'dse study repair --storage {self.path}' sets it aside in "
                                                    f"{self.path.name}.corrupt and keeps every other record",
                                         str(self.path)) from None
                yield fh.tell(), logs

    @property
    def position(self) -> int:
        """The byte offset after the last record `read_logs` read."""
        return self._position

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the append lock: no other process appends until the block ends (`append_locked`)."""
        self._lock.acquire()
        try:
            yield
        finally:
            self._lock.release()

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        self._append_bytes(encode(logs))

    def _append_bytes(self, data: bytes) -> None:
        with self.exclusive():
            self.append_locked(data)

    def append_locked(self, data: bytes) -> int:
        """Append `data` (whole records) under `exclusive`, synced to disk; returns the file's new
        end. A failed write (a full disk) is cut back to the previous end and raised as one error."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            end = os.lseek(fd, 0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            except OSError as err:
                os.ftruncate(fd, end)  # no torn record
                raise DseError("storage", f"cannot append to the journal ({err.strerror or err}); nothing of "
                                          "this write was kept: free space, then 'dse study resume'",
                               str(self.path)) from None
            return end + len(data)
        finally:
            os.close(fd)


def _line_number(path: pathlib.Path, offset: int) -> int:
    with path.open("rb") as fh:
        return fh.read(offset).count(b"\n") + 1


#: Trial writes held back until the trial finishes.
_GROUPED = (JournalOperation.SET_TRIAL_PARAM, JournalOperation.SET_TRIAL_USER_ATTR,
            JournalOperation.SET_TRIAL_SYSTEM_ATTR)


class GroupingJournalStorage(JournalStorage):
    """An Optuna `JournalStorage` that writes a running trial's own parameters and attributes in
    one record with its final state (see the module docstring)."""

    def __init__(self, backend: BaseJournalBackend):
        self._held: dict[int, list[dict[str, Any]]] = {}
        self._mine: set[int] = set()
        super().__init__(backend)

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        self._held, self._mine = {}, set()

    def create_new_trial(self, study_id: int, template_trial=None) -> int:
        trial_id = super().create_new_trial(study_id, template_trial)
        self._mine.add(trial_id)
        return trial_id

    def set_trial_state_values(self, trial_id: int, state, values=None) -> bool:
        taken = super().set_trial_state_values(trial_id, state, values)
        if taken and state.name == "RUNNING":
            self._mine.add(trial_id)  # an enqueued trial this process popped
        elif state.is_finished():
            self._mine.discard(trial_id)
        return taken

    def _write_log(self, op_code: int, extra_fields: dict[str, Any]) -> None:
        log = {"op_code": op_code, "worker_id": self._replay_result.worker_id, **extra_fields}
        trial_id = extra_fields.get("trial_id")
        if op_code in _GROUPED and self._holds(trial_id):
            self._held.setdefault(trial_id, []).append(log)
            self._replay_result.apply_logs([log])  # visible here at once; not counted as read
            self._replay_result.log_number_read -= 1
            return
        held = self._held.pop(trial_id, []) if op_code == JournalOperation.SET_TRIAL_STATE_VALUES else []
        self._backend.append_logs([*held, log])

    def _holds(self, trial_id: int | None) -> bool:
        """A trial this process created or popped and is running: its writes are its own until it
        finishes."""
        if trial_id not in self._mine:
            return False
        trial = self._replay_result._trials.get(trial_id)
        return trial is not None and trial.state.name == "RUNNING"
