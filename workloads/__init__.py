"""Workloads: layer zoo and GEMM tables, importers, scenarios, accuracy proxies.

Knows nothing about hardware.
"""

from .errors import WorkloadError
from .gemm import KINDS, GemmTable

__all__ = ["KINDS", "GemmTable", "WorkloadError"]
