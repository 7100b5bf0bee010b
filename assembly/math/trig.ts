// sin x and cos x for one f64 and for two (f64x2), one algorithm for both: see lanes.ts.
//
// |x| ≤ 1 (the values of sin, cos, tanh and sigmoid, for example, lie there): a polynomial
// each, no reduction (sinSmall and cosSmall below).
//
// |x| > 1: reduction, n = round(x·2/π) and y = x − n·π/2 as y0 + y1, by the rounds of
// fdlibm's e_rem_pio2.c (π/2 split in 33-bit heads, so that n·head is exact for |n| < 2^20,
// and tails): the first round when it loses at most 16 bits to cancellation, else (near the
// multiples of π/2, and for all |x| > 2^16·π/4) all rounds, their rounding errors kept by
// two-sums. Kernels: fdlibm's __kernel_sin and __kernel_cos (k_sin.c, k_cos.c, Sun
// Microsystems, 1993), polynomials on |y| ≤ π/4 with the tail y1 folded in, in one expression
// for both (see kernelScalar); quadrant n mod 4 picks ±sin y or ±cos y. For |x| ≥ 2^20,
// infinities and NaN, the runtime library's Math.sin or Math.cos instead (its reduction
// handles any size).
//
// The f64x2 form: pairs with |x| ≤ 1 in both lanes take the polynomials; the others the first
// round and one kernel expression for both lanes whatever their quadrants (each lane with its
// own coefficients), the polynomial's value in a lane with |x| ≤ 1; and where the first round
// is not enough for a lane (rare), the scalar form gives both values. Each lane's value comes
// from the same operations as in the scalar form, so the bits are the same.

import { add, sub, mul, ld, ldPair, bitsAnd, roundEven } from './lanes';

// Indices into the constant table below.
const INV_PIO2 = 0;
const PIO2_1 = 1;
const PIO2_2 = 2;
const PIO2_3 = 3;
const PIO2_3T = 4;
const PIO2_1T = 5;
const SHIFT = 6;
const HALF = 7;
const ONE = 8;
const BOUND = 9;
const CANCEL = 10;

const TABLE = memory.data<f64>([
  6.36619772367581382433e-01, // 2/π
  1.57079632673412561417e+00, // 0x3ff921fb54400000: π/2's first 33 bits
  6.07710050630396597660e-11, // 0x3dd0b4611a600000: the next 33
  2.02226624871116645580e-21, // 0x3ba3198a2e000000: the next 33
  8.47842766036889956997e-32, // 0x397b839a252049c1: π/2 − the three above
  6.07710050650619224932e-11, // 0x3dd0b4611a626331: π/2 − PIO2_1
  6755399441055744.0, // 1.5·2^52
  0.5,
  1.0,
  1048576.0, // 2^20: below this |x|, |n| < 2^20 and the reduction is exact enough
  1.52587890625e-05, // 2^-16: the most cancellation the first round alone may see
]);
/** The integer 1, by address (the quadrant arithmetic of the f64x2 form). */
const INT_ONE = memory.data<i64>([1]);

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

/** x·2/π + 1.5·2^52: n mod 4 is in its lowest two bits. */
// @ts-ignore: decorator
@inline function quadrant<T>(x: T): T {
  return add<T>(mul<T>(x, c<T>(INV_PIO2)), c<T>(SHIFT));
}

/**
 * n = round(x·2/π), ties to even: quadrant(x) − 1.5·2^52 for |x·2/π| < 2^51 (here the other x
 * fail the first round's test whatever n is), one step shorter.
 */
// @ts-ignore: decorator
@inline function nearestN<T>(x: T): T {
  return roundEven<T>(mul<T>(x, c<T>(INV_PIO2)));
}

/** The error of a − b rounded to s = a − b, exactly (Knuth's two-sum): a − b = s + err. */
// @ts-ignore: decorator
@inline function subErr<T>(a: T, b: T, s: T): T {
  const v = sub<T>(s, a);
  return sub<T>(sub<T>(a, sub<T>(s, v)), add<T>(b, v));
}

/**
 * The first round, enough for most x: x − n·π/2 as y0 + y1 with π/2 = PIO2_1 + PIO2_1T
 * (x − n·PIO2_1 is exact, the subtraction of n·PIO2_1T is rounded into y0 and its error kept
 * in y1). Good to about 85 bits of x (fdlibm), so to 69 bits of y when y has lost at most
 * 16 bits to cancellation: the forms test that, |y0| ≥ |x|·2^-16 (firstOk). This fails for
 * every |x| above 2^16·π/4 (|y0| ≤ π/4), and for NaN and infinities. `head` says which of
 * y0 and y1 to return; both instances compute the same values (merged by the optimizer).
 */
// @ts-ignore: decorator
@inline function firstRound<T>(x: T, fn: T, head: bool): T {
  const r = sub<T>(x, mul<T>(fn, c<T>(PIO2_1))); // exact
  const w = mul<T>(fn, c<T>(PIO2_1T));
  const y0 = sub<T>(r, w);
  if (head) return y0;
  return sub<T>(sub<T>(r, y0), w);
}

/**
 * All rounds, for |x| < 2^20: x − n·π/2 as y0 + y1 with π/2 in four parts, good to far more
 * than 53 bits of y even for the x closest to a multiple of π/2: r3 = ((x − n·PIO2_1) −
 * n·PIO2_2) − n·PIO2_3 as rounded, tail = n·PIO2_3T − (the two rounding errors), y0 = r3 − tail.
 */
// @ts-ignore: decorator
@inline function allRounds<T>(x: T, fn: T, head: bool): T {
  const r1 = sub<T>(x, mul<T>(fn, c<T>(PIO2_1))); // exact
  const w2 = mul<T>(fn, c<T>(PIO2_2)); // exact
  const r2 = sub<T>(r1, w2);
  const w3 = mul<T>(fn, c<T>(PIO2_3)); // exact
  const r3 = sub<T>(r2, w3);
  const tail = sub<T>(mul<T>(fn, c<T>(PIO2_3T)), add<T>(subErr<T>(r1, w2, r2), subErr<T>(r2, w3, r3)));
  const y0 = sub<T>(r3, tail);
  if (head) return y0;
  return sub<T>(sub<T>(r3, y0), tail);
}

/**
 * The polynomial of the kernels, P(z) = k1 + k2·z + … + k6·z^5 with its coefficients at kp,
 * kp + 16, …, kp + 80 (each lane its own in the f64x2 form), by Estrin's scheme: z2 = z²,
 * P = ((k1 + k2·z) + z2·(k3 + k4·z)) + (z2·z2)·(k5 + k6·z), z2 = z² from the caller.
 */
// @ts-ignore: decorator
@inline function kernelPoly<T>(z: T, z2: T, kp: usize): T {
  const a = add<T>(ldPair<T>(kp), mul<T>(z, ldPair<T>(kp + 16)));
  const b = add<T>(ldPair<T>(kp + 32), mul<T>(z, ldPair<T>(kp + 48)));
  const d = add<T>(ldPair<T>(kp + 64), mul<T>(z, ldPair<T>(kp + 80)));
  return add<T>(add<T>(a, mul<T>(z2, b)), mul<T>(mul<T>(z2, z2), d));
}

// The kernels, one expression for both: sin(y0 + y1) and cos(y0 + y1) for |y0 + y1| ≤ π/4
// are h − (k − m·P(z)) with z = y0², hz = z/2 and
//   sine:   h = y0,     k = hz·y1 − y1,                  m = z·y0, P = S1 + S2·z + … + S6·z^5
//   cosine: h = 1 − hz, k = y0·y1 − ((1 − h) − hz),     m = z·z,  P = C1 + C2·z + … + C6·z^5
// (fdlibm's k_sin.c and k_cos.c, Sun Microsystems, 1993, their polynomials and their tail
// terms; 1 − z/2 with its rounding error added back, as in k_cos.c). Each lane takes the
// parts for its parity and its own coefficients (from KCOEF), so the f64x2 form evaluates one
// polynomial for both lanes whatever their quadrants, without branches; the scalar form does
// the same operations for its one value. h − (…) rather than h + (…) keeps sin(−0) = −0.

/**
 * The kernel coefficients for each pair of lane parities: block c (c = parity of lane 0 +
 * 2·parity of lane 1, 128 bytes) holds k1…k6 as f64x2, each lane S_k (even) or C_k (odd),
 * then a lane mask, all ones in an odd lane.
 */
const KCOEF = memory.data<f64>([
  // lanes sin, sin
  -1.66666666666666324348e-01, -1.66666666666666324348e-01,
  8.33333333332248946124e-03, 8.33333333332248946124e-03,
  -1.98412698298579493134e-04, -1.98412698298579493134e-04,
  2.75573137070700676789e-06, 2.75573137070700676789e-06,
  -2.50507602534068634195e-08, -2.50507602534068634195e-08,
  1.58969099521155010221e-10, 1.58969099521155010221e-10,
  0.0, 0.0,
  0.0, 0.0,
  // lanes cos, sin
  4.16666666666666019037e-02, -1.66666666666666324348e-01,
  -1.38888888888741095749e-03, 8.33333333332248946124e-03,
  2.48015872894767294178e-05, -1.98412698298579493134e-04,
  -2.75573143513906633035e-07, 2.75573137070700676789e-06,
  2.08757232129817482790e-09, -2.50507602534068634195e-08,
  -1.13596475577881948265e-11, 1.58969099521155010221e-10,
  reinterpret<f64>(<i64>-1), 0.0,
  0.0, 0.0,
  // lanes sin, cos
  -1.66666666666666324348e-01, 4.16666666666666019037e-02,
  8.33333333332248946124e-03, -1.38888888888741095749e-03,
  -1.98412698298579493134e-04, 2.48015872894767294178e-05,
  2.75573137070700676789e-06, -2.75573143513906633035e-07,
  -2.50507602534068634195e-08, 2.08757232129817482790e-09,
  1.58969099521155010221e-10, -1.13596475577881948265e-11,
  0.0, reinterpret<f64>(<i64>-1),
  0.0, 0.0,
  // lanes cos, cos
  4.16666666666666019037e-02, 4.16666666666666019037e-02,
  -1.38888888888741095749e-03, -1.38888888888741095749e-03,
  2.48015872894767294178e-05, 2.48015872894767294178e-05,
  -2.75573143513906633035e-07, -2.75573143513906633035e-07,
  2.08757232129817482790e-09, 2.08757232129817482790e-09,
  -1.13596475577881948265e-11, -1.13596475577881948265e-11,
  reinterpret<f64>(<i64>-1), reinterpret<f64>(<i64>-1),
  0.0, 0.0,
], 16);
/** KCOEF's block for two odd lanes: its lane 0 holds C1…C6 (the even block, at KCOEF, S1…S6). */
const KCOEF_ODD = KCOEF + 3 * 128;

/** sin(y0 + y1) (n even) or cos(y0 + y1) (n odd), then negated when n & 2, for one value. */
// @ts-ignore: decorator
@inline function kernelScalar(y0: f64, y1: f64, n: i32): f64 {
  const z = y0 * y0;
  const z2 = z * z;
  const hz = c<f64>(HALF) * z;
  let h: f64, k: f64, m: f64, kp: usize;
  if ((n & 1) != 0) {
    h = c<f64>(ONE) - hz;
    k = y0 * y1 - ((c<f64>(ONE) - h) - hz);
    m = z2;
    kp = KCOEF_ODD;
  } else {
    h = y0;
    k = hz * y1 - y1;
    m = z * y0;
    kp = KCOEF;
  }
  const v = h - (k - m * kernelPoly<f64>(z, z2, kp));
  return (n & 2) != 0 ? -v : v;
}

/** The kernel for both lanes, each by its n (the low bits of each lane of n), as kernelScalar. */
// @ts-ignore: decorator
@inline function kernelLanes(y0: v128, y1: v128, n: v128): v128 {
  // The lanes' parities as two bits: bit 0 of n moved to the sign bit, gathered.
  const pc = <usize>i64x2.bitmask(i64x2.shl(n, 63));
  const kp = KCOEF + (pc << 7);
  const odd = v128.load(kp, 96);
  const z = f64x2.mul(y0, y0);
  const z2 = f64x2.mul(z, z);
  const hz = f64x2.mul(c<v128>(HALF), z);
  const w = f64x2.sub(c<v128>(ONE), hz);
  const kc = f64x2.sub(f64x2.mul(y0, y1), f64x2.sub(f64x2.sub(c<v128>(ONE), w), hz));
  const ks = f64x2.sub(f64x2.mul(hz, y1), y1);
  const h = v128.bitselect(w, y0, odd);
  const k = v128.bitselect(kc, ks, odd);
  const m = f64x2.mul(z, v128.bitselect(z, y0, odd));
  const v = f64x2.sub(h, f64x2.sub(k, f64x2.mul(m, kernelPoly<v128>(z, z2, kp))));
  // n & 2: the sign flipped (bit 1 → bit 63).
  return v128.xor(v, i64x2.shl(i64x2.shr_u(n, 1), 63));
}

/** sin x (quarter false) or cos x (quarter true): cos x = sin(x + π/2). */
// @ts-ignore: decorator
@inline function sinCosScalar(x: f64, quarter: bool): f64 {
  if (abs(x) <= c<f64>(ONE)) return quarter ? cosSmall<f64>(x) : sinSmall<f64>(x);
  // Here |x| > 1, so n ≠ 0.
  const t = quadrant<f64>(x);
  const fn = nearestN<f64>(x);
  let y0 = firstRound<f64>(x, fn, true);
  let y1 = firstRound<f64>(x, fn, false);
  if (!(abs(y0) >= abs(x) * c<f64>(CANCEL))) {
    if (!(abs(x) < c<f64>(BOUND))) return quarter ? Math.cos(x) : Math.sin(x);
    y0 = allRounds<f64>(x, fn, true);
    y1 = allRounds<f64>(x, fn, false);
  }
  return kernelScalar(y0, y1, <i32>reinterpret<i64>(t) + <i32>quarter);
}

// |x| ≤ 1: sin x and cos x without reduction (the values of cos, sin, tanh and sigmoid, for
// example, lie there), by their Taylor series with the tails fitted on z = x² ∈ [0, 1]:
//   sin x = x − x³/6 + x⁵·R(z),   cos x = 1 − z/2 + z²·Q(z),
// R and Q of degree 5 and 6 fitted to (sin x − x + x³/6)/x⁵ and (cos x − 1 + z/2)/z² on
// [0, 1] (Chebyshev interpolation in 200-bit arithmetic, coefficients rounded to doubles):
// they are within 2e-18 and 3e-18 of those, a few thousandths of an ulp of the result.
// Near |x| = 1 the leading terms are large (x³/6 is 19 % of sin 1), so they are computed
// nearly exactly: x³ = xh³ + xl·(x² + x·xh + xh²) with xh = x cut to 17 bits (xh³ is exact)
// and 1/6 as two doubles; 1 − z/2 with its rounding error added back, as k_cos.c does. The
// sine is x − (…) with the small terms inside, so that sin(−0) = −0.

const SMALL = memory.data<f64>([
  0.16666666666666666, // 1/6 = this + the next
  9.2518585385429707e-18,
  0.0083333333333333315, // R
  -0.00019841269841260043,
  2.7557319212552354e-06,
  -2.5052103505009326e-08,
  1.6058101827172633e-10,
  -7.5632807656055435e-13,
  4.1666666666666664e-02, // Q
  -1.3888888888888870e-03,
  2.4801587301557676e-05,
  -2.7557319206204856e-07,
  2.0876751905117270e-09,
  -1.1469999475427464e-11,
  4.7251147064766145e-14,
]);
const SIXTH_HI = SMALL;
const SIXTH_LO = SMALL + 8;
const SMALL_R = SMALL + 16;
const SMALL_Q = SMALL + 64;
/** Keeps the sign, the exponent and the leading 16 stored mantissa bits: 17 significant bits. */
const CUT17 = memory.data<i64>([0xfffffff000000000]);
/** Keeps the sign, the exponent and the leading 25 stored mantissa bits: 26 significant bits. */
const CUT26 = memory.data<i64>([0xfffffffff8000000]);

/** k1 + k2·z + … + k6·z^5 with the coefficients at kp, kp + 8, …, by Estrin's scheme (z2 = z²). */
// @ts-ignore: decorator
@inline function poly6<T>(z: T, z2: T, kp: usize): T {
  const a = add<T>(ld<T>(kp), mul<T>(z, ld<T>(kp + 8)));
  const b = add<T>(ld<T>(kp + 16), mul<T>(z, ld<T>(kp + 24)));
  const d = add<T>(ld<T>(kp + 32), mul<T>(z, ld<T>(kp + 40)));
  return add<T>(add<T>(a, mul<T>(z2, b)), mul<T>(mul<T>(z2, z2), d));
}

/** k1 + k2·z + … + k7·z^6, likewise. */
// @ts-ignore: decorator
@inline function poly7<T>(z: T, z2: T, kp: usize): T {
  const a = add<T>(ld<T>(kp), mul<T>(z, ld<T>(kp + 8)));
  const b = add<T>(ld<T>(kp + 16), mul<T>(z, ld<T>(kp + 24)));
  const d = add<T>(ld<T>(kp + 32), mul<T>(z, ld<T>(kp + 40)));
  return add<T>(add<T>(a, mul<T>(z2, b)), mul<T>(mul<T>(z2, z2), add<T>(d, mul<T>(z2, ld<T>(kp + 48)))));
}

/** sin x for |x| ≤ 1. */
// @ts-ignore: decorator
@inline function sinSmall<T>(x: T): T {
  const z = mul<T>(x, x);
  const z2 = mul<T>(z, z);
  const xh = bitsAnd<T>(x, CUT17);
  const xl = sub<T>(x, xh);
  const hh = mul<T>(xh, xh);
  const h3 = mul<T>(hh, xh); // exact
  const l3 = mul<T>(xl, add<T>(add<T>(hh, mul<T>(xh, x)), z)); // x³ − xh³
  const sixthHi = ld<T>(SIXTH_HI);
  // x³/6 = sixthHi·h3 + (sixthHi·l3 + sixthLo·h3) + (a rounding error far below x's ulp)
  const small = sub<T>(add<T>(mul<T>(sixthHi, l3), mul<T>(ld<T>(SIXTH_LO), h3)),
    mul<T>(mul<T>(x, z2), poly6<T>(z, z2, SMALL_R)));
  return sub<T>(x, add<T>(mul<T>(sixthHi, h3), small));
}

/** cos x for |x| ≤ 1. */
// @ts-ignore: decorator
@inline function cosSmall<T>(x: T): T {
  const z = mul<T>(x, x);
  const z2 = mul<T>(z, z);
  // x² = zh + zl with zh = xh² exact (xh: x cut to 26 bits), so that z/2 = hz + zl/2 exactly
  const xh = bitsAnd<T>(x, CUT26);
  const hz = mul<T>(c<T>(HALF), mul<T>(xh, xh));
  const zl = mul<T>(sub<T>(x, xh), add<T>(x, xh));
  const w = sub<T>(c<T>(ONE), hz);
  // w + (((1 − w) − hz) − zl/2 + z²·Q): (1 − w) − hz is w's rounding error, exactly
  return add<T>(w, add<T>(sub<T>(sub<T>(sub<T>(c<T>(ONE), w), hz), mul<T>(c<T>(HALF), zl)), mul<T>(z2, poly7<T>(z, z2, SMALL_Q))));
}

/** The lanes' first round and kernels (as sinCosScalar for |x| > 1), with `small` lanes from the polynomials for |x| ≤ 1. */
// @ts-ignore: decorator
@inline function sinCosWide(x: v128, quarter: bool, y0: v128, y1: v128, t: v128, small: v128, anySmall: bool): v128 {
  const y = kernelLanes(y0, y1, quarter ? i64x2.add(t, v128.load64_splat(INT_ONE)) : t);
  if (!anySmall) return y;
  return v128.bitselect(quarter ? cosSmall<v128>(x) : sinSmall<v128>(x), y, small);
}

/** Whether both lanes of the first round are good (bitmask 3): at most 16 bits lost to cancellation. */
// @ts-ignore: decorator
@inline function firstOk(x: v128, y0: v128): i32 {
  return i64x2.bitmask(f64x2.ge(f64x2.abs(y0), f64x2.mul(f64x2.abs(x), c<v128>(CANCEL))));
}

/**
 * sin or cos of the two values at ps into pd. Pairs with |x| ≤ 1 in both lanes take the
 * polynomials alone; the others the first round of reduction and the kernels, and where that
 * is not enough for some lane (a lane with |x| ≤ 1 never is: |y0| ≥ π/2 − 1 when n ≠ 0),
 * the scalar form gives both values after the store (rare: near multiples of π/2, |x| above
 * 2^16·π/4, NaN, infinities). Each lane's value is the scalar form's, bit for bit.
 */
// @ts-ignore: decorator
@inline function sinCosPair(pd: usize, ps: usize, quarter: bool): void {
  const x = v128.load(ps);
  const small = f64x2.le(f64x2.abs(x), c<v128>(ONE));
  const sm = i64x2.bitmask(small);
  if (sm == 3) {
    v128.store(pd, quarter ? cosSmall<v128>(x) : sinSmall<v128>(x));
  } else {
    const t = quadrant<v128>(x);
    const fn = nearestN<v128>(x);
    const y0 = firstRound<v128>(x, fn, true);
    v128.store(pd, sinCosWide(x, quarter, y0, firstRound<v128>(x, fn, false), t, small, sm != 0));
    if (firstOk(x, y0) != 3) sinCosPairScalar(pd, ps, quarter);
  }
}

/** The scalar form for both values at ps, into pd. */
function sinCosPairScalar(pd: usize, ps: usize, quarter: bool): void {
  store<f64>(pd, quarter ? cosF64(load<f64>(ps)) : sinF64(load<f64>(ps)));
  store<f64>(pd, quarter ? cosF64(load<f64>(ps, 8)) : sinF64(load<f64>(ps, 8)), 8);
}

/** dst[i] = sin src[i] (quarter false) or cos src[i] (true) for i < n. */
// @ts-ignore: decorator
@inline function mapSinCos(dst: usize, src: usize, n: i32, quarter: bool): void {
  let i = 0;
  // Four values per step where all four have |x| ≤ 1 (one test), else pair by pair.
  for (; i + 3 < n; i += 4) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const a = v128.load(ps);
    const b = v128.load(ps, 16);
    const one = c<v128>(ONE);
    if (i64x2.bitmask(v128.and(f64x2.le(f64x2.abs(a), one), f64x2.le(f64x2.abs(b), one))) == 3) {
      v128.store(pd, quarter ? cosSmall<v128>(a) : sinSmall<v128>(a));
      v128.store(pd, quarter ? cosSmall<v128>(b) : sinSmall<v128>(b), 16);
    } else {
      sinCosPair(pd, ps, quarter);
      sinCosPair(pd + 16, ps + 16, quarter);
    }
  }
  for (; i + 1 < n; i += 2) sinCosPair(dst + (<usize>i << 3), src + (<usize>i << 3), quarter);
  if (i < n) store<f64>(dst + (<usize>i << 3), quarter ? cosF64(load<f64>(src + (<usize>i << 3))) : sinF64(load<f64>(src + (<usize>i << 3))));
}

/** dst[i] = sin src[i] for i < n, two at a time (dst and src the same array or not overlapping). */
export function mapSin(dst: usize, src: usize, n: i32): void {
  mapSinCos(dst, src, n, false);
}

/** dst[i] = cos src[i] for i < n, likewise. */
export function mapCos(dst: usize, src: usize, n: i32): void {
  mapSinCos(dst, src, n, true);
}

/** sin or cos of both lanes: sinCosPair's computation on a v128. */
// @ts-ignore: decorator
@inline function sinCosLanes(x: v128, quarter: bool): v128 {
  const small = f64x2.le(f64x2.abs(x), c<v128>(ONE));
  const sm = i64x2.bitmask(small);
  if (sm == 3) return quarter ? cosSmall<v128>(x) : sinSmall<v128>(x);
  const t = quadrant<v128>(x);
  const fn = nearestN<v128>(x);
  const y0 = firstRound<v128>(x, fn, true);
  let y = sinCosWide(x, quarter, y0, firstRound<v128>(x, fn, false), t, small, sm != 0);
  if (firstOk(x, y0) != 3) {
    const a = f64x2.extract_lane(x, 0);
    const b = f64x2.extract_lane(x, 1);
    y = f64x2.replace_lane(y, 0, quarter ? cosF64(a) : sinF64(a));
    y = f64x2.replace_lane(y, 1, quarter ? cosF64(b) : sinF64(b));
  }
  return y;
}

/** sin x. Bit-identical to each lane of sinF64x2. */
export function sinF64(x: f64): f64 {
  return sinCosScalar(x, false);
}

/** cos x. Bit-identical to each lane of cosF64x2. */
export function cosF64(x: f64): f64 {
  return sinCosScalar(x, true);
}

/** sin x in each lane. Bit-identical to sinF64 on each lane. */
// @ts-ignore: decorator
@inline export function sinF64x2(x: v128): v128 {
  return sinCosLanes(x, false);
}

/** cos x in each lane. Bit-identical to cosF64 on each lane. */
// @ts-ignore: decorator
@inline export function cosF64x2(x: v128): v128 {
  return sinCosLanes(x, true);
}
