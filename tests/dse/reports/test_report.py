"""`dse report`: every section, the HTML table equals pareto.csv, summary equals the storage."""

from __future__ import annotations

import csv
import pathlib
import re
from html.parser import HTMLParser

import pytest

from dse.cli import main
from dse.search import study as st
from dse.search.spec import load_spec
from tests.cli_helpers import run

TINY = pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.rows, self._row, self._cell, self._in_designs = set(), [], None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table" and a.get("id") == "designs-table":
            self._in_designs = True
        if self._in_designs and tag == "tr":
            self._row = []
        if self._in_designs and tag in ("td", "th"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if self._in_designs and tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell)
            self._cell = None
        if self._in_designs and tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        if tag == "table":
            self._in_designs = False




@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rep")
    journal = str(tmp / "s.journal")
    st.create(load_spec(str(TINY)), journal)
    st.run("tiny", journal)
    out = tmp / "out"
    with pytest.raises(SystemExit) as info:
        main(["report", "tiny", "--storage", journal, "--out", str(out)])
    assert info.value.code == 0
    return out, journal


def test_every_file_and_section(report_dir):
    out, _ = report_dir
    for name in ("index.html", "summary.md", "pareto.csv", "trials.parquet", "pareto.png", "hypervolume.png"):
        assert (out / name).stat().st_size > 0
    page = _Page()
    page.feed((out / "index.html").read_text())
    assert {"summary", "pareto", "hypervolume", "importances", "designs", "designs-table"} <= page.ids
    text = (out / "index.html").read_text()
    assert "<svg" in text and "DaCapo" in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_html_table_equals_pareto_csv(report_dir):
    out, _ = report_dir
    page = _Page()
    page.feed((out / "index.html").read_text())
    with (out / "pareto.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert page.rows == rows and len(rows) > 1


def test_summary_numbers_equal_the_storage(report_dir):
    out, journal = report_dir
    info = st.status("tiny", journal)
    text = (out / "summary.md").read_text()
    counts = dict(re.findall(r"(complete|failed|pruned|running): (\d+)", text))
    assert {k: int(v) for k, v in counts.items()} == {k: info[k] for k in ("complete", "failed", "pruned", "running")}
    assert f"Pareto designs (feasible): {info['pareto_size']}" in text


def test_missing_study_exits_2(capsys, tmp_path):
    journal = tmp_path / "s.journal"
    st.create(load_spec(str(TINY)), str(journal))
    code, _, err = run(capsys, "report", "nope", "--storage", str(journal), "--out", str(tmp_path / "o"))
    assert code == 2 and "no study named 'nope'" in err


def test_empty_study_says_so(capsys, tmp_path):
    journal = tmp_path / "s.journal"
    st.create(load_spec(str(TINY)), str(journal))
    code, out, _ = run(capsys, "report", "tiny", "--storage", str(journal), "--out", str(tmp_path / "o"))
    assert code == 0 and "no completed feasible trials" in out
    assert "No completed feasible trials" in (tmp_path / "o" / "summary.md").read_text()
    assert "No completed feasible trials" in (tmp_path / "o" / "index.html").read_text()


def test_compare_overlays_studies_and_reports_the_exhaustive_fraction(capsys, tmp_path):
    from dse.search.sweep import run_sweep

    small = pathlib.Path(__file__).parents[2] / "data" / "studies" / "quality-small.toml"
    spec = load_spec(str(small))
    journal = str(tmp_path / "c.journal")
    st.create(spec, journal, 40)
    st.run(spec.name, journal)
    run_sweep(spec, str(tmp_path / "grid.parquet"), True, 0)
    code, out, _ = run(capsys, "report", "compare", spec.name, "--storage", journal, "--reference",
                       str(tmp_path / "grid.parquet"), "--out", str(tmp_path / "cmp"))
    assert code == 0
    fraction = float(re.search(r"qsmall: hypervolume [\d.]+, ([\d.]+)% of the exhaustive", out).group(1))
    assert 0 < fraction <= 100.0
    page = _Page()
    page.feed((tmp_path / "cmp" / "index.html").read_text())
    assert {"summary", "pareto", "hypervolume"} <= page.ids


def test_without_matplotlib_the_report_and_reproduction_skip_their_pngs_and_say_so(capsys, tmp_path, monkeypatch):
    import importlib.util

    from dse.search import study as st
    from dse.search.spec import load_spec

    journal = str(tmp_path / "s.journal")
    st.create(load_spec(str(TINY)), journal, 10)
    st.run("tiny", journal)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    code, out, err = run(capsys, "report", "tiny", "--storage", journal, "--out", str(tmp_path / "r"))
    assert code == 0 and err.strip() == "note: skipped pareto.png, hypervolume.png: matplotlib is not installed " \
                                       "(pip install matplotlib)"
    assert (tmp_path / "r" / "index.html").exists() and not (tmp_path / "r" / "pareto.png").exists()
    code, out, err = run(capsys, "reproduce", "dacapo", "--out", str(tmp_path / "d"))
    assert code == 0 and "note: skipped figure9.png" in err and (tmp_path / "d" / "figure9.csv").exists()
