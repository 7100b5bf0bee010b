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
import { ROUND_REL, skipStart, skipAllows, skipColumn, timeFD } from './jacobian';

/** The kl + ku + 1 columns of J's band, as column groups: how many evaluations J takes. */
// @ts-ignore: decorator
@inline export function bandGroups(kl: i32, ku: i32, n: i32): i32 {
  return min(kl + ku + 1, n);
}

/**
 * J (band storage) and dT by forward differences from f0 = f(t, u): one evaluation per column
 * group, each column's step as jacobianFD takes it, and as there, entries lost to rounding
 * (a difference below ε^(7/8) of f_i's size) are taken again with the larger step
 * √ε·max(|u_j|, 1) — one more evaluation for the group's columns that need it, with the same
 * skip rule for structural zeros. Then, when `withT`, one evaluation for dT. `tmp` and `fs` are scratch;
 * false when the JavaScript right-hand side failed.
 */
export function bandJacobianFD(
  blk: usize, n: i32, kl: i32, ku: i32, t: f64, tdir: f64, u: usize, f0: usize, jb: usize, dT: usize,
  tmp: usize, fs: usize, atol: usize, withT: bool,
): bool {
  const sq = sqrt(f64.EPSILON);
  const ldj = kl + ku + 1;
  const groups = bandGroups(kl, ku, n);
  skipStart(blk);
  memory.copy(tmp, u, <usize>n << 3);
  for (let g = 0; g < groups; g++) {
    for (let j = g; j < n; j += ldj) {
      const pj = tmp + (<usize>j << 3);
      const uj = load<f64>(pj);
      let h0 = sq * max(abs(uj), min(load<f64>(atol + (<usize>j << 3)), 1.0));
      if (!(h0 > 0)) h0 = sq;
      store<f64>(pj, uj + h0);
    }
    if (!evalF(blk, t, tmp, fs)) return false;
    // Columns with lost entries that may be retried: their step moves to the larger one (and
    // the lost entries are marked NaN); the others go back to u_j.
    let retries = 0;
    for (let j = g; j < n; j += ldj) {
      const pj = tmp + (<usize>j << 3);
      const uj = load<f64>(u + (<usize>j << 3));
      const h = load<f64>(pj) - uj;
      const i0 = max(0, j - ku);
      const i1 = min(n - 1, j + kl);
      let lost = 0;
      let finite = 0.0;
      for (let i = i0; i <= i1; i++) {
        const off = <usize>i << 3;
        const a = load<f64>(f0 + off);
        const b = load<f64>(fs + off);
        const d = b - a;
        finite += d - d;
        const e = jb + (<usize>(i * ldj + j - i + kl) << 3);
        if (abs(d) <= ROUND_REL * max(abs(a), abs(b))) {
          store<f64>(e, NaN);
          lost++;
        } else {
          store<f64>(e, d / h);
        }
      }
      const upBig = uj + sq * max(abs(uj), 1.0);
      let retry = false;
      if (lost > 0) retry = skipAllows(j) && finite == 0.0 && upBig - uj > h;
      if (retry) {
        store<f64>(pj, upBig);
        retries++;
      } else {
        // Lost entries stay with the small step's difference.
        for (let i = i0; i <= i1; i++) {
          const e = jb + (<usize>(i * ldj + j - i + kl) << 3);
          if (isNaN(load<f64>(e))) store<f64>(e, (load<f64>(fs + (<usize>i << 3)) - load<f64>(f0 + (<usize>i << 3))) / h);
        }
        store<f64>(pj, uj);
      }
    }
    if (retries == 0) continue;
    if (!evalF(blk, t, tmp, fs)) return false;
    for (let j = g; j < n; j += ldj) {
      const pj = tmp + (<usize>j << 3);
      const uj = load<f64>(u + (<usize>j << 3));
      const hBig = load<f64>(pj) - uj;
      if (hBig == 0) continue; // not retried
      store<f64>(pj, uj);
      let found = false;
      for (let i = max(0, j - ku); i <= min(n - 1, j + kl); i++) {
        const e = jb + (<usize>(i * ldj + j - i + kl) << 3);
        if (!isNaN(load<f64>(e))) continue;
        const off = <usize>i << 3;
        const d = load<f64>(fs + off) - load<f64>(f0 + off);
        if (d != 0) found = true;
        store<f64>(e, d / hBig);
      }
      if (!found) skipColumn(j);
    }
  }
  return withT ? timeFD(blk, n, t, tdir, u, f0, dT, fs) : true;
}

/**
 * J (band storage) and dT from a compiled model's tape by forward-mode AD: the column groups
 * and t as seeds, B_LANES of them per sweep. `out` receives f(t, u) (scratch).
 */
export function bandJacobianDual(blk: usize, tape: usize, regs: usize, n: i32, kl: i32, ku: i32, t: f64, u: usize, jb: usize, dT: usize, out: usize, withT: bool): void {
  const lanes = i32At(blk, B_LANES);
  const tang = ptrAt(blk, B_TANG);
  const seed = ptrAt(blk, B_SEED);
  const outT = ptrAt(blk, B_OUTT);
  const ldj = kl + ku + 1;
  const groups = bandGroups(kl, ku, n);
  // Seeds 0 … groups − 1 are the column groups, seed `groups` is t (when ∂f/∂t is wanted).
  const seeds = withT ? groups + 1 : groups;
  for (let s0 = 0; s0 < seeds; s0 += lanes) {
    const k = min(lanes, seeds - s0);
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
 * With jb = 0, W = M (J is not read).
 */
export function bandFormW(w: usize, jb: usize, g: f64, n: i32, kl: i32, ku: i32, mass: usize): void {
  const ldj = kl + ku + 1;
  const ldw = 2 * kl + ku + 1;
  for (let i = 0; i < n; i++) {
    const j0 = max(0, i - kl);
    const j1 = min(n - 1, i + ku);
    for (let j = j0; j <= j1; j++) {
      const m = mass == 0 ? (i == j ? 1.0 : 0.0) : load<f64>(mass + (<usize>(i * n + j) << 3));
      const jv = jb == 0 ? 0.0 : load<f64>(jb + (<usize>(i * ldj + j - i + kl) << 3));
      store<f64>(w + (<usize>(i * ldw + j - i + kl) << 3), m - g * jv);
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
