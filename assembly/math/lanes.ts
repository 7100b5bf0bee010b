// Arithmetic written once for one f64 or for two f64 lanes in a v128 (f64x2).
//
// The elementary functions in this folder are generic over T = f64 | v128 and use only these
// helpers, so the scalar instance and the SIMD instance of a function perform the same IEEE
// operations in the same order on every lane: their results agree bit for bit. The type test
// is resolved at compile time; each instance compiles to plain f64 or f64x2 instructions.
// No fused multiply-add, no relaxed SIMD: every operation is correctly rounded and
// deterministic, so the bits are also the same in every WebAssembly runtime.

// @ts-ignore: decorator
@inline export function add<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f64x2.add(<v128>a, <v128>b);
  else return a + b;
}

// @ts-ignore: decorator
@inline export function sub<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f64x2.sub(<v128>a, <v128>b);
  else return a - b;
}

// @ts-ignore: decorator
@inline export function mul<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f64x2.mul(<v128>a, <v128>b);
  else return a * b;
}

// @ts-ignore: decorator
@inline export function div<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f64x2.div(<v128>a, <v128>b);
  else return a / b;
}

/** -a: flips the sign bit only (also of a NaN), in both forms. */
// @ts-ignore: decorator
@inline export function neg<T>(a: T): T {
  if (isVector<T>()) return <T>f64x2.neg(<v128>a);
  else return -a;
}

/**
 * The f64 at address p, in every lane. The functions keep their coefficients in constant
 * tables (memory.data) and load them where used: one load each, where a v128 constant in the
 * instruction stream costs the runtime several instructions to build at every use.
 */
// @ts-ignore: decorator
@inline export function ld<T>(p: usize): T {
  if (isVector<T>()) return <T>v128.load64_splat(p);
  else return <T>load<f64>(p);
}

/** The bit pattern of each lane as an integer, plus the i64 at address c (wrapping), shifted left by `s`. */
// @ts-ignore: decorator
@inline export function bitsAddShl<T>(a: T, c: usize, s: i32): T {
  if (isVector<T>()) return <T>i64x2.shl(i64x2.add(<v128>a, v128.load64_splat(c)), s);
  else return <T>reinterpret<f64>((reinterpret<i64>(<f64>a) + load<i64>(c)) << s);
}

/** The bit pattern of each lane plus the i64 at c (wrapping), ANDed with the one at m, plus the one at d. */
// @ts-ignore: decorator
@inline export function bitsAddAndAdd<T>(a: T, c: usize, m: usize, d: usize): T {
  if (isVector<T>()) return <T>i64x2.add(v128.and(i64x2.add(<v128>a, v128.load64_splat(c)), v128.load64_splat(m)), v128.load64_splat(d));
  else return <T>reinterpret<f64>(((reinterpret<i64>(<f64>a) + load<i64>(c)) & load<i64>(m)) + load<i64>(d));
}

/** The bit pattern of each lane plus the i64 at c (wrapping), shifted right (logical) by `s`, ORed with the one at o. */
// @ts-ignore: decorator
@inline export function bitsAddShrOr<T>(a: T, c: usize, s: i32, o: usize): T {
  if (isVector<T>()) return <T>v128.or(i64x2.shr_u(i64x2.add(<v128>a, v128.load64_splat(c)), s), v128.load64_splat(o));
  else return <T>reinterpret<f64>(<i64>(<u64>(reinterpret<i64>(<f64>a) + load<i64>(c)) >> s) | load<i64>(o));
}

/** The bit pattern of each lane of a plus that of b shifted left by `s` (wrapping). */
// @ts-ignore: decorator
@inline export function bitsAddShifted<T>(a: T, b: T, s: i32): T {
  if (isVector<T>()) return <T>i64x2.add(<v128>a, i64x2.shl(<v128>b, s));
  else return <T>reinterpret<f64>(reinterpret<i64>(<f64>a) + (reinterpret<i64>(<f64>b) << s));
}

/** The two f64 at address p as the two lanes, or the one at p alone. */
// @ts-ignore: decorator
@inline export function ldPair<T>(p: usize): T {
  if (isVector<T>()) return <T>v128.load(p);
  else return <T>load<f64>(p);
}

/** The bits of each lane ANDed with the i64 at address m. */
// @ts-ignore: decorator
@inline export function bitsAnd<T>(a: T, m: usize): T {
  if (isVector<T>()) return <T>v128.and(<v128>a, v128.load64_splat(m));
  else return <T>reinterpret<f64>(reinterpret<i64>(<f64>a) & load<i64>(m));
}

/** Each lane rounded to the nearest integer, ties to even (f64x2.nearest, f64.nearest). */
// @ts-ignore: decorator
@inline export function roundEven<T>(a: T): T {
  if (isVector<T>()) return <T>f64x2.nearest(<v128>a);
  else return <T>nearest<f64>(<f64>a);
}
