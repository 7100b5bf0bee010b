/**
 * Turns an `ERKTableau` into the engine's tableau block (assembly/solvers/layout.ts),
 * written once into permanent memory and reused by every solve with that method.
 */
import type { Engine } from '../runtime/engine.js';
import type { ERKTableau } from './tableaus/types.js';
import * as L from '../../assembly/solvers/layout.js';

/** A tableau with the end-of-step evaluation and the extra stages laid out as the engine runs them. */
export interface NormalizedTableau {
  /** Stages in a step, the end-of-step evaluation included. */
  s: number;
  /** All stages, the interpolation's extra stages included. */
  stotal: number;
  /** Index of the stage f(u_{n+1}). */
  end: number;
  c: number[];
  /** Full rows, A[i].length === i. */
  A: number[][];
  btilde: number[] | null;
  btilde3: number[] | null;
  /** B[i] = coefficients of θ^1..θ^deg. */
  B: number[][];
  deg: number;
}

export function normalizeTableau(tab: ERKTableau): NormalizedTableau {
  const sMain = tab.c.length;
  if (tab.A.length !== sMain || tab.b.length !== sMain) throw new Error(`difflux: tableau ${tab.name} has inconsistent sizes`);
  const c = tab.c.slice();
  const A = tab.A.map((r, i) => padRow(r, i));
  let end: number;
  if (tab.fsal) {
    end = sMain - 1;
  } else {
    end = sMain;
    c.push(1);
    A.push(padRow(tab.b, sMain));
  }
  const s = end + 1;
  const extra = tab.interp?.extra;
  if (extra) {
    extra.c.forEach((ce, e) => {
      c.push(ce);
      A.push(padRow(extra.A[e], s + e));
    });
  }
  const stotal = c.length;
  let B: number[][];
  if (tab.interp) {
    B = [];
    for (let i = 0; i < stotal; i++) B.push((tab.interp.B[i] ?? []).slice());
  } else {
    // Cubic Hermite on (u_n, f_n, u_{n+1}, f_{n+1}), written over the stages:
    // u(θ) = u_n + (3θ² − 2θ³)·dt·Σ b_i k_i + (θ − 2θ² + θ³)·dt·k_0 + (θ³ − θ²)·dt·k_end.
    B = [];
    for (let i = 0; i < stotal; i++) {
      const bi = i < sMain ? tab.b[i] : 0;
      const row = [0, 3 * bi, -2 * bi];
      if (i === 0) { row[0] += 1; row[1] += -2; row[2] += 1; }
      if (i === end) { row[1] += -1; row[2] += 1; }
      B.push(row);
    }
  }
  const deg = B.reduce((m, r) => Math.max(m, r.length), 0);
  for (const r of B) while (r.length < deg) r.push(0);
  return {
    s, stotal, end, c, A, B, deg,
    btilde: tab.btilde ? padRow(tab.btilde, s) : null,
    btilde3: tab.btilde3 ? padRow(tab.btilde3, s) : null,
  };
}

function padRow(r: number[], len: number): number[] {
  if (r.length > len) {
    if (r.slice(len).some((x) => x !== 0)) throw new Error('difflux: tableau row longer than its stage index');
    return r.slice(0, len);
  }
  const out = r.slice();
  while (out.length < len) out.push(0);
  return out;
}

/** Nonzero entries of a row as (index, value) pairs (the blocks store sparse rows). */
export function nonzeros(row: number[]): { idx: number[]; val: number[] } {
  const idx: number[] = [];
  const val: number[] = [];
  row.forEach((v, i) => { if (v !== 0) { idx.push(i); val.push(v); } });
  return { idx, val };
}

const written = new WeakMap<ERKTableau, { ptr: number; norm: NormalizedTableau }>();

/** Writes the tableau once; returns its block pointer and normalized form. */
export function tableauBlock(eng: Engine, tab: ERKTableau): { ptr: number; norm: NormalizedTableau } {
  const hit = written.get(tab);
  if (hit) return hit;
  const norm = normalizeTableau(tab);
  const { stotal, end } = norm;
  const rows = norm.A.map(nonzeros);
  const nnz = rows.reduce((m, r) => m + r.idx.length, 0);
  const err = norm.btilde ? nonzeros(norm.btilde) : { idx: [], val: [] };
  const err3 = norm.btilde3 ? nonzeros(norm.btilde3) : { idx: [], val: [] };
  const bStages: number[] = [];
  norm.B.forEach((r, i) => { if (r.some((x) => x !== 0)) bStages.push(i); });

  const f64 = (n: number) => eng.allocPermanent(8 * Math.max(n, 1));
  const i32 = (n: number) => eng.allocPermanent(4 * Math.max(n, 1));
  const head = f64(L.T_SIZE);
  const pC = f64(stotal);
  const pRow = i32(stotal + 1);
  const pIdx = i32(nnz);
  const pCoef = f64(nnz);
  const pErrIdx = i32(err.idx.length);
  const pErrCoef = f64(err.idx.length);
  const pErr3Idx = i32(err3.idx.length);
  const pErr3Coef = f64(err3.idx.length);
  const pBIdx = i32(bStages.length);
  const pBPoly = f64(bStages.length * norm.deg);
  const pBW = f64(bStages.length);

  const H = eng.f64;
  const I = eng.i32;
  const h = head >>> 3;
  H[h + L.T_S] = norm.s;
  H[h + L.T_STOTAL] = stotal;
  H[h + L.T_END] = end;
  H[h + L.T_DEG] = norm.deg;
  H[h + L.T_ERRKIND] = norm.btilde3 ? 2 : norm.btilde ? 1 : 0;
  H[h + L.T_END_BEFORE_ERR] = (norm.btilde?.[end] ?? 0) !== 0 || (norm.btilde3?.[end] ?? 0) !== 0 ? 1 : 0;
  H[h + L.T_ORDER] = tab.order;
  H[h + L.T_C] = pC;
  H[h + L.T_ROWSTART] = pRow;
  H[h + L.T_IDX] = pIdx;
  H[h + L.T_COEF] = pCoef;
  H[h + L.T_ERR_N] = err.idx.length;
  H[h + L.T_ERR_IDX] = pErrIdx;
  H[h + L.T_ERR_COEF] = pErrCoef;
  H[h + L.T_ERR3_N] = err3.idx.length;
  H[h + L.T_ERR3_IDX] = pErr3Idx;
  H[h + L.T_ERR3_COEF] = pErr3Coef;
  H[h + L.T_B_N] = bStages.length;
  H[h + L.T_B_IDX] = pBIdx;
  H[h + L.T_B_POLY] = pBPoly;
  H[h + L.T_B_W] = pBW;
  H.set(norm.c, pC >>> 3);
  let k = 0;
  rows.forEach((r, i) => {
    I[(pRow >>> 2) + i] = k;
    I.set(r.idx, (pIdx >>> 2) + k);
    H.set(r.val, (pCoef >>> 3) + k);
    k += r.idx.length;
  });
  I[(pRow >>> 2) + stotal] = k;
  I.set(err.idx, pErrIdx >>> 2);
  H.set(err.val, pErrCoef >>> 3);
  I.set(err3.idx, pErr3Idx >>> 2);
  H.set(err3.val, pErr3Coef >>> 3);
  I.set(bStages, pBIdx >>> 2);
  bStages.forEach((st, q) => H.set(norm.B[st], (pBPoly >>> 3) + q * norm.deg));
  const out = { ptr: head, norm };
  written.set(tab, out);
  return out;
}
