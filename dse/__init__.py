"""cl-dse: design-space exploration for continuous-learning accelerators.

The public API (docs/api.md): `simulate`, `evaluate`, `run_study`, `resume_study`, `status`,
`trials`, `report`, `reproduce_dacapo`, and `SimParams`, the simulator's constants. Every
`dse` command is one of these functions under a thin command line.
"""

from .api import (
    check_proxies,
    compare_samplers,
    evaluate,
    profile_proxies,
    report,
    reproduce_dacapo,
    resume_study,
    run_simulation,
    run_study,
    simulate,
    status,
    trials,
)
from .errors import DseError
from .sim.params import SimParams

__version__ = "0.1.0"

__all__ = ["DseError", "SimParams", "__version__", "check_proxies", "compare_samplers", "evaluate", "profile_proxies",
           "report", "reproduce_dacapo", "resume_study", "run_simulation", "run_study", "simulate", "status", "trials"]
