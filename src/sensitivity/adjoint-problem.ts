/**
 * The backward problems of the continuous adjoints: an ODEProblem on the engine-built
 * right-hand side RHS_ADJOINT (assembly/solvers/adjoint-rhs.ts) over [t_K, t0], with the
 * state [u; λ; μ] (backsolve), [λ; μ] (interpolating) or [λ] (quadrature). The error norm
 * reads u and λ only: μ is a running integral whose error does not feed back (a seminorm).
 */
import * as L from '../../assembly/solvers/layout.js';
import * as A from '../../assembly/solvers/layout-adjoint.js';
import type { Engine } from '../runtime/engine.js';
import { ODEProblem } from '../solve/problem.js';
import type { DenseData } from '../solve/solution.js';
import type { Model } from '../model/model.js';
import { loadTape } from '../model/evaluate.js';
import { setEngineRhs, enginePlaceholder } from '../solve/engine-rhs.js';
import { writeDenseSource, completeSource } from './dense-source.js';

export type AdjointMode = typeof A.ADJ_BACKSOLVE | typeof A.ADJ_INTERP | typeof A.ADJ_QUAD;

/** Length of the adjoint state for `mode`. */
export function adjointLength(mode: number, n: number, np: number): number {
  return mode === A.ADJ_BACKSOLVE ? 2 * n + np : mode === A.ADJ_INTERP ? n + np : n;
}

/**
 * Allocates and fills an adjoint context in the current arena region: the model's tape with
 * p, scratch, and for the interpolating modes the forward solution's dense records as the
 * source of u(t). Returns the context's pointer.
 */
export function adjointContext(eng: Engine, model: Model, p: Float64Array, mode: number, forward?: readonly DenseData[]): number {
  const tape = model.tape;
  const n = model.length;
  const np = p.length;
  const nPad = (n + 1) & ~1;
  const { pCode, pRegs } = loadTape(eng, tape, p);
  const adj = eng.alloc(8 * Math.max(1, tape.regs.length));
  const u = eng.alloc(8 * nPad);
  const f = eng.alloc(8 * nPad);
  const vu = eng.alloc(8 * nPad);
  const vp = eng.alloc(8 * Math.max(1, np));
  const w = eng.alloc(8 * nPad);
  const src = mode === A.ADJ_BACKSOLVE ? 0 : writeDenseSource(eng, forward!, n, { tape: pCode, regs: pRegs });
  const ctx = eng.alloc(8 * A.AJ_SIZE);
  const F = eng.f64;
  F.fill(0, u >>> 3, (u >>> 3) + nPad);
  const c = ctx >>> 3;
  F[c + A.AJ_TAPE] = pCode;
  F[c + A.AJ_REGS] = pRegs;
  F[c + A.AJ_ADJ] = adj;
  F[c + A.AJ_PARAM_BASE] = tape.paramBase;
  F[c + A.AJ_NP] = np;
  F[c + A.AJ_N] = n;
  F[c + A.AJ_MODE] = mode;
  F[c + A.AJ_U] = u;
  F[c + A.AJ_F] = f;
  F[c + A.AJ_VU] = vu;
  F[c + A.AJ_VP] = vp;
  F[c + A.AJ_SRC] = src;
  F[c + A.AJ_W] = w;
  if (src) completeSource(eng, src);
  return ctx;
}

/**
 * The backward problem from `x0` at tspan[0] to tspan[1]. `forward`: the dense records u(t)
 * is read from (interpolating and quadrature modes).
 */
export function adjointProblem(
  model: Model, p: Float64Array, mode: AdjointMode, x0: Float64Array, tspan: readonly [number, number], forward?: readonly DenseData[],
): ODEProblem<undefined> {
  const n = model.length;
  const prob = new ODEProblem<undefined>(enginePlaceholder, x0, [tspan[0], tspan[1]], undefined, { inplace: true });
  setEngineRhs(prob as ODEProblem<unknown>, {
    kind: L.RHS_ADJOINT,
    normLength: mode === A.ADJ_BACKSOLVE ? 2 * n : n,
    context: (eng) => adjointContext(eng, model, p, mode, forward),
  });
  return prob;
}
