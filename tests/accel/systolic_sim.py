"""A tiny cycle-stepping systolic array, register by register, for cross-checking cycles.

`os_fold`: outputs stay in the PEs; A enters from the left, B from the top, both skewed.
`stationary_fold`: a preloaded R x C operand (R cycles to shift in); the other operand enters
from the left skewed, partial sums flow down and leave at the bottom (WS and IS).
Each returns (cycles until the last MAC, inclusive) and the numeric result.
"""

from __future__ import annotations

import numpy as np


def os_fold(a: np.ndarray, b: np.ndarray, rows: int, cols: int):
    t_len = a.shape[1]
    a_reg = np.zeros((rows, cols), dtype=np.int64)
    b_reg = np.zeros((rows, cols), dtype=np.int64)
    a_ok = np.zeros((rows, cols), dtype=bool)
    b_ok = np.zeros((rows, cols), dtype=bool)
    acc = np.zeros((rows, cols), dtype=np.int64)
    last = -1
    cycle = 0
    while True:
        a_reg[:, 1:], a_ok[:, 1:] = a_reg[:, :-1].copy(), a_ok[:, :-1].copy()
        b_reg[1:, :], b_ok[1:, :] = b_reg[:-1, :].copy(), b_ok[:-1, :].copy()
        for i in range(rows):  # left edge: row i gets A[i, cycle - i]
            t = cycle - i
            a_ok[i, 0] = 0 <= t < t_len and i < a.shape[0]
            a_reg[i, 0] = a[i, t] if a_ok[i, 0] else 0
        for j in range(cols):  # top edge: column j gets B[cycle - j, j]
            t = cycle - j
            b_ok[0, j] = 0 <= t < t_len and j < b.shape[1]
            b_reg[0, j] = b[t, j] if b_ok[0, j] else 0
        fire = a_ok & b_ok
        acc += np.where(fire, a_reg * b_reg, 0)
        # a PE "works" while its operands pass, even for padded (absent) rows/columns
        if cycle <= (t_len - 1) + (rows - 1) + (cols - 1):
            last = cycle
        else:
            break
        cycle += 1
    return last + 1, acc[: a.shape[0], : b.shape[1]]


def stationary_fold(w: np.ndarray, x: np.ndarray, rows: int, cols: int):
    """w: (<=rows, <=cols) preloaded; x: (T, <=rows) streamed. Returns x @ w (T, <=cols)."""
    t_len = x.shape[0]
    w_full = np.zeros((rows, cols), dtype=np.int64)
    w_full[: w.shape[0], : w.shape[1]] = w
    x_reg = np.zeros((rows, cols), dtype=np.int64)
    x_tag = np.full((rows, cols), -1)
    psum = np.zeros((rows, cols), dtype=np.int64)
    p_tag = np.full((rows, cols), -1)
    out = np.zeros((t_len, cols), dtype=np.int64)
    last = -1
    cycle = rows  # cycles 0 .. rows-1 shift the stationary operand in, one row per cycle
    while True:
        x_reg[:, 1:], x_tag[:, 1:] = x_reg[:, :-1].copy(), x_tag[:, :-1].copy()
        for i in range(rows):
            t = cycle - rows - i
            ok = 0 <= t < t_len
            x_tag[i, 0] = t if ok else -1
            x_reg[i, 0] = x[t, i] if ok and i < x.shape[1] else 0
        above = np.vstack([np.zeros((1, cols), dtype=np.int64), psum[:-1]])
        new_psum = above + np.where(x_tag >= 0, x_reg * w_full, 0)
        psum, p_tag = new_psum, x_tag.copy()
        for j in range(cols):  # bottom row finishes input t for column j
            t = p_tag[rows - 1, j]
            if t >= 0:
                out[t, j] = psum[rows - 1, j]
        if cycle <= rows + (t_len - 1) + (rows - 1) + (cols - 1):
            last = cycle
        else:
            break
        cycle += 1
    return last + 1, out[:, : w.shape[1]]


def simulate(a: np.ndarray, b: np.ndarray, rows: int, cols: int, dataflow: str):
    """Total cycles (SCALE-Sim's convention: last cycle index) and A @ B, fold by fold."""
    m, k = a.shape
    n = b.shape[1]
    total = 0
    c = np.zeros((m, n), dtype=np.int64)
    if dataflow == "os":
        for i0 in range(0, m, rows):
            for j0 in range(0, n, cols):
                cyc, part = os_fold(a[i0:i0 + rows], b[:, j0:j0 + cols], rows, cols)
                total += cyc
                c[i0:i0 + rows, j0:j0 + cols] = part
    elif dataflow == "ws":  # B stationary: K on rows, N on columns, M streamed
        for j0 in range(0, n, cols):
            for k0 in range(0, k, rows):
                cyc, part = stationary_fold(b[k0:k0 + rows, j0:j0 + cols], a[:, k0:k0 + rows], rows, cols)
                total += cyc
                c[:, j0:j0 + cols] += part
    else:  # is: A^T stationary: K on rows, M on columns, N streamed; computes (A B)^T
        at, bt = a.T, b.T
        for j0 in range(0, m, cols):
            for k0 in range(0, k, rows):
                cyc, part = stationary_fold(at[k0:k0 + rows, j0:j0 + cols], bt[:, k0:k0 + rows], rows, cols)
                total += cyc
                c[j0:j0 + cols, :] += part.T
    return total - 1, c
