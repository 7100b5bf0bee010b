// x^y to about 1e-9 relative error for the step-size controller, which only needs a few
// digits (OrdinaryDiffEq uses an approximate power there too, FastPower.jl). Pure f64
// arithmetic and bit manipulation, so it is the same in every runtime, and several times
// cheaper than exp(y·log(x)).

const LN2: f64 = 0.6931471805599453;
const INV_LN2: f64 = 1.4426950408889634;

/** log2(x) for finite x > 0: exponent from the bits, ln of the mantissa m ∈ [√½, √2) from
 *  ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172, series to s⁹ (error < 1e-9). */
// @ts-ignore: decorator
@inline function log2Approx(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <f64>(<i32>((bits >> 52) & 0x7ff) - 1023);
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1.0;
  }
  const s = (m - 1.0) / (m + 1.0);
  const s2 = s * s;
  const lnm = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0)))));
  return e + lnm * INV_LN2;
}

/** 2^y for |y| < 1000: split off the nearest integer, e^(f·ln2) for |f| ≤ 1/2 by its Taylor
 *  series to the 9th power (error < 1e-10), then set the exponent bits. */
// @ts-ignore: decorator
@inline function exp2Approx(y: f64): f64 {
  const k = nearest(y);
  const x = (y - k) * LN2;
  const p = 1.0 + x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 +
    x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x * (1.0 / 362880.0)))))))));
  return p * reinterpret<f64>(<u64>(<i64>k + 1023) << 52);
}

/** x^y for x > 0 (x = 0 gives 0 for y > 0); callers keep y·log2(x) well inside ±1000. */
export function fastPow(x: f64, y: f64): f64 {
  if (x == 0) return 0;
  if (x == Infinity) return Infinity;
  return exp2Approx(y * log2Approx(x));
}
