// Pieces of the step loop that the stiff drivers (Rosenbrock, SDIRK, FBDF, RadauIIA5) share:
// the start of a solve, landing on the next stop, the last save and the end of a solve.

import {
  B_T, B_ADAPTIVE, B_TMP, B_ABSTOL, B_RELTOL, B_DTMIN, B_DTMAX, B_TSTOPS, B_NTSTOPS, B_SAVE_START,
  RET_SUCCESS, RET_TERMINATED, RET_ABORTED, RET_INITIALFAILURE,
} from './layout';
import { setF64, f64At, ptrAt, i32At } from './block';
import { pushSave, lastSavedT, saveCount } from './output';
import { evalF, initialDt } from './erk';
import { allFinite } from '../linalg/vector';
import { algebraicConsistent } from './dae';

/**
 * The start of a solve at (t0, u0): f0 = f(t0, u0), and for an adaptive solve without a
 * given dt the Hairer–Wanner initial step for a method of order `order` (erk.ts's initialDt;
 * `scratch` receives f at its trial point). The start must be finite and, for a DAE, on its
 * algebraic equations (dae.ts); the initial state is saved when the solve saves its start.
 * Returns the first dt (`dt` itself for a given one), or −RET_ABORTED / −RET_INITIALFAILURE.
 */
export function startSolve(blk: usize, n: i32, t0: f64, tf: f64, tdir: f64, u: usize, f0: usize, scratch: usize, order: f64, dt: f64): f64 {
  const atol = ptrAt(blk, B_ABSTOL);
  if (f64At(blk, B_ADAPTIVE) != 0 && dt == 0) {
    const ntstops = i32At(blk, B_NTSTOPS);
    const firstStop = abs((ntstops > 0 ? load<f64>(ptrAt(blk, B_TSTOPS)) : tf) - t0);
    dt = initialDt(
      blk, n, t0, tdir, u, ptrAt(blk, B_TMP), f0, scratch, atol, ptrAt(blk, B_RELTOL), order,
      abs(f64At(blk, B_DTMAX)), firstStop, abs(f64At(blk, B_DTMIN)),
    );
    if (dt < 0) return -<f64>RET_ABORTED;
    if (!(dt > 0) || dt == Infinity) return -<f64>RET_INITIALFAILURE;
  } else if (!evalF(blk, t0, u, f0)) {
    return -<f64>RET_ABORTED;
  }
  if (!allFinite(f0, n)) return -<f64>RET_INITIALFAILURE;
  // A DAE must start on its algebraic equations.
  if (!algebraicConsistent(blk, n, f0, atol)) return -<f64>RET_INITIALFAILURE;
  if (f64At(blk, B_SAVE_START) != 0 && !pushSave(blk, t0, u, n)) return -<f64>RET_ABORTED;
  return dt;
}

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
