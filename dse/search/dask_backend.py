"""Dask through joblib's backend (optional extra `cl-dse[dask]`)."""

from __future__ import annotations

from ..errors import DseError


def dask_client(scheduler: str | None):
    """A client on `scheduler` (or a local cluster); joblib's 'dask' backend then uses it."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise DseError("--backend", "dask needs the optional extra: pip install 'cl-dse[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout=10)
        except OSError as err:
            raise DseError("--scheduler", f"cannot reach {scheduler}: {err}") from None
    return Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True))
