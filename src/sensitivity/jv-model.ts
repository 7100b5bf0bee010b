/**
 * The map (u, t, v, τ) ↦ J(u, p, t)·v + ∂f/∂t(u, p, t)·τ of a model as a tape of its own, for
 * the discrete adjoint of Rosenbrock steps: W = I − dt·γ·J(u_n) depends on u_n and p through
 * J, and the ∂f/∂t terms of the stages on them too. The gradient of zᵀ·J(u, p, t)·k (or of
 * zᵀ·∂f/∂t) with respect to u and p is one reverse sweep of this tape at (u_n, t_n, k, 0) (or
 * (u_n, t_n, 0, 1)) with weights z. J and ∂f/∂t come from the symbolic differentiator on the
 * model's element-by-element form, t written as one more state so that it differentiates like
 * one; only structurally nonzero entries become terms. Same flat parameters as the model.
 *
 * States of the tape: u (n), t (1), v (n), τ (1); outputs: n.
 */
import type { Graph, Node } from '../model/ir.js';
import { topoOrder } from '../model/ir.js';
import type { Model } from '../model/model.js';
import { compileTape, type Tape } from '../model/tape.js';
import { jacobianNodes } from '../model/derivative.js';
import { scalarize } from '../model/scalarize.js';

/** The J·v tape (states [u; t; v; τ], 2n + 2; outputs J·v + ∂f/∂t·τ, n) and whether f depends on t. */
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

/** `roots` rebuilt in `g` with every occurrence of t replaced by state `index`. */
function timeAsState(g: Graph, roots: readonly Node[], index: number): Node[] {
  const to = new Map<number, Node>();
  const at = (x: Node) => to.get(x.id)!;
  // Operands come before their uses in topological order.
  for (const x of topoOrder(roots)) {
    let r: Node;
    switch (x.kind) {
      case 'time': r = g.state(index); break;
      case 'unary': r = g.unary(x.op, at(x.a)); break;
      case 'binary': r = g.binary(x.op, at(x.a), at(x.b)); break;
      case 'ifelse': r = g.ifelse(at(x.cond), at(x.a), at(x.b)); break;
      default: r = x;
    }
    to.set(x.id, r);
  }
  return roots.map(at);
}

/** The J·v tape of `model`, built once per model. */
export function jvTape(model: Model, where: string): JvTape {
  const hit = cache.get(model);
  if (hit) return hit;
  const n = model.length;
  if (n * n > MAX_ENTRIES) throw new RangeError(`${where}: a symbolic ${n}×${n} Jacobian is too large to write out (at most ${MAX_ENTRIES} entries)`);
  const { graph: g, outputs: f0 } = scalarize(model.outputs, model.sizes, offsetsOf(model.paramSizes));
  const timeDependent = topoOrder(f0).some((x) => x.kind === 'time');
  const f = timeDependent ? timeAsState(g, f0, n) : f0;
  // Columns 0 … n − 1: J; column n: ∂f/∂t (t is state n).
  const Jt = jacobianNodes(g, f, 'state', n + 1);
  const out: Node[] = [];
  for (let i = 0; i < n; i++) {
    // (J·v)_i + ∂f_i/∂t·τ, summed left to right over the structurally nonzero entries only.
    let acc: Node | undefined;
    for (let k = 0; k <= n; k++) {
      const Jik = Jt[i * (n + 1) + k];
      if (isZero(Jik)) continue;
      const term = g.mul(Jik, g.state(n + 1 + k));
      acc = acc === undefined ? term : g.add(acc, term);
    }
    out.push(acc ?? g.constant(0));
  }
  const jv = { tape: compileTape(out, 2 * n + 2, model.paramLength), timeDependent };
  cache.set(model, jv);
  return jv;
}
