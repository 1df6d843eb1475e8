"""Errors raised by `workloads` (which must not import `dse`)."""

from __future__ import annotations


class WorkloadError(ValueError):
    """Bad workload input: names the file (if any), the field and the bad value."""

    def __init__(self, field: str, problem: str, source: str | None = None):
        self.field = field
        self.problem = problem
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field}: {problem}")
