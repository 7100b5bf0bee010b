/**
 * Copies a finished solve's dense records into the engine's arena as an interpolation
 * source (assembly/solvers/dense-source.ts): the continuous adjoints read u(t) of the forward
 * solution, and QuadratureAdjoint λ(t), at times the engine chooses, with the recording
 * method's own interpolation.
 */
import * as L from '../../assembly/solvers/layout.js';
import * as A from '../../assembly/solvers/layout-adjoint.js';
import type { Engine } from '../runtime/engine.js';
import type { DenseData } from '../solve/solution.js';
import { methodBlock } from '../solve/solve.js';

/** The f that computes the interpolation's extra stages: a model's tape, or an engine-built one. */
export type SourceRhs = { tape: number; regs: number } | { kind: number; ctx: number };

/**
 * Writes the source block for `pieces` (states of `n` values) in the current arena region
 * and returns its pointer. The extra stages are not computed here (`sourceExtras`).
 */
export function writeDenseSource(eng: Engine, pieces: readonly DenseData[], n: number, f: SourceRhs): number {
  if (pieces.length === 0) throw new Error('difflux: an adjoint needs the forward solve\'s dense output, and it has no steps');
  const tabs = pieces.map((d) => methodBlock(eng, d.method).ptr);
  const nPad = pieces[0].nPad;
  const src = eng.alloc(8 * A.IS_SIZE);
  const table = eng.alloc(8 * A.IP_SIZE * pieces.length);
  const blk = eng.alloc(8 * L.B_SIZE);
  const tmp = eng.alloc(8 * nPad);
  const recs = pieces.map((d) => eng.alloc(8 * Math.max(1, d.count * d.recLen)));
  const F = eng.f64;
  pieces.forEach((d, i) => {
    F.set(d.records.subarray(0, d.count * d.recLen), recs[i] >>> 3);
    const q = (table >>> 3) + i * A.IP_SIZE;
    F[q + A.IP_TAB] = tabs[i];
    F[q + A.IP_RECS] = recs[i];
    F[q + A.IP_COUNT] = d.count;
    F[q + A.IP_RECLEN] = d.recLen;
  });
  const b = blk >>> 3;
  F.fill(0, b, b + L.B_SIZE);
  F[b + L.B_N] = n;
  F[b + L.B_TAB] = tabs[0];
  F[b + L.B_TMP] = tmp;
  F[b + L.B_STRIDE] = 8 * nPad;
  if ('tape' in f) {
    F[b + L.B_TAPE] = f.tape;
    F[b + L.B_REGS] = f.regs;
  } else {
    F[b + L.B_RHS_KIND] = f.kind;
    F[b + L.B_RHS_CTX] = f.ctx;
  }
  const s = src >>> 3;
  F.fill(0, s, s + A.IS_SIZE);
  F[s + A.IS_BLK] = blk;
  F[s + A.IS_NPIECE] = pieces.length;
  F[s + A.IS_PIECES] = table;
  return src;
}

/** Computes the extra interpolation stages of every record (f must be ready to run). */
export function completeSource(eng: Engine, src: number): void {
  if (eng.raw.sourceExtras(src) !== 0) throw new Error('difflux: the right-hand side failed while computing interpolation stages');
}
