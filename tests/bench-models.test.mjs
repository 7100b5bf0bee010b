// The gradient benchmark defines its models again (bench/lib/gradient-models.mjs); they must
// stay the models the gradient suites test: the same parameters and the same f.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, net50Model, NET50_U0, net50Params, lotkaVolterra as lvJs, lvParams } from './helpers.mjs';
import { lotkaVolterra, net50, problemOf } from '../bench/lib/gradient-models.mjs';

const U = [0.7, -1.3];

test('the 50-parameter model: same parameters, u0 and f as tests/helpers.mjs', () => {
  const p = net50.model.paramVector(net50.params());
  const q = net50Model.paramVector(net50Params());
  assert.is(p.length, 50);
  assert.equal(Array.from(p), Array.from(q));
  assert.equal(net50.u0, NET50_U0);
  assert.equal(Array.from(net50.model.evaluate(U, net50.params(), 0.3)), Array.from(net50Model.evaluate(U, net50Params(), 0.3)));
  assert.is(D.memoryInUse(), 0);
});

test('Lotka–Volterra: the reference parameters and the same f as the JavaScript form', () => {
  const p = lotkaVolterra.model.paramVector(lotkaVolterra.params());
  assert.equal(Array.from(p), lvParams);
  const du = new Float64Array(2);
  lvJs(du, U, lvParams, 0);
  const f = lotkaVolterra.model.evaluate(U, p, 0);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(f[i] - du[i]) <= 1e-15 * Math.abs(du[i]), `f[${i}] = ${f[i]}, expected ${du[i]}`);
  const prob = problemOf(lotkaVolterra, 100);
  assert.equal(Array.from(prob.tspan), [0, 100]);
  assert.is(D.memoryInUse(), 0);
});

test.run();
