/**
 * Losses over a solve's saved points, and their gradients with respect to the saved states:
 * what every sensitivity algorithm needs from the loss (values and dL/du_i at each point).
 */

/**
 * A loss term at saved point i: returns its value and writes ∂(term)/∂u into `dLdu` (n
 * values, zeros on entry).
 */
export type LossFunction = (u: Float64Array, t: number, i: number, dLdu: Float64Array) => number;

/** A loss read at the final time only: the sum of u(t1), ‖u(t1) − target‖², or a function of u(t1). */
export interface FinalLoss {
  final: 'sum' | { l2: ArrayLike<number> } | LossFunction;
}

/**
 * The loss: `'sum'` (the sum of every saved value, the seed's `sum(Array(sol))`), `{ l2: data }`
 * (Σ_i ‖u_i − data_i‖², data one state per saved point), a LossFunction summed over the saved
 * points, or `{ final: … }`, one of those read at the end of the span only.
 */
export type Loss = 'sum' | { l2: ArrayLike<ArrayLike<number>> } | LossFunction | FinalLoss;

/** A checked loss: whether it reads only u(t1), and its value and gradients at given points. */
export interface LossTerms {
  readonly final: boolean;
  /** Value and dL/du_k at each point (u_k at t_k). */
  evaluate(u: readonly Float64Array[], t: Float64Array, n: number): { value: number; grads: Float64Array[] };
}

function finiteOrThrow(x: unknown, what: string, where: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: ${what} is ${String(x)}; it must be a finite number`);
  return x;
}

function describe(loss: unknown): string {
  if (typeof loss === 'object' && loss !== null) {
    try { return JSON.stringify(loss); } catch { return 'object'; }
  }
  return String(loss);
}

function unknownLoss(loss: unknown, where: string): TypeError {
  return new TypeError(`${where}: unknown loss ${describe(loss)}; use 'sum', { l2: data }, a function (u, t, i, dLdu) => number, or { final: … } with one of those`);
}

function sumTerms(u: readonly Float64Array[], n: number): { value: number; grads: Float64Array[] } {
  let value = 0;
  const grads = u.map((x) => {
    for (let i = 0; i < n; i++) value += x[i];
    return new Float64Array(n).fill(1);
  });
  return { value, grads };
}

function functionTerms(fn: LossFunction, u: readonly Float64Array[], t: Float64Array, n: number, where: string): { value: number; grads: Float64Array[] } {
  let value = 0;
  const grads = u.map((x, k) => {
    const g = new Float64Array(n);
    value += finiteOrThrow(fn(x.slice(), t[k], k, g), `the loss function's value at saved point ${k} (t = ${t[k]})`, where);
    g.forEach((gi, i) => finiteOrThrow(gi, `dLdu[${i}] at saved point ${k} (t = ${t[k]})`, where));
    return g;
  });
  return { value, grads };
}

function l2Terms(data: readonly ArrayLike<number>[], u: readonly Float64Array[], n: number, where: string, label: (k: number) => string): { value: number; grads: Float64Array[] } {
  let value = 0;
  const grads = u.map((x, k) => {
    const d = data[k];
    if (d == null || typeof d.length !== 'number' || d.length !== n) {
      throw new RangeError(`${where}: ${label(k)} must have ${n} values (one per state), got ${d == null || typeof d.length !== 'number' ? String(d) : d.length}`);
    }
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = x[i] - finiteOrThrow(d[i], `${label(k)}[${i}]`, where);
      value += r * r;
      g[i] = 2 * r;
    }
    return g;
  });
  return { value, grads };
}

function isL2(x: unknown): x is { l2: unknown } {
  return x !== null && typeof x === 'object' && 'l2' in x && Object.keys(x).length === 1;
}

/** Checks `loss` and returns how to evaluate it. */
export function readLoss(loss: unknown, where: string): LossTerms {
  if (loss === 'sum') return { final: false, evaluate: (u, _t, n) => sumTerms(u, n) };
  if (typeof loss === 'function') return { final: false, evaluate: (u, t, n) => functionTerms(loss as LossFunction, u, t, n, where) };
  if (isL2(loss)) {
    const data = loss.l2 as ArrayLike<ArrayLike<number>>;
    if (data == null || typeof data.length !== 'number') throw new TypeError(`${where}: loss.l2 must be an array with one state per saved point`);
    return {
      final: false,
      evaluate: (u, _t, n) => {
        if (data.length !== u.length) {
          throw new RangeError(`${where}: loss.l2 has ${data.length} points but the solve saved ${u.length} (give saveat the data's times)`);
        }
        return l2Terms(Array.from(data), u, n, where, (k) => `loss.l2[${k}]`);
      },
    };
  }
  if (loss !== null && typeof loss === 'object' && 'final' in loss && Object.keys(loss).length === 1) {
    const f = (loss as FinalLoss).final;
    if (f === 'sum') return { final: true, evaluate: (u, _t, n) => sumTerms(u, n) };
    if (typeof f === 'function') return { final: true, evaluate: (u, t, n) => functionTerms(f, u, t, n, where) };
    if (isL2(f)) {
      const target = f.l2 as ArrayLike<number>;
      if (target == null || typeof target.length !== 'number') throw new TypeError(`${where}: loss.final.l2 must be an array of one value per state`);
      return { final: true, evaluate: (u, _t, n) => l2Terms([target], u, n, where, () => 'loss.final.l2') };
    }
  }
  throw unknownLoss(loss, where);
}
