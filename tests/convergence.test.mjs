// Every explicit method, fixed dt, shows its theoretical order on a problem with a known solution.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, logLogSlope, maxAbsDiff } from './helpers.mjs';

// Harmonic oscillator u'' = −u over [0, 20]: exact u = (cos t, −sin t). Its global error is
// C·h^p once h is small enough, and reaches the double-precision floor late (≈1e-13).
const T = 20;
const exact = [Math.cos(T), -Math.sin(T)];
const prob = new D.ODEProblem((du, u) => { du[0] = u[1]; du[1] = -u[0]; }, [1, 0], [0, T], undefined, { inplace: true });

const ORDER = { Euler: 1, Midpoint: 2, Heun: 2, Ralston: 2, RK4: 4, BS3: 3, OwrenZen3: 3, DP5: 5, Tsit5: 5, Vern7: 7, Vern9: 9, DP8: 8 };
// Vern9 approaches 9 from above and meets rounding before it gets there: its finest
// pairs measure 9.34–9.39 in double precision, so its band is one-sided wider.
const BAND = { Vern9: [0.3, 0.45] };

function measuredOrder(name) {
  const hs = [], errs = [];
  for (let N = 16; N <= 2 ** 17; N = Math.round(N * Math.SQRT2)) {
    const sol = D.solve(prob, name, { dt: T / N, adaptive: false, saveEverystep: false, dense: false });
    assert.is(sol.retcode, 'Success');
    const e = maxAbsDiff(sol.u[sol.u.length - 1], exact);
    if (e < 1e-2 && e > 1e-13) { hs.push(T / N); errs.push(e); }
    if (e <= 1e-13 || hs.length >= 12) break;
  }
  // The finest three points inside the window: the asymptotic regime.
  return logLogSlope(hs.slice(-3), errs.slice(-3));
}

for (const [name, p] of Object.entries(ORDER)) {
  test(`${name} converges with order ${p}`, () => {
    const slope = measuredOrder(name);
    if (process.env.DIFFLUX_VERBOSE) console.log(name, slope.toFixed(3));
    const [below, above] = BAND[name] ?? [0.3, 0.3];
    assert.ok(slope > p - below && slope < p + above, `${name}: measured order ${slope.toFixed(3)}, expected ${p}`);
  });
}

// Rosenbrock, SDIRK, BDF and Radau methods: their orders are measured on nonlinear, mildly
// stiff problems in stiff.test.mjs, sdirk.test.mjs, bdf.test.mjs and radau.test.mjs (on this
// linear one Rodas5P's error falls faster than its order 5).
const STIFF = ['Rosenbrock23', 'Rosenbrock32', 'Rodas4', 'Rodas5P', 'ImplicitEuler', 'Trapezoid', 'TRBDF2', 'KenCarp4', 'Kvaerno5', 'FBDF', 'RadauIIA5'];

test('every algorithm name is covered', () => {
  assert.equal([...D.algorithmNames].sort(), [...Object.keys(ORDER), ...STIFF].sort());
});

test.run();
