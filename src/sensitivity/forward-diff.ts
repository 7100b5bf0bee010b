/**
 * ForwardDiffSensitivity: forward-mode AD through the solver. The engine integrates the dual
 * state [u; S] (S: n×k tangents, row-major) with the right-hand side [f; J·S + ∂f/∂p·W] from
 * one forward sweep of the model's tape (assembly/solvers/forward-dual.ts), so any algorithm
 * carries the tangents through its own steps. The error norm reads u alone (a seminorm):
 * the steps are those of the plain solve, and S is the derivative of that computed solution
 * with the steps held fixed. Columns beyond `chunkSize` take further solves.
 */
import * as L from '../../assembly/solvers/layout.js';
import * as FD from '../../assembly/solvers/layout-sensitivity.js';
import { ODEProblem } from '../solve/problem.js';
import { solve } from '../solve/solve.js';
import type { Solution } from '../solve/solution.js';
import type { SolveOptions } from '../solve/options.js';
import type { Algorithm } from '../solve/algorithms.js';
import type { AutoAlgorithm } from '../solve/auto.js';
import type { ReturnCode } from '../solve/retcode.js';
import type { SensitivityResult } from './forward.js';
import type { Model } from '../model/model.js';
import { loadTape } from '../model/evaluate.js';
import { setEngineRhs, enginePlaceholder } from '../solve/engine-rhs.js';
import { extendTolerance } from './request.js';
import type { ForwardDiffSensitivityAlgorithm } from './sensealg.js';

/** The dual problem for columns [c0, c1) of [∂/∂p | ∂/∂u0] (np + n columns in all). */
function dualProblem(prob: ODEProblem<unknown>, model: Model, p: Float64Array, c0: number, c1: number): ODEProblem<undefined> {
  const n = model.length;
  const np = p.length;
  const k = c1 - c0;
  const x0 = new Float64Array(n * (1 + k));
  x0.set(prob.u0);
  // S(t0): zero for parameter columns, the identity's column for u0's.
  for (let c = Math.max(c0, np); c < c1; c++) x0[n + (c - np) * k + (c - c0)] = 1;
  const dual = new ODEProblem<undefined>(enginePlaceholder, x0, [prob.tspan[0], prob.tspan[1]], undefined, { inplace: true });
  const tape = model.tape;
  setEngineRhs(dual as ODEProblem<unknown>, {
    kind: L.RHS_DUAL,
    normLength: n,
    context(eng) {
      const { pCode, pRegs } = loadTape(eng, tape, p);
      const tang = eng.alloc(8 * Math.max(1, tape.regs.length) * k);
      const w = eng.alloc(8 * Math.max(1, np * k));
      const ctx = eng.alloc(8 * FD.FD_SIZE);
      const F = eng.f64;
      // W: parameter j's tangent is 1 in the lane of column j.
      F.fill(0, w >>> 3, (w >>> 3) + np * k);
      for (let c = c0; c < Math.min(c1, np); c++) F[(w >>> 3) + c * k + (c - c0)] = 1;
      const b = ctx >>> 3;
      F[b + FD.FD_TAPE] = pCode;
      F[b + FD.FD_REGS] = pRegs;
      F[b + FD.FD_TANG] = tang;
      F[b + FD.FD_W] = w;
      F[b + FD.FD_PARAM_BASE] = tape.paramBase;
      F[b + FD.FD_NP] = np;
      F[b + FD.FD_K] = k;
      F[b + FD.FD_N] = n;
      return ctx;
    },
  });
  return dual;
}

/** Runs the dual solves and splits their saved states into u, S and Su0. */
export function forwardDiffSensitivities(
  prob: ODEProblem<unknown>, model: Model, p: Float64Array, alg: Algorithm | AutoAlgorithm | string | undefined,
  options: SolveOptions, withU0: boolean, sensealg: ForwardDiffSensitivityAlgorithm, where: string,
): SensitivityResult {
  const n = model.length;
  const np = p.length;
  const m = np + (withU0 ? n : 0);
  if (m === 0) throw new Error(`${where}: the model has no parameters; ask for du0 to get sensitivities to u0`);
  const chunk = Math.min(sensealg.chunkSize ?? m, m);
  let first: Solution<undefined> | undefined;
  const S: Float64Array[] = [];
  const Su0: Float64Array[] = [];
  for (let c0 = 0; c0 < m; c0 += chunk) {
    const c1 = Math.min(c0 + chunk, m);
    const k = c1 - c0;
    const o: SolveOptions = { ...options };
    const abstol = extendTolerance(options.abstol, n, k, where, 'abstol');
    const reltol = extendTolerance(options.reltol, n, k, where, 'reltol');
    if (abstol !== undefined) o.abstol = abstol;
    if (reltol !== undefined) o.reltol = reltol;
    const sol = solve(dualProblem(prob, model, p, c0, c1), alg, o);
    if (!first) {
      first = sol;
      for (let q = 0; q < sol.u.length; q++) {
        S.push(new Float64Array(n * np));
        if (withU0) Su0.push(new Float64Array(n * n));
      }
    }
    if (sol.retcode !== 'Success') return splitResult(first, n, S, withU0 ? Su0 : undefined, sol.retcode);
    // With the seminorm every chunk takes the first one's steps.
    if (sol.u.length !== S.length) throw new Error(`${where}: the chunks of ForwardDiffSensitivity saved different points (${sol.u.length} and ${S.length})`);
    sol.u.forEach((x, q) => {
      for (let i = 0; i < n; i++) {
        for (let c = c0; c < c1; c++) {
          const v = x[n + i * k + (c - c0)];
          if (c < np) S[q][i * np + c] = v;
          else Su0[q][i * n + (c - np)] = v;
        }
      }
    });
  }
  return splitResult(first!, n, S, withU0 ? Su0 : undefined, first!.retcode);
}

function splitResult(sol: Solution<undefined>, n: number, S: Float64Array[], Su0: Float64Array[] | undefined, retcode: ReturnCode): SensitivityResult {
  const count = sol.u.length;
  return {
    sol: sol as unknown as Solution<Float64Array>,
    t: sol.t,
    u: sol.u.map((x) => x.slice(0, n)),
    S: S.slice(0, count),
    ...(Su0 ? { Su0: Su0.slice(0, count) } : {}),
    retcode,
  };
}
