// Bad input gets a clear error naming the problem; failed integrations return a retcode;
// memory returns to where it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, lotkaVolterra, lvParams } from './helpers.mjs';

const lvProb = () => new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams);

test('u0 with NaN or Inf, or empty', () => {
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, NaN], [0, 1], lvParams), /u0\[1\] is NaN/);
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [Infinity, 1], [0, 1], lvParams), /u0\[0\] is Infinity/);
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [], [0, 1], lvParams), /u0 is empty/);
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, '2'], [0, 1], lvParams), /u0\[1\]/);
});

test('p with NaN or Inf', () => {
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, 1], [0, 1], [1.5, NaN, 3, 1]), /p\[1\] is NaN/);
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, 1], [0, 1], { a: -Infinity }), /p\.a is -Infinity/);
});

test('empty, non-finite or malformed spans', () => {
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, 1], [2, 2], lvParams), /tspan is empty/);
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, 1], [0, Infinity], lvParams), /tspan must be finite/);
  assert.throws(() => new D.ODEProblem(lotkaVolterra, [1, 1], [0], lvParams), /tspan must be \[t0, t1\]/);
});

test('f that is not a function', () => {
  assert.throws(() => new D.ODEProblem(42, [1], [0, 1]), /f must be a function/);
});

test('non-finite or negative tolerances', () => {
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { abstol: NaN }), /abstol must be a finite number/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { reltol: Infinity }), /reltol must be a finite number/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { reltol: -1 }), /reltol must be a finite number ≥ 0/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { abstol: [1e-6] }), /abstol has 1 entries but the state has 2/);
});

test('unknown algorithm names and objects', () => {
  assert.throws(() => D.solve(lvProb(), 'Tsit6'), /unknown algorithm 'Tsit6' \(known: .*Tsit5/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5), /pass the algorithm called/);
  assert.throws(() => D.solve(lvProb(), { name: 'x' }), /unknown algorithm/);
});

test('unknown option names, with a suggestion', () => {
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { abstoll: 1e-6 }), /unknown option 'abstoll'/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { save_everystep: false }), /did you mean 'saveEverystep'/);
});

test('bad option values', () => {
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { dt: 0 }), /dt must not be 0/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { dt: -0.1 }), /points away from t1/);
  assert.throws(() => D.solve(lvProb(), D.RK4()), /needs dt/);
  assert.throws(() => D.solve(lvProb(), D.RK4(), { adaptive: true }), /error estimate/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { saveat: [11] }), /saveat time 11 is outside tspan/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { tstops: [-1] }), /tstop -1 is outside tspan/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { saveat: 0 }), /saveat step must be > 0/);
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { callback: () => {} }), /callback must be/);
  assert.throws(() => D.solve({}, D.Tsit5()), /must be an ODEProblem/);
});

test('f returning the wrong length, or junk', () => {
  const short = new D.ODEProblem((u, p, t) => [u[0]], [1, 1], [0, 1], null);
  assert.throws(() => D.solve(short, D.Tsit5()), /f returned 1 values but the state has 2/);
  const junk = new D.ODEProblem((u, p, t) => undefined, [1, 1], [0, 1], null, { inplace: false });
  assert.throws(() => D.solve(junk, D.Tsit5()), /an out-of-place f must return an array of 2 numbers/);
  assert.is(D.memoryInUse(), 0);
});

test('f that throws: the error names the time and keeps the cause', () => {
  const prob = new D.ODEProblem((du, u, p, t) => { if (t > 0.5) throw new Error('model broke'); du[0] = 1; }, [0], [0, 1]);
  try {
    D.solve(prob, D.Tsit5());
    assert.unreachable('should throw');
  } catch (e) {
    assert.match(e.message, /right-hand side failed at t = 0\.\d+: model broke/);
    assert.is(e.cause.message, 'model broke');
  }
  assert.is(D.memoryInUse(), 0);
});

test('a blow-up returns DtLessThanMin or Unstable, never Success', () => {
  // u' = u², u(0) = 1 blows up at t = 1.
  const prob = new D.ODEProblem((du, u) => { du[0] = u[0] * u[0]; }, [1], [0, 2], undefined, { inplace: true });
  const sol = D.solve(prob, D.Tsit5());
  assert.ok(sol.retcode === 'DtLessThanMin' || sol.retcode === 'Unstable', sol.retcode);
  assert.ok(sol.t[sol.t.length - 1] < 1 && sol.t[sol.t.length - 1] > 0.99);
  assert.ok(!sol.success);
  // Fixed steps straight through the singularity produce non-finite values: Unstable.
  const fixed = D.solve(prob, D.RK4(), { dt: 0.1 });
  assert.is(fixed.retcode, 'Unstable');
  for (const u of fixed.u) assert.ok(Number.isFinite(u[0]));
});

test('NaN from f at the start is InitialFailure', () => {
  const prob = new D.ODEProblem((du) => { du[0] = NaN; }, [1], [0, 1], undefined, { inplace: true });
  assert.is(D.solve(prob, D.Tsit5()).retcode, 'InitialFailure');
  assert.is(D.solve(prob, D.RK4(), { dt: 0.1 }).retcode, 'InitialFailure');
});

test('maxiters gives MaxIters; dtmin gives DtLessThanMin', () => {
  assert.is(D.solve(lvProb(), D.Tsit5(), { maxiters: 10 }).retcode, 'MaxIters');
  assert.is(D.solve(lvProb(), D.Tsit5(), { dtmin: 0.5 }).retcode, 'DtLessThanMin');
});

test('Solution.at outside the span, without dense output, or with a bad index', () => {
  const sol = D.solve(lvProb(), D.Tsit5());
  assert.throws(() => sol.at(11), /outside the solved interval/);
  assert.throws(() => sol.at(NaN), /t must be a finite number/);
  assert.throws(() => sol.at(1, 2), /index 2 is outside 0\.\.1/);
  const sparse = D.solve(lvProb(), D.Tsit5(), { saveat: 1 });
  assert.throws(() => sparse.at(1.5), /no dense output/);
});

test('a thousand solves leave engine memory where it was', () => {
  D.solve(lvProb(), D.Tsit5());
  const before = D.memoryInUse();
  let last;
  for (let i = 0; i < 1000; i++) {
    last = D.solve(lvProb(), i % 2 ? D.Tsit5() : D.Vern9(), { saveat: i % 3 ? undefined : 0.5 });
    if (i % 100 === 0) {
      try { D.solve(new D.ODEProblem((u, p, t) => [1], [1, 1], [0, 1], null), D.Tsit5()); } catch { /* expected */ }
    }
  }
  assert.is(last.retcode, 'Success');
  assert.is(before, 0);
  assert.is(D.memoryInUse(), 0);
});

test('solves nest: a right-hand side may call solve', () => {
  const inner = (x) => {
    const s = D.solve(new D.ODEProblem((du, u) => { du[0] = -u[0]; }, [x], [0, 1], undefined, { inplace: true }), D.Tsit5(), { saveEverystep: false, dense: false, abstol: 1e-10, reltol: 1e-10 });
    return s.u[s.u.length - 1][0];
  };
  const outer = new D.ODEProblem((du, u) => { du[0] = inner(1); }, [0], [0, 2], undefined, { inplace: true });
  const sol = D.solve(outer, D.Tsit5());
  assert.ok(Math.abs(sol.u[sol.u.length - 1][0] - 2 * Math.exp(-1)) < 1e-8);
  assert.is(D.memoryInUse(), 0);
});

test('a solve too large for WebAssembly memory is a clear error, and memory is released', () => {
  // 2^24 states saved at every step: the first output buffer alone would need 8 GiB.
  const prob = new D.ODEProblem((du) => { du.fill(1); }, new Float64Array(2 ** 24), [0, 1], undefined, { inplace: true });
  assert.throws(() => D.solve(prob, D.Euler(), { dt: 0.5 }), /out of WebAssembly memory \(\d+ MiB needed, 4096 MiB at most\)/);
  assert.is(D.memoryInUse(), 0);
});

test('a saveat step that would make too many save times is refused', () => {
  assert.throws(() => D.solve(lvProb(), D.Tsit5(), { saveat: 1e-12 }), /saveat step 1e-12 gives .* save times/);
});

test('a mass matrix of the wrong size or with NaN, or given to an explicit method, is a clear error', () => {
  const f = (du, u) => { du[0] = -u[0]; du[1] = u[0] - u[1]; };
  assert.throws(() => new D.ODEProblem(f, [1, 0], [0, 1], undefined, { massMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }), /massMatrix must be 2×2 \(the state has 2 values\), got 3 rows/);
  assert.throws(() => new D.ODEProblem(f, [1, 0], [0, 1], undefined, { massMatrix: [[1, 0], [0]] }), /massMatrix row 1 must have 2 values/);
  assert.throws(() => new D.ODEProblem(f, [1, 0], [0, 1], undefined, { massMatrix: [1, 0, 0, NaN] }), /massMatrix\[1\]\[1\] is NaN/);
  const dae = new D.ODEProblem(f, [1, 0], [0, 1], undefined, { massMatrix: [[1, 0], [0, 0]] });
  assert.equal(Array.from(dae.massMatrix), [1, 0, 0, 0]);
  assert.throws(() => D.solve(dae, D.Tsit5()), /Tsit5 cannot solve a problem with a mass matrix/);
  // The identity is no mass matrix at all.
  const plain = new D.ODEProblem(f, [1, 0], [0, 1], undefined, { massMatrix: [1, 0, 0, 1] });
  assert.is(plain.massMatrix, undefined);
  assert.is(D.solve(plain, D.Tsit5()).retcode, 'Success');
  assert.is(D.memoryInUse(), 0);
});

test.run();
