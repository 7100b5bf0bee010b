/**
 * Prints IR back to model source, with only the parentheses the grammar needs, so that
 * parsing the printed text gives the same graph (tested: parse → print → parse is stable).
 */
import type { Node, BinaryOp } from './ir.js';

// Binding strength of each form, as the parser reads it.
const PREC_CMP = 1;
const PREC_ADD = 2;
const PREC_MUL = 3;
const PREC_NEG = 4;
const PREC_POW = 5;
const PREC_ATOM = 6;

const INFIX: Partial<Record<BinaryOp, [string, number]>> = {
  add: ['+', PREC_ADD], sub: ['-', PREC_ADD], mul: ['*', PREC_MUL], div: ['/', PREC_MUL], pow: ['^', PREC_POW],
  matvec: ['*', PREC_MUL], // W * v: the parser makes it a product because W is a matrix
  lt: ['<', PREC_CMP], le: ['<=', PREC_CMP], gt: ['>', PREC_CMP], ge: ['>=', PREC_CMP], eq: ['==', PREC_CMP], ne: ['!=', PREC_CMP],
};

function constant(v: number): [string, number] {
  if (Number.isNaN(v)) return ['(0/0)', PREC_ATOM];
  if (v === Infinity) return ['(1/0)', PREC_ATOM];
  if (v === -Infinity) return ['(-1/0)', PREC_ATOM];
  if (Object.is(v, -0)) return ['-0', PREC_NEG];
  // The shortest text that reads back as the same double; a sign makes it a negation.
  return v < 0 ? [`-${String(-v)}`, PREC_NEG] : [String(v), PREC_ATOM];
}

/** Source text of `n`; `names` gives the state starting at a flat index, and parameter names. */
export function printNode(n: Node, names: { stateName(index: number, len: number): string; params: readonly string[] }): string {
  const go = (x: Node): [string, number] => {
    switch (x.kind) {
      case 'const': return constant(x.value);
      case 'time': return ['t', PREC_ATOM];
      case 'state': return [names.stateName(x.index, x.len), PREC_ATOM];
      case 'param': return [names.params[x.index], PREC_ATOM];
      case 'ifelse': return [`ifelse(${go(x.cond)[0]}, ${go(x.a)[0]}, ${go(x.b)[0]})`, PREC_ATOM];
      case 'unary': {
        if (x.op === 'neg') {
          const [s, p] = go(x.a);
          // -(a^b) prints as -a^b; anything looser than ^ needs parentheses.
          return [`-${p >= PREC_POW ? s : `(${s})`}`, PREC_NEG];
        }
        return [`${x.op}(${go(x.a)[0]})`, PREC_ATOM];
      }
      case 'binary': {
        const infix = INFIX[x.op];
        if (!infix) return [`${x.op}(${go(x.a)[0]}, ${go(x.b)[0]})`, PREC_ATOM];
        const [sym, prec] = infix;
        const [ls, lp] = go(x.a);
        const [rs, rp] = go(x.b);
        let left: string;
        let right: string;
        if (prec === PREC_POW) {
          // Right-associative, and the exponent may be a negation (2^-1).
          left = lp > PREC_POW ? ls : `(${ls})`;
          right = rp >= PREC_NEG ? rs : `(${rs})`;
        } else if (prec === PREC_CMP) {
          // Comparisons do not chain.
          left = lp > PREC_CMP ? ls : `(${ls})`;
          right = rp > PREC_CMP ? rs : `(${rs})`;
        } else {
          // Left-associative: the left operand may be as loose as the operator; the right
          // one must bind tighter. A negation binds tighter than × in this grammar.
          left = lp >= prec ? ls : `(${ls})`;
          right = rp > prec ? rs : `(${rs})`;
        }
        return [`${left} ${sym} ${right}`, prec];
      }
    }
  };
  return go(n)[0];
}
