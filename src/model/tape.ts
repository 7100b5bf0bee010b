/**
 * Lowers the IR to tape bytecode for the engine's interpreter (assembly/tape/primal.ts).
 * Registers: 0 = t, 1..n = the flat state, then the parameters, then the constants, then a
 * block per operation (one register for a scalar, `len` for a vector), in topological order:
 * first those of parameters and constants alone (computed once per solve), then the rest.
 */
import * as O from '../../assembly/tape/opcodes.js';
import { topoOrder, type Node, type UnaryOp, type BinaryOp } from './ir.js';

/** Opcode of each unary IR operation (the emitter uses these too). */
export const UNARY: Record<UnaryOp, number> = {
  neg: O.OP_NEG, exp: O.OP_EXP, log: O.OP_LOG, log1p: O.OP_LOG1P, expm1: O.OP_EXPM1, sqrt: O.OP_SQRT,
  abs: O.OP_ABS, sin: O.OP_SIN, cos: O.OP_COS, tan: O.OP_TAN, asin: O.OP_ASIN, acos: O.OP_ACOS,
  atan: O.OP_ATAN, sinh: O.OP_SINH, cosh: O.OP_COSH, tanh: O.OP_TANH, sign: O.OP_SIGN,
  sigmoid: O.OP_SIGMOID, softplus: O.OP_SOFTPLUS, relu: O.OP_RELU, sum: O.OP_SUM,
};
/** Opcode of each binary IR operation. */
export const BINARY: Record<BinaryOp, number> = {
  add: O.OP_ADD, sub: O.OP_SUB, mul: O.OP_MUL, div: O.OP_DIV, pow: O.OP_POW, min: O.OP_MIN, max: O.OP_MAX,
  lt: O.OP_LT, le: O.OP_LE, gt: O.OP_GT, ge: O.OP_GE, eq: O.OP_EQ, ne: O.OP_NE, dot: O.OP_DOT,
  matvec: O.OP_MATVEC,
};

export interface Tape {
  /** Header, output segments and instructions, as the engine reads them. */
  code: Int32Array;
  /** Initial register file: t and the state are filled at every call, parameters per solve. */
  regs: Float64Array;
  /** First parameter register. */
  paramBase: number;
  /** Operations on parameters and constants alone, computed once per solve rather than per evaluation. */
  ninvariant: number;
  /** Length of the flat state. */
  nstates: number;
  nparams: number;
  /** Number of output values (the flat length of du, or of a Jacobian). */
  nout: number;
}

/**
 * Compiles `outputs` as functions of (t, u, p). `sizes[i]`, when given, is the length output i
 * fills (a scalar output is broadcast); by default every output is one value. `paramOffsets`
 * places parameter j at flat offset paramOffsets[j] (default: j); `nparams` is the flat count.
 */
export function compileTape(
  outputs: readonly Node[], nstates: number, nparams: number, sizes?: readonly number[], paramOffsets?: readonly number[],
): Tape {
  const order = topoOrder(outputs);
  const regOf = new Map<number, number>();
  const constants: number[] = [];
  const paramBase = 1 + nstates;
  const constBase = paramBase + nparams;
  for (const node of order) {
    if (node.kind === 'time') regOf.set(node.id, 0);
    else if (node.kind === 'state') regOf.set(node.id, 1 + node.index);
    else if (node.kind === 'param') regOf.set(node.id, paramBase + (paramOffsets ? paramOffsets[node.index] : node.index));
    else if (node.kind === 'const') regOf.set(node.id, constBase + constants.push(node.value) - 1);
  }
  // Operations on parameters and constants alone come first: the engine runs them once per
  // solve (tapePrepare), not at every evaluation. Operands precede their uses in both parts.
  const invariant = new Set<number>();
  for (const n of order) {
    const operands = n.kind === 'unary' ? [n.a] : n.kind === 'binary' ? [n.a, n.b] : n.kind === 'ifelse' ? [n.cond, n.a, n.b] : [];
    if (n.kind === 'const' || n.kind === 'param' || (operands.length > 0 && operands.every((x) => invariant.has(x.id)))) invariant.add(n.id);
  }
  const isOp = (n: Node) => n.kind === 'unary' || n.kind === 'binary' || n.kind === 'ifelse';
  const ops = [...order.filter((n) => isOp(n) && invariant.has(n.id)), ...order.filter((n) => isOp(n) && !invariant.has(n.id))];
  let next = constBase + constants.length;
  for (const n of ops) {
    regOf.set(n.id, next);
    next += n.len;
  }
  const nregs = next;

  const outAt = O.TH_SIZE;
  const codeAt = outAt + 3 * outputs.length;
  const code = new Int32Array(codeAt + ops.length * O.INSTR_WIDTH);
  code[O.TH_NINSTR] = ops.length;
  code[O.TH_NREGS] = nregs;
  code[O.TH_NSTATES] = nstates;
  code[O.TH_OUT] = outAt;
  code[O.TH_CODE] = codeAt;
  code[O.TH_NOUT] = outputs.length;
  const ninvariant = ops.filter((n) => invariant.has(n.id)).length;
  code[O.TH_NPRE] = ninvariant;
  let nout = 0;
  outputs.forEach((n, i) => {
    const len = sizes ? sizes[i] : 1;
    code[outAt + 3 * i] = regOf.get(n.id)!;
    code[outAt + 3 * i + 1] = len;
    code[outAt + 3 * i + 2] = n.len > 1 ? 1 : 0;
    nout += len;
  });
  const vec = (x: Node) => (x.len > 1 ? 1 : 0);
  ops.forEach((n, i) => {
    const at = codeAt + i * O.INSTR_WIDTH;
    code[at + 1] = regOf.get(n.id)!;
    if (n.kind === 'unary') {
      code[at] = UNARY[n.op];
      code[at + 2] = regOf.get(n.a.id)!;
      code[at + O.I_LEN] = Math.max(n.len, n.a.len);
      code[at + O.I_SA] = vec(n.a);
    } else if (n.kind === 'binary' && n.op === 'matvec') {
      code[at] = O.OP_MATVEC;
      code[at + 2] = regOf.get(n.a.id)!;
      code[at + 3] = regOf.get(n.b.id)!;
      code[at + 4] = n.a.kind === 'param' ? n.a.cols : 1;
      code[at + O.I_LEN] = n.len;
      code[at + O.I_SA] = 1;
      code[at + O.I_SB] = 1;
    } else if (n.kind === 'binary') {
      code[at] = BINARY[n.op];
      code[at + 2] = regOf.get(n.a.id)!;
      code[at + 3] = regOf.get(n.b.id)!;
      code[at + O.I_LEN] = Math.max(n.len, n.a.len, n.b.len);
      code[at + O.I_SA] = vec(n.a);
      code[at + O.I_SB] = vec(n.b);
    } else if (n.kind === 'ifelse') {
      code[at] = O.OP_IFELSE;
      code[at + 2] = regOf.get(n.cond.id)!;
      code[at + 3] = regOf.get(n.a.id)!;
      code[at + 4] = regOf.get(n.b.id)!;
      code[at + O.I_LEN] = n.len;
      code[at + O.I_SA] = vec(n.cond);
      code[at + O.I_SB] = vec(n.a);
      code[at + O.I_SC] = vec(n.b);
    }
  });
  code[O.TH_VECTOR] = ops.some((n, i) => code[codeAt + i * O.INSTR_WIDTH + O.I_LEN] !== 1 || n.kind === 'binary' && n.op === 'matvec') ? 1 : 0;
  const regs = new Float64Array(nregs);
  regs.set(constants, constBase);
  return { code, regs, paramBase, ninvariant, nstates, nparams, nout };
}
