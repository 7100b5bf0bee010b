/**
 * The engine's block for RadauIIA5 (assembly/solvers/radau.ts): a tableau block whose
 * dense-output part (layout.ts's T_* slots) describes the collocation polynomial, so the
 * explicit methods' interpolation reads Radau's dense records. Written once into permanent
 * memory and reused by every solve.
 */
import type { Engine } from '../runtime/engine.js';
import * as L from '../../assembly/solvers/layout.js';

/** What a Radau algorithm exposes of its method: its name and order (the solve reads both). */
export interface RadauTableau {
  readonly name: string;
  readonly order: number;
}

/**
 * The collocation polynomial u_n + dt·Σ_j B_j(θ)·K_j with K = A⁻¹·Z/dt: B_j(θ) = ∫_0^θ ℓ_j(s) ds,
 * ℓ_j the Lagrange basis on the nodes c = ((4 − √6)/10, (4 + √6)/10, 1) of the Radau IIA
 * method of order 5 (Hairer–Wanner II, Table IV.5.6). Coefficients of θ, θ², θ³ per stage,
 * computed exactly (symbolically) and rounded to f64; B_j(1) = b_j.
 */
const DENSE: readonly (readonly number[])[] = [
  [1.5580782047249223824, -1.9869472213484429397, 0.80527207932398783233],
  [-0.89141153805825571577, 3.3202805546817762730, -1.9163831904350989434],
  [1 / 3, -4 / 3, 10 / 9],
];

let written: { ptr: number; engine: Engine } | undefined;

/** Writes the block once per engine; returns its pointer. */
export function radauBlock(eng: Engine): number {
  if (written && written.engine === eng) return written.ptr;
  const head = eng.allocPermanent(8 * L.T_SIZE);
  const pIdx = eng.allocPermanent(4 * 3);
  const pPoly = eng.allocPermanent(8 * 9);
  const pW = eng.allocPermanent(8 * 3);
  const H = eng.f64;
  const h = head >>> 3;
  H.fill(0, h, h + L.T_SIZE);
  H[h + L.T_S] = 3;
  H[h + L.T_STOTAL] = 3;
  H[h + L.T_DEG] = 3;
  H[h + L.T_ORDER] = 5;
  H[h + L.T_B_N] = 3;
  H[h + L.T_B_IDX] = pIdx;
  H[h + L.T_B_POLY] = pPoly;
  H[h + L.T_B_W] = pW;
  eng.i32.set([0, 1, 2], pIdx >>> 2);
  DENSE.forEach((row, j) => H.set(row, (pPoly >>> 3) + 3 * j));
  written = { ptr: head, engine: eng };
  return head;
}
