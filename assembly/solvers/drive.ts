// Pieces of the step loop that the stiff drivers (Rosenbrock, SDIRK, FBDF, RadauIIA5) share:
// landing on the next stop, the last save and the end of a solve.

import { B_T, RET_SUCCESS, RET_TERMINATED, RET_ABORTED } from './layout';
import { setF64 } from './block';
import { pushSave, lastSavedT, saveCount } from './output';

/** Whether the last stepToStop shortened or stretched the step onto the stop. */
export let stepHitsStop = false;

/**
 * The size of the next step from t: `h` (the controller's proposal, already ≤ dtmax) unless
 * it reaches the next stop (a tstop or the end of the span) or falls short of it by no more
 * than rounding (100·ε·|t|), in which case the step is the distance to the stop, so that t
 * lands on it exactly (stepHitsStop tells which).
 */
export function stepToStop(t: f64, h: f64, tdir: f64, nextStop: f64): f64 {
  const dist = tdir * (nextStop - t);
  stepHitsStop = h >= dist || dist - h <= 100.0 * f64.EPSILON * max(abs(t), abs(nextStop));
  return stepHitsStop ? dist : h;
}

/**
 * Ends a solve at (t, u): after a success or a termination the final state is saved when the
 * solve saves its end and it is not saved already. Returns the retcode (RET_ABORTED when
 * growing the output failed); B_T records t.
 */
export function endSolve(blk: usize, t: f64, u: usize, n: i32, ret: i32, saveEnd: bool): i32 {
  if ((ret == RET_SUCCESS || ret == RET_TERMINATED) && saveEnd) {
    if (saveCount(blk) == 0 || lastSavedT(blk, n) != t) {
      if (!pushSave(blk, t, u, n)) ret = RET_ABORTED;
    }
  }
  return finish(blk, t, ret);
}

/** Records where the solve stopped (B_T) and hands the retcode on. */
// @ts-ignore: decorator
@inline export function finish(blk: usize, t: f64, ret: i32): i32 {
  setF64(blk, B_T, t);
  return ret;
}
