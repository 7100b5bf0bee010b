/**
 * The model IR: a typed expression graph (scalars for now), hash-consed so that equal
 * subexpressions are one node (common subexpression elimination for free). It is pure data:
 * nothing here calls the engine. The `Graph` methods are also the builder API for programs
 * that generate models.
 *
 * Simplification never changes floating-point results: only operations on two constants
 * are folded, and only those JavaScript computes exactly as the engine does (+ − × ÷ and
 * negation, all correctly rounded in IEEE 754); the identities applied (x·1, x/1, x − 0,
 * −(−x)) hold for every double. Nothing is reassociated.
 */

/** Operations with two operands (elementwise, except `dot`, which reduces to a scalar). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'min' | 'max' | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne' | 'dot' | 'matvec';
/** Operations with one operand (elementwise, except `sum`, which reduces to a scalar). */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'abs' | 'sin' | 'cos' | 'tan' | 'asin' | 'acos'
  | 'atan' | 'sinh' | 'cosh' | 'tanh' | 'sign' | 'sigmoid' | 'softplus' | 'relu' | 'sum';

/**
 * A node of the graph. `len` is its shape: 1 for a scalar, N for a vector of N elements.
 * A state node stands for `len` consecutive entries of u starting at `index`; a parameter
 * node for parameter number `index`, a matrix when `cols` > 1 (len = rows·cols, row-major).
 */
export type Node =
  | { readonly kind: 'const'; readonly id: number; readonly len: 1; readonly value: number }
  | { readonly kind: 'time'; readonly id: number; readonly len: 1 }
  | { readonly kind: 'state'; readonly id: number; readonly len: number; readonly index: number }
  | { readonly kind: 'param'; readonly id: number; readonly len: number; readonly index: number; readonly cols: number }
  | { readonly kind: 'unary'; readonly id: number; readonly len: number; readonly op: UnaryOp; readonly a: Node }
  | { readonly kind: 'binary'; readonly id: number; readonly len: number; readonly op: BinaryOp; readonly a: Node; readonly b: Node }
  | { readonly kind: 'ifelse'; readonly id: number; readonly len: number; readonly cond: Node; readonly a: Node; readonly b: Node };

/** Thrown for operands whose shapes do not combine (the parser adds the source position). */
export class ShapeError extends Error {}

/** Elementwise shapes: equal lengths, or a scalar broadcast against a vector. */
function broadcast(...lens: number[]): number {
  let len = 1;
  for (const l of lens) {
    if (l === 1 || l === len) continue;
    if (len !== 1) throw new ShapeError(`shapes do not match: a vector of ${len} and a vector of ${l}`);
    len = l;
  }
  return len;
}

/** True when any node reachable from `roots` is a vector. */
export function hasVectors(roots: readonly Node[]): boolean {
  return topoOrder(roots).some((n) => n.len > 1);
}

/** Folds the operations whose JavaScript result is bit-for-bit the engine's. */
function foldBinary(op: BinaryOp, x: number, y: number): number | undefined {
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    default: return undefined;
  }
}

export class Graph {
  private readonly nodes = new Map<string, Node>();
  private nextId = 0;

  private intern(key: string, make: (id: number) => Node): Node {
    let n = this.nodes.get(key);
    if (!n) {
      n = make(this.nextId++);
      this.nodes.set(key, n);
    }
    return n;
  }

  /** A numeric constant (−0 and NaN are kept distinct from 0 and each other by their bits). */
  constant(value: number): Node {
    const key = Object.is(value, -0) ? 'c:-0' : `c:${value}`;
    return this.intern(key, (id) => ({ kind: 'const', id, len: 1, value }));
  }

  time(): Node {
    return this.intern('t', (id) => ({ kind: 'time', id, len: 1 }));
  }

  /** The state entries u[index], …, u[index + len − 1] (a scalar when len is 1). */
  state(index: number, len = 1): Node {
    return this.intern(`u:${index}:${len}`, (id) => ({ kind: 'state', id, len, index }));
  }

  /** Parameter number `index`: a scalar, a vector of `len`, or a matrix of len/cols rows. */
  param(index: number, len = 1, cols = 1): Node {
    return this.intern(`p:${index}`, (id) => ({ kind: 'param', id, len, index, cols }));
  }

  unary(op: UnaryOp, a: Node): Node {
    if (op === 'neg' && a.kind === 'const') return this.constant(-a.value);
    // −(−x) is x, bit for bit.
    if (op === 'neg' && a.kind === 'unary' && a.op === 'neg') return a.a;
    const len = op === 'sum' ? 1 : a.len;
    return this.intern(`${op}(${a.id})`, (id) => ({ kind: 'unary', id, len, op, a }));
  }

  binary(op: BinaryOp, a: Node, b: Node): Node {
    if (a.kind === 'const' && b.kind === 'const') {
      const v = foldBinary(op, a.value, b.value);
      if (v !== undefined) return this.constant(v);
    }
    // Identities that hold for every double, −0, ±Inf and NaN included: x·1 = 1·x = x/1 = x
    // and x − 0 = x. (x + 0 is not one: −0 + 0 = +0; nor is 0·x: 0·Inf = NaN.)
    const one = (n: Node) => n.kind === 'const' && n.value === 1;
    if ((op === 'mul' || op === 'div') && one(b)) return a;
    if (op === 'mul' && one(a)) return b;
    if (op === 'sub' && b.kind === 'const' && Object.is(b.value, 0)) return a;
    const isMatrix = (n: Node) => n.kind === 'param' && n.cols > 1;
    let len: number;
    if (op === 'matvec') {
      if (!isMatrix(a) || a.kind !== 'param' || b.len !== a.cols) {
        throw new ShapeError(`a matrix of ${a.kind === 'param' ? a.cols : 1} columns cannot multiply a vector of ${b.len}`);
      }
      len = a.len / a.cols;
    } else if (isMatrix(a) || isMatrix(b)) {
      throw new ShapeError('a matrix can only multiply a vector (W*v)');
    } else if (op === 'dot') {
      if (a.len !== b.len) throw new ShapeError(`dot needs two vectors of one length, got ${a.len} and ${b.len}`);
      len = 1;
    } else {
      len = broadcast(a.len, b.len);
    }
    return this.intern(`${op}(${a.id},${b.id})`, (id) => ({ kind: 'binary', id, len, op, a, b }));
  }

  ifelse(cond: Node, a: Node, b: Node): Node {
    const len = broadcast(cond.len, a.len, b.len);
    return this.intern(`ifelse(${cond.id},${a.id},${b.id})`, (id) => ({ kind: 'ifelse', id, len, cond, a, b }));
  }

  add(a: Node, b: Node): Node { return this.binary('add', a, b); }
  sub(a: Node, b: Node): Node { return this.binary('sub', a, b); }
  mul(a: Node, b: Node): Node { return this.binary('mul', a, b); }
  div(a: Node, b: Node): Node { return this.binary('div', a, b); }
  pow(a: Node, b: Node): Node { return this.binary('pow', a, b); }
  neg(a: Node): Node { return this.unary('neg', a); }
  /** The sum of a vector's elements. */
  sum(a: Node): Node { return this.unary('sum', a); }
  dot(a: Node, b: Node): Node { return this.binary('dot', a, b); }
  /** W·v for a matrix parameter W (`param(j, rows·cols, cols)`) and a vector v of `cols`. */
  matvec(W: Node, v: Node): Node { return this.binary('matvec', W, v); }
}

/** Every node reachable from `roots`, each once, operands before the nodes that use them. */
export function topoOrder(roots: readonly Node[]): Node[] {
  const seen = new Set<number>();
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    if (n.kind === 'unary') visit(n.a);
    else if (n.kind === 'binary') { visit(n.a); visit(n.b); }
    else if (n.kind === 'ifelse') { visit(n.cond); visit(n.a); visit(n.b); }
    out.push(n);
  };
  for (const r of roots) visit(r);
  return out;
}
