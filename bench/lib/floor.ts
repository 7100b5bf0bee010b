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

import { expF64, expF64x2 } from '../../assembly/math/exp';
import { sinF64, sinF64x2, cosF64, cosF64x2 } from '../../assembly/math/trig';

/**
 * The same model hand-written with the engine's own f64x2 functions, fused into one loop (two
 * elements per step, no intermediate vectors): the floor for the tape's vector instructions.
 */
export function sinCosExpSimdMany(u: usize, du: usize, n: i32, count: i32): void {
  for (let c = 0; c < count; c++) {
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const x = v128.load(u + (<usize>i << 3));
      v128.store(du + (<usize>i << 3), f64x2.sub(sinF64x2(cosF64x2(x)), expF64x2(x)));
    }
    if (i < n) {
      const x = load<f64>(u + (<usize>i << 3));
      store<f64>(du + (<usize>i << 3), sinF64(cosF64(x)) - expF64(x));
    }
  }
}

/** First byte after the static data (the math tables): the bench's arrays go from here. */
export function dataEnd(): usize {
  return (__heap_base + 15) & ~15;
}
