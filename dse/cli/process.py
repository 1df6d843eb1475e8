"""Whether a command owns its process, and what only such a command may do."""

from __future__ import annotations

import gc

import click

#: Commands that say themselves when their start is over (after a first batch: the study open
#: and the compiled engine loaded); every other command's start ends as it is dispatched.
SETTLE_LATE = {"worker", "study start", "study resume"}


class OwnProcess:
    """Whether the command owns its process (`dse ...`, not `main([...])` in a test or notebook).
    Only then may it switch the garbage collector off for its start and freeze what the start
    loaded (`gc.freeze`): what is frozen is never collected, which would leak in a longer-lived
    caller.

    * A start only adds long-lived state (modules, the storage, the compiled engine), which the
      collector traversed again and again while it grew: a one-trial `dse worker` on PostgreSQL
      took 1.22 s (best of eight) / 1.38 s (median) collecting, 0.92 / 1.15 s with its start
      uncollected, the two versions taking turns.
    * Frozen objects are skipped by every later collection, including the ones Python runs at
      exit: those took 0.5-0.6 s of a `dse worker`'s exit after a 3,000-trial study with Numba
      loaded (py-spy: gc_collect_main), 0.06 s frozen. A worker that freezes its long-lived state
      after its first batch spent 0.25-0.29 s in collections over 3,000 trials instead of
      0.48-0.51 s."""

    def __init__(self, owned: bool):
        self.owned = owned
        self._starting = owned
        if owned:
            gc.disable()

    def settled(self) -> None:
        """The start is over: freeze what it loaded and collect again from here on."""
        if self._starting:
            self._starting = False
            gc.freeze()
            gc.enable()

    def ending(self) -> None:
        """The process ends next: skip the collections of interpreter shutdown."""
        if self.owned:
            gc.freeze()


def command_starts(ctx: click.Context) -> None:
    """From a group's callback: the start of the subcommand about to run is over, unless that
    subcommand (or one of a group's) says so itself later (`SETTLE_LATE`)."""
    own = ctx.find_object(OwnProcess)
    path = " ".join(([ctx.info_name] if ctx.parent is not None else []) + [ctx.invoked_subcommand or ""])
    if own is not None and not any(late == path or late.startswith(path + " ") for late in SETTLE_LATE):
        own.settled()
