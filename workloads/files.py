"""Atomic file writes: a reader never sees a half-written file, and a failed write leaves the
old file (or none) in place. The one helper every writer in the project uses."""

from __future__ import annotations

import os
import pathlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path in `path`'s folder; when the block ends without an error it is
    renamed over `path` (readable by all, as a normal file), else removed."""
    target = pathlib.Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """`path.write_text(text)`, atomically."""
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(text)


def json_text(obj, indent: int = 2) -> str:
    """Strict JSON: non-finite floats (a sampler that never reached 99%, an empty denominator)
    become null, which every JSON reader accepts (Python's default writes Infinity and NaN)."""
    import json
    import math

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(obj), indent=indent, allow_nan=False)
