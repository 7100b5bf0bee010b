// Typed access to blocks of f64 slots (layout.ts).

// @ts-ignore: decorator
@inline export function f64At(blk: usize, slot: i32): f64 {
  return load<f64>(blk + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline export function setF64(blk: usize, slot: i32, v: f64): void {
  store<f64>(blk + (<usize>slot << 3), v);
}

// @ts-ignore: decorator
@inline export function ptrAt(blk: usize, slot: i32): usize {
  return <usize>load<f64>(blk + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline export function i32At(blk: usize, slot: i32): i32 {
  return <i32>load<f64>(blk + (<usize>slot << 3));
}
