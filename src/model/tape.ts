/**
 * Lowers the IR to tape bytecode for the engine's interpreter (assembly/tape/primal.ts).
 * Registers: 0 = t, 1..n = state, then the parameters, then the constants, then one
 * register per operation in topological order.
 */
import * as O from '../../assembly/tape/opcodes.js';
import { topoOrder, type Node, type UnaryOp, type BinaryOp } from './ir.js';

const UNARY: Record<UnaryOp, number> = {
  neg: O.OP_NEG, exp: O.OP_EXP, log: O.OP_LOG, log1p: O.OP_LOG1P, expm1: O.OP_EXPM1, sqrt: O.OP_SQRT,
  abs: O.OP_ABS, sin: O.OP_SIN, cos: O.OP_COS, tan: O.OP_TAN, asin: O.OP_ASIN, acos: O.OP_ACOS,
  atan: O.OP_ATAN, sinh: O.OP_SINH, cosh: O.OP_COSH, tanh: O.OP_TANH, sign: O.OP_SIGN,
  sigmoid: O.OP_SIGMOID, softplus: O.OP_SOFTPLUS, relu: O.OP_RELU,
};
const BINARY: Record<BinaryOp, number> = {
  add: O.OP_ADD, sub: O.OP_SUB, mul: O.OP_MUL, div: O.OP_DIV, pow: O.OP_POW, min: O.OP_MIN, max: O.OP_MAX,
  lt: O.OP_LT, le: O.OP_LE, gt: O.OP_GT, ge: O.OP_GE, eq: O.OP_EQ, ne: O.OP_NE,
};

export interface Tape {
  /** Header, output registers and instructions, as the engine reads them. */
  code: Int32Array;
  /** Initial register file: t and the state are filled at every call, parameters per solve. */
  regs: Float64Array;
  /** First parameter register. */
  paramBase: number;
  nstates: number;
  nparams: number;
  /** Number of outputs. */
  nout: number;
}

/** Compiles `outputs` as functions of (t, u, p); any number of outputs (f, a Jacobian, …). */
export function compileTape(outputs: readonly Node[], nstates: number, nparams: number): Tape {
  const order = topoOrder(outputs);
  const regOf = new Map<number, number>();
  const constants: number[] = [];
  const paramBase = 1 + nstates;
  const constBase = paramBase + nparams;
  for (const node of order) {
    if (node.kind === 'time') regOf.set(node.id, 0);
    else if (node.kind === 'state') regOf.set(node.id, 1 + node.index);
    else if (node.kind === 'param') regOf.set(node.id, paramBase + node.index);
    else if (node.kind === 'const') regOf.set(node.id, constBase + constants.push(node.value) - 1);
  }
  const ops = order.filter((n) => n.kind === 'unary' || n.kind === 'binary' || n.kind === 'ifelse');
  const tempBase = constBase + constants.length;
  ops.forEach((n, i) => regOf.set(n.id, tempBase + i));
  const nregs = tempBase + ops.length;

  const outAt = O.TH_SIZE;
  const codeAt = outAt + outputs.length;
  const code = new Int32Array(codeAt + ops.length * O.INSTR_WIDTH);
  code[O.TH_NINSTR] = ops.length;
  code[O.TH_NREGS] = nregs;
  code[O.TH_NSTATES] = nstates;
  code[O.TH_OUT] = outAt;
  code[O.TH_CODE] = codeAt;
  code[O.TH_NOUT] = outputs.length;
  outputs.forEach((n, i) => { code[outAt + i] = regOf.get(n.id)!; });
  ops.forEach((n, i) => {
    const at = codeAt + i * O.INSTR_WIDTH;
    code[at + 1] = regOf.get(n.id)!;
    if (n.kind === 'unary') {
      code[at] = UNARY[n.op];
      code[at + 2] = regOf.get(n.a.id)!;
    } else if (n.kind === 'binary') {
      code[at] = BINARY[n.op];
      code[at + 2] = regOf.get(n.a.id)!;
      code[at + 3] = regOf.get(n.b.id)!;
    } else if (n.kind === 'ifelse') {
      code[at] = O.OP_IFELSE;
      code[at + 2] = regOf.get(n.cond.id)!;
      code[at + 3] = regOf.get(n.a.id)!;
      code[at + 4] = regOf.get(n.b.id)!;
    }
  });
  const regs = new Float64Array(nregs);
  regs.set(constants, constBase);
  return { code, regs, paramBase, nstates, nparams, nout: outputs.length };
}
