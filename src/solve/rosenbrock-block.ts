/**
 * Turns a `RosenbrockTableau` into the engine's Rosenbrock coefficient block
 * (assembly/solvers/layout.ts, R_* and the tableau slots it shares), written once into
 * permanent memory and reused by every solve with that method.
 */
import type { Engine } from '../runtime/engine.js';
import type { RosenbrockTableau } from './tableaus/rosenbrock.js';
import type { RosenbrockAlgorithm } from './algorithms.js';
import type { ODEProblem } from './problem.js';
import { allocJacobian } from './drivers.js';
import * as L from '../../assembly/solvers/layout.js';
import * as LR from '../../assembly/solvers/layout-rosenbrock.js';
import { nonzeros } from './tableau-block.js';

export interface RosenbrockLayout {
  /** Stage vectors of a step. */
  s: number;
  /** Stage vectors kept per step for the dense output (the first `ndense`). */
  ndense: number;
  /** B[i] = coefficients of θ^1..θ^deg of stage i's dense-output weight. */
  B: number[][];
  deg: number;
}

function row(r: number[] | undefined, len: number): number[] {
  const out = (r ?? []).slice(0, len);
  if ((r ?? []).slice(len).some((x) => x !== 0)) throw new Error('difflux: Rosenbrock tableau row longer than its stage index');
  while (out.length < len) out.push(0);
  return out;
}

/** Stage count, dense-output polynomials in derivative variables. */
export function rosenbrockLayout(tab: RosenbrockTableau): RosenbrockLayout {
  const s = tab.btilde.length;
  let B: number[][];
  if (tab.dense) {
    B = [];
    for (let i = 0; i < s; i++) B.push((tab.dense[i] ?? []).slice());
  } else {
    // u_n + θ·Σ b_i K_i + (θ − θ²)·Σ_r θ^(r−1)·h_r: with K_i = dt·k_i the weight of k_i is
    // b_i·θ + Σ_r H_ri·(θ^r − θ^(r+1)).
    const H = tab.H ?? [];
    const b = row(tab.b, s);
    B = [];
    for (let i = 0; i < s; i++) {
      const p = new Array(H.length + 1).fill(0);
      p[0] = b[i];
      H.forEach((hr, r) => {
        p[r] += hr[i];
        p[r + 1] -= hr[i];
      });
      B.push(p);
    }
  }
  const deg = B.reduce((m, r) => Math.max(m, r.length), 0);
  for (const r of B) while (r.length < deg) r.push(0);
  let ndense = 0;
  B.forEach((r, i) => { if (r.some((x) => x !== 0)) ndense = i + 1; });
  return { s, ndense, B, deg };
}

const written = new WeakMap<RosenbrockTableau, { ptr: number; layout: RosenbrockLayout }>();

/** Writes the coefficient block once; returns its pointer and layout. */
export function rosenbrockBlock(eng: Engine, tab: RosenbrockTableau): { ptr: number; layout: RosenbrockLayout } {
  const hit = written.get(tab);
  if (hit) return hit;
  const layout = rosenbrockLayout(tab);
  const { s, ndense, B, deg } = layout;
  const rodas = tab.form === 'rodas';
  if (rodas && (!tab.A || !tab.C || !tab.c || !tab.d || !tab.b || tab.A.length !== s || tab.C.length !== s || tab.c.length !== s || tab.d.length !== s)) {
    throw new Error(`difflux: Rosenbrock tableau ${tab.name} has inconsistent sizes`);
  }
  const A = rodas ? tab.A!.map((r, i) => nonzeros(row(r, i))) : [];
  const C = rodas ? tab.C!.map((r, i) => nonzeros(row(r, i))) : [];
  const c = rodas ? tab.c! : new Array(s).fill(0);
  const d = rodas ? tab.d! : new Array(s).fill(0);
  const b = nonzeros(rodas ? row(tab.b, s) : []);
  const err = nonzeros(tab.btilde);
  // Stage i repeats stage i − 1 when its node and its row of A are the same: f is reused.
  const reuse = new Array(s).fill(0);
  if (rodas) {
    for (let i = 2; i < s; i++) {
      const a = row(tab.A![i], i);
      const p = row(tab.A![i - 1], i);
      if (c[i] === c[i - 1] && a.every((x, j) => x === p[j])) reuse[i] = 1;
    }
  }
  const nnzA = A.reduce((m, r) => m + r.idx.length, 0);
  const nnzC = C.reduce((m, r) => m + r.idx.length, 0);
  const bStages = B.map((r, i) => (i < ndense && r.some((x) => x !== 0) ? i : -1)).filter((i) => i >= 0);

  const f64 = (n: number) => eng.allocPermanent(8 * Math.max(n, 1));
  const i32 = (n: number) => eng.allocPermanent(4 * Math.max(n, 1));
  const head = f64(L.R_SIZE);
  const pC = f64(s);
  const pARow = i32(s + 1);
  const pAIdx = i32(nnzA);
  const pACoef = f64(nnzA);
  const pCRow = i32(s + 1);
  const pCIdx = i32(nnzC);
  const pCCoef = f64(nnzC);
  const pD = f64(s);
  const pBIdx = i32(b.idx.length);
  const pBCoef = f64(b.idx.length);
  const pErrIdx = i32(err.idx.length);
  const pErrCoef = f64(err.idx.length);
  const pReuse = i32(s);
  const pDIdx = i32(bStages.length);
  const pDPoly = f64(bStages.length * deg);
  const pDW = f64(bStages.length);

  const H = eng.f64;
  const I = eng.i32;
  const h = head >>> 3;
  H.fill(0, h, h + L.R_SIZE);
  // The dense-output part, as an explicit method's tableau without extra stages.
  H[h + L.T_S] = ndense;
  H[h + L.T_STOTAL] = ndense;
  H[h + L.T_DEG] = deg;
  H[h + L.T_ERRKIND] = 1;
  H[h + L.T_ORDER] = tab.order;
  H[h + L.T_C] = pC;
  H[h + L.T_ROWSTART] = pARow;
  H[h + L.T_IDX] = pAIdx;
  H[h + L.T_COEF] = pACoef;
  H[h + L.T_ERR_N] = err.idx.length;
  H[h + L.T_ERR_IDX] = pErrIdx;
  H[h + L.T_ERR_COEF] = pErrCoef;
  H[h + L.T_B_N] = bStages.length;
  H[h + L.T_B_IDX] = pDIdx;
  H[h + L.T_B_POLY] = pDPoly;
  H[h + L.T_B_W] = pDW;
  H[h + L.R_KIND] = rodas ? L.ROS_KIND_RODAS : L.ROS_KIND_23;
  H[h + L.R_NSTAGES] = s;
  H[h + L.R_GAMMA] = tab.gamma;
  H[h + L.R_D] = pD;
  H[h + L.R_CROWSTART] = pCRow;
  H[h + L.R_CIDX] = pCIdx;
  H[h + L.R_CCOEF] = pCCoef;
  H[h + L.R_B_N] = b.idx.length;
  H[h + L.R_B_IDX] = pBIdx;
  H[h + L.R_B_COEF] = pBCoef;
  H[h + L.R_REUSE_F] = pReuse;
  H[h + L.R_C32] = tab.c32 ?? 0;
  H[h + LR.R_ORDER3] = tab.order3 ? 1 : 0;
  H[h + LR.R_WMETHOD] = tab.wmethod ? 1 : 0;
  H.set(c, pC >>> 3);
  H.set(d, pD >>> 3);
  const writeRows = (rows: { idx: number[]; val: number[] }[], pRow: number, pIdx: number, pCoef: number) => {
    let k = 0;
    for (let i = 0; i < s; i++) {
      I[(pRow >>> 2) + i] = k;
      const r = rows[i] ?? { idx: [], val: [] };
      I.set(r.idx, (pIdx >>> 2) + k);
      H.set(r.val, (pCoef >>> 3) + k);
      k += r.idx.length;
    }
    I[(pRow >>> 2) + s] = k;
  };
  writeRows(A, pARow, pAIdx, pACoef);
  writeRows(C, pCRow, pCIdx, pCCoef);
  I.set(b.idx, pBIdx >>> 2);
  H.set(b.val, pBCoef >>> 3);
  I.set(err.idx, pErrIdx >>> 2);
  H.set(err.val, pErrCoef >>> 3);
  I.set(reuse, pReuse >>> 2);
  I.set(bStages, pDIdx >>> 2);
  bStages.forEach((st, q) => H.set(B[st], (pDPoly >>> 3) + q * deg));
  const out = { ptr: head, layout };
  written.set(tab, out);
  return out;
}

/**
 * Relative change of dt·γ up to which a W-method keeps its Jacobian: OrdinaryDiffEq.jl's
 * jac_reuse_gamma_tol default (lib/OrdinaryDiffEqDifferentiation/src/derivative_utils.jl).
 */
export const JAC_REUSE_DT_TOL = 0.03;

/** A Rosenbrock solve's matrices (allocJacobian) and its Jacobian-reuse fields. */
export function prepareRosenbrock(eng: Engine, blk: number, prob: ODEProblem<unknown>, alg: RosenbrockAlgorithm): void {
  allocJacobian(eng, blk, prob, alg.name, alg.autodiff);
  const F = eng.f64;
  F[(blk >>> 3) + LR.B_JAC_MAXAGE] = alg.maxJacAge;
  F[(blk >>> 3) + LR.B_JAC_DTTOL] = JAC_REUSE_DT_TOL;
}
