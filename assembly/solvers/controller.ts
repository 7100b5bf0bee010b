// PI step-size controller with OrdinaryDiffEq's constants and conventions
// (Hairer–Wanner II §IV.2; OrdinaryDiffEq's PIController). dt is returned as a magnitude.
// The stepper takes one logarithm of EEst per step and hands in the powers it needs: after a
// rejection q11 = EEst^beta1; after an acceptance q11/errold^beta2 as one exponential.

/** dt after a rejected step of size h: h / min(1/qmin, q11 / gamma). */
export function piReject(h: f64, q11: f64, gamma: f64, qmin: f64): f64 {
  return h / min(1.0 / qmin, q11 / gamma);
}

/** The factor q (dt_next = h / q) after an accepted step, from q11/errold^beta2. */
export function piAccept(
  eest: f64, q11OverErrold: f64, gamma: f64,
  qmin: f64, qmax: f64, qsteadyMin: f64, qsteadyMax: f64,
): f64 {
  let q: f64;
  if (eest == 0) {
    q = 1.0 / qmax;
  } else {
    q = max(1.0 / qmax, min(1.0 / qmin, q11OverErrold / gamma));
  }
  if (qsteadyMin <= q && q <= qsteadyMax) q = 1.0;
  return q;
}
