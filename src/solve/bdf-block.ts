/**
 * FBDF's coefficient block (assembly/solvers/layout-bdf.ts): a tableau block holding only the
 * dense-output part, written once per engine into permanent memory.
 *
 * The interpolating polynomial of a BDF step of order k and size h (Shampine & Reichelt 1997,
 * §2; scipy/integrate/_ivp/bdf.py's dense output), with θ = (t − t_n)/h, is
 *   p(θ) = D_0 + Σ_{q=1..k} D_q·P_q(θ − 1),  P_q(x) = Π_{m=0..q−1} (x + m)/(m + 1),
 * where D_q are the backward differences after the step (D_0 = u_{n+1}). Since p(0) = u_n,
 *   p(θ) = u_n + h·Σ_q w_q(θ)·(D_q/h),  w_q(θ) = P_q(θ − 1) − P_q(−1),
 * and the w_q do not depend on k: the engine records D_q/h (zero above k) as the step's
 * stages, and the explicit methods' interpolation evaluates this.
 */
import type { Engine } from '../runtime/engine.js';
import * as L from '../../assembly/solvers/layout.js';
import * as LB from '../../assembly/solvers/layout-bdf.js';

/** Coefficients of θ^1 … θ^K of w_q, q = 1 … K (K = BDF_NDENSE). */
export function bdfDenseWeights(): number[][] {
  const K = LB.BDF_NDENSE;
  const out: number[][] = [];
  for (let q = 1; q <= K; q++) {
    // Π_{m<q} (θ + m − 1)/(m + 1), coefficients of θ^0 … θ^q.
    let p = [1];
    for (let m = 0; m < q; m++) {
      const next = new Array(p.length + 1).fill(0);
      for (let i = 0; i < p.length; i++) {
        next[i + 1] += p[i] / (m + 1);
        next[i] += (p[i] * (m - 1)) / (m + 1);
      }
      p = next;
    }
    const row = p.slice(1);
    while (row.length < K) row.push(0);
    out.push(row);
  }
  return out;
}

const written = new WeakMap<Engine, number>();

/** Writes the block once per engine; returns its pointer. */
export function bdfBlock(eng: Engine): number {
  const hit = written.get(eng);
  if (hit !== undefined) return hit;
  const K = LB.BDF_NDENSE;
  const W = bdfDenseWeights();
  const head = eng.allocPermanent(8 * LB.BD_SIZE);
  const pIdx = eng.allocPermanent(4 * K);
  const pPoly = eng.allocPermanent(8 * K * K);
  const pW = eng.allocPermanent(8 * K);
  const H = eng.f64;
  const I = eng.i32;
  const h = head >>> 3;
  H.fill(0, h, h + LB.BD_SIZE);
  H[h + L.T_S] = K;
  H[h + L.T_STOTAL] = K;
  H[h + L.T_DEG] = K;
  H[h + L.T_ORDER] = 1;
  H[h + L.T_B_N] = K;
  H[h + L.T_B_IDX] = pIdx;
  H[h + L.T_B_POLY] = pPoly;
  H[h + L.T_B_W] = pW;
  for (let q = 0; q < K; q++) {
    I[(pIdx >>> 2) + q] = q;
    H.set(W[q], (pPoly >>> 3) + q * K);
  }
  written.set(eng, head);
  return head;
}
