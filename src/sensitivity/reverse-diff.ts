/**
 * ReverseDiffAdjoint: the discrete adjoint. The forward solve records every accepted step
 * (its dense records: t_n, dt, u_n and the stages — the tape), and the engine sweeps
 * backwards through the step formulas with vector–Jacobian products of the model
 * (assembly/solvers/discrete-adjoint.ts). The result is the exact gradient of the computed
 * solution with the steps held fixed, at a cost independent of the number of parameters and
 * memory that grows with the number of steps (the records live in WebAssembly memory).
 *
 * Methods: explicit Runge–Kutta methods, through the interpolation's lazily computed extra
 * stages too (Vern7, Vern9 and DP8 compute them at saveat points; the sweep differentiates
 * them there), and the Rosenbrock methods (Rodas4, Rodas5P, Rosenbrock23, Rosenbrock32) with
 * J by automatic differentiation, a new J every step, and no mass matrix; an automatic
 * algorithm's solve (AutoTsit5, AutoVern7 with one of those as the stiff method) is swept
 * piece by piece, each method through its own steps, the switching points held fixed.
 */
import * as L from '../../assembly/solvers/layout.js';
import * as DA from '../../assembly/solvers/layout-discrete-adjoint.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { solve, allocWorkspace, writeWorkspace, attachModel, methodBlock } from '../solve/solve.js';
import type { Algorithm } from '../solve/algorithms.js';
import { isAutoAlgorithm } from '../solve/auto.js';
import { allocJacobian } from '../solve/drivers.js';
import type { DenseData } from '../solve/solution.js';
import { loadTape } from '../model/evaluate.js';
import { GradientSolveError, type GradientOutcome, type GradientRequest } from './request.js';
import { jvTape } from './jv-model.js';

const NAME = 'ReverseDiffAdjoint';
const SUPPORTED = 'explicit Runge–Kutta methods (Tsit5, DP5, Vern7, Vern9, BS3, RK4, …), the Rosenbrock methods (Rodas5P, Rodas4, Rosenbrock23, Rosenbrock32) and automatic switching between them (AutoTsit5, AutoVern7)';

/** Throws unless the discrete adjoint can run through `alg`'s steps. */
function checkMethod(alg: Algorithm, where: string): void {
  if (alg.kind === 'erk') return;
  if (alg.kind === 'rosenbrock') {
    if (!alg.autodiff) {
      throw new Error(`${where}: ${NAME} differentiates the Rosenbrock step's Jacobian exactly, so the solve must take J by AD: use ${alg.name}() without autodiff: false`);
    }
    if (alg.maxJacAge > 1) {
      throw new Error(`${where}: ${NAME} recomputes each step with J at its own start; ${alg.name}({ maxJacAge: ${alg.maxJacAge} }) reuses older ones: leave maxJacAge at 1`);
    }
    return;
  }
  throw new Error(`${where}: ${NAME} does not support ${alg.name}; it supports ${SUPPORTED}`);
}

/**
 * The methods of the request's algorithm: one, or an automatic algorithm's nonstiff and
 * stiff methods (the sweep then runs through each method's piece of the solve in turn).
 */
function checkAlgorithm(req: GradientRequest): Algorithm[] {
  const a = req.alg;
  const where = req.where;
  if (isAutoAlgorithm(a)) {
    const auto = a;
    try {
      checkMethod(auto.stiff, where);
    } catch (e) {
      throw new Error(`${(e as Error).message} (the stiff method of ${auto.name})`);
    }
    return [auto.nonstiff, auto.stiff];
  }
  checkMethod(a, where);
  return [a];
}

/** A saved point as the sweep reads it: its piece, its step there (−1: u0) and how. */
interface Located {
  piece: number;
  step: number;
  kind: number;
}

/**
 * The loss's points as the sweeps read them: for each saved point, the piece and step whose
 * records give it (step −1 of the first piece: the initial state) and how (the step's end, or
 * its dense output inside it). A point at a step's end is that step's, also where the next
 * step belongs to another piece.
 */
function locatePoints(pieces: readonly DenseData[], t: Float64Array, t0: number, where: string): Located[] {
  const steps: { piece: number; step: number }[] = [];
  pieces.forEach((d, piece) => { for (let step = 0; step < d.count; step++) steps.push({ piece, step }); });
  const rec = (m: number) => { const { piece, step } = steps[m]; return { R: pieces[piece].records, at: step * pieces[piece].recLen }; };
  const tStart = (m: number) => { const { R, at } = rec(m); return R[at]; };
  const tEnd = (m: number) => { const { R, at } = rec(m); return R[at + 2]; };
  const count = steps.length;
  const dir = count > 0 && tEnd(0) < tStart(0) ? -1 : 1;
  const out: Located[] = [];
  let m = 0;
  for (let k = 0; k < t.length; k++) {
    const tk = t[k];
    while (m < count && dir * (tEnd(m) - tk) < 0) m++;
    if (m === 0 && tk === t0 && (count === 0 || tEnd(0) !== tk)) {
      out.push({ piece: 0, step: -1, kind: DA.PT_END });
    } else if (m < count && tk === tEnd(m)) {
      out.push({ ...steps[m], kind: DA.PT_END });
    } else if (m < count && dir * (tk - tStart(m)) > 0) {
      out.push({ ...steps[m], kind: DA.PT_INTERP });
    } else {
      throw new Error(`${where}: saved time ${tk} lies in none of the solve's ${count} steps`);
    }
  }
  return out;
}

/** Fills the context block (everything allocated first: an allocation may move memory). */
function buildContext(
  eng: Engine, req: GradientRequest, alg: Algorithm, d: DenseData | undefined,
  points: readonly { at: Located; t: number; g: Float64Array }[], lam: Float64Array, pbar: Float64Array,
): number {
  const { n, np, model } = req;
  const f64 = (count: number) => eng.alloc(8 * Math.max(1, count));
  const { ptr: tab, ndense, kvecs } = methodBlock(eng, alg);
  const nPad = (n + 1) & ~1;
  const stride = 8 * nPad;
  const count = d?.count ?? 0;
  const recLen = d?.recLen ?? 0;
  const rosen = alg.kind === 'rosenbrock';
  // Stage vectors the sweep keeps adjoints for: every recorded stage (ERK), every stage (Rosenbrock).
  const stages = rosen ? kvecs - 4 : ndense;
  const ctx = f64(DA.DA_SIZE);
  const rec = f64(count * recLen);
  const ptLen = DA.DA_PT_HEAD + n;
  const pts = f64(points.length * ptLen);
  const { pCode, pRegs } = loadTape(eng, model.tape, req.paramVector);
  const adj = f64(model.tape.regs.length);
  const kbar = f64(nPad * Math.max(1, stages));
  const vec = () => f64(n);
  const y = vec();
  const ybar = vec();
  const vu = vec();
  const out = vec();
  const pLam = vec();
  const mu = vec();
  const fbar = vec();
  const z = vec();
  const vp = f64(np);
  const pPbar = f64(np);
  let rosFields: Record<number, number> = {};
  if (rosen) {
    // A solve block for the recomputed steps: the model, J, W and AD lanes as the solve had them.
    const ws = allocWorkspace(eng, n, kvecs);
    const blk = f64(L.B_SIZE);
    writeWorkspace(eng.f64, blk, n, tab, ws);
    attachModel(eng, blk, req.prob);
    allocJacobian(eng, blk, req.prob, alg.name, true);
    const jv = jvTape(model, req.where);
    const jvLoaded = loadTape(eng, jv.tape, req.paramVector);
    const jvStates = 2 * n + 2;
    rosFields = {
      [DA.DA_BLK]: blk,
      [DA.DA_WS]: ws.uprev,
      [DA.DA_WT]: f64(n * n),
      [DA.DA_PIVT]: eng.alloc(4 * n),
      [DA.DA_JV_TAPE]: jvLoaded.pCode,
      [DA.DA_JV_REGS]: jvLoaded.pRegs,
      [DA.DA_JV_ADJ]: f64(jv.tape.regs.length),
      [DA.DA_JV_X]: f64(jvStates),
      [DA.DA_JV_VU]: f64(jvStates),
      [DA.DA_JV_OUT]: f64(n),
      [DA.DA_JV_W]: f64(n),
      [DA.DA_JV_PBASE]: jv.tape.paramBase,
      [DA.DA_ADAPTIVE]: (req.options.adaptive ?? alg.adaptive) ? 1 : 0,
      [DA.DA_TIME_DEP]: jv.timeDependent ? 1 : 0,
      [DA.DA_TBAR]: f64(n),
      [DA.DA_FBAR0]: f64(n),
    };
  }
  const F = eng.f64;
  const b = ctx >>> 3;
  F.fill(0, b, b + DA.DA_SIZE);
  F[b + DA.DA_N] = n;
  F[b + DA.DA_STRIDE] = stride;
  F[b + DA.DA_NP] = np;
  F[b + DA.DA_TAPE] = pCode;
  F[b + DA.DA_REGS] = pRegs;
  F[b + DA.DA_ADJ] = adj;
  F[b + DA.DA_PARAM_BASE] = model.tape.paramBase;
  F[b + DA.DA_TAB] = tab;
  F[b + DA.DA_REC] = rec;
  F[b + DA.DA_NREC] = count;
  F[b + DA.DA_RECLEN] = recLen;
  F[b + DA.DA_PTS] = pts;
  F[b + DA.DA_NPTS] = points.length;
  F[b + DA.DA_KBAR] = kbar;
  F[b + DA.DA_Y] = y;
  F[b + DA.DA_YBAR] = ybar;
  F[b + DA.DA_VU] = vu;
  F[b + DA.DA_VP] = vp;
  F[b + DA.DA_OUT] = out;
  F[b + DA.DA_LAMBDA] = pLam;
  F[b + DA.DA_MU] = mu;
  F[b + DA.DA_PBAR] = pPbar;
  F.set(lam, pLam >>> 3);
  F.set(pbar, pPbar >>> 3);
  F[b + DA.DA_FBAR] = fbar;
  F[b + DA.DA_Z] = z;
  for (const [slot, v] of Object.entries(rosFields)) F[b + Number(slot)] = v;
  if (d && count > 0) F.set(d.records.subarray(0, count * recLen), rec >>> 3);
  points.forEach((pt, k) => {
    const p = (pts >>> 3) + k * ptLen;
    F[p + DA.DA_PT_STEP] = pt.at.step;
    F[p + DA.DA_PT_KIND] = pt.at.kind;
    F[p + DA.DA_PT_T] = pt.t;
    F.set(pt.g, p + DA.DA_PT_HEAD);
  });
  return ctx;
}

/** The gradient by the discrete adjoint (registered in gradient.ts's METHODS table). */
export function reverseDiffGradient(req: GradientRequest): GradientOutcome {
  checkAlgorithm(req);
  const { n, np, where } = req;
  const sol = solve(req.prob, req.alg, { ...req.options, dense: true });
  if (sol.retcode !== 'Success') throw new GradientSolveError(sol.retcode, sol.t.length > 0 ? sol.t[sol.t.length - 1] : req.prob.tspan[0], where);
  const pieces = sol.denseData;
  const { value, grads } = req.loss.evaluate(sol.u, sol.t, n);
  const located = locatePoints(pieces, sol.t, req.prob.tspan[0], where);
  // dL/du at the end of the piece being swept (then at its start), and dL/dp so far.
  let lam = new Float64Array(n);
  let pbar = new Float64Array(np);
  const eng = getEngine();
  // The last piece first; a solve without steps has only its initial point (one empty piece).
  for (let piece = Math.max(pieces.length, 1) - 1; piece >= 0; piece--) {
    const d = pieces[piece] as DenseData | undefined;
    const alg = d?.method ?? (checkAlgorithm(req)[0]);
    checkMethod(alg, where);
    const points = located.flatMap((at, k) => (at.piece === piece ? [{ at, t: sol.t[k], g: grads[k] }] : []));
    const mark = eng.mark();
    try {
      const ctx = buildContext(eng, req, alg, d, points, lam, pbar);
      const code = alg.kind === 'rosenbrock' ? eng.raw.rosenbrockAdjointSweep(ctx) : eng.raw.erkAdjointSweep(ctx);
      if (code === DA.DA_SINGULAR) throw new Error(`${where}: ${NAME} could not recompute a ${alg.name} step (its W matrix was singular or not finite)`);
      if (code !== DA.DA_OK) throw new Error(`${where}: ${NAME} found a saved point inside a step whose interpolation stages were not recorded`);
      const F = eng.f64;
      const b = ctx >>> 3;
      pbar = F.slice(F[b + DA.DA_PBAR] / 8, F[b + DA.DA_PBAR] / 8 + np);
      lam = F.slice(F[b + DA.DA_LAMBDA] / 8, F[b + DA.DA_LAMBDA] / 8 + n);
    } finally {
      eng.release(mark);
    }
  }
  return { loss: value, dp: pbar, ...(req.du0 ? { du0: lam } : {}), t: sol.t, retcode: sol.retcode };
}
