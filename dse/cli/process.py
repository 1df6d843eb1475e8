"""Whether a command owns its process, and what only such a command may do."""

from __future__ import annotations

import gc


class OwnProcess:
    """Whether the command owns its process (`dse ...`, not `main([...])` in a test or notebook).
    Only then may it freeze the garbage collector (`gc.freeze`): what is frozen is never collected,
    which would leak in a longer-lived caller. Frozen objects are skipped by every collection,
    including the ones Python runs at exit: those took 0.5-0.6 s of a `dse worker`'s exit after a
    3,000-trial study with Numba loaded (py-spy: gc_collect_main), 0.06 s frozen. A worker that
    freezes its long-lived state after its first batch (compiled engine, database modules) spent
    0.25-0.29 s in collections over 3,000 trials instead of 0.48-0.51 s."""

    def __init__(self, owned: bool):
        self.owned = owned

    def settled(self) -> None:
        """The long-lived state is loaded: later collections need not traverse it."""
        if self.owned:
            gc.freeze()

    def ending(self) -> None:
        """The process ends next: skip the collections of interpreter shutdown."""
        if self.owned:
            gc.freeze()
