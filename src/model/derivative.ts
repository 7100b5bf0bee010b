/**
 * Symbolic differentiation on the IR: the Jacobians ∂f/∂u and ∂f/∂p as IR, which compile to
 * tapes like f itself, and their sparsity patterns. Terms that are exactly zero are dropped
 * (a derivative that is structurally 0 stays the constant 0).
 */
import type { Graph, Node } from './ir.js';

type Var = { kind: 'state' | 'param'; index: number };

function isZero(n: Node): boolean {
  return n.kind === 'const' && n.value === 0;
}
function isOne(n: Node): boolean {
  return n.kind === 'const' && n.value === 1;
}

/** Builds d(node)/d(v), memoized per node for one variable. */
class Differentiator {
  private readonly memo = new Map<number, Node>();
  private readonly zero: Node;
  private readonly one: Node;

  constructor(private readonly g: Graph, private readonly v: Var) {
    this.zero = g.constant(0);
    this.one = g.constant(1);
  }

  private add(a: Node, b: Node): Node {
    if (isZero(a)) return b;
    if (isZero(b)) return a;
    return this.g.add(a, b);
  }
  private sub(a: Node, b: Node): Node {
    if (isZero(b)) return a;
    if (isZero(a)) return this.g.neg(b);
    return this.g.sub(a, b);
  }
  private mul(a: Node, b: Node): Node {
    if (isZero(a) || isZero(b)) return this.zero;
    if (isOne(a)) return b;
    if (isOne(b)) return a;
    return this.g.mul(a, b);
  }
  private div(a: Node, b: Node): Node {
    if (isZero(a)) return this.zero;
    return this.g.div(a, b);
  }

  d(n: Node): Node {
    const hit = this.memo.get(n.id);
    if (hit) return hit;
    const r = this.rule(n);
    this.memo.set(n.id, r);
    return r;
  }

  private rule(n: Node): Node {
    const g = this.g;
    switch (n.kind) {
      case 'const':
      case 'time':
        return this.zero;
      case 'state':
      case 'param':
        return n.kind === this.v.kind && n.index === this.v.index ? this.one : this.zero;
      case 'ifelse': {
        const da = this.d(n.a);
        const db = this.d(n.b);
        return isZero(da) && isZero(db) ? this.zero : g.ifelse(n.cond, da, db);
      }
      case 'binary': {
        const { a, b } = n;
        const da = this.d(a);
        const db = this.d(b);
        switch (n.op) {
          case 'add': return this.add(da, db);
          case 'sub': return this.sub(da, db);
          case 'mul':
          case 'dot': // of scalars (derivatives are for scalar models)
            return this.add(this.mul(da, b), this.mul(a, db));
          case 'div': return this.sub(this.div(da, b), this.div(this.mul(a, db), g.mul(b, b)));
          case 'pow': {
            // d(a^b) = b·a^(b−1)·da + a^b·log(a)·db
            const viaBase = isZero(da) ? this.zero : this.mul(this.mul(b, g.pow(a, this.sub(b, this.one))), da);
            const viaExp = isZero(db) ? this.zero : this.mul(this.mul(n, g.unary('log', a)), db);
            return this.add(viaBase, viaExp);
          }
          case 'min': return isZero(da) && isZero(db) ? this.zero : g.ifelse(g.binary('le', a, b), da, db);
          case 'max': return isZero(da) && isZero(db) ? this.zero : g.ifelse(g.binary('ge', a, b), da, db);
          default: return this.zero; // comparisons are piecewise constant
        }
      }
      case 'unary': {
        const { a } = n;
        const da = this.d(a);
        if (isZero(da)) return this.zero;
        const two = g.constant(2);
        switch (n.op) {
          case 'neg': return g.neg(da);
          case 'exp': return this.mul(n, da);
          case 'log': return this.div(da, a);
          case 'log1p': return this.div(da, g.add(this.one, a));
          case 'expm1': return this.mul(g.unary('exp', a), da);
          case 'sqrt': return this.div(da, g.mul(two, n));
          case 'abs': return this.mul(g.unary('sign', a), da);
          case 'sin': return this.mul(g.unary('cos', a), da);
          case 'cos': return g.neg(this.mul(g.unary('sin', a), da));
          case 'tan': return this.mul(g.add(this.one, g.mul(n, n)), da);
          case 'asin': return this.div(da, g.unary('sqrt', g.sub(this.one, g.mul(a, a))));
          case 'acos': return g.neg(this.div(da, g.unary('sqrt', g.sub(this.one, g.mul(a, a)))));
          case 'atan': return this.div(da, g.add(this.one, g.mul(a, a)));
          case 'sinh': return this.mul(g.unary('cosh', a), da);
          case 'cosh': return this.mul(g.unary('sinh', a), da);
          case 'tanh': return this.mul(g.sub(this.one, g.mul(n, n)), da);
          case 'sigmoid': return this.mul(g.mul(n, g.sub(this.one, n)), da);
          case 'softplus': return this.mul(g.unary('sigmoid', a), da);
          case 'relu': return g.ifelse(g.binary('gt', a, this.zero), da, this.zero);
          case 'sign': return this.zero;
          case 'sum': return da; // of a scalar
        }
      }
    }
    return this.zero;
  }
}

/** ∂outputs[i]/∂(state j or param j), row-major: entry i·m + j. */
export function jacobianNodes(g: Graph, outputs: readonly Node[], wrt: 'state' | 'param', m: number): Node[] {
  const cols = Array.from({ length: m }, (_, j) => new Differentiator(g, { kind: wrt, index: j }));
  const out: Node[] = [];
  for (const f of outputs) for (let j = 0; j < m; j++) out.push(cols[j].d(f));
  return out;
}

/** Structural nonzeros of a Jacobian given as nodes. */
export function sparsity(nodes: readonly Node[]): boolean[] {
  return nodes.map((n) => !isZero(n));
}
