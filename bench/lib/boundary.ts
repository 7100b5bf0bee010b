// A loop of calls from WebAssembly into an imported JavaScript function with the engine's
// right-hand-side signature: the bench times it with an empty import to measure the floor
// that a JavaScript f costs per evaluation before it does any work.
// @ts-ignore: decorator
@external("env", "cb") declare function cb(t: f64, u: usize, du: usize): i32;

export function loop(n: i32): i32 {
  let s = 0;
  for (let i = 0; i < n; i++) s += cb(<f64>i, 16, 32);
  return s;
}
