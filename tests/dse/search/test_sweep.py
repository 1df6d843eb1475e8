"""`dse sweep`: reproducible samples whatever the workers, exhaustive grids, clear errors."""

from __future__ import annotations

import pathlib

import pyarrow.parquet as pq

from dse.search.quality import sweep_hypervolume
from dse.search.spec import load_spec
from dse.search.sweep import run_sweep
from tests.cli_helpers import run

TINY = pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml"
GRID = """name = "g"
scenarios = ["S1"]
[accel]
rows = {choices = [8, 16]}
freq_mhz = {choices = [400.0, 500.0, 800.0]}
[policy.dacapo-spatiotemporal]
n_t = {choices = [128, 324]}
[policy.static]
"""




def test_samples_identical_for_one_and_two_workers(tmp_path):
    spec = load_spec(str(TINY))
    run_sweep(spec, str(tmp_path / "a.parquet"), False, 1500, n_jobs=1)
    run_sweep(spec, str(tmp_path / "b.parquet"), False, 1500, n_jobs=2)
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    assert a.num_rows == 1500 and a.equals(b)


def test_grid_covers_every_point(capsys, tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(GRID)
    out = tmp_path / "g.parquet"
    code, _, _ = run(capsys, "sweep", str(path), "--grid", "-o", str(out))
    table = pq.read_table(out).to_pydict()
    assert code == 0 and len(table["failed"]) == 2 * 3 * 2 + 2 * 3  # st: 12 combinations, static: 6
    combos = set(zip(table["param.accel.rows"], table["param.accel.freq_mhz"], table["param.policy"],
                     table["param.dacapo-spatiotemporal.n_t"], strict=True))
    assert len(combos) == 18
    assert sweep_hypervolume(str(out), load_spec(str(path))) > 0


def test_grid_on_a_continuous_space_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "sweep", str(TINY), "--grid", "-o", str(tmp_path / "x.parquet"))
    assert code == 2 and "accel.freq_mhz" in err and not (tmp_path / "x.parquet").exists()


def test_enqueue_the_best_into_a_study(capsys, tmp_path):
    from dse.search import study as st

    path = tmp_path / "g.toml"
    path.write_text(GRID + 'n_trials = 5\\n'.replace("\\\\n", "\\n") if False else GRID)
    journal = str(tmp_path / "s.journal")
    st.create(load_spec(str(path)), journal, 1)
    code, out, _ = run(capsys, "sweep", str(path), "--grid", "-o", str(tmp_path / "g.parquet"), "--enqueue", "g",
                       "--top", "3", "--storage", journal)
    assert code == 0 and "enqueued 3 Pareto candidates" in out
    waiting = [t for t in st.load("g", journal).get_trials() if t.state.name == "WAITING"]
    assert len(waiting) == 3
    enqueued = sorted(str(sorted(t.system_attrs["fixed_params"].items())) for t in waiting)
    st.load("g", journal).set_user_attr(st.TARGET_ATTR, 3)
    st.run("g", journal)  # the enqueued candidates are evaluated first and match the sweep's values
    done = [t for t in st.load("g", journal).get_trials() if t.state.name == "COMPLETE"]
    assert len(done) == 3 and all("metrics" in t.user_attrs for t in done)
    assert sorted(str(sorted({k: t.params[k] for k in t.system_attrs["fixed_params"]}.items())) for t in done) \
        == enqueued
