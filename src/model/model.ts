/**
 * Compiled models: `ode` turns model source into the IR and a tape the engine runs, so a
 * solve with a model never calls out of WebAssembly.
 *
 * ```ts
 * const lv = ode`
 *   dx = α*x - β*x*y
 *   dy = -δ*y + γ*x*y
 * `;
 * lv.states; // ['x', 'y']
 * lv.params; // ['α', 'β', 'δ', 'γ'] (first appearance, or as declared)
 * solve(new ODEProblem(lv, [1, 1], [0, 10], [1.5, 1, 3, 1]), Tsit5());
 * ```
 */
import { parseModel, type ParsedModel } from './parser.js';
import { compileTape, type Tape } from './tape.js';
import { hasVectors, type Graph, type Node } from './ir.js';
import { printNode } from './print.js';
import { jacobianNodes, sparsity } from './derivative.js';
import { scalarize } from './scalarize.js';
import { evaluateTape, dualTape, reverseTape } from './evaluate.js';
import { emitModelWasm } from './emit-wasm.js';
import { getEngine } from '../runtime/engine.js';

/**
 * How a Jacobian is computed: `'ad'` (the default) picks forward mode when the Jacobian has
 * no more columns than rows, reverse mode otherwise; `'forward'` is forward-mode AD on the tape (a tangent lane
 * per column, up to 64 columns a sweep); `'reverse'` is reverse-mode AD (one backward sweep
 * per row); `'symbolic'` evaluates the symbolic derivative of the IR (compiled on first use;
 * vector models are written out element by element, so it suits small ones).
 */
export type JacobianMethod = 'ad' | 'symbolic' | 'forward' | 'reverse';

const METHODS: readonly string[] = ['ad', 'symbolic', 'forward', 'reverse'];

function checkMethod(m: string): void {
  if (!METHODS.includes(m)) throw new Error(`Model: unknown Jacobian method '${m}' (known: ${METHODS.join(', ')})`);
}

/** Tangent lanes per forward sweep: the scratch is nregs·lanes values. */
const MAX_LANES = 64;
/** Largest dense Jacobian returned (800 MB of f64). */
const MAX_DENSE_ENTRIES = 100_000_000;
/** Largest symbolic Jacobian (rows × columns) built from a vector model written out. */
const MAX_SYMBOLIC_ENTRIES = 1_000_000;

/** Columns c0 … c0+k−1 of the n×n identity, as k tangent lanes per row (n×k, row-major). */
function identityColumns(n: number, c0: number, k: number): Float64Array {
  const I = new Float64Array(n * k);
  for (let l = 0; l < k; l++) I[(c0 + l) * k + l] = 1;
  return I;
}

export interface OdeOptions {
  /** Parameter names in the order the problem's `p` gives them; others are then errors. */
  params?: readonly string[];
  /**
   * Shapes: a length for vector states and parameters (`{ u: 100000 }`), [rows, columns] for a
   * matrix parameter (`{ W: [16, 2] }`, row-major; `W*v` is then a matrix–vector product).
   * Names not listed are scalars.
   */
  dims?: Readonly<Record<string, number | readonly [number, number]>>;
}

export class Model {
  /** State names, in the order of the d-prefixed equations. */
  readonly states: readonly string[];
  /** Length of each state (1 for a scalar); u0 lists them one after another. */
  readonly sizes: readonly number[];
  /** Length of the flat state u0 (the sum of `sizes`). */
  readonly length: number;
  /** Parameter names, in the order `p` must give them. */
  readonly params: readonly string[];
  /** Number of values of each parameter (rows·columns for a matrix). */
  readonly paramSizes: readonly number[];
  /** Flat offset of each parameter's first value in the parameter vector. */
  private readonly paramOffsets: readonly number[];
  /** Number of flat parameter values (a matrix counts rows·columns). */
  readonly paramLength: number;
  /** The model source. */
  readonly source: string;
  /** The IR: du[i] = outputs[i]. */
  readonly graph: Graph;
  readonly outputs: readonly Node[];
  /** The bytecode the engine interprets. */
  readonly tape: Tape;

  /** `built` (from `fromGraph`) stands in for parsing `source`. */
  constructor(source: string, options: OdeOptions = {}, built?: ParsedModel) {
    const parsed = built ?? parseModel(source, options.params, options.dims);
    this.source = source;
    this.states = parsed.states;
    this.sizes = parsed.sizes;
    this.length = parsed.sizes.reduce((a, b) => a + b, 0);
    this.params = parsed.params;
    this.paramSizes = parsed.paramShapes.map(([len]) => len);
    const offsets: number[] = [];
    this.paramLength = this.paramSizes.reduce((at, len, i) => { offsets[i] = at; return at + len; }, 0);
    this.paramOffsets = offsets;
    this.graph = parsed.graph;
    this.outputs = parsed.outputs;
    this.tape = compileTape(parsed.outputs, this.length, this.paramLength, parsed.sizes, this.paramOffsets);
  }

  /** Emitted code handles scalar models; vector models run the interpreter's SIMD loops. */
  private requireScalar(what: string): void {
    if (this.length !== this.states.length || this.paramSizes.some((n) => n > 1) || hasVectors(this.outputs)) {
      throw new Error(`Model: ${what} is not available for models with vector states or parameters`);
    }
  }

  /** The model as source: one `d<state> = …` line per state (intermediates written out). */
  toString(): string {
    const offsets: number[] = [];
    this.sizes.reduce((at, len, i) => { offsets[i] = at; return at + len; }, 0);
    // A whole state prints as its name, one entry of a vector state as name[i] (from 1).
    const stateName = (index: number, len: number) => {
      let i = this.states.length - 1;
      while (offsets[i] > index) i--;
      return len === this.sizes[i] ? this.states[i] : `${this.states[i]}[${index - offsets[i] + 1}]`;
    };
    const names = { stateName, params: this.params };
    return this.states.map((s, i) => `d${s} = ${printNode(this.outputs[i], names)}`).join('\n');
  }

  /**
   * A model built by a program on the IR (the builder API): `outputs[i]` is du/dt of
   * `states[i]`, using `graph.state(…)`, `graph.param(…)`, `graph.time()` and the graph's
   * operations. Vector states and parameters need their shapes: `sizes[i]` is the length of
   * state i (its node is `graph.state(offset, sizes[i])`, offset = the lengths before it), and
   * `paramShapes[j]` is parameter j's length, or [rows, columns] for a matrix
   * (`graph.param(j, rows·columns, columns)`).
   *
   * ```ts
   * const g = new Graph();
   * const decay = Model.fromGraph(g, { states: ['x'], params: ['k'], outputs: [g.neg(g.mul(g.param(0), g.state(0)))] });
   * ```
   */
  static fromGraph(graph: Graph, spec: {
    states: readonly string[]; params: readonly string[]; outputs: readonly Node[];
    sizes?: readonly number[]; paramShapes?: readonly (number | readonly [number, number])[];
  }): Model {
    const what = 'Model.fromGraph';
    if (spec.outputs.length !== spec.states.length) {
      throw new RangeError(`${what}: ${spec.outputs.length} outputs for ${spec.states.length} states`);
    }
    const sizes = spec.sizes ? [...spec.sizes] : spec.states.map(() => 1);
    const shapes = spec.paramShapes ?? spec.params.map(() => 1);
    if (sizes.length !== spec.states.length) throw new RangeError(`${what}: ${sizes.length} sizes for ${spec.states.length} states`);
    if (shapes.length !== spec.params.length) throw new RangeError(`${what}: ${shapes.length} parameter shapes for ${spec.params.length} parameters`);
    const count = (x: unknown, name: string) => {
      if (!Number.isInteger(x) || (x as number) < 1) throw new RangeError(`${what}: ${name} must be a positive integer, got ${String(x)}`);
      return x as number;
    };
    sizes.forEach((len, i) => count(len, `sizes[${i}] (${spec.states[i]})`));
    const paramShapes = shapes.map((sh, j): [number, number] => {
      if (typeof sh === 'number') return [count(sh, `paramShapes[${j}]`), 1];
      const [rows, cols] = [count(sh[0], `paramShapes[${j}][0]`), count(sh[1], `paramShapes[${j}][1]`)];
      return [rows * cols, cols];
    });
    spec.outputs.forEach((n, i) => {
      if (n.len !== 1 && n.len !== sizes[i]) throw new RangeError(`${what}: d${spec.states[i]} has ${sizes[i]} entries but its output has ${n.len}`);
    });
    return new Model('', {}, {
      graph,
      states: [...spec.states],
      sizes,
      params: [...spec.params],
      paramShapes,
      outputs: [...spec.outputs],
    });
  }

  /** Index of the model's emitted WebAssembly function in the engine's table (0: none). */
  wasmFunction = 0;
  private wasmTried: unknown = undefined;

  /**
   * Emits the model as WebAssembly code and has the engine call it instead of interpreting
   * the tape (the same bits, several times faster). This compiles WebAssembly at run time,
   * which browsers, Node, Deno and Bun allow and edge runtimes such as workerd refuse: it is
   * opt-in, and returns false (the tape stays in use) where compiling is refused.
   */
  compileWasm(): boolean {
    if (this.wasmFunction) return true;
    if (this.wasmTried) return false;
    try {
      this.requireScalar('compileWasm');
      const eng = getEngine();
      const bytes = emitModelWasm(this.outputs, this.tape.paramBase);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: { memory: eng.raw.memory, elem: eng.raw.tapeElementary },
      });
      this.wasmFunction = eng.registerFunction(instance.exports.f);
      return true;
    } catch (e) {
      this.wasmTried = e;
      return false;
    }
  }

  /** Symbolic ∂f/∂u and ∂f/∂p as IR (row-major) with their tapes, built on first use. */
  private readonly symbolic = new Map<'state' | 'param', { nodes: Node[]; tape: Tape }>();

  private symbolicJacobian(wrt: 'state' | 'param'): { nodes: Node[]; tape: Tape } {
    let j = this.symbolic.get(wrt);
    if (!j) {
      const n = this.length;
      const m = wrt === 'state' ? n : this.paramLength;
      if (n * m > MAX_SYMBOLIC_ENTRIES) {
        throw new RangeError(`Model: a symbolic ${n}×${m} Jacobian is too large to write out (at most ${MAX_SYMBOLIC_ENTRIES} entries); use 'forward' or 'reverse'`);
      }
      // Vector models are differentiated in their element-by-element form.
      const scalar = scalarize(this.outputs, this.sizes, this.paramOffsets);
      const nodes = jacobianNodes(scalar.graph, scalar.outputs, wrt, m);
      j = { nodes, tape: compileTape(nodes, n, this.paramLength) };
      this.symbolic.set(wrt, j);
    }
    return j;
  }

  /**
   * f(u, p, t), evaluated by the engine (with the emitted code after `compileWasm()`).
   * `repeat` evaluates it that many times inside the engine (to measure one evaluation).
   */
  evaluate(u: ArrayLike<number>, p?: unknown, t = 0, repeat = 1): Float64Array {
    return evaluateTape(this.tape, this.paramVector(p), u, t, repeat, this.wasmFunction);
  }

  /**
   * The Jacobian ∂f/∂u at (u, p, t), row-major n×n (n: the flat state's length), by automatic
   * differentiation on the tape (default), or as `method` says (see `JacobianMethod`).
   */
  jacobian(u: ArrayLike<number>, p?: unknown, t = 0, method: JacobianMethod = 'ad'): Float64Array {
    return this.jacobianOf('state', u, p, t, method);
  }

  /**
   * ∂f/∂p at (u, p, t), row-major n×np, np counting every value of vector and matrix
   * parameters (in `paramVector` order); `method` as for `jacobian`.
   */
  paramJacobian(u: ArrayLike<number>, p?: unknown, t = 0, method: JacobianMethod = 'ad'): Float64Array {
    return this.jacobianOf('param', u, p, t, method);
  }

  private jacobianOf(wrt: 'state' | 'param', u: ArrayLike<number>, p: unknown, t: number, method: JacobianMethod): Float64Array {
    checkMethod(method);
    const pv = this.paramVector(p);
    const n = this.length;
    const m = wrt === 'state' ? n : this.paramLength;
    if (n * m > MAX_DENSE_ENTRIES) {
      throw new RangeError(`Model: a dense ${n}×${m} Jacobian has more than ${MAX_DENSE_ENTRIES} entries; use jvp/vjp (one sweep each) and jacobianSparsity`);
    }
    // Forward mode carries a tangent lane per column, reverse mode makes a sweep per row: the
    // work grows with m and n respectively (measured in bench/ad.mjs).
    if (method === 'ad') method = m <= n ? 'forward' : 'reverse';
    if (method === 'forward') return this.columnsByForward(u, pv, t, wrt);
    if (method === 'reverse') return this.rowsByReverse(u, pv, t, wrt === 'state' ? 'du' : 'dp');
    return evaluateTape(this.symbolicJacobian(wrt).tape, pv, u, t);
  }

  /** A Jacobian by forward sweeps, the columns in blocks of up to MAX_LANES tangent lanes. */
  private columnsByForward(u: ArrayLike<number>, pv: Float64Array, t: number, wrt: 'state' | 'param'): Float64Array {
    const n = this.length;
    const m = wrt === 'state' ? n : this.paramLength;
    const J = new Float64Array(n * m);
    for (let c0 = 0; c0 < m; c0 += MAX_LANES) {
      const k = Math.min(MAX_LANES, m - c0);
      // Seed the state's lanes with columns of I (for ∂f/∂u) or the parameters' (for ∂f/∂p).
      const T = wrt === 'state'
        ? dualTape(this.tape, pv, u, t, k, identityColumns(n, c0, k)).T
        : dualTape(this.tape, pv, u, t, k, new Float64Array(n * k), identityColumns(m, c0, k)).T;
      for (let i = 0; i < n; i++) J.set(T.subarray(i * k, (i + 1) * k), i * m + c0);
    }
    return J;
  }

  /** A Jacobian row by row: one reverse sweep per output, the tape loaded once. */
  private rowsByReverse(u: ArrayLike<number>, pv: Float64Array, t: number, part: 'du' | 'dp'): Float64Array {
    const n = this.length;
    return reverseTape(this.tape, pv, u, t, identityColumns(n, 0, n), n)[part];
  }

  /**
   * The vector–Jacobian products wᵀ·∂f/∂u and wᵀ·∂f/∂p at (u, p, t), by one reverse sweep of
   * the tape (what adjoint sensitivities need).
   */
  vjp(u: ArrayLike<number>, p: unknown, t: number, w: ArrayLike<number>): { u: Float64Array; p: Float64Array } {
    if (w.length !== this.length) throw new RangeError(`Model.vjp: w has ${w.length} values but the model has ${this.length} states`);
    const r = reverseTape(this.tape, this.paramVector(p), u, t, w);
    return { u: r.du, p: r.dp };
  }

  /** The Jacobian–vector product (∂f/∂u)·v at (u, p, t), by forward-mode AD on the tape. */
  jvp(u: ArrayLike<number>, p: unknown, t: number, v: ArrayLike<number>): Float64Array {
    if (v.length !== this.length) throw new RangeError(`Model.jvp: v has ${v.length} values but the model has ${this.length} states`);
    return dualTape(this.tape, this.paramVector(p), u, t, 1, v).T;
  }

  /** Structural nonzeros of ∂f/∂u, row-major n×n (from the symbolic Jacobian). */
  jacobianSparsity(): boolean[] {
    return sparsity(this.symbolicJacobian('state').nodes);
  }

  /**
   * Parameters as the engine wants them: an array in `params` order, or an object by name.
   * Every value must be a finite number.
   */
  paramVector(p: unknown): Float64Array {
    const np = this.params.length;
    const flat = this.paramLength;
    const out = new Float64Array(flat);
    if (np === 0 && (p === undefined || p === null)) return out;
    // Values of one parameter: a number, or for vectors and matrices an array (matrices also
    // as an array of rows).
    let at = 0;
    const put = (v: unknown, i: number, what: string) => {
      const size = this.paramSizes[i];
      if (size === 1) {
        out[at++] = finite(v, what);
        return;
      }
      const values: unknown[] = Array.isArray(v) && Array.isArray(v[0]) ? (v as unknown[][]).flat() : ArrayBuffer.isView(v) || Array.isArray(v) ? Array.from(v as ArrayLike<unknown>) : [];
      if (values.length !== size) throw new RangeError(`ODEProblem: ${what} must have ${size} values, got ${values.length}`);
      values.forEach((x, k) => { out[at++] = finite(x, what, k); });
    };
    if (p !== null && typeof p === 'object' && !Array.isArray(p) && !ArrayBuffer.isView(p)) {
      const obj = p as Record<string, unknown>;
      const extra = Object.keys(obj).find((k) => !this.params.includes(k));
      if (extra) throw new RangeError(`ODEProblem: '${extra}' is not a parameter of the model (parameters: ${this.params.join(', ')})`);
      this.params.forEach((name, i) => put(obj[name], i, `p.${name}`));
      return out;
    }
    const arr = p as ArrayLike<unknown> | undefined;
    if (!arr || typeof arr.length !== 'number') throw new TypeError(`ODEProblem: the model has parameters ${this.params.join(', ')}: pass p as an array or an object by name`);
    // All values in one flat array is accepted too.
    if (arr.length === flat && flat !== np && (ArrayBuffer.isView(arr) || allNumbers(arr))) {
      for (let k = 0; k < flat; k++) out[k] = finite(arr[k], 'p', k);
      return out;
    }
    if (arr.length !== np) throw new RangeError(`ODEProblem: p has ${arr.length} values but the model has ${np} parameters (${this.params.join(', ')})`);
    for (let i = 0; i < np; i++) put(arr[i], i, `p[${i}] (${this.params[i]})`);
    return out;
  }

}

function allNumbers(a: ArrayLike<unknown>): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return false;
  return true;
}

/** v, checked; `what` (with `[k]` when k is given) names it in the error. */
function finite(v: unknown, what: string, k?: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const name = k === undefined ? what : `${what}[${k}]`;
  throw new RangeError(`ODEProblem: ${name} is ${String(v)}: parameters must be finite numbers`);
}

type Tag = (strings: TemplateStringsArray, ...values: unknown[]) => Model;

function fromTemplate(strings: TemplateStringsArray, values: unknown[], options: OdeOptions): Model {
  // The cooked strings: some toolchains (Bun's transpiler) rewrite non-ASCII characters in
  // template literals as \u escapes, which only the cooked form turns back into 🐰 or θ.
  const part = (i: number) => strings[i] ?? strings.raw[i];
  let src = part(0);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`ode: only finite numbers can be interpolated into a model, got ${String(v)}`);
    src += String(v) + part(i + 1);
  });
  return new Model(src, options);
}

/**
 * The model language as a template tag: ``ode`dx = -k*x` `` or, with options,
 * ``ode({ params: ['k'] })`dx = -k*x` ``. Interpolated values must be numbers.
 */
export function ode(strings: TemplateStringsArray, ...values: unknown[]): Model;
export function ode(options: OdeOptions): Tag;
export function ode(first: TemplateStringsArray | OdeOptions, ...values: unknown[]): Model | Tag {
  if (Array.isArray(first) && 'raw' in first) return fromTemplate(first as TemplateStringsArray, values, {});
  if (first === null || typeof first !== 'object') throw new TypeError('ode: use ode`…` or ode({ params, dims })`…`');
  const unknown = Object.keys(first).find((k) => k !== 'params' && k !== 'dims');
  if (unknown) throw new Error(`ode: unknown option '${unknown}' (known: params, dims)`);
  const options = first as OdeOptions;
  return (strings: TemplateStringsArray, ...vals: unknown[]) => fromTemplate(strings, vals, options);
}
