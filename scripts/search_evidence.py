"""Regenerate the README's search-evidence table (`dse bench --only search`, ~10 minutes here).

    python scripts/search_evidence.py [--out out/search-evidence]   # run it, write the report, update README
    python scripts/search_evidence.py --from out/search-evidence    # only update README from a finished run
"""

from __future__ import annotations

import argparse
import json
import pathlib

import pyarrow.parquet as pq

from dse.bench import bench_search
from dse.reports.samplers import readme_block, replace_readme_block

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/search-evidence", help="report folder to write")
    parser.add_argument("--from", dest="source", help="a finished run's report folder: only update README")
    args = parser.parse_args()
    folder = pathlib.Path(args.source or args.out)
    if not args.source:
        bench_search(out=str(folder))
    figures = json.loads((folder / "figures.json").read_text())
    samplers = pq.read_table(folder / "samplers.parquet").to_pylist()
    readme = ROOT / "README.md"
    readme.write_text(replace_readme_block(readme.read_text(), readme_block(figures, samplers)))
    print(f"README.md updated from {folder}")


if __name__ == "__main__":
    main()
