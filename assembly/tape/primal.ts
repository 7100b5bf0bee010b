// The tape interpreter, primal mode: du = f(u, p, t) for a compiled model, entirely inside
// the engine (no call out to JavaScript). Elementary functions come from the engine's own
// math, so the bits are the same in every runtime.

import {
  INSTR_WIDTH, I_LEN, I_SA, I_SB, I_SC, TH_NINSTR, TH_NSTATES, TH_OUT, TH_CODE, TH_NOUT, TH_VECTOR, TH_NPRE, OP_SUM, OP_DOT, OP_MATVEC,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_MIN, OP_MAX, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
  OP_NEG, OP_EXP, OP_LOG, OP_LOG1P, OP_EXPM1, OP_SQRT, OP_ABS, OP_SIN, OP_COS, OP_TAN, OP_ASIN,
  OP_ACOS, OP_ATAN, OP_SINH, OP_COSH, OP_TANH, OP_SIGN, OP_SIGMOID, OP_SOFTPLUS, OP_RELU, OP_COPY,
  OP_IFELSE,
} from './opcodes';
import { expF64, sigmoidF64, tanhF64 } from '../math/exp';
import { logF64 } from '../math/log';
import { sinF64, cosF64 } from '../math/trig';
import { mapMath, mathScalar } from '../math/map';

// @ts-ignore: decorator
@inline function reg(regs: usize, i: i32): f64 {
  return load<f64>(regs + (<usize>i << 3));
}

/** log(1 + e^x) without overflow for large x. */
// @ts-ignore: decorator
@inline function softplus(x: f64): f64 {
  return x > 0 ? x + Math.log1p(expF64(-x)) : Math.log1p(expF64(x));
}

/**
 * The elementary functions and other rare operations, out of the hot loop. Exported too:
 * models emitted as WebAssembly call it for everything but arithmetic, so both evaluators
 * use one implementation and give the same bits.
 */
export function elementary(op: i32, a: f64, b: f64, c: f64): f64 {
  switch (op) {
    case OP_POW: return Math.pow(a, b);
    case OP_MIN: return min(a, b);
    case OP_MAX: return max(a, b);
    case OP_LT: return a < b ? 1.0 : 0.0;
    case OP_LE: return a <= b ? 1.0 : 0.0;
    case OP_GT: return a > b ? 1.0 : 0.0;
    case OP_GE: return a >= b ? 1.0 : 0.0;
    case OP_EQ: return a == b ? 1.0 : 0.0;
    case OP_NE: return a != b ? 1.0 : 0.0;
    case OP_EXP: return expF64(a);
    case OP_LOG: return logF64(a);
    case OP_LOG1P: return Math.log1p(a);
    case OP_EXPM1: return Math.expm1(a);
    case OP_SQRT: return sqrt(a);
    case OP_ABS: return abs(a);
    case OP_SIN: return sinF64(a);
    case OP_COS: return cosF64(a);
    case OP_TAN: return Math.tan(a);
    case OP_ASIN: return Math.asin(a);
    case OP_ACOS: return Math.acos(a);
    case OP_ATAN: return Math.atan(a);
    case OP_SINH: return Math.sinh(a);
    case OP_COSH: return Math.cosh(a);
    case OP_TANH: return tanhF64(a);
    case OP_SIGN: return a > 0 ? 1.0 : a < 0 ? -1.0 : a;
    case OP_SIGMOID: return sigmoidF64(a);
    case OP_SOFTPLUS: return softplus(a);
    case OP_RELU: return max(a, 0.0);
    case OP_COPY: return a;
    case OP_IFELSE: return a != 0 ? b : c;
    default: return NaN;
  }
}

/** dst[0..len) = v. */
// @ts-ignore: decorator
@inline function fill(pd: usize, v: f64, len: i32): void {
  for (let i = 0; i < len; i++) store<f64>(pd + (<usize>i << 3), v);
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

// Elementwise arithmetic over operands with strides sa, sb (1: a vector, 0: a broadcast
// scalar): two elements per step (f64x2) with a scalar operand splatted, then the odd last
// element (or all of them when both operands are scalars) one at a time. One function per
// operation, written out: a loop template taking the op as an argument, inlined several times
// into vectorOp, may be merged by the optimizer into one loop that dispatches at every step.

function vectorAdd(pd: usize, pa: usize, pb: usize, len: i32, sa: i32, sb: i32): void {
  let i = 0;
  if (sa != 0 && sb != 0) {
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.add(v128.load(at(pa, i)), v128.load(at(pb, i))));
  } else if (sa != 0) {
    const b = f64x2.splat(load<f64>(pb));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.add(v128.load(at(pa, i)), b));
  } else if (sb != 0) {
    const a = f64x2.splat(load<f64>(pa));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.add(a, v128.load(at(pb, i))));
  }
  for (; i < len; i++) store<f64>(at(pd, i), load<f64>(at(pa, i * sa)) + load<f64>(at(pb, i * sb)));
}

function vectorSub(pd: usize, pa: usize, pb: usize, len: i32, sa: i32, sb: i32): void {
  let i = 0;
  if (sa != 0 && sb != 0) {
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.sub(v128.load(at(pa, i)), v128.load(at(pb, i))));
  } else if (sa != 0) {
    const b = f64x2.splat(load<f64>(pb));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.sub(v128.load(at(pa, i)), b));
  } else if (sb != 0) {
    const a = f64x2.splat(load<f64>(pa));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.sub(a, v128.load(at(pb, i))));
  }
  for (; i < len; i++) store<f64>(at(pd, i), load<f64>(at(pa, i * sa)) - load<f64>(at(pb, i * sb)));
}

function vectorMul(pd: usize, pa: usize, pb: usize, len: i32, sa: i32, sb: i32): void {
  let i = 0;
  if (sa != 0 && sb != 0) {
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.mul(v128.load(at(pa, i)), v128.load(at(pb, i))));
  } else if (sa != 0) {
    const b = f64x2.splat(load<f64>(pb));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.mul(v128.load(at(pa, i)), b));
  } else if (sb != 0) {
    const a = f64x2.splat(load<f64>(pa));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.mul(a, v128.load(at(pb, i))));
  }
  for (; i < len; i++) store<f64>(at(pd, i), load<f64>(at(pa, i * sa)) * load<f64>(at(pb, i * sb)));
}

function vectorDiv(pd: usize, pa: usize, pb: usize, len: i32, sa: i32, sb: i32): void {
  let i = 0;
  if (sa != 0 && sb != 0) {
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.div(v128.load(at(pa, i)), v128.load(at(pb, i))));
  } else if (sa != 0) {
    const b = f64x2.splat(load<f64>(pb));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.div(v128.load(at(pa, i)), b));
  } else if (sb != 0) {
    const a = f64x2.splat(load<f64>(pa));
    for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.div(a, v128.load(at(pb, i))));
  }
  for (; i < len; i++) store<f64>(at(pd, i), load<f64>(at(pa, i * sa)) / load<f64>(at(pb, i * sb)));
}

function vectorNeg(pd: usize, pa: usize, len: i32, sa: i32): void {
  if (sa == 0) {
    fill(pd, -load<f64>(pa), len);
    return;
  }
  let i = 0;
  for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.neg(v128.load(at(pa, i))));
  if (i < len) store<f64>(at(pd, i), -load<f64>(at(pa, i)));
}

function vectorSqrt(pd: usize, pa: usize, len: i32, sa: i32): void {
  if (sa == 0) {
    fill(pd, sqrt(load<f64>(pa)), len);
    return;
  }
  let i = 0;
  for (; i + 1 < len; i += 2) v128.store(at(pd, i), f64x2.sqrt(v128.load(at(pa, i))));
  if (i < len) store<f64>(at(pd, i), sqrt(load<f64>(at(pa, i))));
}

/**
 * d = W·v for a rows × cols row-major W. Each row is a left-to-right sum of products, as a
 * JavaScript loop would add them; four rows run at once, a row per f64x2 lane (the chains of
 * additions are independent, so no sum is reordered and every row keeps its bits).
 */
function matvec(d: usize, W: usize, v: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 3;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = W + <usize>i * stride;
    let acc01 = f64x2.splat(0);
    let acc23 = f64x2.splat(0);
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      const p = r0 + o;
      const x = f64x2.splat(load<f64>(v + o));
      acc01 = f64x2.add(acc01, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(p)), 1, load<f64>(p + stride)), x));
      acc23 = f64x2.add(acc23, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(p + 2 * stride)), 1, load<f64>(p + 3 * stride)), x));
    }
    v128.store(d + (<usize>i << 3), acc01);
    v128.store(d + (<usize>(i + 2) << 3), acc23);
  }
  for (; i < rows; i++) {
    const row = W + <usize>i * stride;
    let acc = 0.0;
    for (let j = 0; j < cols; j++) acc += load<f64>(row + (<usize>j << 3)) * load<f64>(v + (<usize>j << 3));
    store<f64>(d + (<usize>i << 3), acc);
  }
}

/** One instruction over `len` elements with operand strides (0: a broadcast scalar). */
function vectorOp(op: i32, regs: usize, d: i32, ia: i32, ib: i32, ic: i32, len: i32, sa: i32, sb: i32, sc: i32): void {
  const pd = regs + (<usize>d << 3);
  const pa = regs + (<usize>ia << 3);
  const pb = regs + (<usize>ib << 3);
  const pc = regs + (<usize>ic << 3);
  const da = <usize>sa << 3;
  const db = <usize>sb << 3;
  const dc = <usize>sc << 3;
  switch (op) {
    case OP_MATVEC: matvec(pd, pa, pb, len, ic); return;
    // Left to right, as a JavaScript loop would add them.
    case OP_SUM: {
      let acc = 0.0;
      for (let i = 0; i < len; i++) acc += load<f64>(pa + <usize>i * da);
      store<f64>(pd, acc);
      return;
    }
    case OP_DOT: {
      let acc = 0.0;
      for (let i = 0; i < len; i++) acc += load<f64>(pa + <usize>i * da) * load<f64>(pb + <usize>i * db);
      store<f64>(pd, acc);
      return;
    }
    // The common elementwise operations get loops of their own: no dispatch per element, and
    // two elements per step (f64x2) over contiguous operands. Per lane the f64x2 operations
    // round exactly as the scalar ones, so the bits do not depend on the path an element took.
    case OP_ADD: vectorAdd(pd, pa, pb, len, sa, sb); return;
    case OP_SUB: vectorSub(pd, pa, pb, len, sa, sb); return;
    case OP_MUL: vectorMul(pd, pa, pb, len, sa, sb); return;
    case OP_DIV: vectorDiv(pd, pa, pb, len, sa, sb); return;
    case OP_NEG: vectorNeg(pd, pa, len, sa); return;
    case OP_SQRT: vectorSqrt(pd, pa, len, sa); return;
    // exp, log, sin, cos, sigmoid and tanh: the engine's f64x2 forms (assembly/math), two at a time.
    case OP_EXP:
    case OP_LOG:
    case OP_SIN:
    case OP_COS:
    case OP_SIGMOID:
    case OP_TANH:
      if (sa != 0) mapMath(op, pd, pa, len);
      else fill(pd, mathScalar(op, load<f64>(pa)), len);
      return;
    default:
      for (let i = 0; i < len; i++) {
        const r = elementary(op, load<f64>(pa + <usize>i * da), load<f64>(pb + <usize>i * db), load<f64>(pc + <usize>i * dc));
        store<f64>(pd + (<usize>i << 3), r);
      }
  }
}

/** A tape with vector instructions: each instruction runs over its length. */
function vectorSweep(regs: usize, ip: usize, end: usize): void {
  for (; ip < end; ip += INSTR_WIDTH << 2) {
    const len = load<i32>(ip, I_LEN << 2);
    vectorOp(load<i32>(ip), regs, load<i32>(ip, 4), load<i32>(ip, 8), load<i32>(ip, 12), load<i32>(ip, 16), len,
      len == 1 ? 0 : load<i32>(ip, I_SA << 2), len == 1 ? 0 : load<i32>(ip, I_SB << 2), len == 1 ? 0 : load<i32>(ip, I_SC << 2));
  }
}

/** A tape of scalars only: the interpreter's fast path. */
function scalarSweep(regs: usize, ip: usize, end: usize): void {
  for (; ip < end; ip += INSTR_WIDTH << 2) {
    const op = load<i32>(ip);
    const dst = regs + (<usize>load<i32>(ip, 4) << 3);
    const a = reg(regs, load<i32>(ip, 8));
    // Arithmetic, the bulk of every model, is decided here; the rest is one call away.
    if (op <= OP_DIV) {
      const b = reg(regs, load<i32>(ip, 12));
      store<f64>(dst, op == OP_MUL ? a * b : op == OP_ADD ? a + b : op == OP_SUB ? a - b : a / b);
    } else if (op == OP_NEG) {
      store<f64>(dst, -a);
    } else if (op == OP_SUM) {
      store<f64>(dst, a);
    } else if (op == OP_DOT) {
      store<f64>(dst, a * reg(regs, load<i32>(ip, 12)));
    } else {
      store<f64>(dst, elementary(op, a, reg(regs, load<i32>(ip, 12)), reg(regs, load<i32>(ip, 16))));
    }
  }
}

/** Runs instructions [from, to) of the tape. */
function sweep(tape: usize, regs: usize, from: i32, to: i32): void {
  const code = tape + (<usize>load<i32>(tape + (<usize>TH_CODE << 2)) << 2);
  const ip = code + (<usize>(from * INSTR_WIDTH) << 2);
  const end = code + (<usize>(to * INSTR_WIDTH) << 2);
  if (load<i32>(tape + (<usize>TH_VECTOR << 2)) != 0) vectorSweep(regs, ip, end);
  else scalarSweep(regs, ip, end);
}

/**
 * Computes the subexpressions of parameters and constants alone into their registers: once
 * per solve (or per evaluation from TypeScript), after the parameters are written.
 */
export function tapePrepare(tape: usize, regs: usize): void {
  sweep(tape, regs, 0, load<i32>(tape + (<usize>TH_NPRE << 2)));
}

/**
 * Evaluates the tape: t and u go into their registers, the outputs into du. The registers
 * hold the parameters and what `tapePrepare` computed from them.
 */
export function tapePrimal(tape: usize, regs: usize, t: f64, u: usize, du: usize): void {
  const n = load<i32>(tape + (<usize>TH_NSTATES << 2));
  store<f64>(regs, t);
  // An element loop for the small states of scalar models (memory.copy's call costs more).
  if (n > 64) memory.copy(regs + 8, u, <usize>n << 3);
  else for (let i = 0; i < n; i++) store<f64>(regs + 8 + (<usize>i << 3), load<f64>(u + (<usize>i << 3)));
  sweep(tape, regs, load<i32>(tape + (<usize>TH_NPRE << 2)), load<i32>(tape + (<usize>TH_NINSTR << 2)));
  // Output segments (register, length, step): a step of 0 broadcasts a scalar.
  const segs = tape + (<usize>load<i32>(tape + (<usize>TH_OUT << 2)) << 2);
  const nseg = load<i32>(tape + (<usize>TH_NOUT << 2));
  let o = du;
  for (let s = 0; s < nseg; s++) {
    const sp = segs + (<usize>(s * 3) << 2);
    const r = regs + (<usize>load<i32>(sp) << 3);
    const len = load<i32>(sp, 4);
    const step = <usize>load<i32>(sp, 8) << 3;
    if (step != 0 && len > 64) memory.copy(o, r, <usize>len << 3);
    else for (let i = 0; i < len; i++) store<f64>(o + (<usize>i << 3), load<f64>(r + <usize>i * step));
    o += <usize>len << 3;
  }
}
