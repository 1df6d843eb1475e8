"""cl-dse: design-space exploration for continuous-learning accelerators.

The public API (docs/api.md): `simulate`, `evaluate`, `run_study`, `resume_study`, `run_worker`,
`status`, `trials`, `list_studies`, `delete_study`, `repair_studies`, `report`, `reproduce_dacapo`,
and `SimParams`, the simulator's constants. Every
`dse` command is one of these functions under a thin command line.
"""

from .errors import DseError
from .sim.params import SimParams

#: The API's functions live in `dse.api`, imported on first use (PEP 562), so that `import dse`,
#: and every `dse` command that does not need them, starts without the search and report code.
_API = ("check_proxies", "compare_samplers", "delete_study", "evaluate", "list_studies", "profile_proxies",
        "repair_studies", "report", "reproduce_dacapo", "resume_study", "run_simulation", "run_study",
        "run_worker", "simulate", "status", "trials")


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'dse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__version__ = "0.1.0"

__all__ = ["DseError", "SimParams", "__version__", *_API]
