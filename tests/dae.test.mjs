// Mass matrices with the Rosenbrock methods: M·u' = f, M constant. ROBER as an index-1 DAE
// (M = diag(1, 1, 0), third equation y1 + y2 + y3 − 1 = 0) against the ROBER reference, a
// nonsingular M against the same problem written as u' = M⁻¹f, inconsistent initial values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference } from './helpers.mjs';

const rober = reference.rober;
const K = rober.params;
const M = [[1, 0, 0], [0, 1, 0], [0, 0, 0]];
const daeModel = D.ode`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2*y2 - k3*y2*y3
  dy3 = y1 + y2 + y3 - 1
`;
const daeJs = (du, u) => {
  du[0] = -K.k1 * u[0] + K.k3 * u[1] * u[2];
  du[1] = K.k1 * u[0] - K.k2 * u[1] * u[1] - K.k3 * u[1] * u[2];
  du[2] = u[0] + u[1] + u[2] - 1;
};
// The JavaScript f with its exact Jacobian, so that both kinds take exact Jacobians (a compiled
// model has AD); finite differences of the same f are tested below.
const daeJac = (J, u) => {
  J[0] = -K.k1; J[1] = K.k3 * u[2]; J[2] = K.k3 * u[1];
  J[3] = K.k1; J[4] = -2 * K.k2 * u[1] - K.k3 * u[2]; J[5] = -K.k3 * u[1];
  J[6] = 1; J[7] = 1; J[8] = 1;
};
const prob = (kind, t1, u0 = rober.u0) =>
  kind === 'ode'
    ? new D.ODEProblem(daeModel, u0, [0, t1], K, { massMatrix: M })
    : new D.ODEProblem(daeJs, u0, [0, t1], undefined, { inplace: true, massMatrix: M, jac: daeJac });

const RTOL = 1e-6;
const ATOL = 1e-10;
const METHODS = ['Rosenbrock23', 'Rodas4', 'Rodas5P'];

// The check of stiff.test.mjs's ROBER test: |u − ref| ≤ 100·(reltol·|ref| + abstol), and a
// relative error within 100·reltol wherever |ref| ≥ abstol/reltol.
for (const t1 of [1e5, 1e11]) {
  test(`ROBER as a DAE to t = ${t1.toExponential()}: Rosenbrock23, Rodas4, Rodas5P within 100× the tolerance at every reference time, constraint held`, () => {
    const idx = rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);
    const times = idx.map((i) => rober.t[i]);
    for (const alg of METHODS) {
      for (const kind of ['ode', 'js']) {
        const sol = D.solve(prob(kind, t1), alg, { reltol: RTOL, abstol: ATOL, saveat: times });
        assert.is(sol.retcode, 'Success', `${alg} ${kind}`);
        let worst = 0;
        idx.forEach((r, k) => {
          for (let j = 0; j < 3; j++) {
            const ref = rober.u[r][j];
            const err = Math.abs(sol.u[k][j] - ref);
            assert.ok(err <= 100 * (RTOL * Math.abs(ref) + ATOL), `${alg} ${kind} t=${times[k]} y${j + 1}: ${sol.u[k][j]} vs ${ref}`);
            if (Math.abs(ref) >= ATOL / RTOL) worst = Math.max(worst, err / Math.abs(ref));
          }
          const s = sol.u[k][0] + sol.u[k][1] + sol.u[k][2];
          assert.ok(Math.abs(s - 1) <= 10 * ATOL, `${alg} ${kind} t=${times[k]}: y1 + y2 + y3 = ${s}`);
        });
        assert.ok(worst <= 100 * RTOL, `${alg} ${kind}: relative error ${worst}`);
        if (process.env.DIFFLUX_VERBOSE) console.log(alg, kind, t1, worst.toExponential(2), JSON.stringify(sol.stats));
        // A new J for every step (no reuse with a mass matrix, even for the W-method).
        assert.is(sol.stats.njacs, sol.stats.naccept, `${alg} ${kind}`);
        assert.is(D.memoryInUse(), 0);
      }
    }
  });
}

test('a nonsingular M: the same solution as u\' = M⁻¹f', () => {
  // M·u' = M·f_ROBER(u) is ROBER itself; its solution is the reference's.
  const A = [[2, 1, 0], [0, 1, 0.5], [1, 0, 3]];
  const fr = (du, u) => {
    du[0] = -K.k1 * u[0] + K.k3 * u[1] * u[2];
    du[1] = K.k1 * u[0] - K.k2 * u[1] * u[1] - K.k3 * u[1] * u[2];
    du[2] = K.k2 * u[1] * u[1];
  };
  const g = new Float64Array(3);
  const fm = (du, u, p, t) => {
    fr(g, u, p, t);
    for (let i = 0; i < 3; i++) du[i] = A[i][0] * g[0] + A[i][1] * g[1] + A[i][2] * g[2];
  };
  const i5 = rober.t.indexOf(1e5);
  for (const alg of [...METHODS, 'Rosenbrock32']) {
    const t1 = alg === 'Rosenbrock32' ? 1 : 1e5;
    const plain = D.solve(new D.ODEProblem(fr, rober.u0, [0, t1], undefined, { inplace: true }), alg, { reltol: RTOL, abstol: ATOL });
    const mass = D.solve(new D.ODEProblem(fm, rober.u0, [0, t1], undefined, { inplace: true, massMatrix: A }), alg, { reltol: RTOL, abstol: ATOL });
    assert.is(mass.retcode, 'Success', alg);
    // The method on M·u' = M·f is the method on u' = f up to rounding (W = M − dt·γ·M·J = M·(I − dt·γ·J)).
    const a = plain.u[plain.u.length - 1];
    const b = mass.u[mass.u.length - 1];
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(a[j] - b[j]) <= 10 * RTOL * Math.abs(a[j]) + 1e-12, `${alg} y${j + 1}: ${a[j]} vs ${b[j]}`);
    assert.ok(Math.abs(mass.stats.naccept - plain.stats.naccept) <= 0.05 * plain.stats.naccept + 2, `${alg}: ${mass.stats.naccept} vs ${plain.stats.naccept} steps`);
    if (t1 === 1e5) for (const j of [0, 2]) assert.ok(Math.abs(b[j] - rober.u[i5][j]) <= 100 * RTOL * rober.u[i5][j]);
  }
  assert.is(D.memoryInUse(), 0);
});

test('M also multiplies the C-terms: a linear DAE with a known solution, every method at its order', () => {
  // x' = −x + y, 0 = y − sin t (y algebraic): y = sin t, x = (sin t − cos t + 3e^(−t))/2 from x(0) = 1.
  const m = D.ode`
    dx = -x + y
    dy = y - sin(t)
  `;
  const exact = (t) => (Math.sin(t) - Math.cos(t) + 3 * Math.exp(-t)) / 2;
  for (const [alg, p] of [['Rosenbrock23', 2], ['Rodas4', 4], ['Rodas5P', 5]]) {
    const errs = [];
    for (const N of [20, 40, 80]) {
      const s = D.solve(new D.ODEProblem(m, [1, 0], [0, 2], {}, { massMatrix: [[1, 0], [0, 0]] }), alg, { dt: 2 / N, adaptive: false });
      assert.is(s.retcode, 'Success');
      const u = s.u[s.u.length - 1];
      errs.push(Math.max(Math.abs(u[0] - exact(2)), Math.abs(u[1] - Math.sin(2))));
    }
    const slope = Math.log2(errs[1] / errs[2]);
    assert.ok(slope > p - 0.5, `${alg}: observed order ${slope.toFixed(2)} (errors ${errs.map((e) => e.toExponential(1))})`);
  }
});

test('Rosenbrock32 cannot solve DAEs (its order-3 solution is not A-stable: R(∞) ≈ 1.61): a retcode, no junk', () => {
  const m = D.ode`
    dx = -x + y
    dy = y - sin(t)
  `;
  const sol = D.solve(new D.ODEProblem(m, [1, 0], [0, 2], {}, { massMatrix: [[1, 0], [0, 0]] }), 'Rosenbrock32', { reltol: 1e-6 });
  assert.is(sol.retcode, 'DtLessThanMin');
  assert.ok(sol.u.every((u) => u.every(Number.isFinite)));
  assert.is(D.memoryInUse(), 0);
});

test('inconsistent initial values (algebraic equations off by more than abstol): InitialFailure at t0, nothing integrated', () => {
  for (const alg of METHODS) {
    for (const kind of ['ode', 'js']) {
      const sol = D.solve(prob(kind, 1e5, [1, 0, 1e-3]), alg, { reltol: RTOL, abstol: ATOL });
      assert.is(sol.retcode, 'InitialFailure', `${alg} ${kind}`);
      assert.is(sol.stats.naccept, 0);
      assert.is(sol.t.length, 0);
      assert.is(D.memoryInUse(), 0);
    }
    // Within abstol it is consistent enough.
    const near = D.solve(prob('ode', 1, [1, 0, 0.5 * ATOL]), alg, { reltol: RTOL, abstol: ATOL });
    assert.is(near.retcode, 'Success', alg);
  }
});

test('ROBER DAE with a JavaScript f, no jac and abstol 1e-10: finite differences keep the algebraic row', () => {
  // A perturbation of y3 ≈ 0 on the scale of abstol (1e-10·√ε) vanishes in y1 + y2 + y3 − 1
  // with y1 ≈ 1; the entries lost to rounding are taken again with a step on the scale of 1, so
  // W keeps its algebraic row and every family integrates the DAE.
  const t1 = 1e5;
  const idx = rober.t.map((t, i) => i).filter((i) => rober.t[i] > 0 && rober.t[i] <= t1);
  const times = idx.map((i) => rober.t[i]);
  const p = new D.ODEProblem(daeJs, rober.u0, [0, t1], undefined, { inplace: true, massMatrix: M });
  for (const alg of ['Rodas4', 'Rodas5P', 'FBDF', 'KenCarp4', 'RadauIIA5']) {
    const sol = D.solve(p, alg, { reltol: RTOL, abstol: ATOL, saveat: times });
    assert.is(sol.retcode, 'Success', alg);
    idx.forEach((r, k) => {
      for (let j = 0; j < 3; j++) {
        const ref = rober.u[r][j];
        assert.ok(Math.abs(sol.u[k][j] - ref) <= 100 * (RTOL * Math.abs(ref) + ATOL), `${alg} t=${times[k]} y${j + 1}: ${sol.u[k][j]} vs ${ref}`);
      }
      assert.ok(Math.abs(sol.u[k][0] + sol.u[k][1] + sol.u[k][2] - 1) <= 10 * ATOL, `${alg} t=${times[k]}`);
    });
    assert.is(D.memoryInUse(), 0);
  }
  // Rosenbrock23 (order 2, one Jacobian per step) still fails here: the entry ∂(y1 + y2 + y3)/∂y2
  // from a step of √ε·y2 is a few ulps of 1 and off by percents. It ends with a retcode, in
  // few attempts; with a looser abstol it succeeds.
  const r23 = D.solve(p, 'Rosenbrock23', { reltol: RTOL, abstol: ATOL });
  assert.is(r23.retcode, 'DtLessThanMin');
  assert.ok(r23.stats.nreject < 5000, `${r23.stats.nreject} rejections`);
  assert.is(D.solve(p, 'Rosenbrock23', { reltol: 1e-6, abstol: 1e-7 }).retcode, 'Success');
  assert.is(D.memoryInUse(), 0);
});

test('an inconsistent start ends with InitialFailure in every implicit family', () => {
  // y1 + y2 + y3 − 1 = 1e-3 at t0, far above abstol.
  for (const alg of ['Rosenbrock23', 'Rodas5P', 'FBDF', 'ImplicitEuler', 'TRBDF2', 'KenCarp4', 'Kvaerno5', 'RadauIIA5']) {
    for (const kind of ['ode', 'js']) {
      let calls = 0;
      const counted = (du, u, p, t) => { calls++; daeJs(du, u, p, t); };
      const pr = kind === 'ode'
        ? prob('ode', 1e5, [1, 0, 1e-3])
        : new D.ODEProblem(counted, [1, 0, 1e-3], [0, 1e5], undefined, { inplace: true, massMatrix: M });
      const sol = D.solve(pr, alg, { reltol: RTOL, abstol: ATOL });
      assert.is(sol.retcode, 'InitialFailure', `${alg} ${kind}`);
      assert.is(sol.stats.naccept, 0, alg);
      assert.is(sol.stats.njacs, 0, alg);
      assert.is(sol.t.length, 0, alg);
      // Only the start's evaluations (f(u0) and the initial-step estimate): no step was tried.
      if (kind === 'js') assert.ok(calls <= 2, `${alg}: ${calls} evaluations`);
    }
    // Within abstol the start is consistent.
    const near = D.solve(prob('ode', 1, [1, 0, 0.5 * ATOL]), alg, { reltol: RTOL, abstol: ATOL });
    assert.is(near.retcode, 'Success', alg);
    assert.is(D.memoryInUse(), 0);
  }
});

test('mass matrices are checked: size and values; explicit methods refuse them', () => {
  assert.throws(() => prob('ode', 1).constructor && new D.ODEProblem(daeModel, rober.u0, [0, 1], K, { massMatrix: [[1, 0], [0, 1]] }), /massMatrix must be 3×3/);
  assert.throws(() => D.solve(prob('ode', 1), 'Tsit5'), /Tsit5 cannot solve a problem with a mass matrix .* use an implicit method: Rodas5P\(\)/);
  // The identity is no mass matrix at all: the same steps as without.
  const id = D.solve(new D.ODEProblem(daeJs, rober.u0, [0, 1], undefined, { inplace: true, massMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }), 'Rodas4');
  const none = D.solve(new D.ODEProblem(daeJs, rober.u0, [0, 1], undefined, { inplace: true }), 'Rodas4');
  assert.equal(id.stats, none.stats);
});

test.run();
