"""Errors raised by the accelerator model.

`accel` must not import `dse`, so it has its own `ValueError` subclass; `dse` wraps it with
the file and key path the value came from.
"""

from __future__ import annotations


class AccelError(ValueError):
    """A design or cost query is invalid: names the field, the candidate and the bad value."""

    def __init__(self, field: str, problem: str, index: int | None = None, source: str | None = None):
        self.field = field
        self.problem = problem
        self.index = index
        self.source = source
        where = f"{source}: " if source else ""
        at = f"[{index}]" if index is not None else ""
        super().__init__(f"{where}{field}{at}: {problem}")

    def with_source(self, source: str) -> AccelError:
        """The same error, located in `source` (a file name or a key path)."""
        return AccelError(self.field, self.problem, self.index, source)
