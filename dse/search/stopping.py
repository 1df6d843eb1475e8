"""When a study stops before its trial budget: a wall-clock limit, or a hypervolume plateau.

Checked after every batch, so a study ends within one batch of the limit (a batch takes well
under a second on the shipped studies), with every finished trial stored. Why it stopped is
recorded in the study (`STOPPED_ATTR`) and shown in its report.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DseError

STOPPED_ATTR = "dse.stopped"
#: Default relative improvement of the hypervolume below which a batch counts as no progress.
DEFAULT_PLATEAU_TOLERANCE = 1e-3


@dataclass(frozen=True)
class StopRule:
    """`timeout_s`: stop once this many seconds have passed; `plateau_batches` K: stop when the
    hypervolume has not grown by more than `plateau_tolerance` (relative) over the last K batches."""

    timeout_s: float | None = None
    plateau_batches: int | None = None
    plateau_tolerance: float = DEFAULT_PLATEAU_TOLERANCE

    def __post_init__(self) -> None:
        if self.timeout_s is not None and not self.timeout_s > 0:
            raise DseError("--timeout", f"must be a positive number of seconds, got {self.timeout_s!r}")
        if self.plateau_batches is not None and self.plateau_batches < 1:
            raise DseError("--stop-on-plateau", f"must be a number of batches >= 1, got {self.plateau_batches!r}")
        if not 0 <= self.plateau_tolerance < 1:
            raise DseError("--plateau-tolerance", f"must be in [0, 1), got {self.plateau_tolerance!r}")

    @property
    def needs_hypervolume(self) -> bool:
        return self.plateau_batches is not None

    def reason(self, elapsed_s: float, history: list[float]) -> dict | None:
        """Why to stop now (a record for `STOPPED_ATTR`), or None to go on."""
        if self.timeout_s is not None and elapsed_s >= self.timeout_s:
            return {"rule": "timeout", "limit_s": self.timeout_s, "elapsed_s": round(elapsed_s, 3)}
        k = self.plateau_batches
        if k is not None and len(history) > k:
            before, now = history[-1 - k], history[-1]
            if now - before <= self.plateau_tolerance * max(abs(before), 1e-300):
                return {"rule": "plateau", "batches": k, "tolerance": self.plateau_tolerance,
                        "hypervolume": now, "elapsed_s": round(elapsed_s, 3)}
        return None


def describe_stop(record: dict) -> str:
    """One phrase for a `STOPPED_ATTR` record (the CLI's and the report's wording)."""
    if record.get("rule") == "timeout":
        return f"time limit of {record['limit_s']:g} s reached after {record['elapsed_s']:.1f} s"
    if record.get("rule") == "plateau":
        return (f"hypervolume plateau: no growth above {record['tolerance']:g} (relative) over "
                f"{record['batches']} batches, at {record['hypervolume']:.6g}")
    return str(record)
