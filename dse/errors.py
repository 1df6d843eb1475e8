"""`DseError`: the root of user-facing errors on the `dse` side.

The CLI prints ``error: <file>: <field>: <what is wrong>`` and exits 2. `accel` and
`workloads` raise their own ValueError subclasses; `wrap` gives them the same shape.
"""

from __future__ import annotations

from accel.errors import AccelError
from workloads.errors import WorkloadError


class DseError(Exception):
    def __init__(self, field: str, problem: str, source: str | None = None):
        self.field = field
        self.problem = problem
        self.source = source
        super().__init__(self.line())

    def line(self) -> str:
        parts = [p for p in (self.source, self.field, self.problem) if p]
        return ": ".join(parts)


class SpecError(DseError):
    """A study or design file is invalid."""


class StudyNotFound(DseError):
    """The named study is not in the storage."""


def wrap(err: AccelError | WorkloadError, source: str | None = None, prefix: str = "") -> DseError:
    """A DseError carrying an accel/workloads error, located in `source` under key `prefix`."""
    field = f"{prefix}.{err.field}" if prefix else err.field
    if isinstance(err, AccelError) and err.index is not None:
        field = f"{field}[{err.index}]"
    return DseError(field, err.problem, err.source or source)


USER_ERRORS = (DseError, AccelError, WorkloadError)


def error_line(err: Exception) -> str:
    if isinstance(err, DseError):
        return err.line()
    return str(err)
