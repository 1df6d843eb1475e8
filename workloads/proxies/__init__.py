"""Accuracy proxies: how a student's accuracy responds to retraining, as Parquet tables."""

import pathlib

from .fit import CurveFit, curve, fit_curve, fit_observations
from .io import read_proxies, validate, write_proxies
from .schema import CURVES, OBSERVATIONS, PROVENANCES, TABLES, V1_UNCERTAINTY, VERSIONS, arrow_schema

#: The shipped default proxies (built by scripts/build_default_proxies.py).
DEFAULTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "data" / "proxies"
DEFAULT_CURVES = DEFAULTS_DIR / "default_curves.parquet"
#: The demo stream's model family, measured by `dse proxies profile demo` and fitted
#: (scripts/build_demo_proxies.py); read with the defaults (provenance "measured").
DEMO_CURVES = DEFAULTS_DIR / "demo_curves.parquet"

__all__ = [
    "CURVES", "CurveFit", "DEFAULTS_DIR", "DEFAULT_CURVES", "DEMO_CURVES", "OBSERVATIONS", "PROVENANCES", "TABLES",
    "V1_UNCERTAINTY", "VERSIONS", "arrow_schema",
    "curve", "fit_curve", "fit_observations", "read_proxies", "validate", "write_proxies",
]
