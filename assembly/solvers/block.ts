// Typed access to blocks of f64 slots (layout.ts).

// @ts-ignore: decorator
@inline export function f64At(blk: usize, slot: i32): f64 {
  return load<f64>(blk + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline export function setF64(blk: usize, slot: i32, v: f64): void {
  store<f64>(blk + (<usize>slot << 3), v);
}

// Slots hold integers (pointers, counts) as f64. They are read back with the magic-number
// conversion: for an integer x with |x| < 2^51, x + 1.5·2^52 is exact and its low 32 bits are
// x as a 32-bit integer. Three cheap instructions; a truncating conversion (`<i32>x`) is a
// checked sequence of about ten, which the JIT may also sink into the loops that use it.

/** The integer-valued f64 `x` (|x| < 2^51) as an i32. */
// @ts-ignore: decorator
@inline export function f64ToInt(x: f64): i32 {
  return <i32>i64.reinterpret_f64(x + 6755399441055744.0);
}

// @ts-ignore: decorator
@inline export function ptrAt(blk: usize, slot: i32): usize {
  return <usize>f64ToInt(load<f64>(blk + (<usize>slot << 3)));
}

// @ts-ignore: decorator
@inline export function i32At(blk: usize, slot: i32): i32 {
  return f64ToInt(load<f64>(blk + (<usize>slot << 3)));
}
