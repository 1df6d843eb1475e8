"""cl-dse: continuous-learning simulator, search space, studies, reports and the CLI."""

__version__ = "0.1.0"
