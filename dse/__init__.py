"""cl-dse: design-space exploration for continuous-learning accelerators.

The public API (docs/api.md): `simulate`, `evaluate`, `run_study`, `resume_study`, `run_worker`,
`status`, `trials`, `list_studies`, `delete_study`, `repair_studies`, `serve_dashboard`, `report`,
`compare_reports`, `reproduce_dacapo`, `compare_samplers`, `sweep`, `enqueue_best`, `accel_info`,
`accel_eval`, `validate_proxies`, `proxies_summary`, `fit_proxies`, `profile_proxies`,
`check_proxies`, `run_bench`, and `SimParams`, the simulator's constants. Every `dse` command is
one of these functions under a thin command line.
"""

from .errors import DseError
from .sim.params import SimParams

#: The API's functions live in `dse.api`, imported on first use (PEP 562), so that `import dse`,
#: and every `dse` command that does not need them, starts without the search and report code.
_API = ("accel_design", "accel_eval", "accel_info", "check_proxies", "compare_reports", "compare_samplers",
        "delete_study", "enqueue_best", "evaluate", "fit_proxies", "list_studies", "profile_proxies",
        "proxies_summary", "repair_studies", "report", "reproduce_dacapo", "resume_study", "run_simulation",
        "run_study", "run_worker", "serve_dashboard", "simulate", "status", "sweep", "sweep_size", "trials",
        "validate_proxies")


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    if name == "run_bench":  # `dse bench`; the module dse.bench holds the sections
        from .bench import run

        return run
    raise AttributeError(f"module 'dse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API, "run_bench"])


__version__ = "0.1.0"

__all__ = ["DseError", "SimParams", "__version__", *_API, "run_bench"]
