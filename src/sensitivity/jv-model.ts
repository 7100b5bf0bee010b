/**
 * The map (u, v) ↦ J(u, p)·v of a model as a tape of its own, for the discrete adjoint of
 * Rosenbrock steps: W = I − dt·γ·J(u_n) depends on u_n and p through J, and the gradient of
 * zᵀ·J(u, p)·k with respect to u and p is one reverse sweep of this tape at (u_n, k) with
 * weights z. J comes from the symbolic differentiator (only its structurally nonzero entries
 * become terms), on the model's element-by-element form, with the same flat parameters.
 */
import type { Node } from '../model/ir.js';
import { topoOrder } from '../model/ir.js';
import type { Model } from '../model/model.js';
import { compileTape, type Tape } from '../model/tape.js';
import { jacobianNodes } from '../model/derivative.js';
import { scalarize } from '../model/scalarize.js';

/** The J·v tape (states [u; v], 2n; outputs J·v, n) and whether f depends on t. */
export interface JvTape {
  readonly tape: Tape;
  readonly timeDependent: boolean;
}

/** Largest n·n Jacobian written out symbolically (as Model's own symbolic Jacobians). */
const MAX_ENTRIES = 1_000_000;

const cache = new WeakMap<Model, JvTape>();

function isZero(x: Node): boolean {
  return x.kind === 'const' && x.value === 0;
}

/** Flat offset of each parameter's first value (paramVector's layout). */
function offsetsOf(sizes: readonly number[]): number[] {
  const out: number[] = [];
  sizes.reduce((at, len, i) => { out[i] = at; return at + len; }, 0);
  return out;
}

/** The J·v tape of `model`, built once per model. */
export function jvTape(model: Model, where: string): JvTape {
  const hit = cache.get(model);
  if (hit) return hit;
  const n = model.length;
  if (n * n > MAX_ENTRIES) throw new RangeError(`${where}: a symbolic ${n}×${n} Jacobian is too large to write out (at most ${MAX_ENTRIES} entries)`);
  const { graph: g, outputs: f } = scalarize(model.outputs, model.sizes, offsetsOf(model.paramSizes));
  const J = jacobianNodes(g, f, 'state', n);
  const out: Node[] = [];
  for (let i = 0; i < n; i++) {
    // (J·v)_i summed left to right over the nonzero J_ik only.
    let acc: Node | undefined;
    for (let k = 0; k < n; k++) {
      const Jik = J[i * n + k];
      if (isZero(Jik)) continue;
      const term = g.mul(Jik, g.state(n + k));
      acc = acc === undefined ? term : g.add(acc, term);
    }
    out.push(acc ?? g.constant(0));
  }
  const timeDependent = topoOrder(f).some((x) => x.kind === 'time');
  const jv = { tape: compileTape(out, 2 * n, model.paramLength), timeDependent };
  cache.set(model, jv);
  return jv;
}
