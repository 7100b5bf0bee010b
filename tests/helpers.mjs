// Shared pieces of the Node test suites.
import { readFileSync } from 'node:fs';
export * as D from '../dist/node.js';

const refPath = new URL('../../shared/reference/solutions.json', import.meta.url);
/** Reference solutions from ../shared/reference (computed elsewhere with DOP853 at rtol 1e-13). */
export const reference = JSON.parse(readFileSync(refPath, 'utf8'));

/** Lotka–Volterra as in the reference: α=1.5, β=1, δ=3, γ=1. */
export const lotkaVolterra = (du, u, p, t) => {
  du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
  du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
};
export const lvParams = [1.5, 1, 3, 1];

export const maxAbsDiff = (a, b) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Least-squares slope of log(err) against log(h). */
export function logLogSlope(hs, errs) {
  const x = hs.map(Math.log), y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b, 0) / x.length, my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num += (x[i] - mx) * (y[i] - my); den += (x[i] - mx) ** 2; }
  return num / den;
}
