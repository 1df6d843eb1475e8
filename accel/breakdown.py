"""Print the DaCapo preset's area and power breakdown: `python -m accel.breakdown`.

The calibrated constants in accel/constants.py quote these figures.
"""

from __future__ import annotations

from .design import Design
from .energy import area_breakdown, peak_power_w

if __name__ == "__main__":
    d = Design.preset("dacapo")
    a = area_breakdown(d)
    print(f"PE datapath {a.pe_um2[0]:.1f} um^2, array {a.array_mm2[0]:.3f} mm^2, "
          f"uncore {a.uncore_mm2[0]:.3f} mm^2, SRAM {a.sram_mm2[0]:.3f} mm^2, total {a.total_mm2[0]:.3f} mm^2")
    print(f"peak power {peak_power_w(d)[0]:.3f} W")
