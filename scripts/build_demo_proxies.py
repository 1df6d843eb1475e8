"""Build the demo family's shipped curves from a real profile of the demo stream.

    python scripts/build_demo_proxies.py        # needs the extra 'profile' (PyTorch, scikit-learn)

Runs `dse proxies profile demo` (seed 0; resumable, its work in a folder beside the output),
fits the curves (`dse proxies fit`; the labeling accuracy is the teacher's measured one) and
writes workloads/data/proxies/demo_observations.parquet and demo_curves.parquet (provenance
"measured"). The simulator reads demo_curves.parquet with the shipped defaults, so studies over
pairs = ["digits-family"] and scenarios = ["demo"] need no proxies file of their own.
"""

from __future__ import annotations

import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workloads.profiling.runner import demo_spec, profile  # noqa: E402
from workloads.proxies import DEFAULTS_DIR, DEMO_CURVES, fit_observations, write_proxies  # noqa: E402


def main() -> None:
    observations = DEFAULTS_DIR / "demo_observations.parquet"
    table = profile(demo_spec(0), str(observations), progress=print)
    curves = fit_observations(table, source="dse proxies profile demo (seed 0), fitted by dse proxies fit")
    write_proxies(curves, "curves", DEMO_CURVES)
    shutil.rmtree(f"{observations}.parts", ignore_errors=True)
    print(f"wrote {observations} ({table.num_rows} rows) and {DEMO_CURVES} ({curves.num_rows} curves)")


if __name__ == "__main__":
    main()
