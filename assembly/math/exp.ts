// e^x for one f64 and for two (f64x2), one algorithm for both: see lanes.ts.
//
// The method and the coefficients are fdlibm's (e_exp.c, Sun Microsystems, 1993; also in musl
// before 1.2 and in V8's ieee754::exp): x = k·ln2 + r with |r| ≤ ln2/2, ln2 split into a
// 32-bit head (k·ln2hi is exact) and a tail; e^r = 1 + r + r·c/(2 − c) with c = r − r²·P(r²),
// P of degree 4 a Remez fit (fdlibm bounds its error by 2^-59); then e^x = 2^k·e^r. fdlibm
// gives the error of the result as below 1 ulp. Here k comes from rounding x/ln2 by adding
// 1.5·2^52: the sum's low mantissa bits are k itself, from which 2^k is built by integer
// operations (no conversion, no branch, the same in both forms).
//
// Outside |x| < 708 (overflow above 709.78, results below the normal range under −708.4,
// infinities, NaN) each value goes to the runtime library's Math.exp instead, decided per
// value by the same comparison in both forms.

import { add, sub, mul, div, neg, ld, bitsAddShl } from './lanes';

// Indices into the constant table below.
const INV_LN2 = 0;
const LN2_HI = 1;
const LN2_LO = 2;
const P1 = 3;
const P2 = 4;
const P3 = 5;
const P4 = 6;
const P5 = 7;
const SHIFT = 8;
const ONE = 9;
const TWO = 10;
const BOUND = 11;

const TABLE = memory.data<f64>([
  1.44269504088896338700e+00, // 1/ln2
  6.93147180369123816490e-01, // 0x3fe62e42fee00000: ln2's leading 32 bits
  1.90821492927058770002e-10, // 0x3dea39ef35793c76: ln2 − the above
  1.66666666666666019037e-01, // P1…P5
  -2.77777777770155933842e-03,
  6.61375632143793436117e-05,
  -1.65339022054652515390e-06,
  4.13813679705723846039e-08,
  6755399441055744.0, // 1.5·2^52: adding it rounds to an integer, left in the low mantissa bits
  1.0,
  2.0,
  708.0, // below this |x| the result is normal and k + 1023 a valid biased exponent
]);
/** The exponent bias, for the integer operations. */
const EXPONENT_BIAS = memory.data<i64>([1023]);

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function expCore<T>(x: T): T {
  const t = add<T>(mul<T>(x, c<T>(INV_LN2)), c<T>(SHIFT));
  const kf = sub<T>(t, c<T>(SHIFT));
  const hi = sub<T>(x, mul<T>(kf, c<T>(LN2_HI)));
  const lo = mul<T>(kf, c<T>(LN2_LO));
  const r = sub<T>(hi, lo);
  const rr = mul<T>(r, r);
  const p = add<T>(c<T>(P1), mul<T>(rr, add<T>(c<T>(P2), mul<T>(rr, add<T>(c<T>(P3), mul<T>(rr, add<T>(c<T>(P4), mul<T>(rr, c<T>(P5)))))))));
  const cr = sub<T>(r, mul<T>(rr, p));
  // 1 + ((r·c/(2 − c) − lo) + hi)
  const y = add<T>(c<T>(ONE), add<T>(sub<T>(div<T>(mul<T>(r, cr), sub<T>(c<T>(TWO), cr)), lo), hi));
  // 2^k: the bits of t are those of SHIFT plus k, and SHIFT's low 12 bits are zero, so
  // (bits + 1023) << 52 is k + 1023 in the exponent field with a zero mantissa.
  return mul<T>(y, bitsAddShl<T>(t, EXPONENT_BIAS, 52));
}

/** e^x. Bit-identical to each lane of expF64x2. */
export function expF64(x: f64): f64 {
  if (!(abs(x) < c<f64>(BOUND))) return Math.exp(x);
  return expCore<f64>(x);
}

/** e^x in each lane. Bit-identical to expF64 on each lane. */
// @ts-ignore: decorator
@inline export function expF64x2(x: v128): v128 {
  let y = expCore<v128>(x);
  const ok = f64x2.lt(f64x2.abs(x), c<v128>(BOUND));
  if (!i64x2.all_true(ok)) {
    // The lanes outside the fast path, one at a time (rare).
    if (i64x2.extract_lane(ok, 0) == 0) y = f64x2.replace_lane(y, 0, Math.exp(f64x2.extract_lane(x, 0)));
    if (i64x2.extract_lane(ok, 1) == 0) y = f64x2.replace_lane(y, 1, Math.exp(f64x2.extract_lane(x, 1)));
  }
  return y;
}

/** The logistic function 1/(1 + e^-x). Bit-identical to each lane of sigmoidF64x2. */
export function sigmoidF64(x: f64): f64 {
  return 1.0 / (1.0 + expF64(-x));
}

/** 1/(1 + e^-x) in each lane. Bit-identical to sigmoidF64 on each lane. */
// @ts-ignore: decorator
@inline export function sigmoidF64x2(x: v128): v128 {
  return div<v128>(c<v128>(ONE), add<v128>(c<v128>(ONE), expF64x2(neg<v128>(x))));
}
