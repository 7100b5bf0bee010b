// PI step-size controller with OrdinaryDiffEq's constants and conventions
// (Hairer–Wanner II §IV.2; OrdinaryDiffEq's PIController). dt is returned as a magnitude.
//
// Powers of EEst use fastPow (about 1e-9 relative error, like OrdinaryDiffEq's FastPower);
// EEst^beta2 is kept for the next step's errold^beta2 (errold = max(EEst, 1e-4)).

import { fastPow } from '../math/fastpow';

/** dt after a rejected step of size h: h / min(1/qmin, EEst^beta1 / gamma). */
export function piReject(h: f64, eest: f64, beta1: f64, gamma: f64, qmin: f64): f64 {
  const q11 = fastPow(eest, beta1);
  return h / min(1.0 / qmin, q11 / gamma);
}

/** errold^beta2 for the step after an accepted one. */
export function erroldPower(eest: f64, beta2: f64): f64 {
  return fastPow(max(eest, 1e-4), beta2);
}

/** The factor q (dt_next = h / q) after an accepted step; `erroldPow` = errold^beta2. */
export function piAccept(
  eest: f64, erroldPow: f64, beta1: f64, gamma: f64,
  qmin: f64, qmax: f64, qsteadyMin: f64, qsteadyMax: f64,
): f64 {
  let q: f64;
  if (eest == 0) {
    q = 1.0 / qmax;
  } else {
    const q11 = fastPow(eest, beta1);
    q = q11 / erroldPow;
    q = max(1.0 / qmax, min(1.0 / qmin, q / gamma));
  }
  if (qsteadyMin <= q && q <= qsteadyMax) q = 1.0;
  return q;
}
