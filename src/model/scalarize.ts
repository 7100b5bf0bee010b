/**
 * Writes a model with vector states, vector parameters and matrices as one scalar expression
 * per output value, in a fresh graph: element e of an elementwise operation is the operation
 * on elements e of its operands (a scalar operand broadcast), and the reductions (sum, dot,
 * rows of W·v) are left-to-right sums starting from 0, as the engine adds them. Parameters
 * become their flat values: parameter j's element e is flat parameter offsets[j] + e.
 *
 * Symbolic Jacobians and sparsity patterns of vector models are those of this scalar form,
 * which the scalar differentiator handles as it is.
 */
import { Graph, type Node } from './ir.js';

export function scalarize(outputs: readonly Node[], sizes: readonly number[], paramOffsets: readonly number[]): { graph: Graph; outputs: Node[] } {
  const g = new Graph();
  const memo = new Map<number, Node[]>();
  const zero = g.constant(0);
  const sumOf = (terms: Node[]) => terms.reduce((acc, x) => g.add(acc, x), zero);
  const elementwise = (len: number, ...ops: Node[][]) => {
    const at = (xs: Node[], e: number) => xs[xs.length === 1 ? 0 : e];
    return Array.from({ length: len }, (_, e) => ops.map((xs) => at(xs, e)));
  };
  const expand = (n: Node): Node[] => {
    const hit = memo.get(n.id);
    if (hit) return hit;
    let r: Node[];
    switch (n.kind) {
      case 'const': r = [g.constant(n.value)]; break;
      case 'time': r = [g.time()]; break;
      case 'state': r = Array.from({ length: n.len }, (_, e) => g.state(n.index + e)); break;
      case 'param': r = Array.from({ length: n.len }, (_, e) => g.param(paramOffsets[n.index] + e)); break;
      case 'unary': {
        const a = expand(n.a);
        r = n.op === 'sum' ? [sumOf(a)] : a.map((x) => g.unary(n.op, x));
        break;
      }
      case 'binary': {
        const a = expand(n.a);
        const b = expand(n.b);
        if (n.op === 'dot') r = [sumOf(a.map((x, e) => g.mul(x, b[e])))];
        else if (n.op === 'matvec') {
          const cols = b.length;
          r = Array.from({ length: n.len }, (_, i) => sumOf(b.map((v, j) => g.mul(a[i * cols + j], v))));
        } else r = elementwise(n.len, a, b).map(([x, y]) => g.binary(n.op, x, y));
        break;
      }
      case 'ifelse':
        r = elementwise(n.len, expand(n.cond), expand(n.a), expand(n.b)).map(([c, x, y]) => g.ifelse(c, x, y));
        break;
    }
    memo.set(n.id, r);
    return r;
  };
  const flat: Node[] = [];
  outputs.forEach((n, i) => {
    const xs = expand(n);
    for (let e = 0; e < sizes[i]; e++) flat.push(xs[xs.length === 1 ? 0 : e]);
  });
  return { graph: g, outputs: flat };
}
