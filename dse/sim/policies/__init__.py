"""Allocation policies, registered by the name used in TOML and on the command line."""

from ..contracts import Param, WindowContext
from ._base import AllocationPolicy
from .alert import Alert
from .dacapo_spatial import DacapoSpatial
from .dacapo_spatiotemporal import DacapoSpatiotemporal
from .dynamic_ofa import DynamicOfa
from .edgeol import EdgeOL
from .ekya import Ekya
from .ekya_spatial import EkyaSpatial
from .eomu import Eomu
from .oracle import Oracle
from .static import Static

POLICIES: dict[str, type[AllocationPolicy]] = {
    cls.name: cls
    for cls in (DacapoSpatiotemporal, DacapoSpatial, Ekya, EkyaSpatial, Eomu, Alert, DynamicOfa, EdgeOL, Static, Oracle)
}

__all__ = ["POLICIES", "AllocationPolicy", "Param", "WindowContext"]
