"""Number formats a design may support, and what each costs on a dot-product engine.

A DaCapo DPE has B lanes of 2-bit multipliers; a format whose mantissa has m bits needs
ceil(m/2)^2 passes over the lanes, so one B-element block dot product takes
1 / 4 / 16 cycles in MX4 / MX6 / MX9 (reference/dacapo.md, "Hardware").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import AccelError

#: Width of one DPE multiplier slice, bits (DaCapo: 16 lanes of 2-bit multipliers).
DPE_SLICE_BITS = 2


@dataclass(frozen=True)
class NumberFormat:
    name: str
    bits_per_element: float  # average storage bits, shared exponent amortized
    mantissa_bits: int  # multiplier operand width including sign/implicit bit
    block_scaled: bool  # MX-style shared exponent (no per-element alignment)

    @property
    def dpe_cycles_per_block(self) -> int:
        slices = -(-self.mantissa_bits // DPE_SLICE_BITS)
        return slices * slices


# MX4/MX6/MX9 carry 2/4/7 mantissa bits plus sign (DaCapo Sec. II, "about 4/6/9 bits per
# element"); MX9's 7+sign is an 8-bit multiplier operand. INT8 is 8 bits; BF16 has 7 stored
# mantissa bits + the implicit one; FP32 is listed only as the accuracy reference.
FORMATS: dict[str, NumberFormat] = {
    "mx4": NumberFormat("mx4", 4.0, 2, True),
    "mx6": NumberFormat("mx6", 6.0, 4, True),
    "mx9": NumberFormat("mx9", 9.0, 8, True),
    "int8": NumberFormat("int8", 8.0, 8, False),
    "bf16": NumberFormat("bf16", 16.0, 8, False),
}

FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)
#: Bit i of a design's ``precision_modes`` set means FORMAT_NAMES[i] is supported.
FORMAT_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(FORMAT_NAMES)}
ALL_FORMATS_MASK = (1 << len(FORMAT_NAMES)) - 1

BITS_PER_ELEMENT = np.array([FORMATS[n].bits_per_element for n in FORMAT_NAMES])
DPE_CYCLES_PER_BLOCK = np.array([FORMATS[n].dpe_cycles_per_block for n in FORMAT_NAMES], dtype=np.int64)


def format_index(name: str, field: str = "precision") -> int:
    """Index of a format name in FORMAT_NAMES; an AccelError names the field otherwise."""
    key = str(name).lower()
    if key not in FORMATS:
        raise AccelError(field, f"unknown format {name!r} (known: {', '.join(FORMAT_NAMES)})")
    return FORMAT_NAMES.index(key)


def modes_mask(names: list[str] | tuple[str, ...], field: str = "precision_modes") -> int:
    """Bit set of the listed format names."""
    if len(names) == 0:
        raise AccelError(field, "must list at least one format")
    mask = 0
    for name in names:
        mask |= 1 << format_index(name, field)
    return mask


def mask_names(mask: int) -> list[str]:
    """Format names in a bit set, in FORMAT_NAMES order."""
    return [n for i, n in enumerate(FORMAT_NAMES) if mask >> i & 1]
