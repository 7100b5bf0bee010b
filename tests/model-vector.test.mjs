// Vector states in the model language: elementwise broadcasting, reductions, shape errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D } from './helpers.mjs';

test('du = sin(cos(u)) - exp(u) over 1000 states matches the JavaScript function', () => {
  const N = 1000;
  const m = D.ode({ dims: { u: N } })`du = sin(cos(u)) - exp(u)`;
  assert.equal([...m.sizes], [N]);
  assert.is(m.length, N);
  const u0 = Float64Array.from({ length: N }, (_, i) => i / N);
  const f = (du, u) => { for (let i = 0; i < u.length; i++) du[i] = Math.sin(Math.cos(u[i])) - Math.exp(u[i]); };
  const a = D.solve(new D.ODEProblem(m, u0, [0, 5]), 'Tsit5', { abstol: 1e-9, reltol: 1e-9, saveEverystep: false, dense: false });
  const b = D.solve(new D.ODEProblem(f, u0, [0, 5], undefined, { inplace: true }), 'Tsit5', { abstol: 1e-9, reltol: 1e-9, saveEverystep: false, dense: false });
  const ua = a.u[a.u.length - 1], ub = b.u[b.u.length - 1];
  // The engine's sin/cos/exp against JavaScript's: equal to rounding.
  for (let i = 0; i < N; i++) assert.ok(Math.abs(ua[i] - ub[i]) < 1e-9, `u[${i}]`);
  // The evaluation itself, elementwise.
  const du = m.evaluate(u0, []);
  for (const i of [0, 1, 499, 999]) assert.ok(Math.abs(du[i] - (Math.sin(Math.cos(u0[i])) - Math.exp(u0[i]))) <= 4e-16 * 3);
});

test('scalars and vectors mix: broadcasting, sum, dot, a scalar right side filling a vector', () => {
  const m = D.ode({ dims: { v: 4, w: 4 } })`
    tot = sum(v)
    ds = -k*tot + dot(v, w)
    dv = -v*tot + w/2 - 1
    dw = c
  `;
  assert.equal([...m.states], ['s', 'v', 'w']);
  assert.equal([...m.sizes], [1, 4, 4]);
  assert.is(m.length, 9);
  const u = [0.5, 1, 2, 3, 4, -1, 0.5, 0.25, 2];
  const [k, c] = [0.3, 1.5];
  const du = m.evaluate(u, [k, c], 0);
  const v = u.slice(1, 5), w = u.slice(5, 9);
  let s = 0; for (const x of v) s += x;
  let d = 0; for (let i = 0; i < 4; i++) d += v[i] * w[i];
  const want = [-k * s + d, ...v.map((x, i) => -x * s + w[i] / 2 - 1), c, c, c, c];
  assert.equal(Array.from(du), want);
});

test('shape errors point at the operator, and sizes are checked', () => {
  const bad = (src, dims, re, column) => {
    try {
      D.ode({ dims })([src]);
      assert.unreachable(src);
    } catch (e) {
      assert.instance(e, D.ModelSyntaxError);
      assert.match(e.message, re);
      assert.is(e.column, column, src);
    }
  };
  bad('du = u + v\ndv = v', { u: 3, v: 4 }, /a vector of 3 and a vector of 4/, 8);
  bad('du = u*dot(u, v)\ndv = v', { u: 3, v: 4 }, /dot needs two vectors of one length, got 3 and 4/, 8);
  bad('du = v\ndv = v', { u: 3, v: 4 }, /du has 3 entries but the right side has 4/, 1);
  assert.throws(() => D.ode({ dims: { q: 3 } })`du = u`, /dims names 'q', which is neither a state nor a parameter/);
  assert.throws(() => D.ode({ dims: { u: 0 } })`du = u`, /dims.u must be a positive integer/);
  const m = D.ode({ dims: { u: 3 } })`du = -u`;
  assert.throws(() => new D.ODEProblem(m, [1, 2], [0, 1]), /u0 has 2 values but the model has 3 \(u\[3\]\)/);
});

test('vector models: derivatives and emitted code say they are not available yet; the tape is used', () => {
  const m = D.ode({ dims: { u: 3 } })`du = -k*u`;
  assert.throws(() => m.jacobian([1, 2, 3], [1]), /not available for models with vector states yet/);
  assert.throws(() => m.jvp([1, 2, 3], [1], 0, [1, 0, 0]), /not available for models with vector states yet/);
  assert.is(m.compileWasm(), false);
  const sol = D.solve(new D.ODEProblem(m, [1, 2, 3], [0, 1], [2]), 'Vern9', { abstol: 1e-12, reltol: 1e-12 });
  const end = sol.u[sol.u.length - 1];
  [1, 2, 3].forEach((x, i) => assert.ok(Math.abs(end[i] - x * Math.exp(-2)) < 1e-10));
  assert.is(m.toString(), 'du = -k * u');
});

test('indexing a vector state, counted from 1 as in Julia', () => {
  const m = D.ode({ dims: { u: 3 } })`
    du = -u + u[3]
    dv = u[1]*u[2] - v
  `;
  assert.equal(Array.from(m.evaluate([1, 2, 3, 4], [])), [-1 + 3, -2 + 3, -3 + 3, 1 * 2 - 4]);
  assert.is(m.toString(), 'du = -u + u[3]\ndv = u[1] * u[2] - v');
  assert.is(D.ode({ dims: { u: 3 } })([m.toString()]).toString(), m.toString());
  const bad = (src, re, column) => {
    try { D.ode({ dims: { u: 3 } })([src]); assert.unreachable(src); } catch (e) {
      assert.match(e.message, re);
      assert.is(e.column, column, src);
    }
  };
  bad('du = u[4]', /index 4 is outside u\[1\.\.3\] \(indices count from 1\)/, 8);
  bad('du = u[0]', /index 0 is outside/, 8);
  bad('du = u[1.5]', /an index must be a whole number/, 8);
  bad('du = k[1]', /only vector states can be indexed, and 'k' is not a state/, 6);
  bad('du = u[1', /expected '\]'/, 9);
});

test('matrix parameters: W*v is a matrix–vector product, bit for bit like the JavaScript loop', () => {
  const m = D.ode({ dims: { u: 3, W: [3, 3], b: 3 } })`du = W*u + b - c*u`;
  assert.equal([...m.params], ['W', 'b', 'c']);
  assert.equal([...m.paramSizes], [9, 3, 1]);
  assert.is(m.toString(), 'du = W * u + b - c * u');
  assert.is(D.ode({ dims: { u: 3, W: [3, 3], b: 3 } })([m.toString()]).toString(), m.toString());
  const W = [[0.1, -0.4, 0.3], [0.7, 0.2, -0.5], [-0.6, 0.9, 0.05]];
  const b = [0.3, -0.2, 0.1];
  const c = 0.25;
  const f = (du, u) => {
    for (let i = 0; i < 3; i++) {
      let acc = 0;
      for (let j = 0; j < 3; j++) acc += W[i][j] * u[j];
      du[i] = acc + b[i] - c * u[i];
    }
  };
  const u0 = [1, -0.5, 0.25];
  const a = D.solve(new D.ODEProblem(m, u0, [0, 3], [W, b, c]), 'Tsit5', { abstol: 1e-10, reltol: 1e-10 });
  const j = D.solve(new D.ODEProblem(f, u0, [0, 3], undefined, { inplace: true }), 'Tsit5', { abstol: 1e-10, reltol: 1e-10 });
  assert.is(a.t.length, j.t.length);
  a.u.forEach((u, k) => assert.equal(Array.from(u), Array.from(j.u[k])));
  // p as a flat array, or by name with W as one flat row-major array.
  const flat = D.solve(new D.ODEProblem(m, u0, [0, 3], [...W.flat(), ...b, c]), 'Tsit5', { abstol: 1e-10, reltol: 1e-10 });
  const byName = D.solve(new D.ODEProblem(m, u0, [0, 3], { W: W.flat(), b, c }), 'Tsit5', { abstol: 1e-10, reltol: 1e-10 });
  assert.equal(Array.from(flat.u[flat.u.length - 1]), Array.from(a.u[a.u.length - 1]));
  assert.equal(Array.from(byName.u[byName.u.length - 1]), Array.from(a.u[a.u.length - 1]));
  assert.throws(() => new D.ODEProblem(m, u0, [0, 3], [[[1, 2]], b, c]), /p\[0\] \(W\) must have 9 values, got 2/);
  const bad = (src, dims, re) => assert.throws(() => D.ode({ dims })([src]), re);
  bad('du = W*u', { u: 3, W: [3, 2] }, /a matrix of 2 columns cannot multiply a vector of 3/);
  bad('du = W + u', { u: 3, W: [3, 3] }, /a matrix can only multiply a vector/);
  bad('du = u', { u: [3, 3] }, /state 'u' cannot be a matrix/);
});

test.run();
