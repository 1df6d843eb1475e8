"""Scenarios: shipped S1-S6 / ES1-ES2 and validation of user files."""

from __future__ import annotations

import numpy as np
import pytest

from workloads import WorkloadError
from workloads.scenarios import DACAPO_SCENARIOS, builtin_scenarios, load_scenario, parse_scenario


def test_shipped_scenarios_follow_dacapo_setting():
    assert builtin_scenarios() == ("S1", "S2", "S3", "S4", "S5", "S6", "ES1", "ES2", "demo")
    for name in DACAPO_SCENARIOS:
        s = load_scenario(name)
        assert (s.fps, s.window_s, s.n_windows, s.warmup_windows) == (30.0, 120.0, 14, 4)


def test_drifting_attributes_match_table_ii():
    def changing(name):
        segs = load_scenario(name).segments
        return {a for a in ("labels", "time_of_day", "location", "weather")
                if len({getattr(s, a) for s in segs}) > 1}
    assert changing("S1") == changing("S2") == {"labels"}
    assert changing("S3") == changing("S4") == {"labels", "time_of_day"}
    assert changing("S5") == changing("S6") == {"labels", "time_of_day", "location"}
    assert changing("ES1") == {"labels", "time_of_day", "location", "weather"}


def test_the_demo_scenario_follows_the_demo_stream():
    from workloads.profiling.stream import SEGMENTS

    demo = load_scenario("demo")
    assert len(demo.segments) == len(SEGMENTS) == 6
    assert [s.time_of_day for s in demo.segments] == ["day", "night", "day", "day", "day", "night"]
    assert [s.weather for s in demo.segments] == ["clear", "clear", "overcast", "snowy", "clear", "rainy"]


def test_segment_lookup():
    s = load_scenario("S2")  # segments of 360, 240, 360, ... s
    np.testing.assert_array_equal(s.segment_at([0, 359.9, 360, 600]), [0, 0, 1, 2])


GOOD = 'name = "u"\nfps = 30\nwindow_s = 60\n[[segments]]\nduration_s = 120\nlabels = "all"\n' \
       'time_of_day = "day"\nlocation = "city"\nweather = "clear"\n'


def test_user_file(tmp_path):
    path = tmp_path / "u.toml"
    path.write_text(GOOD)
    s = load_scenario(str(path))
    assert s.n_windows == 2 and s.warmup_windows == 0


@pytest.mark.parametrize("text, field", [
    (GOOD.replace("fps = 30", "fps = -1"), "fps"),
    (GOOD.replace('weather = "clear"', 'weather = "foggy"'), "segments[0].weather"),
    (GOOD + "colour = 1\n", "segments[0].colour"),
    (GOOD.replace("window_s = 60", "window_s = 50"), "segments"),
    (GOOD.replace('name = "u"', 'name = "u"\nspeed = 3'), "speed"),
    ("name = [", "toml"),
])
def test_broken_files_name_the_field(text, field):
    with pytest.raises(WorkloadError) as info:
        parse_scenario(text, "x.toml")
    assert info.value.field == field and info.value.source == "x.toml"
