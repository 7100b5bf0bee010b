// PI step-size controller with OrdinaryDiffEq's constants and conventions
// (Hairer–Wanner II §IV.2; OrdinaryDiffEq's PIController). dt is returned as a magnitude.
//
// Both powers of EEst come from one logarithm: q11 = EEst^beta1 now, and EEst^beta2 is kept
// for the next step's errold^beta2 (errold = max(EEst, 1e-4)).

/** dt after a rejected step of size h: h / min(1/qmin, EEst^beta1 / gamma). */
export function piReject(h: f64, eest: f64, beta1: f64, gamma: f64, qmin: f64): f64 {
  const q11 = Math.exp(beta1 * Math.log(eest));
  return h / min(1.0 / qmin, q11 / gamma);
}

/** errold^beta2 for the step after an accepted one. */
export function erroldPower(eest: f64, beta2: f64): f64 {
  return Math.exp(beta2 * Math.log(max(eest, 1e-4)));
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
    const q11 = Math.exp(beta1 * Math.log(eest));
    q = q11 / erroldPow;
    q = max(1.0 / qmax, min(1.0 / qmin, q / gamma));
  }
  if (qsteadyMin <= q && q <= qsteadyMax) q = 1.0;
  return q;
}
