// Interpolation of a finished solve inside the engine: the continuous adjoints read the
// forward solution u(t) (and the quadrature reads λ(t)) at times the backward solve chooses.
// The solve's dense records sit in linear memory; a lookup points a solve block at the
// record whose step holds t and runs the recording method's own interpolation on it (every
// method's dense output is erk.ts's interpolateStep over the record's u_start and stages).
// The record body has the workspace's [uprev][k…] layout, so nothing is copied: the
// interpolation's extra stages are computed once for every record (sourceExtras) and written
// into the record itself.

import {
  B_TAB, B_TPREV, B_DTCUR, B_EXTRAS_DONE, B_UPREV, B_K, B_STRIDE, B_TMP, DENSE_HEAD,
} from './layout';
import { IS_BLK, IS_NPIECE, IS_PIECES, IS_PIECE, IS_REC, IP_TAB, IP_RECS, IP_COUNT, IP_RECLEN, IP_SIZE } from './layout-adjoint';
import { f64At, setF64, ptrAt, i32At } from './block';
import { interpolateStep, interpolateStages } from './erk';

// @ts-ignore: decorator
@inline function piece(src: usize, p: i32): usize {
  return ptrAt(src, IS_PIECES) + (<usize>(p * IP_SIZE) << 3);
}

// @ts-ignore: decorator
@inline function record(pc: usize, r: i32): usize {
  return ptrAt(pc, IP_RECS) + (<usize>(r * i32At(pc, IP_RECLEN)) << 3);
}

/** Whether t lies in the step of record `rec` (either direction of time). */
// @ts-ignore: decorator
@inline function holds(rec: usize, t: f64): bool {
  const a = load<f64>(rec);
  const b = load<f64>(rec, 16);
  return (t - a) * (t - b) <= 0.0;
}

/**
 * The record for t: the cached one or a neighbour when it holds t (queries move steadily
 * through time), else a binary search. Times outside the solved span take the nearest end
 * step (a finite-difference probe may step just past it); the interpolant extrapolates.
 */
function locate(src: usize, t: f64): void {
  let p = i32At(src, IS_PIECE);
  let r = i32At(src, IS_REC);
  let pc = piece(src, p);
  let count = i32At(pc, IP_COUNT);
  if (holds(record(pc, r), t)) return;
  if (r > 0 && holds(record(pc, r - 1), t)) { setF64(src, IS_REC, <f64>(r - 1)); return; }
  if (r + 1 < count && holds(record(pc, r + 1), t)) { setF64(src, IS_REC, <f64>(r + 1)); return; }
  const np = i32At(src, IS_NPIECE);
  const first = record(piece(src, 0), 0);
  const lastPc = piece(src, np - 1);
  const dir: f64 = load<f64>(record(lastPc, i32At(lastPc, IP_COUNT) - 1), 16) >= load<f64>(first) ? 1.0 : -1.0;
  // The first piece whose end is past t, then the first record in it whose end is past t.
  p = 0;
  pc = piece(src, 0);
  count = i32At(pc, IP_COUNT);
  while (p < np - 1 && !(dir * (load<f64>(record(pc, count - 1), 16) - t) > 0.0)) {
    p++;
    pc = piece(src, p);
    count = i32At(pc, IP_COUNT);
  }
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dir * (load<f64>(record(pc, mid), 16) - t) > 0.0) hi = mid;
    else lo = mid + 1;
  }
  setF64(src, IS_PIECE, <f64>p);
  setF64(src, IS_REC, <f64>lo);
}

/** Points the source's block at the located record. */
function attach(src: usize): usize {
  const pc = piece(src, i32At(src, IS_PIECE));
  const rec = record(pc, i32At(src, IS_REC));
  const blk = ptrAt(src, IS_BLK);
  const body = rec + (<usize>DENSE_HEAD << 3);
  setF64(blk, B_TAB, f64At(pc, IP_TAB));
  setF64(blk, B_TPREV, load<f64>(rec));
  setF64(blk, B_DTCUR, load<f64>(rec, 8));
  setF64(blk, B_EXTRAS_DONE, load<f64>(rec, 24));
  setF64(blk, B_UPREV, <f64>body);
  setF64(blk, B_K, <f64>(body + ptrAt(blk, B_STRIDE)));
  return rec;
}

/**
 * out = the source's solution at t: u_n + dt·Σ_i B_i(θ)·k_i over the record's stages, as
 * interpolateStep computes it. The extra stages must be there already (sourceExtras): this
 * runs inside right-hand sides, which must not compute stages of their own.
 */
export function sourceAt(src: usize, t: f64, out: usize): void {
  locate(src, t);
  attach(src);
  const blk = ptrAt(src, IS_BLK);
  interpolateStages(blk, ptrAt(blk, B_TAB), t, out);
}

/**
 * Computes the interpolation's extra stages of every record that lacks them (methods with
 * lazy extra stages: Vern7, Vern9, …), with the f of the source's block. Returns 0, or 1
 * when f failed.
 */
export function sourceExtras(src: usize): i32 {
  const blk = ptrAt(src, IS_BLK);
  const np = i32At(src, IS_NPIECE);
  for (let p = 0; p < np; p++) {
    const count = i32At(piece(src, p), IP_COUNT);
    for (let r = 0; r < count; r++) {
      setF64(src, IS_PIECE, <f64>p);
      setF64(src, IS_REC, <f64>r);
      const rec = attach(src);
      if (f64At(blk, B_EXTRAS_DONE) != 0) continue;
      if (!interpolateStep(blk, load<f64>(rec), ptrAt(blk, B_TMP))) return 1;
      store<f64>(rec, f64At(blk, B_EXTRAS_DONE), 24);
    }
  }
  setF64(src, IS_PIECE, 0.0);
  setF64(src, IS_REC, 0.0);
  return 0;
}
