/**
 * Turns an `SdirkTableau` into the engine's SDIRK coefficient block
 * (assembly/solvers/layout-sdirk.ts, S_* and the tableau slots it shares), written once into
 * permanent memory and reused by every solve with that method.
 */
import type { Engine } from '../runtime/engine.js';
import type { SdirkTableau } from './tableaus/sdirk.js';
import * as L from '../../assembly/solvers/layout.js';
import * as S from '../../assembly/solvers/layout-sdirk.js';
import { nonzeros } from './tableau-block.js';

/** Stage vectors kept per step for the dense output: u'(t_n), u'(t_{n+1}), (u_{n+1} − u_n)/dt. */
export const SDIRK_NDENSE = 3;

/** Workspace vectors after u_n: the three dense-output vectors, the implicit stages, scratch. */
export function sdirkVectors(tab: SdirkTableau): number {
  return S.SD_SLOT_STAGE1 + tab.c.length - 1 + S.SD_SCRATCH;
}

// The cubic Hermite interpolant u_n + dt·(B_0(θ)·u'_n + B_1(θ)·u'_{n+1} + B_2(θ)·Δ) with
// Δ = (u_{n+1} − u_n)/dt: B_0 = θ − 2θ² + θ³, B_1 = −θ² + θ³, B_2 = 3θ² − 2θ³ (coefficients
// of θ, θ², θ³).
const HERMITE = [
  [1, -2, 1],
  [0, -1, 1],
  [0, 3, -2],
];

/** Stage j's workspace slot. */
const slotOf = (j: number) => (j === 0 ? S.SD_SLOT_F0 : S.SD_SLOT_STAGE1 + j - 1);

function rowOf(r: number[] | undefined, len: number, what: string, name: string): number[] {
  const out = (r ?? []).slice();
  if (out.length > len) throw new Error(`difflux: SDIRK tableau ${name}: ${what} row longer than its stage index`);
  while (out.length < len) out.push(0);
  return out;
}

/** Checks the tableau's shape and nodes; returns its rows, full length. */
export function checkSdirk(tab: SdirkTableau): { A: number[][]; P: number[][]; btilde: number[] } {
  const s = tab.c.length;
  if (s < 2 || tab.A.length !== s || tab.predictor.length !== s) throw new Error(`difflux: SDIRK tableau ${tab.name} has inconsistent sizes`);
  const A = tab.A.map((r, i) => rowOf(r, i, 'A', tab.name));
  const P = tab.predictor.map((r, i) => rowOf(r, i, 'predictor', tab.name));
  if (tab.c[0] !== 0) throw new Error(`difflux: SDIRK tableau ${tab.name}: c_0 must be 0 (explicit first stage)`);
  for (let i = 1; i < s; i++) {
    const sum = A[i].reduce((a, b) => a + b, 0) + tab.gamma;
    if (Math.abs(sum - tab.c[i]) > 1e-12) throw new Error(`difflux: SDIRK tableau ${tab.name}: c_${i} = ${tab.c[i]} but its row sums to ${sum}`);
  }
  const btilde = tab.error === 'btilde' ? rowOf(tab.btilde, s, 'btilde', tab.name) : [];
  if (tab.error === 'btilde' && !tab.btilde) throw new Error(`difflux: SDIRK tableau ${tab.name} has no btilde`);
  return { A, P, btilde };
}

const written = new WeakMap<SdirkTableau, number>();

/** Writes the coefficient block once; returns its pointer. */
export function sdirkBlock(eng: Engine, tab: SdirkTableau): number {
  const hit = written.get(tab);
  if (hit !== undefined) return hit;
  const { A, P, btilde } = checkSdirk(tab);
  const s = tab.c.length;
  // Sparse rows over workspace slots.
  const toSlots = (r: { idx: number[]; val: number[] }) => ({ idx: r.idx.map(slotOf), val: r.val });
  const aRows = A.map((r) => toSlots(nonzeros(r)));
  const pRows = P.map((r) => toSlots(nonzeros(r)));
  const err = toSlots(nonzeros(btilde));
  const nnzA = aRows.reduce((m, r) => m + r.idx.length, 0);
  const nnzP = pRows.reduce((m, r) => m + r.idx.length, 0);
  const deg = 3;

  const f64 = (n: number) => eng.allocPermanent(8 * Math.max(n, 1));
  const i32 = (n: number) => eng.allocPermanent(4 * Math.max(n, 1));
  const head = f64(S.S_SIZE);
  const pC = f64(s);
  const pARow = i32(s + 1);
  const pAIdx = i32(nnzA);
  const pACoef = f64(nnzA);
  const pPRow = i32(s + 1);
  const pPIdx = i32(nnzP);
  const pPCoef = f64(nnzP);
  const pErrIdx = i32(err.idx.length);
  const pErrCoef = f64(err.idx.length);
  const pDIdx = i32(SDIRK_NDENSE);
  const pDPoly = f64(SDIRK_NDENSE * deg);
  const pDW = f64(SDIRK_NDENSE);

  const H = eng.f64;
  const I = eng.i32;
  const h = head >>> 3;
  H.fill(0, h, h + S.S_SIZE);
  // The dense-output part, as an explicit method's tableau without extra stages.
  H[h + L.T_S] = SDIRK_NDENSE;
  H[h + L.T_STOTAL] = SDIRK_NDENSE;
  H[h + L.T_DEG] = deg;
  H[h + L.T_ERRKIND] = tab.error === 'btilde' ? 1 : 0;
  H[h + L.T_ORDER] = tab.order;
  H[h + L.T_C] = pC;
  H[h + L.T_ROWSTART] = pARow;
  H[h + L.T_IDX] = pAIdx;
  H[h + L.T_COEF] = pACoef;
  H[h + L.T_ERR_N] = err.idx.length;
  H[h + L.T_ERR_IDX] = pErrIdx;
  H[h + L.T_ERR_COEF] = pErrCoef;
  H[h + L.T_B_N] = SDIRK_NDENSE;
  H[h + L.T_B_IDX] = pDIdx;
  H[h + L.T_B_POLY] = pDPoly;
  H[h + L.T_B_W] = pDW;
  H[h + S.S_KIND] = tab.error === 'btilde' ? S.SD_KIND_BTILDE : tab.error === 'dd2' ? S.SD_KIND_DD2 : S.SD_KIND_DD3;
  H[h + S.S_NSTAGES] = s;
  H[h + S.S_GAMMA] = tab.gamma;
  H[h + S.S_PROWSTART] = pPRow;
  H[h + S.S_PIDX] = pPIdx;
  H[h + S.S_PCOEF] = pPCoef;
  H[h + S.S_SMOOTH] = tab.smooth ? 1 : 0;
  H.set(tab.c, pC >>> 3);
  const writeRows = (rows: { idx: number[]; val: number[] }[], pRow: number, pIdx: number, pCoef: number) => {
    let k = 0;
    for (let i = 0; i < s; i++) {
      I[(pRow >>> 2) + i] = k;
      I.set(rows[i].idx, (pIdx >>> 2) + k);
      H.set(rows[i].val, (pCoef >>> 3) + k);
      k += rows[i].idx.length;
    }
    I[(pRow >>> 2) + s] = k;
  };
  writeRows(aRows, pARow, pAIdx, pACoef);
  writeRows(pRows, pPRow, pPIdx, pPCoef);
  I.set(err.idx, pErrIdx >>> 2);
  H.set(err.val, pErrCoef >>> 3);
  I.set([S.SD_SLOT_F0, S.SD_SLOT_F1, S.SD_SLOT_DU], pDIdx >>> 2);
  HERMITE.forEach((p, q) => H.set(p, (pDPoly >>> 3) + q * deg));
  written.set(tab, head);
  return head;
}
