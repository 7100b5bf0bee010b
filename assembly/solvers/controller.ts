// PI step-size controller with OrdinaryDiffEq's constants and conventions
// (Hairer–Wanner II §IV.2; OrdinaryDiffEq's PIController). dt is returned as a magnitude.

/** dt after a rejected step of size h: h / min(1/qmin, EEst^beta1 / gamma). */
export function piReject(h: f64, eest: f64, beta1: f64, gamma: f64, qmin: f64): f64 {
  const q11 = Math.pow(eest, beta1);
  return h / min(1.0 / qmin, q11 / gamma);
}

/** The factor q (dt_next = h / q) after an accepted step. */
export function piAccept(
  eest: f64, errold: f64, beta1: f64, beta2: f64, gamma: f64,
  qmin: f64, qmax: f64, qsteadyMin: f64, qsteadyMax: f64,
): f64 {
  let q: f64;
  if (eest == 0) {
    q = 1.0 / qmax;
  } else {
    const q11 = Math.pow(eest, beta1);
    q = q11 / Math.pow(errold, beta2);
    q = max(1.0 / qmax, min(1.0 / qmin, q / gamma));
  }
  if (qsteadyMin <= q && q <= qsteadyMax) q = 1.0;
  return q;
}
