// ln x for one f64 and for two (f64x2), one algorithm for both: see lanes.ts.
//
// The method and the coefficients are fdlibm's (e_log.c, Sun Microsystems, 1993), in the
// branch-free arrangement of musl's log.c before 1.2: x = 2^k·m with m in [√2/2, √2), found
// by integer operations on the bit pattern; f = m − 1, s = f/(2 + f), and
// ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), R a Remez polynomial in s² of degree 7 (fdlibm
// bounds its error by 2^-58.45); ln x = k·ln2 + ln(1 + f) with ln2 split in a 32-bit head
// (k·ln2hi exact) and a tail. fdlibm gives the error of the result as below 1 ulp.
//
// Zero, negative numbers, subnormals, infinities and NaN go to the runtime library's
// Math.log instead, decided per value by the same comparison in both forms.

import { add, sub, mul, div, ld, bitsAddAndAdd, bitsAddShrOr } from './lanes';

// Indices into the constant table below.
const LN2_HI = 0;
const LN2_LO = 1;
const LG1 = 2;
const LG2 = 3;
const LG3 = 4;
const LG4 = 5;
const LG5 = 6;
const LG6 = 7;
const LG7 = 8;
const HALF = 9;
const ONE = 10;
const TWO = 11;
const TWO52_BIAS = 12;
const MIN_NORMAL = 13;
const INF = 14;

const TABLE = memory.data<f64>([
  6.93147180369123816490e-01, // 0x3fe62e42fee00000: ln2's leading 32 bits
  1.90821492927058770002e-10, // 0x3dea39ef35793c76: ln2 − the above
  6.666666666666735130e-01, // Lg1…Lg7
  3.999999999940941908e-01,
  2.857142874366239149e-01,
  2.222219843214978396e-01,
  1.818357216161805012e-01,
  1.531383769920937332e-01,
  1.479819860511658591e-01,
  0.5,
  1.0,
  2.0,
  4503599627371519.0, // 2^52 + 1023: subtracted from 2^52 + e, leaves k = e − 1023 exactly
  2.2250738585072014e-308, // the smallest normal number: the fast path's lower end
  Infinity,
]);

// The integer constants, by address.
const INTS = memory.data<i64>([
  // The bits of 1 minus those of √2/2 rounded down to 32 bits (0x3fe6a09e00000000): added to
  // a number's bits, this carries into the exponent exactly when the mantissa is at least
  // √2's, so that the exponent field then holds k + 1023 for m in [√2/2, √2).
  0x3ff0000000000000 - 0x3fe6a09e00000000,
  0x000fffffffffffff, // the mantissa field
  0x3fe6a09e00000000, // added back to the mantissa: m in [√2/2, √2)
  0x4330000000000000, // 2^52: ORed with a biased exponent e (< 2^11) it is the double 2^52 + e
]);
const TO_SPLIT = INTS;
const MANTISSA = INTS + 8;
const SQRT_HALF_BITS = INTS + 16;
const TWO52_BITS = INTS + 24;

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function logCore<T>(x: T): T {
  const m = bitsAddAndAdd<T>(x, TO_SPLIT, MANTISSA, SQRT_HALF_BITS);
  const dk = sub<T>(bitsAddShrOr<T>(x, TO_SPLIT, 52, TWO52_BITS), c<T>(TWO52_BIAS));
  const f = sub<T>(m, c<T>(ONE));
  const hfsq = mul<T>(mul<T>(c<T>(HALF), f), f);
  const s = div<T>(f, add<T>(c<T>(TWO), f));
  const z = mul<T>(s, s);
  const w = mul<T>(z, z);
  // R = z·(Lg1 + w·Lg3 + w²·(Lg5 + w·Lg7)) + w·(Lg2 + w·Lg4 + w²·Lg6), w = z², by Estrin's
  // scheme (fdlibm's Horner order changes R by a rounding or so, 1 % of an ulp of the result).
  const w2 = mul<T>(w, w);
  const t1 = mul<T>(w, add<T>(add<T>(c<T>(LG2), mul<T>(w, c<T>(LG4))), mul<T>(w2, c<T>(LG6))));
  const t2 = mul<T>(z, add<T>(add<T>(c<T>(LG1), mul<T>(w, c<T>(LG3))), mul<T>(w2, add<T>(c<T>(LG5), mul<T>(w, c<T>(LG7))))));
  const r = add<T>(t2, t1);
  // (((s·(hfsq + R) + k·ln2lo) − hfsq) + f) + k·ln2hi: the small terms first.
  const a = add<T>(mul<T>(s, add<T>(hfsq, r)), mul<T>(dk, c<T>(LN2_LO)));
  return add<T>(add<T>(sub<T>(a, hfsq), f), mul<T>(dk, c<T>(LN2_HI)));
}

/** ln x. Bit-identical to each lane of logF64x2. */
export function logF64(x: f64): f64 {
  if (!(x >= c<f64>(MIN_NORMAL) && x < c<f64>(INF))) return Math.log(x);
  return logCore<f64>(x);
}

/** Whether both lanes are in logCore's range, normal and finite (3), else which are (bits 0 and 1). */
// @ts-ignore: decorator
@inline function logLanesOk(x: v128): i32 {
  return i64x2.bitmask(v128.and(f64x2.ge(x, c<v128>(MIN_NORMAL)), f64x2.lt(x, c<v128>(INF))));
}

/** ln x in each lane. Bit-identical to logF64 on each lane. */
// @ts-ignore: decorator
@inline export function logF64x2(x: v128): v128 {
  let y = logCore<v128>(x);
  if (logLanesOk(x) != 3) {
    // The lanes outside the fast path by the scalar form (rare).
    y = f64x2.replace_lane(y, 0, logF64(f64x2.extract_lane(x, 0)));
    y = f64x2.replace_lane(y, 1, logF64(f64x2.extract_lane(x, 1)));
  }
  return y;
}

/** The scalar form for both values at ps, into pd. */
function logPairScalar(pd: usize, ps: usize): void {
  store<f64>(pd, logF64(load<f64>(ps)));
  store<f64>(pd, logF64(load<f64>(ps, 8)), 8);
}

/**
 * dst[i] = ln src[i] for i < n, two at a time (dst and src the same array or not
 * overlapping): each pair by logCore, stored, and where a lane is outside its range (rare),
 * both values again by the scalar form.
 */
export function mapLog(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    v128.store(pd, logCore<v128>(x));
    if (logLanesOk(x) != 3) logPairScalar(pd, ps);
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), logF64(load<f64>(src + (<usize>i << 3))));
}
