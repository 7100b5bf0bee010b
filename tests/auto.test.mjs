// Automatic stiffness detection and switching: the default algorithm, AutoTsit5, AutoVern7.
// ROBER against the reference, nonstiff problems bit for bit equal to Tsit5/Vern7, problems
// whose stiffness changes with t (switching both ways, the switch limit), dense output,
// saveat and events across switches, bad input, memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, reference, lotkaVolterra, lvParams } from './helpers.mjs';

const R = reference.rober;
const rober = (du, u) => {
  du[0] = -0.04 * u[0] + 1e4 * u[1] * u[2];
  du[1] = 0.04 * u[0] - 3e7 * u[1] * u[1] - 1e4 * u[1] * u[2];
  du[2] = 3e7 * u[1] * u[1];
};
const roberModel = D.ode`
  dy1 = -k1*y1 + k3*y2*y3
  dy2 = k1*y1 - k2*y2^2 - k3*y2*y3
  dy3 = k2*y2^2
`;
const roberProb = () => new D.ODEProblem(rober, R.u0, [0, 1e11]);

/** Largest error at the reference times, each scaled by 100·(reltol·|ref| + abstol): ≤ 1 passes. */
function roberScaledError(at, reltol, abstol) {
  let worst = 0;
  for (let k = 1; k < R.t.length; k++) {
    const v = at(k);
    for (let i = 0; i < 3; i++) worst = Math.max(worst, Math.abs(v[i] - R.u[k][i]) / (100 * (reltol * Math.abs(R.u[k][i]) + abstol)));
  }
  return worst;
}

test('ROBER to 1e11 with no algorithm named: Success, within 100·reltol of the reference, nswitch ≥ 1', () => {
  for (const [reltol, abstol] of [[1e-3, 1e-8], [1e-5, 1e-10], [1e-8, 1e-12]]) {
    const sol = D.solve(roberProb(), undefined, { reltol, abstol });
    assert.is(sol.retcode, 'Success');
    assert.is(sol.alg, reltol < 1e-6 ? 'AutoVern7(Rodas5P)' : 'AutoTsit5(Rosenbrock23)');
    assert.ok(sol.stats.nswitch >= 1, `nswitch ${sol.stats.nswitch}`);
    // The stiff method ran: its Jacobians, factorizations and solves are in the summed stats.
    assert.ok(sol.stats.njacs > 0 && sol.stats.nw >= sol.stats.njacs && sol.stats.nsolve > 0);
    const e = roberScaledError((k) => sol.at(R.t[k]), reltol, abstol);
    if (process.env.DIFFLUX_VERBOSE) console.log('ROBER default', reltol, e.toFixed(4), JSON.stringify(sol.stats));
    assert.ok(e <= 1, `reltol ${reltol}: scaled error ${e}`);
    assert.is(sol.t[sol.t.length - 1], 1e11);
  }
});

test('ROBER as an ode model (Jacobians by AD) with the default: the same answer, fewer f evaluations', () => {
  const prob = new D.ODEProblem(roberModel, R.u0, [0, 1e11], { k1: 0.04, k2: 3e7, k3: 1e4 });
  const sol = D.solve(prob, undefined, { reltol: 1e-5, abstol: 1e-10 });
  const js = D.solve(roberProb(), undefined, { reltol: 1e-5, abstol: 1e-10 });
  assert.is(sol.retcode, 'Success');
  assert.ok(sol.stats.nswitch >= 1);
  assert.ok(roberScaledError((k) => sol.at(R.t[k]), 1e-5, 1e-10) <= 1);
  // Finite differences cost n evaluations per Jacobian; AD none.
  assert.ok(sol.stats.nf < js.stats.nf, `${sol.stats.nf} vs ${js.stats.nf}`);
});

test('a nonstiff problem with the default is Tsit5 bit for bit (no switch), Vern7 below reltol 1e-6', () => {
  const prob = new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams);
  for (const [opts, single] of [[{}, 'Tsit5'], [{ reltol: 1e-8, abstol: 1e-8 }, 'Vern7'], [{ reltol: 1e-6, abstol: 1e-9 }, 'Tsit5']]) {
    const a = D.solve(prob, undefined, opts);
    const b = D.solve(prob, single, opts);
    assert.is(a.retcode, 'Success');
    assert.is(a.stats.nswitch, 0);
    assert.is(b.stats.nswitch, 0);
    assert.equal(Array.from(a.t), Array.from(b.t));
    for (let i = 0; i < a.u.length; i++) assert.equal(Array.from(a.u[i]), Array.from(b.u[i]));
    assert.is(a.stats.nf, b.stats.nf);
    assert.is(a.stats.naccept, b.stats.naccept);
    assert.is(a.stats.njacs, 0);
    for (const t of [0.3, 2.71, 9.99]) assert.equal(Array.from(a.at(t)), Array.from(b.at(t)));
  }
});

// A problem whose stiffness changes with t: u' = −λ(t)(u − sin t) + cos t, u = sin t for every
// λ, with λ ≈ 1e4 on (3, 6) and ≈ 1 elsewhere; v' = −v + cos t, v = (cos t + sin t)/2.
const lam = (t) => 1 + 1e4 / ((1 + Math.exp(-10 * (t - 3))) * (1 + Math.exp(10 * (t - 6))));
const bump = (du, u, p, t) => {
  du[0] = -lam(t) * (u[0] - Math.sin(t)) + Math.cos(t);
  du[1] = -u[1] + Math.cos(t);
};
const bumpExact = (t) => [Math.sin(t), (Math.cos(t) + Math.sin(t)) / 2];
const bumpProb = () => new D.ODEProblem(bump, [0, 0.5], [0, 10]);

function denseError(sol, exact, t0, t1, m = 400) {
  let e = 0;
  for (let k = 0; k <= m; k++) {
    const t = t0 + ((t1 - t0) * k) / m;
    const v = sol.at(t);
    const x = exact(t);
    for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(v[i] - x[i]));
  }
  return e;
}

test('stiff in the middle: switches to the stiff method and back (nswitch 2), accurate everywhere, far cheaper than Tsit5', () => {
  for (const alg of [undefined, D.AutoTsit5(D.Rodas5P()), D.AutoVern7(D.Rodas5P()), D.AutoTsit5(D.KenCarp4()), D.AutoTsit5(D.TRBDF2()), D.AutoTsit5(D.FBDF()), D.AutoTsit5(D.RadauIIA5())]) {
    const sol = D.solve(bumpProb(), alg, { reltol: 1e-6, abstol: 1e-6 });
    assert.is(sol.retcode, 'Success');
    assert.is(sol.stats.nswitch, 2, `${sol.alg}: nswitch ${sol.stats.nswitch}`);
    const e = denseError(sol, bumpExact, 0, 10);
    if (process.env.DIFFLUX_VERBOSE) console.log('bump', sol.alg, e, JSON.stringify(sol.stats));
    assert.ok(e < 100 * 1e-6, `${sol.alg}: dense error ${e}`);
    const last = sol.u[sol.u.length - 1];
    assert.ok(Math.abs(last[0] - Math.sin(10)) < 1e-5 && Math.abs(last[1] - bumpExact(10)[1]) < 1e-5);
    // One save per accepted step of either method and the start once: nothing saved twice
    // where a method took over, and the steps of both counted.
    assert.is(sol.t.length, sol.stats.naccept + 1);
    for (let i = 1; i < sol.t.length; i++) assert.ok(sol.t[i] > sol.t[i - 1], `t[${i}] = ${sol.t[i]} after ${sol.t[i - 1]}`);
  }
  const d = D.solve(bumpProb(), undefined, { reltol: 1e-6, abstol: 1e-6 });
  const t = D.solve(bumpProb(), D.Tsit5(), { reltol: 1e-6, abstol: 1e-6 });
  assert.ok(d.stats.nf * 5 < t.stats.nf, `default nf ${d.stats.nf}, Tsit5 nf ${t.stats.nf}`);
});

test('after the switch back the nonstiff method runs: steps past t = 7 make no Jacobians', () => {
  const whole = D.solve(bumpProb(), undefined, { reltol: 1e-6, abstol: 1e-6 });
  const upTo7 = D.solve(new D.ODEProblem(bump, [0, 0.5], [0, 7]), undefined, { reltol: 1e-6, abstol: 1e-6 });
  assert.is(upTo7.stats.nswitch, 2);
  assert.is(whole.stats.njacs, upTo7.stats.njacs);
  assert.ok(whole.stats.naccept > upTo7.stats.naccept);
});

// Stiff for a stretch of every period of 4: λ ≈ 1e4 where sin(πt/2) > 0.5.
const lamPeriodic = (t) => 1 + 1e4 / (1 + Math.exp(-20 * (Math.sin((Math.PI * t) / 2) - 0.5)));
const periodic = (du, u, p, t) => { du[0] = -lamPeriodic(t) * (u[0] - Math.sin(t)) + Math.cos(t); };

test('the switch limit: at most switchMax returns to the nonstiff method (default 5), then it stays stiff', () => {
  const prob = new D.ODEProblem(periodic, [0], [0, 40]);
  const free = D.solve(prob, D.AutoTsit5(undefined, { switchMax: 100 }), { reltol: 1e-5, abstol: 1e-7 });
  assert.is(free.retcode, 'Success');
  assert.ok(free.stats.nswitch >= 14, `unlimited: ${free.stats.nswitch}`);
  for (const [opts, expected] of [[undefined, 11], [{ switchMax: 2 }, 5], [{ switchMax: 0 }, 1]]) {
    const sol = D.solve(prob, D.AutoTsit5(undefined, opts), { reltol: 1e-5, abstol: 1e-7 });
    assert.is(sol.retcode, 'Success');
    assert.is(sol.stats.nswitch, expected, `${JSON.stringify(opts)}: nswitch ${sol.stats.nswitch}`);
    assert.ok(Math.abs(sol.u[sol.u.length - 1][0] - Math.sin(40)) < 1e-3);
  }
});

test('the stiffness threshold and count are the ones asked for', () => {
  const short = new D.ODEProblem(rober, R.u0, [0, 10]);
  // A threshold nothing reaches: the nonstiff method all the way, bit for bit Tsit5.
  const never = D.solve(short, D.AutoTsit5(undefined, { nonstifftol: 1e12 }), { reltol: 1e-4, abstol: 1e-8 });
  const tsit5 = D.solve(short, D.Tsit5(), { reltol: 1e-4, abstol: 1e-8 });
  assert.is(never.stats.nswitch, 0);
  assert.is(never.stats.nf, tsit5.stats.nf);
  assert.equal(Array.from(never.u[never.u.length - 1]), Array.from(tsit5.u[tsit5.u.length - 1]));
  // The sooner the count may switch, the fewer explicit steps before it.
  const soon = D.solve(short, D.AutoTsit5(undefined, { maxstiffstep: 0 }), { reltol: 1e-4, abstol: 1e-8 });
  const late = D.solve(short, D.AutoTsit5(undefined, { maxstiffstep: 40 }), { reltol: 1e-4, abstol: 1e-8 });
  const dflt = D.solve(short, D.AutoTsit5(), { reltol: 1e-4, abstol: 1e-8 });
  for (const s of [soon, late, dflt]) assert.ok(s.stats.nswitch >= 1 && s.retcode === 'Success');
  // Explicit steps: accepted steps less the stiff method's (one Jacobian per accepted step).
  const explicit = (s) => s.stats.naccept - s.stats.njacs;
  assert.ok(explicit(soon) < explicit(dflt) && explicit(dflt) < explicit(late), `${explicit(soon)}, ${explicit(dflt)}, ${explicit(late)}`);
  assert.ok(explicit(late) - explicit(dflt) >= 30, 'maxstiffstep 40 waits at least 30 more stiff tests than 10');
});

test('dense output across switches agrees with the reference (ROBER between and at the reference times)', () => {
  const sol = D.solve(roberProb(), undefined, { reltol: 1e-6, abstol: 1e-10 });
  assert.ok(sol.stats.nswitch >= 1);
  assert.ok(roberScaledError((k) => sol.at(R.t[k]), 1e-6, 1e-10) <= 1);
  // A step boundary reads the saved state exactly, also where one method handed over.
  for (let i = 0; i < sol.t.length; i += 7) assert.equal(Array.from(sol.at(sol.t[i])), Array.from(sol.u[i]));
  assert.throws(() => sol.at(2e11), /outside the solved interval/);
});

test('saveat across switches: every requested time, each within the tolerance', () => {
  const sol = D.solve(bumpProb(), undefined, { reltol: 1e-6, abstol: 1e-6, saveat: 0.25 });
  assert.is(sol.stats.nswitch, 2);
  assert.is(sol.t.length, 41);
  for (let i = 0; i < sol.t.length; i++) {
    assert.is(sol.t[i], i * 0.25);
    const x = bumpExact(sol.t[i]);
    assert.ok(Math.abs(sol.u[i][0] - x[0]) < 1e-4 && Math.abs(sol.u[i][1] - x[1]) < 1e-4, `t = ${sol.t[i]}`);
  }
  const r = D.solve(roberProb(), undefined, { reltol: 1e-5, abstol: 1e-10, saveat: R.t });
  assert.equal(Array.from(r.t), R.t);
  assert.ok(roberScaledError((k) => r.u[k], 1e-5, 1e-10) <= 1);
});

test('tstops across switches are all stepped to', () => {
  const tstops = [1.5, 4.25, 5.5, 8.125];
  const sol = D.solve(bumpProb(), undefined, { reltol: 1e-6, abstol: 1e-6, tstops });
  assert.is(sol.stats.nswitch, 2);
  for (const ts of tstops) assert.ok(sol.t.includes(ts), `missing ${ts}`);
});

test('explicit AutoVern7(Rodas5P()) on ROBER', () => {
  const alg = D.AutoVern7(D.Rodas5P());
  assert.is(alg.kind, 'auto');
  assert.is(alg.name, 'AutoVern7(Rodas5P)');
  const sol = D.solve(roberProb(), alg, { reltol: 1e-8, abstol: 1e-12 });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.alg, 'AutoVern7(Rodas5P)');
  assert.ok(sol.stats.nswitch >= 1);
  const e = roberScaledError((k) => sol.at(R.t[k]), 1e-8, 1e-12);
  if (process.env.DIFFLUX_VERBOSE) console.log('AutoVern7(Rodas5P) ROBER', e, JSON.stringify(sol.stats));
  assert.ok(e <= 1, `scaled error ${e}`);
  assert.is(D.solve(roberProb(), 'AutoTsit5').alg, 'AutoTsit5(Rosenbrock23)');
  assert.is(D.AutoTsit5().name, 'AutoTsit5(Rosenbrock23)');
  assert.is(D.AutoVern7(D.Rodas4()).name, 'AutoVern7(Rodas4)');
});

test('stiffalgfirst starts with the stiff method and leaves it on a nonstiff problem', () => {
  const prob = new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams);
  const sol = D.solve(prob, D.AutoTsit5(D.Rosenbrock23(), { stiffalgfirst: true }));
  assert.is(sol.retcode, 'Success');
  assert.is(sol.stats.nswitch, 1);
  // maxnonstiffstep = 3: the fourth nonstiff test (one per accepted step) hands over; the
  // Rosenbrock steps make one Jacobian each.
  assert.is(sol.stats.njacs, 4);
  assert.ok(Math.abs(sol.at(10, 0) - reference.lotka_volterra.u[20][0]) < 1e-2);
});

test('events across switches: a ContinuousCallback in the stiff stretch and one after it', () => {
  const hits = [];
  const cb = D.CallbackSet
    ? new D.CallbackSet(
      new D.ContinuousCallback((u, t) => t - 4.5, (integ) => { hits.push(integ.t); integ.u[1] += 1; }),
      new D.ContinuousCallback((u, t) => t - 8, (integ) => { hits.push(integ.t); integ.u[1] -= 1; }),
    )
    : null;
  const sol = D.solve(bumpProb(), undefined, { reltol: 1e-7, abstol: 1e-7, callback: cb });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.stats.nswitch, 2);
  assert.is(hits.length, 2);
  assert.ok(Math.abs(hits[0] - 4.5) < 1e-9 && Math.abs(hits[1] - 8) < 1e-9, String(hits));
  // v = (cos t + sin t)/2 + e^{−(t−4.5)} − e^{−(t−8)} after both jumps.
  const v10 = bumpExact(10)[1] + Math.exp(-5.5) - Math.exp(-2);
  const last = sol.u[sol.u.length - 1];
  assert.ok(Math.abs(last[1] - v10) < 1e-5, `${last[1]} vs ${v10}`);
  assert.ok(Math.abs(last[0] - Math.sin(10)) < 1e-5);
  const term = D.solve(bumpProb(), undefined, {
    callback: new D.ContinuousCallback((u, t) => t - 5, (integ) => integ.terminate()),
  });
  assert.is(term.retcode, 'Terminated');
  assert.is(term.t[term.t.length - 1], 5);
});

test('bad stiff methods and options give clear errors', () => {
  assert.throws(() => D.AutoTsit5(D.Tsit5()), /Tsit5 is an explicit method; the stiff method must be a stiff solver/);
  assert.throws(() => D.AutoVern7(D.DP5()), /DP5 is an explicit method/);
  assert.throws(() => D.AutoTsit5(D.Rosenbrock23), /pass the stiff method called/);
  assert.throws(() => D.AutoTsit5('Rosenbrock23'), /must be an algorithm/);
  assert.throws(() => D.AutoTsit5(D.Rodas5P(), { maxstifstep: 3 }), /unknown option 'maxstifstep'/);
  assert.throws(() => D.AutoTsit5(undefined, { switchMax: -1 }), /switchMax must be a whole number/);
  assert.throws(() => D.AutoTsit5(undefined, { stifftol: 0 }), /stifftol must be > 0/);
  assert.throws(() => D.solve(bumpProb(), D.AutoTsit5(), { adaptive: false, dt: 0.1 }), /needs adaptive stepping/);
  assert.is(D.solve(bumpProb(), D.Tsit5()).stats.nswitch, 0);
});

test('the default stiff choice: Rosenbrock23, Rodas5P at reltol < 1e-6 or with a mass matrix, FBDF above 50 states', () => {
  assert.is(D.defaultStiffChoice(3, 1e-3, false).name, 'Rosenbrock23');
  assert.is(D.defaultStiffChoice(3, 1e-7, false).name, 'Rodas5P');
  assert.is(D.defaultStiffChoice(3, 1e-3, true).name, 'Rodas5P');
  assert.is(D.defaultStiffChoice(50, 1e-3, false).name, 'Rosenbrock23');
  assert.is(D.defaultStiffChoice(51, 1e-3, false).name, 'FBDF');
  assert.is(D.defaultStiffChoice(51, 1e-7, true).name, 'FBDF');
  assert.is(D.defaultAlgorithm(51, 1e-3, false).name, 'AutoTsit5(FBDF)');
  assert.is(D.defaultAlgorithm(2, 1e-7, false).name, 'AutoVern7(Rodas5P)');
  // 60 states (20 copies of ROBER): the default still switches and solves.
  const m = 20;
  const big = (du, u) => { for (let c = 0; c < m; c++) rober(du.subarray(3 * c, 3 * c + 3), u.subarray(3 * c, 3 * c + 3)); };
  const u0 = new Float64Array(3 * m);
  for (let c = 0; c < m; c++) u0[3 * c] = 1;
  const sol = D.solve(new D.ODEProblem(big, u0, [0, 1e5]), undefined, { reltol: 1e-4, abstol: 1e-9, saveEverystep: false });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.alg, 'AutoTsit5(FBDF)');
  assert.ok(sol.stats.nswitch >= 1);
  const k = R.t.indexOf(1e5);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(sol.u[1][3 * 7 + i] - R.u[k][i]) <= 100 * (1e-4 * R.u[k][i] + 1e-9));
});

test('a mass-matrix problem starts stiff and never switches', () => {
  // M = diag(1, 1, 0): ROBER as a DAE, y1 + y2 + y3 = 1.
  const dae = (du, u) => {
    du[0] = -0.04 * u[0] + 1e4 * u[1] * u[2];
    du[1] = 0.04 * u[0] - 3e7 * u[1] * u[1] - 1e4 * u[1] * u[2];
    du[2] = u[0] + u[1] + u[2] - 1;
  };
  const prob = new D.ODEProblem(dae, [1, 0, 0], [0, 1e5], undefined, { massMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 0]] });
  const sol = D.solve(prob);
  assert.is(sol.retcode, 'Success');
  assert.is(sol.alg, 'AutoTsit5(Rodas5P)');
  assert.is(sol.stats.nswitch, 0);
  const k = R.t.indexOf(1e5);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(sol.u[sol.u.length - 1][i] - R.u[k][i]) < 1e-4);
});

test('memory is released after switching solves, failures and errors thrown in either method', () => {
  D.solve(roberProb());
  D.solve(bumpProb(), undefined, { saveat: 0.5 });
  assert.is(D.solve(roberProb(), undefined, { maxiters: 30 }).retcode, 'MaxIters');
  let calls = 0;
  const throwsLate = (du, u, p, t) => {
    rober(du, u);
    if (t > 1 && ++calls > 5) throw new Error('boom');
  };
  assert.throws(() => D.solve(new D.ODEProblem(throwsLate, R.u0, [0, 1e5])), /right-hand side failed.*boom/);
  assert.throws(
    () => D.solve(bumpProb(), undefined, { callback: new D.ContinuousCallback((u, t) => t - 5, () => { throw new Error('affect failed'); }) }),
    /callback threw.*affect failed/,
  );
  assert.is(D.memoryInUse(), 0);
});

test('more than 50 states: the default switches to FBDF and matches a tight Rodas5P solve', () => {
  // The 1-D Brusselator by the method of lines (Hairer–Wanner II, §IV.10), 40 points, 80 states.
  const N = 40;
  const c = (N + 1) * (N + 1) / 50;
  const bruss = (du, y) => {
    for (let i = 0; i < N; i++) {
      const u = y[2 * i], v = y[2 * i + 1];
      const ul = i > 0 ? y[2 * i - 2] : 1, ur = i < N - 1 ? y[2 * i + 2] : 1;
      const vl = i > 0 ? y[2 * i - 1] : 3, vr = i < N - 1 ? y[2 * i + 3] : 3;
      du[2 * i] = 1 + u * u * v - 4 * u + c * (ul - 2 * u + ur);
      du[2 * i + 1] = 3 * u - u * u * v + c * (vl - 2 * v + vr);
    }
  };
  const u0 = [];
  for (let i = 0; i < N; i++) u0.push(1 + Math.sin((2 * Math.PI * (i + 1)) / (N + 1)), 3);
  const prob = new D.ODEProblem(bruss, u0, [0, 10], undefined, { inplace: true });
  const times = [1, 5, 10];
  const ref = D.solve(prob, 'Rodas5P', { reltol: 1e-10, abstol: 1e-10, saveat: times });
  const rt = 1e-5;
  const sol = D.solve(prob, undefined, { reltol: rt, abstol: rt, saveat: times });
  assert.is(sol.retcode, 'Success');
  assert.is(sol.alg, 'AutoTsit5(FBDF)');
  assert.ok(sol.stats.nswitch >= 1, `nswitch ${sol.stats.nswitch}`);
  assert.ok(sol.stats.njacs >= 1);
  let worst = 0;
  sol.u.forEach((u, k) => u.forEach((x, i) => { worst = Math.max(worst, Math.abs(x - ref.u[k][i]) / (rt + rt * Math.abs(ref.u[k][i]))); }));
  assert.ok(worst <= 100, `error ${worst}× the tolerance`);
  assert.is(D.memoryInUse(), 0);
});

test.run();
