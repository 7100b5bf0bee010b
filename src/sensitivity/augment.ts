/**
 * The forward sensitivity equations as a model of their own. For du/dt = f(u, p, t) and
 * S = du/dx (n×m, row-major; x = the parameters, then u0 when asked),
 *
 *   u' = f(u, p, t),    S' = J(u, p, t)·S + [∂f/∂p | 0],    S(t0) = [0 | I],
 *
 * written symbolically on the IR: J and ∂f/∂p come from the symbolic differentiator, and
 * only their structurally nonzero entries become terms, so the graph stays as sparse as the
 * model. The result is an ordinary scalar model with n·(1 + m) states and the same
 * parameters (flattened): every algorithm runs it inside the engine, implicit ones with
 * its Jacobian by AD like any model, and the sensitivities take part in the error norm as
 * in DifferentialEquations.jl's ForwardSensitivity.
 */
import type { Node } from '../model/ir.js';
import { Model } from '../model/model.js';
import { jacobianNodes } from '../model/derivative.js';
import { scalarize } from '../model/scalarize.js';

/** The augmented model of one model, and the shape of its sensitivity block. */
export interface AugmentedModel {
  readonly model: Model;
  /** States of the original model (n). */
  readonly n: number;
  /** Flat parameters (np). */
  readonly np: number;
  /** Columns of S: np, plus n when the u0 block is carried. */
  readonly m: number;
  readonly withU0: boolean;
}

/** Largest augmented state built (n·(1 + m)); beyond it, adjoint methods are the way. */
const MAX_AUGMENTED_STATES = 100_000;

const cache = new WeakMap<Model, Map<boolean, AugmentedModel>>();

/** The augmented model for `model` (built once per model and per `withU0`). */
export function augmentedModel(model: Model, withU0: boolean): AugmentedModel {
  let byKind = cache.get(model);
  if (!byKind) {
    byKind = new Map();
    cache.set(model, byKind);
  }
  let aug = byKind.get(withU0);
  if (!aug) {
    aug = build(model, withU0);
    byKind.set(withU0, aug);
  }
  return aug;
}

/** Flat offset of each parameter's first value (the layout of `paramVector`). */
function offsetsOf(sizes: readonly number[]): number[] {
  const out: number[] = [];
  sizes.reduce((at, len, i) => { out[i] = at; return at + len; }, 0);
  return out;
}

function isZero(x: Node): boolean {
  return x.kind === 'const' && x.value === 0;
}

function build(model: Model, withU0: boolean): AugmentedModel {
  const n = model.length;
  const np = model.paramLength;
  const m = np + (withU0 ? n : 0);
  if (m === 0) throw new Error('ForwardSensitivity: the model has no parameters; ask for du0 to get sensitivities to u0');
  if (n * (1 + m) > MAX_AUGMENTED_STATES) {
    throw new RangeError(`ForwardSensitivity: ${n} states × ${m} sensitivities make ${n * (1 + m)} equations (at most ${MAX_AUGMENTED_STATES})`);
  }
  // Vector states and parameters are written out element by element: the augmented model is
  // scalar, its parameters the flat values in paramVector order.
  const { graph: g, outputs: f } = scalarize(model.outputs, model.sizes, offsetsOf(model.paramSizes));
  const J = jacobianNodes(g, f, 'state', n);
  const Fp = np > 0 ? jacobianNodes(g, f, 'param', np) : [];
  const S = (k: number, j: number) => g.state(n + k * m + j);
  const out: Node[] = [...f];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      // (J·S)_ij + ∂f_i/∂p_j, summed left to right over the nonzero J_ik only.
      let acc: Node | undefined = j < np && !isZero(Fp[i * np + j]) ? Fp[i * np + j] : undefined;
      for (let k = 0; k < n; k++) {
        const Jik = J[i * n + k];
        if (isZero(Jik)) continue;
        const term = g.mul(Jik, S(k, j));
        acc = acc === undefined ? term : g.add(acc, term);
      }
      out.push(acc ?? g.constant(0));
    }
  }
  const flatNames = flatNamesOf(model);
  const stateNames = flatStateNames(model);
  const colNames = withU0 ? [...flatNames, ...stateNames.map((s) => `${s}0`)] : flatNames;
  const states = [...stateNames];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) states.push(`d${stateNames[i]}/d${colNames[j]}`);
  const aug = Model.fromGraph(g, { states, params: flatNames, outputs: out });
  return { model: aug, n, np, m, withU0 };
}

/** Names of the flat parameters: `k`, or `W[3]` (from 1) for an entry of a vector or matrix. */
function flatNamesOf(model: Model): string[] {
  const out: string[] = [];
  model.params.forEach((name, j) => {
    const size = model.paramSizes[j];
    if (size === 1) out.push(name);
    else for (let e = 0; e < size; e++) out.push(`${name}[${e + 1}]`);
  });
  return out;
}

/** Names of the flat states: `x`, or `u[3]` (from 1) for an entry of a vector state. */
function flatStateNames(model: Model): string[] {
  const out: string[] = [];
  model.states.forEach((name, i) => {
    const size = model.sizes[i];
    if (size === 1) out.push(name);
    else for (let e = 0; e < size; e++) out.push(`${name}[${e + 1}]`);
  });
  return out;
}
