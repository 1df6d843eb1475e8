"""Every physical constant of the accelerator model, each with its source.

Technology: 28 nm, as DaCapo's implementation (reference/dacapo.md, "Hardware").
Logic energies and areas start from Horowitz, "Computing's energy problem (and what we can
do about it)", ISSCC 2014, Fig. 1.1.9 (45 nm, 0.9 V), and are scaled to 28 nm:
area by (28/45)^2 (ideal density scaling) and energy by `ENERGY_SCALE_45_TO_28`.
Two constants are *calibrated* rather than taken from a source; they say so and show the data.
"""

from __future__ import annotations

# --- technology scaling --------------------------------------------------------------------
#: Ideal area scaling 45 nm -> 28 nm, (28/45)^2.
AREA_SCALE_45_TO_28 = (28.0 / 45.0) ** 2
#: Dynamic-energy scaling 45 nm -> 28 nm. Stillmaker & Baas, "Scaling equations for the
#: accurate prediction of CMOS device performance from 180 nm to 7 nm", Integration 58 (2017),
#: Table 4 (planar bulk, nominal Vdd): energy 45 nm : 28 nm is about 1 : 0.52.
ENERGY_SCALE_45_TO_28 = 0.52

# --- arithmetic (Horowitz ISSCC 2014, 45 nm) ------------------------------------------------
INT8_MULT_PJ_45 = 0.2
INT8_MULT_UM2_45 = 282.0
INT8_ADD_PJ_45 = 0.03
INT8_ADD_UM2_45 = 36.0
INT32_ADD_PJ_45 = 0.1
INT32_ADD_UM2_45 = 137.0
FP16_MULT_PJ_45 = 1.1
FP16_MULT_UM2_45 = 1640.0
FP32_ADD_PJ_45 = 0.9
FP32_ADD_UM2_45 = 4184.0

# --- registers ---------------------------------------------------------------------------------
#: D flip-flop area at 45 nm: NanGate FreePDK45 Open Cell Library, DFF_X1 = 4.522 um^2.
DFF_UM2_45 = 4.522
#: Clocked flop energy per bit per cycle at 45 nm: taken as 1/6 of an 8-bit add's 0.03 pJ
#: (assumption; flop clock energy is of the order of one full-adder bit).
DFF_PJ_45 = 0.005

# --- SRAM ---------------------------------------------------------------------------------------
#: Horowitz ISSCC 2014: a 64-bit read costs 10 / 20 / 100 pJ from 8 KB / 32 KB / 1 MB SRAM at
#: 45 nm. E(kb) = 10 pJ * sqrt(kb / 8) fits all three within 13%; per bit that is
SRAM_PJ_PER_BIT_8KB_45 = 10.0 / 64.0
SRAM_REFERENCE_KB = 8.0
#: 6T bitcell area at 28 nm: 0.127 um^2 (TSMC 28 nm high-density cell, reported at IEDM 2011).
SRAM_BITCELL_UM2_28 = 0.127
#: Fraction of a small SRAM macro's area that is bitcells (periphery, sense amps, decoders).
#: Assumption: 0.5, typical of compiled macros of tens of KB.
SRAM_ARRAY_EFFICIENCY = 0.5

# --- DRAM ----------------------------------------------------------------------------------------
#: LPDDR5 access energy, pJ per bit transferred. Assumption: 4 pJ/bit, the order published for
#: LPDDR4X/LPDDR5 interfaces plus core (e.g. Micron's LPDDR5 brief; O'Connor et al., MICRO 2017,
#: Fig. 1 places LPDDR4 at about 4-5 pJ/bit).
DRAM_PJ_PER_BIT = 4.0

# --- leakage ---------------------------------------------------------------------------------------
#: Static power density of 28 nm logic + SRAM, W per mm^2. Assumption: 0.01 W/mm^2, the order
#: of a low-leakage 28 nm process at room temperature.
LEAKAGE_W_PER_MM2 = 0.01

# --- dot-product engine composition (derived from the numbers above) ---------------------------------
#: A DPE of width B has B multipliers of DPE_SLICE_BITS (formats.py) bits, a B-input adder tree,
#: a shift-and-add combiner for multi-pass formats, one FP32 accumulator, a shared-exponent adder
#: and pipeline registers for two B-element operands plus the accumulator.
#: Assumptions (our design, not published): the tree's adders average 6 bits (4-bit products
#: growing by one bit per level over 4 levels), and the multi-pass combiner is 24 bits wide (an
#: 8x8-bit product, 16 bits, plus the tree's 4 bits of growth and shift headroom).
DPE_TREE_ADDER_BITS = 6
DPE_COMBINE_ADDER_BITS = 24

# --- calibrated -----------------------------------------------------------------------------------
#: Area of everything on the chip that is neither PE datapath nor SRAM (control, MX quantizers,
#: the vector unit for non-GEMM work, interconnect, I/O), as a multiple of the PE-array datapath
#: area. CALIBRATED to DaCapo's published 2.501 mm^2 (16x16 DPEs, B = 16, MX4/MX6/MX9, 96 KB):
#: the bottom-up model gives 0.6405 mm^2 of PE datapath and 0.1998 mm^2 of SRAM, so
#: (2.501 - 0.1998) / 0.6405 - 1 = 2.593. `python -m accel.breakdown` prints the breakdown.
UNCORE_AREA_PER_PE_AREA = 2.593

#: Multiplier on the bottom-up on-chip dynamic energies (PE steps, SRAM bits); DRAM is off-chip
#: and not scaled. CALIBRATED to DaCapo's published 0.236 W, read as its peak power: uncalibrated,
#: the preset's peak (all PEs busy in MX4, the format with the most SRAM traffic per cycle) is
#: 0.4330 W of which 0.0250 W leakage, so (0.236 - 0.0250) / (0.4330 - 0.0250) = 0.517.
#: Horowitz's 64-bit SRAM reads overstate the per-bit cost of the wide block reads a DPE array
#: makes, which is the main reason the factor is below 1.
DYNAMIC_ENERGY_CALIBRATION = 0.517

#: Pipeline stages of a dot-product engine (multiplier slices, adder tree, combiner, FP32
#: accumulator) refilled at every fold; each stage holds a block for `cycles_per_block` cycles,
#: so a fold of a DPE array costs DPE_PIPELINE_STAGES * cycles_per_block extra cycles.
#: CALIBRATED to DaCapo's artifact timings for ResNet18, batch 1 (reference/dacapo.md: 1.56 /
#: 4.77 / 18.3 ms on 16 rows in MX4 / MX6 / MX9, 20.1 ms on one row in MX4), by least squares on
#: the *relative* error, since the four timings span an order of magnitude: the optimum is 4.06,
#: rounded to a whole number of stages. With 4 the model gives 1.647 / 4.791 / 17.37 / 20.16 ms
#: (+5.6 / +0.4 / -5.1 / +0.3 %, RMS 3.8 %); without the term, 1.567 / 4.472 / 16.09 / 18.91 ms.
#: (An earlier fit on absolute error gave 5.35 -> 5, RMS 4.1 %, which the MX9 point dominates;
#: with 5 ResNet34's 4-row frame took 33.48 ms, 0.4 % over the frame budget, with 4 it takes
#: 33.01 ms.) Scalar MAC arrays have no such term (they match SCALE-Sim exactly).
DPE_PIPELINE_STAGES = 4
