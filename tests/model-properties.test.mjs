// Property tests of the model language (fast-check): random expressions built with the
// builder API print to source that parses back to the same graph, and the engine's tape
// evaluates them as a JavaScript reference evaluator does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { D } from './helpers.mjs';

// A fixed seed: the suite checks the same random cases on every run and machine.
fc.configureGlobal({ seed: 20261128 });

const UNARY = ['neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'abs', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sign', 'sigmoid', 'softplus', 'relu'];
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'min', 'max', 'lt', 'le', 'gt', 'ge', 'eq', 'ne'];
const ARITH = ['add', 'sub', 'mul', 'div'];

const leaf = fc.oneof(
  fc.constantFrom('x', 'y', 'a', 'b', 't').map((name) => ({ k: 'var', name })),
  // Constants on a 1e-6 grid: no subnormals, whose reciprocals overflow and make derivative
  // comparisons meaningless.
  fc.oneof(fc.integer({ min: 0, max: 9 }), fc.double({ min: -8, max: 8, noNaN: true }).map((v) => Math.round(v * 1e6) / 1e6))
    .map((v) => ({ k: 'num', v })),
);
const recipe = (unary, binary, withIf) => fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 5 }, leaf, leaf, tie('un'), tie('bin'), tie('bin'), ...(withIf ? [tie('if')] : [])),
  un: fc.record({ k: fc.constant('un'), op: fc.constantFrom(...unary), a: tie('node') }),
  bin: fc.record({ k: fc.constant('bin'), op: fc.constantFrom(...binary), a: tie('node'), b: tie('node') }),
  if: fc.record({ k: fc.constant('if'), c: tie('node'), a: tie('node'), b: tie('node') }),
})).node;

const names = { states: ['x', 'y'], params: ['a', 'b'] };
function build(g, r) {
  switch (r.k) {
    case 'var': return r.name === 't' ? g.time() : r.name === 'x' || r.name === 'y' ? g.state(names.states.indexOf(r.name)) : g.param(names.params.indexOf(r.name));
    case 'num': return g.constant(r.v);
    case 'un': return g.unary(r.op, build(g, r.a));
    case 'bin': return g.binary(r.op, build(g, r.a), build(g, r.b));
    case 'if': return g.ifelse(build(g, r.c), build(g, r.a), build(g, r.b));
  }
}

// The reference evaluator: JavaScript's Math with the language's definitions.
const REF_UNARY = {
  neg: (a) => -a, exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, sqrt: Math.sqrt, abs: Math.abs,
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh,
  cosh: Math.cosh, tanh: Math.tanh, sign: Math.sign, sigmoid: (a) => 1 / (1 + Math.exp(-a)),
  softplus: (a) => (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a))), relu: (a) => Math.max(a, 0),
};
const REF_BINARY = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, pow: Math.pow,
  min: Math.min, max: Math.max, lt: (a, b) => +(a < b), le: (a, b) => +(a <= b), gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b), eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b),
};
function evaluate(r, env) {
  switch (r.k) {
    case 'var': return env[r.name];
    case 'num': return r.v;
    case 'un': return REF_UNARY[r.op](evaluate(r.a, env));
    case 'bin': return REF_BINARY[r.op](evaluate(r.a, env), evaluate(r.b, env));
    case 'if': return evaluate(r.c, env) !== 0 ? evaluate(r.a, env) : evaluate(r.b, env);
  }
}

function modelOf(r1, r2) {
  const g = new D.Graph();
  return D.Model.fromGraph(g, { ...names, outputs: [build(g, r1), build(g, r2)] });
}

/** A fully parenthesized structural form of an IR node (what the graph is, not how it prints). */
function canon(n) {
  switch (n.kind) {
    case 'const': return Object.is(n.value, -0) ? '-0' : String(n.value);
    case 'time': return 't';
    case 'state': return `u${n.index}`;
    case 'param': return `p${n.index}`;
    case 'unary': return `${n.op}(${canon(n.a)})`;
    case 'binary': return `${n.op}(${canon(n.a)},${canon(n.b)})`;
    case 'ifelse': return `if(${canon(n.cond)},${canon(n.a)},${canon(n.b)})`;
  }
}

test('printing a graph and parsing the text gives the same graph; parse → print → parse is stable', () => {
  fc.assert(fc.property(recipe(UNARY, BINARY, true), recipe(UNARY, BINARY, true), (r1, r2) => {
    const built = modelOf(r1, r2);
    const text = built.toString();
    const parsed = new D.Model(text, { params: names.params });
    assert.equal(parsed.outputs.map(canon), built.outputs.map(canon), text);
    assert.is(parsed.toString(), text);
    assert.is(new D.Model(parsed.toString(), { params: names.params }).toString(), text);
  }), { numRuns: 400 });
});

test('the tape gives exactly the bits of the same arithmetic in JavaScript', () => {
  fc.assert(fc.property(recipe(['neg'], ARITH, false), recipe(['neg'], ARITH, false),
    fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (r1, r2, x, y) => {
      const m = modelOf(r1, r2);
      const env = { x, y, a: 1.25, b: -0.75, t: 0.5 };
      const got = m.evaluate([x, y], [env.a, env.b], env.t);
      assert.ok(Object.is(got[0], evaluate(r1, env)), `${m.toString()}: ${got[0]} vs ${evaluate(r1, env)}`);
      assert.ok(Object.is(got[1], evaluate(r2, env)));
    }), { numRuns: 400 });
});

test('with elementary functions the tape agrees with JavaScript Math to rounding', () => {
  fc.assert(fc.property(recipe(UNARY, BINARY, true), fc.double({ min: -2, max: 2, noNaN: true }), (r, x) => {
    const m = modelOf(r, { k: 'var', name: 'x' });
    const env = { x, y: 0.3, a: 0.7, b: 1.9, t: 0.1 };
    const got = m.evaluate([x, env.y], [env.a, env.b], env.t)[0];
    const want = evaluate(r, env);
    if (Number.isNaN(want) || !Number.isFinite(want)) return; // domain edges: no claim
    // Each function is within a few ulps; composition can amplify, so compare relatively.
    assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${m.toString()}: ${got} vs ${want}`);
  }), { numRuns: 400 });
});

test('forward and reverse AD agree on random expressions (⟨v, J w⟩ = ⟨Jᵀv, w⟩)', () => {
  const smooth = ['neg', 'exp', 'sin', 'cos', 'atan', 'tanh', 'sigmoid', 'softplus'];
  fc.assert(fc.property(recipe(smooth, ARITH, false), recipe(smooth, ARITH, false), (r1, r2) => {
    const m = modelOf(r1, r2);
    const u = [0.4, -0.7], p = [1.1, 0.6];
    const f = m.evaluate(u, p, 0.2);
    if (!f.every(Number.isFinite)) return;
    const v = [0.8, -0.5], w = [-1.2, 0.3];
    const Jw = m.jvp(u, p, 0.2, w);
    const JTv = m.vjp(u, p, 0.2, v).u;
    const lhs = v[0] * Jw[0] + v[1] * Jw[1];
    const rhs = JTv[0] * w[0] + JTv[1] * w[1];
    if (!Number.isFinite(lhs)) return;
    assert.ok(Math.abs(lhs - rhs) <= 1e-10 * Math.max(1, Math.abs(lhs)), `${m.toString()}: ${lhs} vs ${rhs}`);
    const Js = m.jacobian(u, p, 0.2, 'symbolic');
    const Jf = m.jacobian(u, p, 0.2, 'forward');
    for (let i = 0; i < 4; i++) {
      if (Number.isFinite(Js[i])) assert.ok(Math.abs(Js[i] - Jf[i]) <= 1e-10 * Math.max(1, Math.abs(Js[i])), `${m.toString()}: J[${i}] ${Js[i]} vs ${Jf[i]}`);
    }
  }), { numRuns: 300 });
});

test('models emitted as WebAssembly compute the same bits as the tape', () => {
  fc.assert(fc.property(recipe(UNARY, BINARY, true), recipe(UNARY, BINARY, true),
    fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (r1, r2, x, y) => {
      const tape = modelOf(r1, r2);
      const emitted = modelOf(r1, r2);
      assert.ok(emitted.compileWasm(), 'compiling is allowed in Node');
      const p = [0.7, -1.3];
      const a = tape.evaluate([x, y], p, 0.25);
      const b = emitted.evaluate([x, y], p, 0.25);
      assert.ok(Object.is(a[0], b[0]) && Object.is(a[1], b[1]), `${tape.toString()}: ${a} vs ${b}`);
    }), { numRuns: 300 });
});

test.run();
