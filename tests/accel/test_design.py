"""Design batches: construction, presets, validation errors that name the field."""

from __future__ import annotations

import numpy as np
import pytest

from accel import AccelError, Design, load_design
from accel.formats import mask_names


def test_dacapo_preset_is_the_published_design():
    d = Design.preset("dacapo")
    rec = d.to_records()[0]
    assert rec == {"rows": 16, "cols": 16, "partition_granularity": 1, "precision_modes": ["mx4", "mx6", "mx9"],
                   "dataflow": "os", "sram_kb": 96.0, "dram_gbps": 204.8, "freq_mhz": 500.0, "pe": "dpe",
                   "dpe_width": 16}


def test_records_round_trip():
    d = Design.from_records([{"rows": 32, "cols": 8, "partition_granularity": 4, "precision_modes": ["mx6", "bf16"],
                              "dataflow": "ws"}, {"preset": "systolic-16x16", "rows": 8}])
    assert len(d) == 2
    again = Design.from_records(d.to_records())
    for f in ("rows", "cols", "precision_modes", "dataflow", "pe_kind", "dpe_width"):
        np.testing.assert_array_equal(getattr(again, f), getattr(d, f))
    assert mask_names(int(d.precision_modes[0])) == ["mx6", "bf16"]


@pytest.mark.parametrize("record, field, text", [
    ({"rows": 0}, "rows", "got 0"),
    ({"rows": 8, "partition_granularity": 16}, "partition_granularity", "must not exceed rows"),
    ({"rows": 12, "partition_granularity": 5}, "partition_granularity", "must divide rows"),
    ({"precision_modes": ["mx5"]}, "precision_modes", "unknown format 'mx5'"),
    ({"dram_gbps": -1.0}, "dram_gbps", "positive"),
    ({"dataflow": "xs"}, "dataflow", "unknown dataflow"),
    ({"colz": 3}, "colz", "unknown key"),
    ({"rows": "16"}, "rows", "must be a number"),
    ({"pe": "mac", "dpe_width": 16}, "dpe_width", "must be 1"),
])
def test_invalid_designs_name_the_field(record, field, text):
    with pytest.raises(AccelError) as info:
        Design.from_records([record])
    assert info.value.field == field
    assert text in str(info.value)


def test_array_errors_name_the_candidate():
    with pytest.raises(AccelError) as info:
        Design.from_arrays(rows=[16, 16, 0], cols=[16, 16, 16])
    assert info.value.field == "rows" and info.value.index == 2


def test_load_design_from_toml(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text('[design]\npreset = "dacapo"\nrows = 32\nsram_kb = 192\n')
    d = load_design(str(path))
    assert int(d.rows[0]) == 32 and float(d.sram_kb[0]) == 192.0
    path.write_text("[design\nrows=")
    with pytest.raises(AccelError, match="malformed TOML"):
        load_design(str(path))
