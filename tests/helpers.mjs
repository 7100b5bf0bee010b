// Shared pieces of the Node test suites.
import { readFileSync } from 'node:fs';
export * as D from '../dist/node.js';
import * as assert from 'uvu/assert';
import * as D from '../dist/node.js';

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

/** Central differences of model.evaluate in u (or p), row-major like model.jacobian. */
export function fdJacobian(m, u, p, t, wrt) {
  const n = m.length;
  const x0 = Float64Array.from(wrt === 'u' ? u : p);
  const cols = x0.length;
  const J = new Float64Array(n * cols);
  for (let j = 0; j < cols; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x0[j]));
    const xp = x0.slice(); xp[j] += h;
    const xm = x0.slice(); xm[j] -= h;
    const fp = wrt === 'u' ? m.evaluate(xp, p, t) : m.evaluate(u, xp, t);
    const fm = wrt === 'u' ? m.evaluate(xm, p, t) : m.evaluate(u, xm, t);
    for (let i = 0; i < n; i++) J[i * cols + j] = (fp[i] - fm[i]) / (2 * h);
  }
  return J;
}

export function assertClose(a, b, rel, what) {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} values vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(a[i]), Math.abs(b[i]));
    if (!(Math.abs(a[i] - b[i]) <= rel * scale)) throw new Error(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

// ROBER (Robertson's chemical kinetics) as in the reference, as a JavaScript function and as an
// `ode` model (parameters k1, k2, k3 from the reference's params).
const roberK = reference.rober.params;
export const roberJs = (du, u) => {
  du[0] = -roberK.k1 * u[0] + roberK.k3 * u[1] * u[2];
  du[1] = roberK.k1 * u[0] - roberK.k2 * u[1] * u[1] - roberK.k3 * u[1] * u[2];
  du[2] = roberK.k2 * u[1] * u[1];
};
/** Lotka–Volterra as an `ode` model, parameters [a, b, c, d]. */
export const lvModel = D.ode`
  dx = a*x - b*x*y
  dy = -c*y + d*x*y
`;
export const roberModel = D.ode`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
  dy3 = k2*y2*y2
`;
/** ROBER on [0, t1] from the reference's u0: 'js' (JavaScript f) or 'model'. */
export const roberProb = (kind, t1) =>
  kind === 'js'
    ? new D.ODEProblem(roberJs, reference.rober.u0, [0, t1], undefined, { inplace: true })
    : new D.ODEProblem(roberModel, reference.rober.u0, [0, t1], roberK);

// A nonlinear, mildly stiff problem with a known solution (λ = −20), for the stiff methods'
// orders: it depends on t (so ∂f/∂t enters every stage) and couples the components.
//   a' = λ(a − sin t) + cos t         a = sin t
//   b' = −b²                          b = 1/(1 + t)
//   c' = λ(c − ab) + (ab)'            c = sin t/(1 + t)
export const MILD_T = 2;
export const mildExact = (t) => [Math.sin(t), 1 / (1 + t), Math.sin(t) / (1 + t)];
export const mildModel = D.ode`
  da = lam*(a - sin(t)) + cos(t)
  db = -b*b
  dc = lam*(c - a*b) + cos(t)*b - a*b*b
`;
export const mildJs = (du, u, p, t) => {
  du[0] = p.lam * (u[0] - Math.sin(t)) + Math.cos(t);
  du[1] = -u[1] * u[1];
  du[2] = p.lam * (u[2] - u[0] * u[1]) + Math.cos(t) * u[1] - u[0] * u[1] * u[1];
};

/**
 * A 50-parameter model (a small neural ODE, du = W2·tanh(W1·u + b1) − u/4 with W1 10×2, b1 10,
 * W2 2×10) and deterministic parameters: the gradient suites' many-parameter case.
 */
export const net50Model = D.ode({ params: ['W1', 'b1', 'W2'], dims: { u: 2, W1: [10, 2], b1: 10, W2: [2, 10] } })`
  du = W2*tanh(W1*u + b1) - u/4
`;
export const NET50_U0 = [1, -0.5];
export function net50Params() {
  return {
    W1: Array.from({ length: 10 }, (_, i) => [0.8 * Math.sin(i + 1), 0.8 * Math.cos(2 * i + 1)]),
    b1: Array.from({ length: 10 }, (_, i) => 0.2 * Math.sin(3 * i)),
    W2: [0, 1].map((r) => Array.from({ length: 10 }, (_, j) => (r ? 1.2 : -1.2) * Math.sin(0.9 * j + (r ? 0 : 1)))),
  };
}

/** Largest |a_i − b_i| / max(|b_i|, floor) over two arrays of one length. */
export function relErr(a, b, floor = 1e-300) {
  if (a.length !== b.length) throw new RangeError(`relErr: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
}

/** Central differences of a scalar function of a vector, step hrel·max(|x_j|, 1e-3). */
export function fdGradient(x0, fn, hrel) {
  return x0.map((x, j) => {
    const h = hrel * Math.max(Math.abs(x), 1e-3);
    const xp = x0.slice(); xp[j] += h;
    const xm = x0.slice(); xm[j] -= h;
    return (fn(xp) - fn(xm)) / (2 * h);
  });
}

/**
 * A ball dropped from 50 m bouncing with restitution 0.9 (a ContinuousCallback on the height,
 * downward crossings): its first six bounce times with `alg`, against the closed form.
 */
export function assertBounces(alg) {
  const g = 9.81, e = 0.9, h0 = 50;
  const expected = [];
  let tb = Math.sqrt((2 * h0) / g), v = g * tb;
  expected.push(tb);
  for (let i = 1; i < 6; i++) { v *= e; tb += (2 * v) / g; expected.push(tb); }
  const times = [];
  const cb = new D.ContinuousCallback((u) => u[0], (integ) => { times.push(integ.t); integ.u[1] = -e * integ.u[1]; }, { direction: 'down' });
  const prob = new D.ODEProblem((du, u) => { du[0] = u[1]; du[1] = -g; }, [h0, 0], [0, expected[5] + 0.5], undefined, { inplace: true });
  const sol = D.solve(prob, alg, { callback: cb, reltol: 1e-8, abstol: 1e-8 });
  assert.is(sol.retcode, 'Success');
  assert.ok(times.length >= 6, `${alg}: ${times.length} bounces`);
  expected.forEach((t, i) => assert.ok(Math.abs(times[i] - t) < 1e-6, `${alg} bounce ${i}: ${times[i]} vs ${t}`));
}
