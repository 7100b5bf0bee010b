/**
 * Problems whose right-hand side the engine builds on a model (the dual sensitivity state of
 * ForwardDiffSensitivity, the continuous adjoints' backward equations). Such a problem is an
 * ordinary ODEProblem on a placeholder function; `solve` runs it like any other, and
 * `attachModel` lets its descriptor point the solve block at the engine's function instead.
 * Internal to difflux (src/sensitivity makes them).
 */
import * as L from '../../assembly/solvers/layout.js';
import type { Engine } from '../runtime/engine.js';
import type { ODEProblem } from './problem.js';

export interface EngineRhs {
  /** RHS_* (layout.ts). */
  readonly kind: number;
  /** Components in the error norms (the leading ones); the rest ride along (a seminorm). */
  readonly normLength?: number;
  /**
   * Allocates and fills the context block in the solve's arena (released with the solve);
   * returns its pointer.
   */
  context(eng: Engine): number;
}

const registry = new WeakMap<object, EngineRhs>();

/** Marks `prob` as solved by the engine-built right-hand side `rhs`. */
export function setEngineRhs(prob: ODEProblem<unknown>, rhs: EngineRhs): void {
  registry.set(prob, rhs);
}

export function engineRhsOf(prob: ODEProblem<unknown>): EngineRhs | undefined {
  return registry.get(prob);
}

/** A right-hand side that must never run: the engine evaluates the problem's f itself. */
export function enginePlaceholder(): never {
  throw new Error('difflux: an engine-built right-hand side was called from JavaScript');
}

/** Points block `blk` at the problem's engine-built right-hand side, if it has one. */
export function attachEngineRhs(eng: Engine, blk: number, prob: ODEProblem<unknown>): void {
  const rhs = registry.get(prob);
  if (!rhs) return;
  const ctx = rhs.context(eng);
  const F = eng.f64;
  const b = blk >>> 3;
  F[b + L.B_RHS_KIND] = rhs.kind;
  F[b + L.B_RHS_CTX] = ctx;
  F[b + L.B_NORM_N] = rhs.normLength ?? 0;
}
