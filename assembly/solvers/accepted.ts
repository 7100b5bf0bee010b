// What every integrator does once a step is accepted and u holds the new state: the
// callbacks' look at the step (a ContinuousCallback may end it early at an event), saveat
// values inside it, the stop it reached, its dense record, the saved state, and the event's
// affect. Explicit RK and Rosenbrock methods share it.

import { B_T, B_EVENT_T, CB_EVENT, CB_TERMINATE, CB_ERROR } from './layout';
import { onStep, onEvent } from './imports';
import { f64At, setF64 } from './block';
import { pushSave, pushDense } from './output';
import { interpolateStep, saveatUpTo } from './erk';

/** The step is done; integrate on. */
export const STEP_NEXT = 0;
/** An event's affect ran: the state may have changed (FSAL values are stale). */
export const STEP_EVENT = 1;
/** An event's affect asked to terminate. */
export const STEP_TERMINATE = 2;
/** JavaScript failed (a callback threw, or output could not grow). */
export const STEP_ABORT = -1;

/** Where the step ended (an event can move it back) and the advanced indices, after `acceptStep`. */
export let stepEnd: f64 = 0;
export let stepSaveIdx: i32 = 0;
export let stepStopIdx: i32 = 0;

/**
 * The bookkeeping of an accepted step from tprev to t (dts = t − tprev) with u = u(t); the
 * step's stages still describe it for interpolation. `saveIdx` is the next saveat time of
 * `nsa`, `stopIdx` the next tstop of `ntstops` (`hitsStop`: this step landed on it).
 * Returns a STEP_* code; reads of stepEnd, stepSaveIdx and stepStopIdx give the rest.
 */
export function acceptStep(
  blk: usize, tprev: f64, t: f64, dts: f64, tdir: f64, tf: f64, u: usize, tmp: usize, n: i32,
  saveIdx: i32, nsa: i32, stopIdx: i32, ntstops: i32, hitsStop: bool,
  callbacks: bool, dense: bool, saveEvery: bool,
): i32 {
  stepEnd = t;
  let tEnd = t;
  let code = 0;
  if (callbacks) {
    code = onStep(tprev, t);
    if (code == CB_ERROR) return STEP_ABORT;
    if (code == CB_EVENT) tEnd = f64At(blk, B_EVENT_T);
  }
  if (code == CB_EVENT && tEnd != t) {
    // The step ends at the event: move the state there, then save up to it (saveat times
    // before it are interpolated from the step, which u_n and the stages still describe).
    if (!interpolateStep(blk, tEnd, u)) return STEP_ABORT;
    saveIdx = saveatUpTo(blk, tdir, tEnd, saveIdx, u, tmp, n);
    if (saveIdx < 0) return STEP_ABORT;
    t = tEnd;
    stepEnd = t;
    setF64(blk, B_T, t);
  } else {
    if (saveIdx < nsa) {
      saveIdx = saveatUpTo(blk, tdir, t, saveIdx, u, tmp, n);
      if (saveIdx < 0) return STEP_ABORT;
    }
    if (hitsStop && stopIdx < ntstops) stopIdx++;
  }
  stepSaveIdx = saveIdx;
  stepStopIdx = stopIdx;
  if (dense && !pushDense(blk, tprev, dts, t, n)) return STEP_ABORT;
  if (saveEvery && (t != tf || code == CB_EVENT) && !pushSave(blk, t, u, n)) return STEP_ABORT;
  if (code != CB_EVENT) return STEP_NEXT;
  const r = onEvent(t);
  if (r == CB_ERROR) return STEP_ABORT;
  // The state after the affect is saved too (before it, above).
  if (saveEvery && t != tf && !pushSave(blk, t, u, n)) return STEP_ABORT;
  return r == CB_TERMINATE ? STEP_TERMINATE : STEP_EVENT;
}
