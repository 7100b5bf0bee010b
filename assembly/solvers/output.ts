// Saved output: records appended to buffers that TypeScript grows on request, only
// between steps, so no stage ever sees memory move under it.

import {
  B_SAVE_PTR, B_SAVE_CAP, B_SAVE_COUNT, B_DENSE_PTR, B_DENSE_CAP, B_DENSE_COUNT,
  B_UPREV, B_K, B_STRIDE, B_EXTRAS_DONE, B_TAB, T_STOTAL, DENSE_HEAD, GROW_SAVE, GROW_DENSE,
} from './layout';
import { f64At, setF64, ptrAt, i32At } from './block';
import { grow } from './imports';

export function saveCount(blk: usize): i32 {
  return i32At(blk, B_SAVE_COUNT);
}

/** Time of the last saved record (callers check saveCount first). */
export function lastSavedT(blk: usize, n: i32): f64 {
  const k = i32At(blk, B_SAVE_COUNT) - 1;
  return load<f64>(ptrAt(blk, B_SAVE_PTR) + <usize>k * (<usize>(n + 1) << 3));
}

/** Appends (t, u). False when no room could be had. */
export function pushSave(blk: usize, t: f64, u: usize, n: i32): bool {
  const k = i32At(blk, B_SAVE_COUNT);
  if (k >= i32At(blk, B_SAVE_CAP)) {
    if (grow(GROW_SAVE, k + 1) != 0) return false;
  }
  const rec = ptrAt(blk, B_SAVE_PTR) + <usize>k * (<usize>(n + 1) << 3);
  store<f64>(rec, t);
  memory.copy(rec + 8, u, <usize>n << 3);
  setF64(blk, B_SAVE_COUNT, <f64>(k + 1));
  return true;
}

/**
 * Appends the current step's dense record: t_start, dt, t_end, extrasDone, u_start and every
 * stage vector (stride-padded, as in the workspace).
 */
export function pushDense(blk: usize, tprev: f64, dt: f64, tEnd: f64, n: i32): bool {
  const stride = ptrAt(blk, B_STRIDE);
  const stot = i32At(ptrAt(blk, B_TAB), T_STOTAL);
  const recBytes = (<usize>DENSE_HEAD << 3) + stride * <usize>(1 + stot);
  const k = i32At(blk, B_DENSE_COUNT);
  if (k >= i32At(blk, B_DENSE_CAP)) {
    if (grow(GROW_DENSE, k + 1) != 0) return false;
  }
  const rec = ptrAt(blk, B_DENSE_PTR) + <usize>k * recBytes;
  store<f64>(rec, tprev);
  store<f64>(rec, dt, 8);
  store<f64>(rec, tEnd, 16);
  store<f64>(rec, f64At(blk, B_EXTRAS_DONE), 24);
  const body = rec + (<usize>DENSE_HEAD << 3);
  memory.copy(body, ptrAt(blk, B_UPREV), <usize>n << 3);
  memory.copy(body + stride, ptrAt(blk, B_K), stride * <usize>stot);
  setF64(blk, B_DENSE_COUNT, <f64>(k + 1));
  return true;
}
