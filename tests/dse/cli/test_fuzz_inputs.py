"""Bad input, tried systematically: generated broken study files and broken Parquet proxies.

Every one must end in exit code 2 with one line naming the file, no traceback, and nothing
created (a mutation that happens to stay valid may exit 0 instead).
"""

from __future__ import annotations

import json
import math
import pathlib
import tomllib

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_helpers import run
from workloads.proxies import DEFAULTS_DIR

TINY = (pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml").read_text()
BASE = tomllib.loads(TINY)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    if isinstance(v, int | str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"


def to_toml(doc: dict, prefix: str = "") -> str:
    """A small TOML writer for study-shaped documents (tables of scalars, lists, inline tables)."""
    scalars = {k: v for k, v in doc.items() if not (isinstance(v, dict) and v and all(
        isinstance(x, dict) for x in v.values()) and prefix == "" and k == "policy") and not (
        isinstance(v, dict) and prefix == "" and k != "policy")}
    out = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in scalars.items()]
    for k, v in doc.items():
        if k in scalars:
            continue
        if k == "policy":
            for name, params in v.items():
                out.append(f"\n[policy.{json.dumps(name)}]")
                out += [f"{json.dumps(pk)} = {_toml_value(pv)}" for pk, pv in (params or {}).items()] \
                    if isinstance(params, dict) else [f"# not a table: {params!r}"]
        else:
            out.append(f"\n[{json.dumps(k)}]")
            out += [f"{json.dumps(pk)} = {_toml_value(pv)}" for pk, pv in v.items()]
    return "\n".join(out) + "\n"


def _paths(doc, prefix=()):
    for k, v in doc.items():
        yield (*prefix, k)
        if isinstance(v, dict):
            yield from _paths(v, (*prefix, k))


PATHS = list(_paths(BASE))
BAD_VALUES = st.one_of(st.just("oops"), st.just(-1), st.just(0), st.just(float("inf")), st.just(float("nan")),
                       st.just([]), st.just({"low": 5, "high": 1}), st.just({"choices": []}), st.just(True),
                       st.just({"low": 1}), st.just("mx5"), st.just(["unknown-model"]))


@st.composite
def broken_study(draw):
    import copy

    doc = copy.deepcopy(BASE)
    kind = draw(st.sampled_from(["replace", "unknown_key", "delete"]))
    path = draw(st.sampled_from(PATHS))
    node = doc
    for p in path[:-1]:
        node = node[p]
    if kind == "replace":
        node[path[-1]] = draw(BAD_VALUES)
    elif kind == "unknown_key":
        node[f"{path[-1]}_typo"] = 1
    else:
        del node[path[-1]]
    return doc




@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(broken_study())
def test_broken_study_files(capsys, tmp_path_factory, doc):
    tmp = tmp_path_factory.mktemp("fz")
    path = tmp / "study.toml"
    path.write_text(to_toml(doc))
    journal = tmp / "s.journal"
    code, out, err = run(capsys, "study", "start", str(path), "--storage", str(journal), "--n-trials", "10")
    if code == 0:
        return  # the mutation left a valid study
    assert code == 2, err
    assert err.startswith(f"error: {path}") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert not journal.exists()


def _good():
    return pq.read_table(DEFAULTS_DIR / "ekya_observations.parquet")


MUTATIONS = {
    "drop_column": lambda t, c: t.drop_columns([c]),
    "to_string": lambda t, c: t.set_column(t.column_names.index(c), c, pa.array(["x"] * t.num_rows)),
    "nan": lambda t, c: t.set_column(t.column_names.index(c), c, pa.array([float("nan")] * t.num_rows)),
    "out_of_range": lambda t, c: t.set_column(t.column_names.index(c), c, pa.array([-5.0] * t.num_rows)),
    "empty": lambda t, c: t.slice(0, 0),
    "nulls": lambda t, c: t.set_column(t.column_names.index(c), c, pa.nulls(t.num_rows, pa.float64())),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(MUTATIONS)), st.sampled_from(_good().column_names), st.booleans())
def test_broken_proxy_files(capsys, tmp_path_factory, mutation, column, truncate):
    tmp = tmp_path_factory.mktemp("pq")
    path = tmp / "obs.parquet"
    table = MUTATIONS[mutation](_good(), column)
    pq.write_table(table.replace_schema_metadata(_good().schema.metadata), path)
    if truncate:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    code, out, err = run(capsys, "proxies", "validate", str(path))
    if mutation == "to_string" and column == "scenario" and not truncate:
        assert code == 0  # any name is a valid scenario: this mutation leaves the file valid
        return
    assert code == 2, (mutation, column, out)
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1 and "Traceback" not in err
    if not truncate and mutation != "empty":
        assert f": {column}: " in err or "schema" in err
