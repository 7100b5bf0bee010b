// Hand-written AssemblyScript right-hand sides: the floor a compiled model is measured
// against (bench/tape.mjs). Each evaluates its model `count` times on raw pointers.

export function lvMany(u: usize, du: usize, p: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const x = load<f64>(u), y = load<f64>(u, 8);
    store<f64>(du, load<f64>(p) * x - load<f64>(p, 8) * x * y);
    store<f64>(du, -load<f64>(p, 16) * y + load<f64>(p, 24) * x * y, 8);
  }
}

export function roberMany(u: usize, du: usize, p: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const y1 = load<f64>(u), y2 = load<f64>(u, 8), y3 = load<f64>(u, 16);
    const k1 = load<f64>(p), k2 = load<f64>(p, 8), k3 = load<f64>(p, 16);
    store<f64>(du, -k1 * y1 + k3 * y2 * y3);
    store<f64>(du, k1 * y1 - k2 * y2 * y2 - k3 * y2 * y3, 8);
    store<f64>(du, k2 * y2 * y2, 16);
  }
}

/** du = sin(cos(u)) − exp(u) elementwise over n entries, `count` times (AssemblyScript's Math, one element at a time). */
export function sinCosExpMany(u: usize, du: usize, n: i32, count: i32): void {
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < n; i++) {
      const x = load<f64>(u + (<usize>i << 3));
      store<f64>(du + (<usize>i << 3), Math.sin(Math.cos(x)) - Math.exp(x));
    }
  }
}
