// Banded Jacobians and W matrices for problems whose ∂f/∂u has kl subdiagonals and ku
// superdiagonals (method-of-lines discretizations): J is computed in kl + ku + 1 evaluations
// (or forward sweeps) whatever n is, W = M − g·J is formed and factored in band storage
// (linalg/banded.ts), so a step costs O(n·kl·(kl + ku)) instead of O(n³).
//
// Column grouping (Curtis, Powell & Reid, "On the estimation of sparse Jacobian matrices",
// IMA J. Appl. Math. 13, 1974): columns j and j' never share a row of a band matrix when
// |j − j'| ≥ kl + ku + 1, so all columns j ≡ g (mod kl + ku + 1) are perturbed (or seeded)
// together and each difference is read back into the rows where its column can be nonzero.
//
// Storage, row-major bands as linalg/banded.ts:
//   J: row i holds columns i − kl … i + ku at jb + 8·(i·ldj + j − i + kl), ldj = kl + ku + 1;
//   W: row i holds columns i − kl … i + ku + kl at w + 8·(i·ldw + j − i + kl), ldw = 2·kl + ku + 1
//      (the extra kl columns are bandFactor's fill-in room).

import { B_LANES, B_TANG, B_SEED, B_OUTT } from './layout';
import { ptrAt, i32At } from './block';
import { evalF } from './erk';
import { tapeDualWithTime } from '../tape/dual';

/** The kl + ku + 1 columns of J's band, as column groups: how many evaluations J takes. */
// @ts-ignore: decorator
@inline export function bandGroups(kl: i32, ku: i32, n: i32): i32 {
  return min(kl + ku + 1, n);
}

/**
 * J (band storage) and dT by forward differences from f0 = f(t, u): kl + ku + 1 evaluations
 * for J (one per column group, each column's step as jacobianFD takes it) and one for dT.
 * `tmp` and `fs` are scratch; false when the JavaScript right-hand side failed.
 */
export function bandJacobianFD(
  blk: usize, n: i32, kl: i32, ku: i32, t: f64, tdir: f64, u: usize, f0: usize, jb: usize, dT: usize,
  tmp: usize, fs: usize, atol: usize,
): bool {
  const sq = sqrt(f64.EPSILON);
  const ldj = kl + ku + 1;
  const groups = bandGroups(kl, ku, n);
  for (let g = 0; g < groups; g++) {
    memory.copy(tmp, u, <usize>n << 3);
    for (let j = g; j < n; j += ldj) {
      const pj = tmp + (<usize>j << 3);
      const uj = load<f64>(pj);
      let h0 = sq * max(abs(uj), min(load<f64>(atol + (<usize>j << 3)), 1.0));
      if (!(h0 > 0)) h0 = sq;
      store<f64>(pj, uj + h0);
    }
    if (!evalF(blk, t, tmp, fs)) return false;
    for (let j = g; j < n; j += ldj) {
      const uj = load<f64>(u + (<usize>j << 3));
      const h = load<f64>(tmp + (<usize>j << 3)) - uj;
      const i0 = max(0, j - ku);
      const i1 = min(n - 1, j + kl);
      for (let i = i0; i <= i1; i++) {
        const off = <usize>i << 3;
        store<f64>(jb + (<usize>(i * ldj + j - i + kl) << 3), (load<f64>(fs + off) - load<f64>(f0 + off)) / h);
      }
    }
  }
  const tp = t + tdir * sq * max(abs(t), 1.0);
  const ht = tp - t;
  if (!evalF(blk, tp, u, fs)) return false;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(dT + off, (load<f64>(fs + off) - load<f64>(f0 + off)) / ht);
  }
  return true;
}

/**
 * J (band storage) and dT from a compiled model's tape by forward-mode AD: the column groups
 * and t as seeds, B_LANES of them per sweep. `out` receives f(t, u) (scratch).
 */
export function bandJacobianDual(blk: usize, tape: usize, regs: usize, n: i32, kl: i32, ku: i32, t: f64, u: usize, jb: usize, dT: usize, out: usize): void {
  const lanes = i32At(blk, B_LANES);
  const tang = ptrAt(blk, B_TANG);
  const seed = ptrAt(blk, B_SEED);
  const outT = ptrAt(blk, B_OUTT);
  const ldj = kl + ku + 1;
  const groups = bandGroups(kl, ku, n);
  // Seeds 0 … groups − 1 are the column groups, seed `groups` is t.
  for (let s0 = 0; s0 <= groups; s0 += lanes) {
    const k = min(lanes, groups + 1 - s0);
    const tSeed = seed + <usize>(n * k) * 8;
    memory.fill(seed, 0, <usize>((n + 1) * k) << 3);
    for (let l = 0; l < k; l++) {
      const g = s0 + l;
      if (g < groups) {
        for (let j = g; j < n; j += ldj) store<f64>(seed + (<usize>(j * k + l) << 3), 1.0);
      } else {
        store<f64>(tSeed + (<usize>l << 3), 1.0);
      }
    }
    tapeDualWithTime(tape, regs, tang, t, tSeed, u, seed, 0, 0, 0, k, out, outT);
    for (let l = 0; l < k; l++) {
      const g = s0 + l;
      if (g == groups) {
        for (let i = 0; i < n; i++) store<f64>(dT + (<usize>i << 3), load<f64>(outT + (<usize>(i * k + l) << 3)));
        continue;
      }
      for (let j = g; j < n; j += ldj) {
        const i0 = max(0, j - ku);
        const i1 = min(n - 1, j + kl);
        for (let i = i0; i <= i1; i++) {
          store<f64>(jb + (<usize>(i * ldj + j - i + kl) << 3), load<f64>(outT + (<usize>(i * k + l) << 3)));
        }
      }
    }
  }
}

/**
 * W = M − g·J in band storage (ldw = 2·kl + ku + 1) from J's band; `mass` is the dense n×n
 * mass matrix (its nonzeros inside the band, which TypeScript checks) or 0 for the identity.
 */
export function bandFormW(w: usize, jb: usize, g: f64, n: i32, kl: i32, ku: i32, mass: usize): void {
  const ldj = kl + ku + 1;
  const ldw = 2 * kl + ku + 1;
  for (let i = 0; i < n; i++) {
    const j0 = max(0, i - kl);
    const j1 = min(n - 1, i + ku);
    for (let j = j0; j <= j1; j++) {
      const m = mass == 0 ? (i == j ? 1.0 : 0.0) : load<f64>(mass + (<usize>(i * n + j) << 3));
      store<f64>(w + (<usize>(i * ldw + j - i + kl) << 3), m - g * load<f64>(jb + (<usize>(i * ldj + j - i + kl) << 3)));
    }
  }
}

/** True when every entry of J's band is finite. */
export function bandAllFinite(jb: usize, n: i32, kl: i32, ku: i32): bool {
  const ldj = kl + ku + 1;
  for (let i = 0; i < n; i++) {
    const j0 = max(0, i - kl);
    const j1 = min(n - 1, i + ku);
    for (let j = j0; j <= j1; j++) {
      if (!isFinite(load<f64>(jb + (<usize>(i * ldj + j - i + kl) << 3)))) return false;
    }
  }
  return true;
}

/** ‖J‖∞ of J's band: the largest absolute row sum. */
export function bandInfNorm(jb: usize, n: i32, kl: i32, ku: i32): f64 {
  const ldj = kl + ku + 1;
  let m = 0.0;
  for (let i = 0; i < n; i++) {
    const j0 = max(0, i - kl);
    const j1 = min(n - 1, i + ku);
    let s = 0.0;
    for (let j = j0; j <= j1; j++) s += abs(load<f64>(jb + (<usize>(i * ldj + j - i + kl) << 3)));
    m = max(m, s);
  }
  return m;
}
