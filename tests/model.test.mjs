// The `ode` model language: parsing, errors with line and column, the tape against JavaScript.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D, lotkaVolterra, lvParams, maxAbsDiff, fdJacobian, assertClose } from './helpers.mjs';

const sameSolution = (a, b) => {
  if (a.t.length !== b.t.length) return false;
  for (let i = 0; i < a.t.length; i++) {
    if (a.t[i] !== b.t[i]) return false;
    for (let j = 0; j < a.u[i].length; j++) if (a.u[i][j] !== b.u[i][j]) return false;
  }
  return true;
};

test('the emoji Lotka–Volterra (Julia verbatim) solves bit for bit like the plain function', () => {
  const m = D.ode`
    d🐰 = α*🐰 - β*🐰*🦊
    d🦊 = -δ*🦊 + γ*🐰*🦊
  `;
  assert.equal([...m.states], ['🐰', '🦊']);
  assert.equal([...m.params], ['α', 'β', 'δ', 'γ']);
  for (const alg of ['Tsit5', 'Vern9', 'DP8', 'BS3']) {
    const a = D.solve(new D.ODEProblem(m, [1, 1], [0, 10], lvParams), alg, { abstol: 1e-8, reltol: 1e-8 });
    const b = D.solve(new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams), alg, { abstol: 1e-8, reltol: 1e-8 });
    assert.ok(sameSolution(a, b), alg);
    assert.is(a.stats.nf, b.stats.nf);
    assert.equal(Array.from(a.at(7.77)), Array.from(b.at(7.77)));
  }
});

test('declared parameter order, and parameters by name', () => {
  const m = D.ode({ params: ['γ', 'δ', 'β', 'α'] })`
    dx = α*x - β*x*y
    dy = -δ*y + γ*x*y
  `;
  assert.equal([...m.params], ['γ', 'δ', 'β', 'α']);
  const byOrder = D.solve(new D.ODEProblem(m, [1, 1], [0, 10], [1, 3, 1, 1.5]), 'Tsit5');
  const byName = D.solve(new D.ODEProblem(m, [1, 1], [0, 10], { α: 1.5, β: 1, δ: 3, γ: 1 }), 'Tsit5');
  const plain = D.solve(new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams), 'Tsit5');
  assert.ok(sameSolution(byOrder, plain));
  assert.ok(sameSolution(byName, plain));
});

test('intermediates, t, constants, functions, comparisons and ifelse evaluate as JavaScript does', () => {
  const m = D.ode`
    # a forced, damped oscillator with a few of everything
    r = x*x + v*v          ; s = sqrt(r)
    dx = v
    dv = -k*x - c*v + A*cos(w*t) + ifelse(x > 0, 0.5, -0.5)*0 + 0*tanh(s) + 0*max(x, v) + 0*abs(x)^2
  `;
  assert.equal([...m.states], ['x', 'v']);
  assert.equal([...m.params], ['k', 'c', 'A', 'w']);
  const p = [2, 0.1, 0.7, 1.3];
  const f = (du, u, q, t) => {
    const r = u[0] * u[0] + u[1] * u[1];
    const s = Math.sqrt(r);
    du[0] = u[1];
    du[1] = -q[0] * u[0] - q[1] * u[1] + q[2] * Math.cos(q[3] * t) + (u[0] > 0 ? 0.5 : -0.5) * 0 + 0 * Math.tanh(s) + 0 * Math.max(u[0], u[1]) + 0 * Math.abs(u[0]) ** 2;
  };
  const a = D.solve(new D.ODEProblem(m, [1, 0], [0, 20], p), 'Tsit5', { abstol: 1e-10, reltol: 1e-10, saveat: 1 });
  const b = D.solve(new D.ODEProblem(f, [1, 0], [0, 20], p), 'Tsit5', { abstol: 1e-10, reltol: 1e-10, saveat: 1 });
  // cos comes from the engine's math, not JavaScript's: equal to rounding, not necessarily in bits.
  a.u.forEach((u, i) => assert.ok(maxAbsDiff(u, b.u[i]) < 1e-9, `t=${a.t[i]}`));
});

test('elementary functions match JavaScript Math to a few ulps', () => {
  const fns = ['exp', 'log', 'log1p', 'expm1', 'sqrt', 'abs', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh'];
  for (const fn of fns) {
    // One step of Euler with dt = 1 from x = 0 gives x(1) = f(c): read f(c) back.
    for (const c of [0.1, 0.37, 0.9]) {
      const m = new D.Model(`dx = ${fn}(c) + 0*x`);
      const sol = D.solve(new D.ODEProblem(m, [0], [0, 1], [c]), 'Euler', { dt: 1 });
      const got = sol.u[1][0];
      const want = Math[fn](c);
      assert.ok(Math.abs(got - want) <= 4 * Number.EPSILON * Math.abs(want), `${fn}(${c}) = ${got}, Math gives ${want}`);
    }
  }
  const special = { sigmoid: (x) => 1 / (1 + Math.exp(-x)), softplus: (x) => Math.log1p(Math.exp(x)), relu: (x) => Math.max(x, 0), sign: Math.sign };
  for (const [fn, ref] of Object.entries(special)) {
    for (const c of [-1.5, 0.25, 3]) {
      const sol = D.solve(new D.ODEProblem(new D.Model(`dx = ${fn}(c)`), [0], [0, 1], [c]), 'Euler', { dt: 1 });
      assert.ok(Math.abs(sol.u[1][0] - ref(c)) <= 1e-15 * Math.max(1, Math.abs(ref(c))), `${fn}(${c})`);
    }
  }
  const sol = D.solve(new D.ODEProblem(new D.Model('dx = pow(a, 0.5) + min(a, 1) + a^2^0.5 - pi + e'), [0], [0, 1], [4]), 'Euler', { dt: 1 });
  assert.ok(Math.abs(sol.u[1][0] - (2 + 1 + 4 ** (2 ** 0.5) - Math.PI + Math.E)) < 1e-12);
});

test('precedence: -x^2 is -(x^2), ^ is right-associative, unary minus after ^', () => {
  const m = new D.Model('dx = -a^2 + 2^3^2 + 2^-1 - (1 - a)*3/4');
  const sol = D.solve(new D.ODEProblem(m, [0], [0, 1], [3]), 'Euler', { dt: 1 });
  assert.is(sol.u[1][0], -(3 ** 2) + 2 ** (3 ** 2) + 2 ** -1 - ((1 - 3) * 3) / 4);
});

test('equal subexpressions share one tape register; constants fold only exactly', () => {
  const m = new D.Model('dx = (a*x + 1) * (a*x + 1) + 2*3');
  // a*x, +1, the product and + 6: four operations, the repeated a*x + 1 computed once.
  assert.is(m.tape.code[0], 4);
});

const syntaxError = (src, re, line, column) => {
  try {
    new D.Model(src);
    assert.unreachable(`no error for ${JSON.stringify(src)}`);
  } catch (e) {
    assert.instance(e, D.ModelSyntaxError);
    assert.match(e.message, re);
    assert.is(e.line, line, `line of ${JSON.stringify(src)}`);
    assert.is(e.column, column, `column of ${JSON.stringify(src)}`);
    assert.match(e.message, /\n {2}.*\n {2} *\^/);
  }
};

test('errors name the problem with line, column and a caret', () => {
  syntaxError('dx = a*x +\ndy = 1', /ends too early/, 1, 11);
  syntaxError('dx = sinn(x)', /unknown function 'sinn'/, 1, 6);
  syntaxError('dx = 1\ndx = 2', /duplicate state 'x'/, 2, 1);
  syntaxError('dx = (a*x', /expected '\)'/, 1, 10);
  syntaxError('dx = a $ x', /unexpected character '\$'/, 1, 8);
  syntaxError('dx = sin(x, y)', /sin takes 1 argument, got 2/, 1, 6);
  syntaxError('dx = r\nr = 2', /'r' is used before its definition/, 1, 6);
  syntaxError('x + 1', /expected '=' after 'x'/, 1, 3);
  syntaxError('r = 2', /no equation/, 1, 1);
  syntaxError('  d🐰 = α*🐰 $', /unexpected character/, 1, 12);
  try {
    D.ode({ params: ['a'] })`dx = a*x + b`;
    assert.unreachable();
  } catch (e) {
    assert.match(e.message, /undefined symbol 'b'/);
    assert.is(e.column, 12);
  }
});

test('bad problems on a model: wrong sizes and parameters', () => {
  const m = D.ode`dx = -k*x`;
  assert.throws(() => new D.ODEProblem(m, [1, 2], [0, 1], [1]), /u0 has 2 values but the model has 1 \(x\)/);
  assert.throws(() => new D.ODEProblem(m, [1], [0, 1], [1, 2]), /p has 2 values but the model has 1 parameters/);
  assert.throws(() => new D.ODEProblem(m, [1], [0, 1], [NaN]), /p\[0\] \(k\) is NaN/);
  assert.throws(() => new D.ODEProblem(m, [1], [0, 1], { q: 1 }), /'q' is not a parameter/);
  assert.throws(() => D.ode`dx = ${'x'}`, /only finite numbers can be interpolated/);
  assert.throws(() => D.ode({ param: ['k'] }), /unknown option 'param' \(known: params, dims\)/);
  const two = D.ode`dx = -${2}*x`;
  const sol = D.solve(new D.ODEProblem(two, [1], [0, 1]), 'Tsit5', { abstol: 1e-10, reltol: 1e-10 });
  assert.ok(Math.abs(sol.u[sol.u.length - 1][0] - Math.exp(-2)) < 1e-8);
});

test('a model solve makes no JavaScript call per step, works with events, and releases memory', () => {
  const ball = D.ode`
    dh = v
    dv = -g
  `;
  const times = [];
  const cb = new D.ContinuousCallback((u) => u[0], (i) => { times.push(i.t); i.u[1] = -0.9 * i.u[1]; }, { direction: 'down' });
  const sol = D.solve(new D.ODEProblem(ball, [50, 0], [0, 10], [9.81]), 'Vern9', { callback: cb });
  assert.is(sol.retcode, 'Success');
  assert.ok(Math.abs(times[0] - Math.sqrt(100 / 9.81)) < 1e-9);
  assert.is(D.memoryInUse(), 0);
});

test('the builder API makes the same model as the source', () => {
  const g = new D.Graph();
  const [x, y] = [g.state(0), g.state(1)];
  const [a, b, d, c] = [0, 1, 2, 3].map((i) => g.param(i));
  const built = D.Model.fromGraph(g, {
    states: ['x', 'y'],
    params: ['α', 'β', 'δ', 'γ'],
    outputs: [g.sub(g.mul(a, x), g.mul(g.mul(b, x), y)), g.add(g.mul(g.neg(d), y), g.mul(g.mul(c, x), y))],
  });
  const parsed = D.ode`
    dx = α*x - β*x*y
    dy = -δ*y + γ*x*y
  `;
  const s1 = D.solve(new D.ODEProblem(built, [1, 1], [0, 10], lvParams), 'Tsit5');
  const s2 = D.solve(new D.ODEProblem(parsed, [1, 1], [0, 10], lvParams), 'Tsit5');
  assert.ok(sameSolution(s1, s2));
  assert.throws(() => D.Model.fromGraph(g, { states: ['x'], params: [], outputs: [] }), /0 outputs for 1 states/);
  assert.throws(() => D.Model.fromGraph(g, { states: ['x'], params: [], outputs: [g.state(0, 3)] }), /dx has 1 entries but its output has 3/);
  assert.throws(() => D.Model.fromGraph(g, { states: ['x'], params: [], outputs: [g.state(0)], sizes: [0] }), /sizes\[0\] \(x\) must be a positive integer, got 0/);
  // A built model is a whole Model: fresh state for emitted code and derivatives.
  assert.is(built.wasmFunction, 0);
  assert.ok(built.compileWasm());
  assert.equal(Array.from(built.jacobian([1.3, 0.7], lvParams)), Array.from(parsed.jacobian([1.3, 0.7], lvParams)));
});

test('symbolic Jacobians ∂f/∂u and ∂f/∂p match central finite differences', () => {
  const models = [
    D.ode`
      dx = α*x - β*x*y
      dy = -δ*y + γ*x*y
    `,
    D.ode`
      r = sqrt(x*x + y*y)
      dx = exp(-a*x)*sin(y) + log(1 + x*x)/b + tanh(r) - pow(y*y + 1, c)
      dy = atan(x*y) + cosh(a*x)/(2 + sinh(y)) + sigmoid(x - y) + softplus(y) + x^3 - y^c
      dz = asin(z/4) + acos(z/5) + log1p(abs(x)) + expm1(-z) + max(x, y)*min(z, a) + tan(z/3) + relu(x - 0.2)*z + ifelse(y > 0, x*z, z)
    `,
  ];
  const points = [[0.3, 0.7, 0.5], [-0.4, 1.1, -0.9], [1.2, 0.6, 1.7]]; // y > 0: y^c is real
  for (const m of models) {
    const n = m.states.length;
    const p = m.params.map((_, j) => 0.8 + 0.3 * j);
    for (const pt of points) {
      const u = pt.slice(0, n);
      assertClose(m.jacobian(u, p, 0.5, 'symbolic'), fdJacobian(m, u, p, 0.5, 'u'), 1e-6, 'du');
      assertClose(m.paramJacobian(u, p, 0.5, 'symbolic'), fdJacobian(m, u, p, 0.5, 'p'), 1e-6, 'dp');
    }
  }
});

test('Jacobian sparsity follows the structure of the model', () => {
  const m = D.ode`
    da = -k*a
    db = k*a - j*b
    dc = j*b
  `;
  assert.equal(m.jacobianSparsity(), [true, false, false, true, true, false, false, true, false]);
  assert.equal(Array.from(m.jacobian([1, 2, 3], [0.5, 0.25], 0, 'symbolic')), [-0.5, 0, 0, 0.5, -0.25, 0, 0, 0.25, 0]);
});

test('forward-mode AD (dual numbers on the tape) agrees with the symbolic Jacobians', () => {
  const m = D.ode`
    r = sqrt(x*x + y*y)
    dx = exp(-a*x)*sin(y) + log(1 + x*x)/b + tanh(r) - pow(y*y + 1, c) + sigmoid(x)*softplus(y)
    dy = atan(x*y) + cosh(a*x)/(2 + sinh(y)) + x^3 - y^c + ifelse(x < y, x*y, y) + max(x, y)*min(x, a)
  `;
  const p = [0.7, 1.9, 1.3];
  for (const u of [[0.3, 0.8], [-1.1, 0.45], [2.2, 1.7]]) {
    assertClose(m.jacobian(u, p, 0, 'forward'), m.jacobian(u, p), 1e-12, 'J forward vs symbolic');
    assertClose(m.paramJacobian(u, p, 0, 'forward'), m.paramJacobian(u, p), 1e-12, 'Jp forward vs symbolic');
    const v = [0.6, -1.4];
    const J = m.jacobian(u, p, 0, 'symbolic');
    const Jv = [J[0] * v[0] + J[1] * v[1], J[2] * v[0] + J[3] * v[1]];
    assertClose(m.jvp(u, p, 0, v), Jv, 1e-12, 'jvp');
  }
  assert.throws(() => m.jacobian([0, 1], p, 0, 'backward'), /unknown Jacobian method 'backward'/);
  assert.throws(() => m.jvp([0, 1], p, 0, [1]), /v has 1 values but the model has 2 states/);
});

test('reverse-mode AD: vector–Jacobian products satisfy ⟨v, J w⟩ = ⟨Jᵀ v, w⟩ and rebuild the Jacobians', () => {
  const m = D.ode`
    s = x*y*z
    dx = sin(a*x) + y^2*exp(-z) + s
    dy = log1p(x*x)*b - atan(y/(1 + z*z)) + sqrt(1 + s*s)
    dz = tanh(x - y)*c + softplus(z)*x + ifelse(x > z, y, z*z) + min(x, y)
  `;
  const p = [0.9, 1.7, -0.4];
  const dot = (a, b) => a.reduce((acc, x, i) => acc + x * b[i], 0);
  for (const u of [[0.2, -0.5, 0.8], [1.4, 0.3, -0.6]]) {
    const v = [0.7, -1.1, 0.4];
    const w = [-0.3, 0.9, 1.6];
    const Jw = m.jvp(u, p, 0.3, w);
    const JTv = m.vjp(u, p, 0.3, v);
    const lhs = dot(v, Jw);
    const rhs = dot(JTv.u, w);
    assert.ok(Math.abs(lhs - rhs) <= 1e-12 * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
    assertClose(m.jacobian(u, p, 0.3, 'reverse'), m.jacobian(u, p, 0.3), 1e-12, 'J reverse vs symbolic');
    assertClose(m.paramJacobian(u, p, 0.3, 'reverse'), m.paramJacobian(u, p, 0.3), 1e-12, 'Jp reverse vs symbolic');
    assertClose(m.jacobian(u, p, 0.3, 'reverse'), fdJacobian(m, u, p, 0.3, 'u'), 1e-6, 'J reverse vs finite differences');
  }
  assert.throws(() => m.vjp([0, 0, 0], p, 0, [1, 2]), /w has 2 values but the model has 3 states/);
});

test('a model emitted as WebAssembly solves with the same bits as the tape and the JavaScript function', () => {
  const src = `
    d🐰 = α*🐰 - β*🐰*🦊
    d🦊 = -δ*🦊 + γ*🐰*🦊
  `;
  const emitted = new D.Model(src);
  assert.ok(emitted.compileWasm());
  assert.ok(emitted.wasmFunction > 0);
  assert.ok(emitted.compileWasm(), 'a second call is a no-op');
  const tape = new D.Model(src);
  for (const alg of ['Tsit5', 'Vern9']) {
    const a = D.solve(new D.ODEProblem(emitted, [1, 1], [0, 10], lvParams), alg, { abstol: 1e-9, reltol: 1e-9 });
    const b = D.solve(new D.ODEProblem(tape, [1, 1], [0, 10], lvParams), alg, { abstol: 1e-9, reltol: 1e-9 });
    const c = D.solve(new D.ODEProblem(lotkaVolterra, [1, 1], [0, 10], lvParams), alg, { abstol: 1e-9, reltol: 1e-9 });
    assert.ok(sameSolution(a, b) && sameSolution(a, c), alg);
    assert.equal(Array.from(a.at(4.2)), Array.from(b.at(4.2)));
  }
  assert.is(D.memoryInUse(), 0);
});

test('exact identities simplify (x·1, 1·x, x/1, x − 0, −(−x)); inexact ones do not (x + 0, 0·x)', () => {
  const m = new D.Model('dx = (x*1)/1 - 0 + 1*y*0 + -(-y) + (x + 0)\ndy = y');
  // Left: (x + y·0) + y + (x + 0): mul(y, 0), two adds, add(x, 0), one more add: 5 operations.
  assert.is(m.tape.code[0], 5);
  for (const u of [[-0, 2], [Infinity, 1], [NaN, -3], [1.5, -0]]) {
    const f = m.evaluate(u, []);
    const want = u[0] + u[1] * 0 + u[1] + (u[0] + 0);
    assert.ok(Object.is(f[0], want), `${u}: ${f[0]} vs ${want}`);
  }
});

test('subexpressions of parameters alone are computed once per solve, for each solve\'s parameters', () => {
  const m = D.ode`dx = x*exp(-a/b) + t*sin(a)`;
  assert.is(m.tape.ninvariant, 4); // a/b, its negation, exp of it, sin(a)
  const f = (du, u, p, t) => { du[0] = u[0] * Math.exp(-p[0] / p[1]) + t * Math.sin(p[0]); };
  for (const p of [[0.5, 2], [1.5, 0.25], [-1, 3]]) {
    const du = [0];
    f(du, [0.75], p, 0.3);
    const got = m.evaluate([0.75], p, 0.3)[0];
    assert.ok(Math.abs(got - du[0]) <= 1e-15 * Math.abs(du[0]), `${p}: ${got} vs ${du[0]}`);
    const opts = { abstol: 1e-10, reltol: 1e-10 };
    const a = D.solve(new D.ODEProblem(m, [1], [0, 2], p), 'Tsit5', opts);
    const b = D.solve(new D.ODEProblem(f, [1], [0, 2], p), 'Tsit5', opts);
    const [ua, ub] = [a.u[a.u.length - 1][0], b.u[b.u.length - 1][0]];
    assert.ok(Math.abs(ua - ub) <= 1e-12 * Math.abs(ub), `${p}: ${ua} vs ${ub}`);
  }
  // Their derivatives still reach the parameters.
  const u = [0.75], p = [0.5, 2];
  assertClose(m.paramJacobian(u, p, 0.3), fdJacobian(m, u, p, 0.3, 'p'), 1e-6, 'dp');
  assertClose(m.paramJacobian(u, p, 0.3, 'reverse'), m.paramJacobian(u, p, 0.3, 'symbolic'), 1e-12, 'dp reverse');
});

test('the builder makes vector models too: a layer du = W·tanh(u) + b equals the parsed one', () => {
  const g = new D.Graph();
  const u = g.state(0, 3);
  const W = g.param(0, 6, 3);
  const b = g.param(1, 2);
  const v = g.state(3, 2);
  const built = D.Model.fromGraph(g, {
    states: ['u', 'v'], params: ['W', 'b'], sizes: [3, 2], paramShapes: [[2, 3], 2],
    outputs: [g.neg(u), g.add(g.matvec(W, g.unary('tanh', u)), g.mul(b, g.sum(v)))],
  });
  const parsed = D.ode({ dims: { u: 3, v: 2, W: [2, 3], b: 2 } })`
    du = -u
    dv = W*tanh(u) + b*sum(v)
  `;
  const x = [0.1, -0.4, 0.9, 2, -3];
  const p = [[[1, 2, 3], [4, 5, 6]], [0.5, -0.5]];
  assert.equal(Array.from(built.evaluate(x, p)), Array.from(parsed.evaluate(x, p)));
  assert.equal(Array.from(built.paramJacobian(x, p)), Array.from(parsed.paramJacobian(x, p)));
  assert.throws(() => D.Model.fromGraph(g, { states: ['u'], params: [], outputs: [u], sizes: [3, 1] }), /2 sizes for 1 states/);
});

test.run();
