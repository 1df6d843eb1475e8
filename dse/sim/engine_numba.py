"""The window engine compiled with Numba.

Same model as the NumPy reference `engine.run_piece`, but one candidate at a time and step by
step, reading the policy's `Schedule` phases directly: no (candidates x steps) arrays are built,
which is what bounds the reference's speed. Its arguments travel as named tuples (Numba
compiles them as typed tuples), grouped by what they hold. The capped progress is the recursion itself here (the
reference uses its closed form). tests/dse/test_engine_numba.py checks the two agree to 1e-9 on
random schedules, buffers, clears, subsamples and segment changes.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np


class KernelParams(NamedTuple):
    """`SimArrays`: the step, the drift transfer per candidate, the data-size cap tables."""

    step_s: float
    transfer: np.ndarray
    cap_tables: np.ndarray
    cap_index: np.ndarray


class KernelRates(NamedTuple):
    """A window's `Schedule`."""

    base_label: np.ndarray
    base_epoch: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    epoch: np.ndarray


class KernelPlan(NamedTuple):
    """The rest of a `Plan`, one value per candidate."""

    capacity: np.ndarray
    clear_step: np.ndarray
    weight: np.ndarray
    hold: np.ndarray
    fmt: np.ndarray
    share: np.ndarray


class KernelCurves(NamedTuple):
    """`SegmentCurves`: (rows, segments) coefficients and each candidate's row."""

    b0: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    label_acc: np.ndarray
    delta: np.ndarray
    row: np.ndarray


class KernelState(NamedTuple):
    """`State`, updated in place (field names as in `State`)."""

    segment: np.ndarray
    progress: np.ndarray
    applied: np.ndarray
    epoch_phase: np.ndarray
    fresh: np.ndarray
    stale: np.ndarray
    data: np.ndarray
    start: np.ndarray


class KernelOutputs(NamedTuple):
    """Written by the kernel: per candidate, and per step if asked."""

    accuracy: np.ndarray
    labels: np.ndarray
    epochs: np.ndarray
    step_accuracy: np.ndarray

#: Tolerance of "an epoch completed" (as in the reference).
_EPS = 1e-9


@numba.njit(cache=True, nogil=True)
def _accuracy(e, b0, b1, b2, label_acc, delta):
    v = 1.0 - (1.0 / (b0 * e + b1) + b2)
    if v > label_acc:
        v = label_acc
    return v + delta


@numba.njit(cache=True, nogil=True)
def _carried(p, transfer, b0, b1, b2, old, new):
    """`engine.carried_over` for one candidate."""
    kept = transfer * p if p > 0.0 else 0.0
    if b0[new] <= 0.0:
        return kept
    gap = 1.0 / (b0[old] * p + b1[old]) + b2[old] - b2[new]
    if gap <= 0.0:
        return kept
    level = (1.0 / gap - b1[new]) / b0[new]
    return level if level < kept else kept


@numba.njit(cache=True, nogil=True)
def window_kernel(step_segments, params, rates, plan, curves, state, out, keep_steps):
    """Advance every candidate's state over one window; writes `out`."""
    step_s, transfer, cap_tables, cap_index = params
    base_label, base_epoch, start, end, lab, ep = rates
    cap, clear_step, weight, hold, fmt, share = plan
    b0_rows, b1_rows, b2_rows, label_rows, delta_rows, curve_row = curves
    seg_state, progress, applied, epoch_phase, fresh, stale, data, seg_start = state
    acc_mean, labels_sum, epochs_sum, step_acc = out
    n = base_label.shape[0]
    n_steps = step_segments.shape[0]
    n_phases = start.shape[1]
    last = cap_tables.shape[1] - 1  # the last entry (a full training set) is no cap
    for c in range(n):
        cap_c = cap[c]
        clr = clear_step[c]
        w = weight[c]
        f = fmt[c]
        g_state = seg_state[c]
        fr, st, ph, pr, ap, dt = fresh[c], stale[c], epoch_phase[c], progress[c], applied[c], data[c]
        ss = seg_start[c]
        sh = share[c]
        tr = transfer[c]
        r = curve_row[c]
        b0, b1, b2, label_acc, delta = b0_rows[r], b1_rows[r], b2_rows[r], label_rows[r], delta_rows[r]
        table = cap_tables[cap_index[c]]
        acc_sum = 0.0
        lab_sum = 0.0
        ep_sum = 0.0
        ptr = 0
        s = 0
        while s < n_steps:  # one piece per segment
            g = step_segments[s]
            e = s
            while e < n_steps and step_segments[e] == g:
                e += 1
            if g_state != g:  # drift: the buffer's samples become stale, adaptation partly carries over
                st = st + fr
                if st > cap_c:
                    st = cap_c
                fr = 0.0
                dt = 0.0
                pr = _carried(pr, tr, b0, b1, b2, g_state, g)
                ap = _carried(ap, tr, b0, b1, b2, g_state, g)
                ss = pr if pr < 0.0 else 0.0
                g_state = g
            clears = s <= clr < e
            f0, s0, ph0 = fr, st, ph
            cs_l = 0.0
            before_clear = 0.0
            cs_e = 0.0
            next_epoch = np.floor(ph0 + _EPS) + 1.0  # the epoch whose completion moves accuracy next
            gb0, gb1, gb2, gla, gd = b0[g], b1[g], b2[g], label_acc[g], delta[f, g]
            acc_now = _accuracy(ap, gb0, gb1, gb2, gla, gd)
            cap_unit = gb1 / gb0 if gb0 > 0.0 and gb1 > 0.0 else -1.0  # -1: no cap
            capped = cap_unit > 0.0
            for i in range(s, e):
                t0 = i * step_s
                t1 = t0 + step_s
                while ptr < n_phases and end[c, ptr] <= t0:
                    ptr += 1
                extra_l = 0.0
                extra_e = 0.0
                k = ptr
                while k < n_phases and start[c, k] < t1:
                    ov = min(t1, end[c, k]) - max(t0, start[c, k])
                    if ov > 0.0:
                        frac = min(ov, step_s) / step_s
                        extra_l += (lab[c, k] - base_label[c]) * frac
                        extra_e += (ep[c, k] - base_epoch[c]) * frac
                    k += 1
                lr = base_label[c] + extra_l
                er = base_epoch[c] + extra_e
                lab_sum += lr
                ep_sum += er
                x = lr * step_s
                cs_l += x
                cleared = clears and i >= clr
                if clears and i == clr:
                    before_clear = cs_l - x
                raw = cs_l - before_clear if cleared else f0 + cs_l
                fr = cap_c if raw > cap_c else raw
                if cleared:
                    st = 0.0
                else:
                    st = s0 if s0 < cap_c - fr else cap_c - fr
                    if st < 0.0:
                        st = 0.0
                held = fr + st
                ff = fr / held if held > 0 else 0.0
                d = er * step_s * (1.0 if held > 0 else 0.0)
                cs_e += d
                ph = ph0 + cs_e
                if fr * sh > dt:
                    dt = fr * sh
                grown = pr + d * ff * w
                if capped:  # the cap is curves.progress_cap
                    ti = int(dt)
                    if ti < last:
                        t = table[ti]
                        if t < np.inf:  # a shorter table's padding (a full set): no cap
                            grown = min(grown, cap_unit * t + ss * (1.0 + t))
                pr = max(pr, grown)  # training never lowers progress
                if ph + _EPS >= next_epoch:  # i.e. floor(ph + eps) > floor(previous ph + eps)
                    if not hold[c]:
                        ap = pr
                        acc_now = _accuracy(ap, gb0, gb1, gb2, gla, gd)
                    next_epoch = np.floor(ph + _EPS) + 1.0
                acc_sum += acc_now
                if keep_steps:
                    step_acc[c, i] = acc_now
            s = e
        if hold[c]:  # the window's retraining is deployed for the next window
            ap = pr
        seg_state[c] = g_state
        fresh[c], stale[c], epoch_phase[c], progress[c], applied[c], data[c] = fr, st, ph, pr, ap, dt
        seg_start[c] = ss
        acc_mean[c] = acc_sum / n_steps
        labels_sum[c] = lab_sum * step_s
        epochs_sum[c] = ep_sum * step_s
