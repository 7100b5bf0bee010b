// sin x and cos x for one f64 and for two (f64x2), one algorithm for both: see lanes.ts.
//
// Reduction: n = round(x·2/π) (by adding 1.5·2^52, which leaves n in the low mantissa
// bits) and y = x − n·π/2 as y0 + y1, by the rounds of fdlibm's e_rem_pio2.c (π/2 split in
// 33-bit heads, so that n·head is exact for |n| < 2^20, and tails): the first round when it
// loses at most 16 bits to cancellation, else (near the multiples of π/2, and for all
// |x| > 2^16·π/4) all rounds, their rounding errors kept by two-sums. The choice is made per
// value by the same test in both forms (the f64x2 form computes all rounds for both lanes
// when one lane needs them, and takes them only for that lane).
// Kernels: fdlibm's __kernel_sin and __kernel_cos (k_sin.c, k_cos.c, Sun Microsystems, 1993),
// polynomials on |y| ≤ π/4 with the tail y1 folded in; fdlibm gives their errors as below
// 1 ulp. Quadrant n mod 4 picks ±sin y or ±cos y; the SIMD form computes the kernels its two
// lanes need (both, when their quadrants differ in parity) and picks per lane, the scalar
// form only the one it needs: either way each lane's value comes from the same operations.
//
// For |x| ≥ 2^20, infinities and NaN, each value goes to the runtime library's Math.sin or
// Math.cos instead (its reduction handles any size), decided per value by the same
// comparison in both forms.

import { add, sub, mul, ld } from './lanes';

// Indices into the constant table below.
const INV_PIO2 = 0;
const PIO2_1 = 1;
const PIO2_2 = 2;
const PIO2_3 = 3;
const PIO2_3T = 4;
const S1 = 5;
const S2 = 6;
const S3 = 7;
const S4 = 8;
const S5 = 9;
const S6 = 10;
const C1 = 11;
const C2 = 12;
const C3 = 13;
const C4 = 14;
const C5 = 15;
const C6 = 16;
const SHIFT = 17;
const HALF = 18;
const ONE = 19;
const BOUND = 20;
const PIO2_1T = 21;
const CANCEL = 22;

const TABLE = memory.data<f64>([
  6.36619772367581382433e-01, // 2/π
  1.57079632673412561417e+00, // 0x3ff921fb54400000: π/2's first 33 bits
  6.07710050630396597660e-11, // 0x3dd0b4611a600000: the next 33
  2.02226624871116645580e-21, // 0x3ba3198a2e000000: the next 33
  8.47842766036889956997e-32, // 0x397b839a252049c1: π/2 − the three above
  -1.66666666666666324348e-01, // S1…S6 (k_sin.c)
  8.33333333332248946124e-03,
  -1.98412698298579493134e-04,
  2.75573137070700676789e-06,
  -2.50507602534068634195e-08,
  1.58969099521155010221e-10,
  4.16666666666666019037e-02, // C1…C6 (k_cos.c)
  -1.38888888888741095749e-03,
  2.48015872894767294178e-05,
  -2.75573143513906633035e-07,
  2.08757232129817482790e-09,
  -1.13596475577881948265e-11,
  6755399441055744.0, // 1.5·2^52
  0.5,
  1.0,
  1048576.0, // 2^20: below this |x|, |n| < 2^20 and the reduction is exact enough
  6.07710050650619224932e-11, // 0x3dd0b4611a626331: π/2 − PIO2_1
  1.52587890625e-05, // 2^-16: the most cancellation the first round alone may see
]);
/** The integer 1, by address (the quadrant arithmetic of the f64x2 form). */
const INT_ONE = memory.data<i64>([1]);

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

/** x·2/π + 1.5·2^52: n = this − 1.5·2^52, and n mod 4 is in its lowest two bits. */
// @ts-ignore: decorator
@inline function quadrant<T>(x: T): T {
  return add<T>(mul<T>(x, c<T>(INV_PIO2)), c<T>(SHIFT));
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
 * 16 bits to cancellation: `firstRoundOk` tests that, |y0| ≥ |x|·2^-16. This fails for
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

/** sin(y0 + y1) for |y0 + y1| ≤ π/4 (fdlibm's __kernel_sin with the tail). */
// @ts-ignore: decorator
@inline function sinKernel<T>(y0: T, y1: T): T {
  const z = mul<T>(y0, y0);
  const w = mul<T>(z, z);
  const r = add<T>(add<T>(c<T>(S2), mul<T>(z, add<T>(c<T>(S3), mul<T>(z, c<T>(S4))))),
    mul<T>(mul<T>(z, w), add<T>(c<T>(S5), mul<T>(z, c<T>(S6)))));
  const v = mul<T>(z, y0);
  // y0 − ((z·(y1/2 − v·r) − y1) − v·S1)
  return sub<T>(y0, sub<T>(sub<T>(mul<T>(z, sub<T>(mul<T>(c<T>(HALF), y1), mul<T>(v, r))), y1), mul<T>(v, c<T>(S1))));
}

/** cos(y0 + y1) for |y0 + y1| ≤ π/4 (fdlibm's __kernel_cos with the tail). */
// @ts-ignore: decorator
@inline function cosKernel<T>(y0: T, y1: T): T {
  const z = mul<T>(y0, y0);
  const w = mul<T>(z, z);
  const r = add<T>(mul<T>(z, add<T>(c<T>(C1), mul<T>(z, add<T>(c<T>(C2), mul<T>(z, c<T>(C3)))))),
    mul<T>(mul<T>(w, w), add<T>(c<T>(C4), mul<T>(z, add<T>(c<T>(C5), mul<T>(z, c<T>(C6)))))));
  const hz = mul<T>(c<T>(HALF), z);
  const u = sub<T>(c<T>(ONE), hz);
  // u + (((1 − u) − hz) + (z·r − y0·y1)): 1 − z/2 with its rounding error added back.
  return add<T>(u, add<T>(sub<T>(sub<T>(c<T>(ONE), u), hz), sub<T>(mul<T>(z, r), mul<T>(y0, y1))));
}

/** sin x (quarter false) or cos x (quarter true): cos x = sin(x + π/2). */
// @ts-ignore: decorator
@inline function sinCosScalar(x: f64, quarter: bool): f64 {
  const t = quadrant<f64>(x);
  const fn = t - c<f64>(SHIFT);
  // With n = 0 (|x| ≲ π/4) every product with n is +0 and the first round returns exactly
  // y0 = x, y1 = +0 (−0 stays −0): skipping it changes no bit.
  let y0 = x;
  let y1 = 0.0;
  if (fn != 0) {
    y0 = firstRound<f64>(x, fn, true);
    y1 = firstRound<f64>(x, fn, false);
    if (!(abs(y0) >= abs(x) * c<f64>(CANCEL))) {
      if (!(abs(x) < c<f64>(BOUND))) return quarter ? Math.cos(x) : Math.sin(x);
      y0 = allRounds<f64>(x, fn, true);
      y1 = allRounds<f64>(x, fn, false);
    }
  }
  const n = (<i32>reinterpret<i64>(t) + <i32>quarter) & 3;
  const v = (n & 1) != 0 ? cosKernel<f64>(y0, y1) : sinKernel<f64>(y0, y1);
  return (n & 2) != 0 ? -v : v;
}

// @ts-ignore: decorator
@inline function sinCosLanes(x: v128, quarter: bool): v128 {
  const t = quadrant<v128>(x);
  const fn = f64x2.sub(t, c<v128>(SHIFT));
  let y0 = firstRound<v128>(x, fn, true);
  let y1 = firstRound<v128>(x, fn, false);
  const first = f64x2.ge(f64x2.abs(y0), f64x2.mul(f64x2.abs(x), c<v128>(CANCEL)));
  const rare = !i64x2.all_true(first);
  if (rare) {
    // Some lane needs all rounds (or the runtime library, fixed below).
    y0 = v128.bitselect(y0, allRounds<v128>(x, fn, true), first);
    y1 = v128.bitselect(y1, allRounds<v128>(x, fn, false), first);
  }
  const one = v128.load64_splat(INT_ONE);
  const n = quarter ? i64x2.add(t, one) : t;
  // Odd n: the cosine kernel (a lane mask from bit 0); n & 2: the sign flipped (bit 1 → bit 63).
  const odd = i64x2.eq(v128.and(n, one), one);
  // Neighbouring elements often share a quadrant: then one kernel serves both lanes.
  let v: v128;
  if (!v128.any_true(odd)) v = sinKernel<v128>(y0, y1);
  else if (i64x2.all_true(odd)) v = cosKernel<v128>(y0, y1);
  else v = v128.bitselect(cosKernel<v128>(y0, y1), sinKernel<v128>(y0, y1), odd);
  v = v128.xor(v, i64x2.shl(i64x2.shr_u(n, 1), 63));
  // A lane that passed the first round has |x| < 2^16·π/4, so the lanes for the runtime
  // library are among the rare ones, as in the scalar form.
  return rare ? trigFallback(x, v, quarter) : v;
}

/** The lanes with |x| ≥ 2^20 (or NaN, ±∞) from the runtime library, one at a time (rare). */
// @ts-ignore: decorator
@inline function trigFallback(x: v128, y: v128, cosine: bool): v128 {
  const ok = f64x2.lt(f64x2.abs(x), c<v128>(BOUND));
  if (i64x2.all_true(ok)) return y;
  if (i64x2.extract_lane(ok, 0) == 0) {
    const a = f64x2.extract_lane(x, 0);
    y = f64x2.replace_lane(y, 0, cosine ? Math.cos(a) : Math.sin(a));
  }
  if (i64x2.extract_lane(ok, 1) == 0) {
    const a = f64x2.extract_lane(x, 1);
    y = f64x2.replace_lane(y, 1, cosine ? Math.cos(a) : Math.sin(a));
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
