// Events: bouncing ball against the analytic bounce times, terminate, discrete callbacks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D } from './helpers.mjs';

const g = 9.81;
const e = 0.9; // restitution
const h0 = 50;
const ball = (du, u) => { du[0] = u[1]; du[1] = -g; };

/** Analytic bounce times: first fall from h0 at rest, then flights of 2·v/g with v shrinking by e. */
function bounceTimes(count) {
  const out = [];
  let t = Math.sqrt((2 * h0) / g);
  let v = g * t;
  out.push(t);
  for (let i = 1; i < count; i++) {
    v *= e;
    t += (2 * v) / g;
    out.push(t);
  }
  return out;
}

function bounce(alg, opts = {}) {
  const times = [];
  const cb = new D.ContinuousCallback(
    (u) => u[0],
    (integ) => { times.push(integ.t); integ.u[1] = -e * integ.u[1]; },
    { direction: 'down' },
  );
  const prob = new D.ODEProblem(ball, [h0, 0], [0, 40], undefined, { inplace: true });
  const sol = D.solve(prob, alg, { callback: cb, ...opts });
  return { sol, times };
}

for (const alg of ['Tsit5', 'DP5', 'Vern7', 'Vern9', 'DP8', 'BS3']) {
  test(`${alg}: bounce times match the analytic ones to 1e-8`, () => {
    const { sol, times } = bounce(alg);
    assert.is(sol.retcode, 'Success');
    const exact = bounceTimes(times.length);
    assert.ok(times.length >= 8, `only ${times.length} bounces`);
    assert.ok(bounceTimes(times.length + 1)[times.length] > 40, 'a bounce was missed');
    times.forEach((t, i) => assert.ok(Math.abs(t - exact[i]) < 1e-8, `${alg} bounce ${i}: ${t} vs ${exact[i]}`));
    // The ball never goes (noticeably) below the floor, even between saved steps.
    for (let t = 0; t < 40; t += 0.01) assert.ok(sol.at(t, 0) > -1e-9, `below floor at ${t}`);
  });
}

test('event states are saved before and after the affect', () => {
  const { sol, times } = bounce('Tsit5');
  const i = Array.from(sol.t).indexOf(times[0]);
  assert.ok(i > 0);
  assert.is(sol.t[i + 1], times[0]);
  assert.ok(sol.u[i][1] < 0 && sol.u[i + 1][1] > 0);
  assert.ok(Math.abs(sol.u[i + 1][1] + e * sol.u[i][1]) < 1e-12);
});

test('terminate stops the solve at the event with retcode Terminated', () => {
  const cb = new D.ContinuousCallback((u) => u[0], null, { terminate: true });
  const prob = new D.ODEProblem(ball, [h0, 0], [0, 40], undefined, { inplace: true });
  const sol = D.solve(prob, D.Tsit5(), { callback: cb });
  assert.is(sol.retcode, 'Terminated');
  const tEnd = sol.t[sol.t.length - 1];
  assert.ok(Math.abs(tEnd - Math.sqrt((2 * h0) / g)) < 1e-9);
  assert.ok(Math.abs(sol.u[sol.u.length - 1][0]) < 1e-9);
});

test('integrator.terminate() inside an affect stops the solve', () => {
  const cb = new D.ContinuousCallback((u, t) => t - 2.5, (integ) => integ.terminate());
  const sol = D.solve(new D.ODEProblem(ball, [h0, 0], [0, 40], undefined, { inplace: true }), D.Tsit5(), { callback: cb });
  assert.is(sol.retcode, 'Terminated');
  assert.ok(Math.abs(sol.t[sol.t.length - 1] - 2.5) < 1e-12);
});

test('direction: up ignores downcrossings', () => {
  // x = sin t crosses zero downward at π, upward at 2π.
  const f = (du, u, p, t) => { du[0] = Math.cos(t); };
  const seen = [];
  const cb = new D.ContinuousCallback((u) => u[0], (integ) => seen.push(integ.t), { direction: 'up' });
  D.solve(new D.ODEProblem(f, [Math.sin(0.1)], [0.1, 10]), D.Tsit5(), { callback: cb, abstol: 1e-10, reltol: 1e-10 });
  assert.is(seen.length, 1);
  assert.ok(Math.abs(seen[0] - 2 * Math.PI) < 1e-8);
});

test('a crossing that both starts and ends a step on one side is found', () => {
  // g = (t − 1)(t − 1.2): two roots inside one step (dtmax 0.5), same sign at both ends.
  const f = (du) => { du[0] = 0; };
  const seen = [];
  const cb = new D.ContinuousCallback((u, t) => (t - 1) * (t - 1.2), (integ) => seen.push(integ.t));
  D.solve(new D.ODEProblem(f, [0], [0, 3]), D.Tsit5(), { callback: cb, dtmax: 0.5 });
  assert.is(seen.length, 2);
  assert.ok(Math.abs(seen[0] - 1) < 1e-12 && Math.abs(seen[1] - 1.2) < 1e-12);
});

test('DiscreteCallback fires after steps where its condition holds, and affect changes u', () => {
  // Exponential decay; whenever u < 0.5 after a step, refill to 1.
  const f = (du, u) => { du[0] = -u[0]; };
  let fired = 0;
  const cb = new D.DiscreteCallback((u) => u[0] < 0.5, (integ) => { fired++; integ.u[0] = 1; });
  const sol = D.solve(new D.ODEProblem(f, [1], [0, 10]), D.Tsit5(), { callback: cb });
  assert.ok(fired >= 10 && fired <= 16, `${fired}`);
  for (const u of sol.u) assert.ok(u[0] > 0.2 && u[0] <= 1);
  assert.ok(sol.u.some((u) => u[0] < 0.5), 'pre-affect states are saved');
});

test('CallbackSet combines callbacks; the earliest event fires first', () => {
  const order = [];
  const a = new D.ContinuousCallback((u, t) => t - 2, () => order.push('a'));
  const b = new D.ContinuousCallback((u, t) => t - 1, () => order.push('b'));
  const f = (du) => { du[0] = 1; };
  D.solve(new D.ODEProblem(f, [0], [0, 3]), D.Tsit5(), { callback: new D.CallbackSet(a, b) });
  assert.equal(order, ['b', 'a']);
});

test('an affect that throws surfaces as an error naming the callback', () => {
  const cb = new D.ContinuousCallback((u) => u[0], () => { throw new Error('boom'); });
  const prob = new D.ODEProblem(ball, [h0, 0], [0, 40], undefined, { inplace: true });
  assert.throws(() => D.solve(prob, D.Tsit5(), { callback: cb }), /callback threw.*boom/);
  assert.is(D.memoryInUse(), 0);
});

test('a saveat time equal to an event time saves the state at the event', () => {
  // u' = −u from 1: the event at u = 0.5 is at t = ln 2; save exactly there and around it.
  const tEvent = [];
  const cb = new D.ContinuousCallback((u) => u[0] - 0.5, (integ) => tEvent.push(integ.t), { terminate: false });
  const prob = new D.ODEProblem((du, u) => { du[0] = -u[0]; }, [1], [0, 2], undefined, { inplace: true });
  const first = D.solve(prob, D.Tsit5(), { callback: cb, abstol: 1e-10, reltol: 1e-10 });
  assert.is(first.retcode, 'Success');
  const te = tEvent[0];
  const sol = D.solve(prob, D.Tsit5(), { callback: cb, abstol: 1e-10, reltol: 1e-10, saveat: [0.5, te, 1.5] });
  assert.equal(Array.from(sol.t), [0.5, te, 1.5]);
  assert.ok(Math.abs(sol.u[1][0] - 0.5) < 1e-9, `${sol.u[1][0]}`);
  assert.ok(Math.abs(sol.u[2][0] - Math.exp(-1.5)) < 1e-8);
});

test.run();
