// Vector states in the model language: elementwise broadcasting, reductions, shape errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, fdJacobian, assertClose } from './helpers.mjs';

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

test('vector models: emitted code is declined (the tape is used) and the solve is right', () => {
  const m = D.ode({ dims: { u: 3 } })`du = -k*u`;
  assert.is(m.compileWasm(), false);
  const sol = D.solve(new D.ODEProblem(m, [1, 2, 3], [0, 1], [2]), 'Vern9', { abstol: 1e-12, reltol: 1e-12 });
  const end = sol.u[sol.u.length - 1];
  [1, 2, 3].forEach((x, i) => assert.ok(Math.abs(end[i] - x * Math.exp(-2)) < 1e-10));
  assert.is(m.toString(), 'du = -k * u');
});

test('W*v over rows in blocks of four and a tail: each row summed left to right, bit for bit', () => {
  for (const [rows, cols] of [[4, 1], [8, 5], [11, 7], [13, 16]]) {
    const m = D.ode({ dims: { u: cols, v: rows, W: [rows, cols] } })`
      du = -u
      dv = W*u
    `;
    const W = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.sin(1 + i * cols + j) / 3));
    const u = Array.from({ length: cols }, (_, j) => Math.cos(2 * j) * 1e3 ** (j % 3 - 1));
    const got = m.evaluate([...u, ...new Array(rows).fill(0)], [W]).slice(cols);
    const want = W.map((row) => row.reduce((acc, w, j) => acc + w * u[j], 0));
    assert.equal(Array.from(got), want, `${rows}×${cols}`);
  }
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


// Vector models differentiated on the tape (forward and reverse sweeps over vector
// instructions) and symbolically (written out element by element).
const rand = (seed) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const vectorModels = () => {
  const r = rand(7);
  const vals = (n, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * r());
  return [
    {
      what: 'a two-layer network W2·tanh(W1·u + b1)',
      m: D.ode({ dims: { u: 3, W1: [5, 3], b1: 5, W2: [3, 5] } })`du = W2*tanh(W1*u + b1)`,
      u: vals(3), p: [...vals(15), ...vals(5), ...vals(15)],
    },
    {
      what: 'broadcasts, reductions, indexing and ifelse',
      m: D.ode({ dims: { u: 4 } })`
        du = sin(cos(u)) - k*exp(u) + sum(u)*v + u^2/(1 + v^2)
        dv = dot(u, u) - v*ifelse(v > 0, v, -v) + u[2]*log1p(u[4]^2) + max(u[1], u[3])
      `,
      u: [...vals(4), 0.7], p: [0.8],
    },
    {
      what: 'a vector parameter against vector states',
      m: D.ode({ dims: { x: 6, c: 6 } })`
        dx = -c*x + sigmoid(x)*y - softplus(c - x)
        dy = -y*sum(c*x) + sqrt(1 + y^2)
      `,
      u: [...vals(6), 0.3], p: vals(6, 0.5, 2),
    },
  ];
};

test('vector models: forward, reverse and symbolic Jacobians agree and match finite differences', () => {
  for (const { what, m, u, p } of vectorModels()) {
    const pf = m.paramVector(p);
    const Jf = m.jacobian(u, p, 0.4, 'forward');
    assert.is(Jf.length, m.length * m.length, what);
    assertClose(m.jacobian(u, p, 0.4, 'reverse'), Jf, 1e-12, `${what}: ∂f/∂u reverse vs forward`);
    assertClose(m.jacobian(u, p, 0.4, 'symbolic'), Jf, 1e-12, `${what}: ∂f/∂u symbolic vs forward`);
    assertClose(Jf, fdJacobian(m, u, pf, 0.4, 'u'), 1e-6, `${what}: ∂f/∂u vs finite differences`);
    const Pf = m.paramJacobian(u, p, 0.4, 'forward');
    assert.is(Pf.length, m.length * pf.length, what);
    assertClose(m.paramJacobian(u, p, 0.4, 'reverse'), Pf, 1e-12, `${what}: ∂f/∂p reverse vs forward`);
    assertClose(m.paramJacobian(u, p, 0.4, 'symbolic'), Pf, 1e-12, `${what}: ∂f/∂p symbolic vs forward`);
    assertClose(Pf, fdJacobian(m, u, pf, 0.4, 'p'), 1e-6, `${what}: ∂f/∂p vs finite differences`);
  }
});

test('vector models: ⟨v, J w⟩ = ⟨Jᵀ v, w⟩ from one forward and one reverse sweep', () => {
  const r = rand(11);
  for (const { what, m, u, p } of vectorModels()) {
    const v = Array.from({ length: m.length }, () => r() - 0.5);
    const w = Array.from({ length: m.length }, () => r() - 0.5);
    const Jw = m.jvp(u, p, 0.1, w);
    const JTv = m.vjp(u, p, 0.1, v).u;
    const lhs = v.reduce((s, x, i) => s + x * Jw[i], 0);
    const rhs = w.reduce((s, x, i) => s + x * JTv[i], 0);
    assert.ok(Math.abs(lhs - rhs) <= 1e-12 * Math.max(1, Math.abs(lhs)), `${what}: ${lhs} vs ${rhs}`);
  }
});

test('Jacobians wider than one block of tangent lanes are assembled from several sweeps', () => {
  const N = 150;
  const m = D.ode({ dims: { u: N, a: N } })`du = a*sin(u) - u*sum(u)/100`;
  const u = Array.from({ length: N }, (_, i) => Math.cos(i));
  const a = Array.from({ length: N }, (_, i) => 1 + i / N);
  const Jf = m.jacobian(u, [a], 0, 'forward');
  const S = u.reduce((s, x) => s + x, 0);
  for (const i of [0, 63, 64, 127, 128, 149]) {
    for (const j of [0, 1, 64, 149]) {
      const want = (i === j ? a[i] * Math.cos(u[i]) - S / 100 : 0) - u[i] / 100;
      assert.ok(Math.abs(Jf[i * N + j] - want) < 1e-13, `J[${i},${j}] = ${Jf[i * N + j]}, want ${want}`);
    }
  }
  assertClose(m.jacobian(u, [a], 0, 'reverse'), Jf, 1e-12, 'reverse vs forward');
  // ∂f/∂a is diagonal: sin(u_i).
  const P = m.paramJacobian(u, [a]);
  for (const i of [0, 64, 149]) {
    assert.ok(Math.abs(P[i * N + i] - Math.sin(u[i])) < 1e-15);
    assert.is(P[i * N + ((i + 1) % N)], 0);
  }
});

test('100 000 states: the Jacobian–vector product of sin(cos(u)) − exp(u) is the analytic one', () => {
  const N = 100_000;
  const m = D.ode({ dims: { u: N } })`du = sin(cos(u)) - exp(u)`;
  const u = Float64Array.from({ length: N }, (_, i) => Math.sin(i) * 2);
  const v = Float64Array.from({ length: N }, (_, i) => Math.cos(3 * i));
  const Jv = m.jvp(u, [], 0, v);
  const wTJ = m.vjp(u, [], 0, v).u;
  for (let i = 0; i < N; i += 997) {
    const d = -Math.cos(Math.cos(u[i])) * Math.sin(u[i]) - Math.exp(u[i]);
    assert.ok(Math.abs(Jv[i] - d * v[i]) <= 1e-14 * Math.max(1, Math.abs(d * v[i])), `Jv[${i}]`);
    // Diagonal: vᵀJ equals J·v element by element (up to the order of the roundings).
    assert.ok(Math.abs(wTJ[i] - Jv[i]) <= 1e-15 * Math.max(1, Math.abs(Jv[i])), `vᵀJ[${i}]`);
  }
  assert.throws(() => m.jacobian(u, []), /a dense 100000×100000 Jacobian has more than 100000000 entries; use jvp\/vjp/);
});

test('sparsity of vector models; symbolic Jacobians that are too large say so', () => {
  const m = D.ode({ dims: { u: 3 } })`
    du = -u*v
    dv = u[1] - v
  `;
  assert.equal(m.jacobianSparsity(), [
    true, false, false, true,
    false, true, false, true,
    false, false, true, true,
    true, false, false, true,
  ]);
  const big = D.ode({ dims: { u: 2000 } })`du = -u`;
  assert.throws(() => big.jacobian(new Float64Array(2000), [], 0, 'symbolic'), /symbolic 2000×2000 Jacobian is too large to write out .* use 'forward' or 'reverse'/);
  assert.throws(() => m.jacobian([1, 2, 3, 4], [], 0, 'adjoint'), /unknown Jacobian method 'adjoint' \(known: ad, symbolic, forward, reverse\)/);
  assert.throws(() => m.jvp([1, 2, 3], [], 0, [1, 2, 3, 4]), /u has 3 values but the model has 4/);
  assert.throws(() => m.vjp([1, 2, 3, 4], [], NaN, [1, 2, 3, 4]), /t must be a finite number, got NaN/);
  // Every derivative call, failed ones included, leaves the engine's memory as it found it.
  assert.is(D.memoryInUse(), 0);
});

test.run();
