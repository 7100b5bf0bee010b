// The engine's elementary functions (assembly/math): the f64x2 (SIMD) form gives the same bits
// as the scalar form for every input, both are within 2 ulps of JavaScript's Math (an fdlibm
// port in V8) and within 1 ulp of the true value (computed here with BigInt arithmetic),
// special inputs give the expected values, and vector models evaluate bit for bit like scalar
// models.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { D } from './helpers.mjs';

// The engine's raw exports, from its own instance of dist/difflux.wasm (the package ships the
// module as difflux/difflux.wasm); mathEvaluate runs one function over an array either way.
const noop = () => 0;
const wasm = readFileSync(new URL('../dist/difflux.wasm', import.meta.url));
const E = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: new Proxy({}, { get: () => noop }) }).exports;

// Opcodes from assembly/tape/opcodes.ts.
const OP = { exp: 21, log: 22, sin: 27, cos: 28, tanh: 35, sigmoid: 37 };
// sigmoid is 1/(1 + e^-x) as written, about 1.5 ulps off where e^-x is large; its reference
// avoids the rounding of 1 + e^-x there, and it gets a wider tolerance.
const REF = {
  exp: Math.exp, log: Math.log, sin: Math.sin, cos: Math.cos, tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
};
const TOLERANCE = { exp: 2, log: 2, sin: 2, cos: 2, tanh: 2, sigmoid: 4 };

/** op over xs with the SIMD (f64x2) form or the scalar form; `shift` (f64s) moves the arrays off 16-byte alignment. */
function evaluate(op, simd, xs, shift = 0) {
  const n = xs.length;
  const src = Math.ceil(E.heapBase() / 16) * 16 + 8 * shift;
  const dst = src + 8 * n + 16;
  const end = dst + 8 * n + 16;
  if (E.memory.buffer.byteLength < end) E.memory.grow(Math.ceil((end - E.memory.buffer.byteLength) / 65536));
  new Float64Array(E.memory.buffer, src, n).set(xs);
  new Float64Array(E.memory.buffer, dst, n).fill(-12345);
  assert.is(E.mathEvaluate(op, simd ? 1 : 0, src, dst, n), 0);
  return new Float64Array(E.memory.buffer, dst, n).slice();
}

const bits = (x) => new BigUint64Array(Float64Array.of(x).buffer)[0];

/** Same value bit for bit (any NaN equals any NaN: WebAssembly leaves NaN payloads open). */
const same = (a, b) => (Number.isNaN(a) ? Number.isNaN(b) : bits(a) === bits(b));

/** Distance in units in the last place (0 for equal values, Infinity when one is NaN). */
function ulps(a, b) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const ord = (x) => { const v = BigInt.asIntN(64, bits(x)); return v < 0n ? -(v & 0x7fffffffffffffffn) : v; };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

let seed = 20240611;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
/** Sign × 2^(uniform exponent in [lo, hi]): every scale from tiny to huge. */
const logUniform = (lo, hi) => (rnd() < 0.5 ? -1 : 1) * 2 ** (lo + (hi - lo) * rnd());
const N = 100001; // odd: the last element goes through the scalar tail

/** Inputs per function: ordinary ranges, scales from subnormal to huge, and the special values. */
const INPUTS = {
  exp: () => { const r = rnd(); return r < 0.4 ? (rnd() - 0.5) * 1500 : r < 0.7 ? (rnd() - 0.5) * 4 : logUniform(-1074, 1023); },
  log: () => { const r = rnd(); return r < 0.4 ? 2 ** ((rnd() - 0.5) * 2100) : r < 0.7 ? 1 + (rnd() - 0.5) * 0.5 : r < 0.9 ? rnd() * 5 : logUniform(-1074, 1023); },
  // Near the multiples of π/2 (where the reduction cancels), below and above 2^16·π/4 (where
  // one round of reduction stops being enough), and beyond 2^20 (the runtime library's).
  // Around |x| = 1 too, where the polynomials for |x| ≤ 1 give way to reduction (pairs with one
  // lane each way).
  sin: () => {
    const r = rnd();
    if (r < 0.1) return (rnd() - 0.5) * 3;
    if (r < 0.25) return (rnd() - 0.5) * 20;
    if (r < 0.45) return (rnd() - 0.5) * 4e6;
    if (r < 0.6) return Math.round((rnd() - 0.5) * 2e6) * (Math.PI / 2);
    if (r < 0.75) return Math.round((rnd() - 0.5) * 7e4) * (Math.PI / 2) * (1 + (rnd() - 0.5) * 2 ** -20);
    return logUniform(-1074, 1023);
  },
  sigmoid: () => (rnd() - 0.5) * 100,
  // Around 1/16 (the odd polynomial below, the formula above) and 22 (±1 above).
  tanh: () => {
    const r = rnd();
    if (r < 0.35) return (rnd() - 0.5) * 8;
    if (r < 0.55) return (rnd() - 0.5) * 0.25;
    if (r < 0.75) return (rnd() - 0.5) * 50;
    return logUniform(-1074, 1023);
  },
};
INPUTS.cos = INPUTS.sin;
const SPECIAL = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300, 1, -1, 0.5, Infinity, -Infinity, NaN,
  1.7976931348623157e308, -1.7976931348623157e308, 708, -708, 709.78, 709.8, -745.1, -746, 1048575.99, 1048576, -1048576, 1e6, 1e22,
  1 + 2 ** -52, -(1 + 2 ** -52), 1 - 2 ** -53, -(1 - 2 ** -53), 0.0625, -0.0625, 0.0625 - 2 ** -57, 22, -22, 22 - 2 ** -48, 19.1, -19.1];

for (const name of Object.keys(OP)) {
  test(`${name}: the f64x2 form and the scalar form agree bit for bit (${N} inputs, special values, every alignment and tail)`, () => {
    const xs = Float64Array.from({ length: N }, INPUTS[name]);
    xs.set(SPECIAL, 1000);
    const s = evaluate(OP[name], false, xs);
    const v = evaluate(OP[name], true, xs);
    let differ = 0, first = -1;
    for (let i = 0; i < N; i++) if (!same(s[i], v[i])) { differ++; if (first < 0) first = i; }
    assert.is(differ, 0, differ ? `${differ} differ, first at x = ${xs[first]}: scalar ${s[first]}, simd ${v[first]}` : '');
    // The scalar tail of the SIMD loop: one-element arrays, each through the tail.
    for (let i = 0; i < 3000; i++) {
      const y = evaluate(OP[name], true, xs.subarray(i, i + 1))[0];
      assert.ok(same(y, s[i]), `tail: x = ${xs[i]}: ${y} vs ${s[i]}`);
    }
    // Short arrays, shifted off alignment: every pair/tail split gives the same bits.
    for (let n = 0; n <= 9; n++) {
      for (const shift of [0, 1]) {
        for (const at of [0, 1000]) {
          const part = xs.subarray(at, at + n);
          const a = evaluate(OP[name], true, part, shift), b = evaluate(OP[name], false, part, shift);
          for (let i = 0; i < n; i++) assert.ok(same(a[i], b[i]) && same(a[i], s[at + i]), `n = ${n}, shift ${shift}, x = ${part[i]}`);
        }
      }
    }
  });

  test(`${name}: within ${TOLERANCE[name]} ulps of Math.${name === 'sigmoid' ? 'exp' : name} (${N} inputs)`, () => {
    const xs = Float64Array.from({ length: N }, INPUTS[name]);
    const y = evaluate(OP[name], true, xs);
    let worst = 0, at = 0;
    for (let i = 0; i < N; i++) {
      const u = ulps(y[i], REF[name](xs[i]));
      if (u > worst) { worst = u; at = xs[i]; }
    }
    assert.ok(worst <= TOLERANCE[name], `${worst} ulps at x = ${at}: ${evaluate(OP[name], true, [at])[0]} vs ${REF[name](at)}`);
  });
}

// The true values, in fixed point with FRAC fraction bits (BigInt): Taylor series, and squaring
// for exp; far more bits than the 53 compared.
const FRAC = 320n;
const ONE = 1n << FRAC;
/** x (a double with |x| ≥ 2^-250) exactly, in fixed point. */
function fixed(x) {
  const b = bits(x);
  const e = Number((b >> 52n) & 0x7ffn);
  const m = (b & 0xfffffffffffffn) | (e ? 1n << 52n : 0n);
  const shift = BigInt(Math.max(e, 1) - 1075) + FRAC;
  const v = shift >= 0n ? m << shift : m >> -shift;
  return b >> 63n ? -v : v;
}
const fmul = (a, b) => (a * b) >> FRAC;
const fdiv = (a, b) => (a << FRAC) / b;
/** Σ terms of x^k/k! from k = k0 in steps of 2 (k0 = 0: cosh-like, 1: sinh-like), signs alternating when alt. */
function series(x, k0, alt) {
  const x2 = fmul(x, x);
  let term = k0 ? x : ONE;
  let sum = 0n;
  for (let k = k0; term !== 0n; k += 2) {
    sum += term;
    term = fmul(term, x2) / BigInt((k + 1) * (k + 2));
    if (alt) term = -term;
  }
  return sum;
}
function fexp(x) {
  // e^x = (e^(x/2^12))^(2^12), the small exponent by its series
  const y = x >> 12n;
  let v = series(y, 0, false) + series(y, 1, false);
  for (let i = 0; i < 12; i++) v = fmul(v, v);
  return v;
}
const LN2 = (() => { const t = fdiv(ONE, 3n * ONE); let s = 0n, p = t; for (let k = 1n; p !== 0n; k += 2n) { s += p / k; p = fmul(fmul(p, t), t); } return 2n * s; })();
function flog(x) {
  // x = 2^k·m with m in [0.75, 1.5), ln m = 2·atanh((m − 1)/(m + 1))
  let k = 0n;
  while (x >= (3n * ONE) / 2n) { x >>= 1n; k += 1n; }
  while (x < (3n * ONE) / 4n) { x <<= 1n; k -= 1n; }
  const t = fdiv(x - ONE, x + ONE);
  let s = 0n, p = t;
  for (let j = 1n; p !== 0n; j += 2n) { s += p / j; p = fmul(fmul(p, t), t); }
  return k * LN2 + 2n * s;
}
const TRUE = {
  exp: (x) => fexp(x),
  log: (x) => flog(x),
  sin: (x) => series(x, 1, true),
  cos: (x) => series(x, 0, true),
  tanh: (x) => { const e = fexp(2n * x); return fdiv(e - ONE, e + ONE); },
};
/** |y − v| in ulps of v (v in fixed point, a normal double's range). */
function trueUlps(y, v) {
  const mag = v < 0n ? -v : v;
  const ulp = 1n << BigInt(mag.toString(2).length - 53);
  const d = fixed(y) - v;
  return Number(((d < 0n ? -d : d) << 20n) / ulp) / 2 ** 20;
}
// Ordinary inputs: the fast paths and their edges, away from the runtime library's ranges.
const ORDINARY = {
  exp: () => (rnd() < 0.5 ? (rnd() - 0.5) * 4 : (rnd() - 0.5) * 80),
  log: () => { const r = rnd(); return r < 0.3 ? 1 + (rnd() - 0.5) * 0.03 : r < 0.6 ? 0.5 + rnd() * 1.5 : 2 ** ((rnd() - 0.5) * 60); },
  sin: () => { const r = rnd(); return r < 0.3 ? (rnd() - 0.5) * 2 : r < 0.6 ? (rnd() < 0.5 ? -1 : 1) * (1 - rnd() * 0.1) : (rnd() - 0.5) * 16; },
  tanh: () => (rnd() < 0.3 ? (rnd() - 0.5) * 0.2 : (rnd() - 0.5) * 16),
};
ORDINARY.cos = ORDINARY.sin;
// Bounds a little above the largest errors seen in far larger samples (the requirement is 1 ulp;
// these catch a loss of accuracy well before that).
const TRUE_TOLERANCE = { exp: 0.7, log: 0.6, sin: 0.85, cos: 0.85, tanh: 0.6 };

for (const name of Object.keys(TRUE)) {
  test(`${name}: within ${TRUE_TOLERANCE[name]} ulps of the true value (3000 ordinary inputs)`, () => {
    const xs = Float64Array.from({ length: 3000 }, ORDINARY[name]).filter((x) => Math.abs(x) > 2 ** -40);
    const y = evaluate(OP[name], true, xs);
    let worst = 0, at = 0;
    for (let i = 0; i < xs.length; i++) {
      const u = trueUlps(y[i], TRUE[name](fixed(xs[i])));
      if (u > worst) { worst = u; at = xs[i]; }
    }
    assert.ok(worst <= TRUE_TOLERANCE[name], `${worst.toFixed(3)} ulps at x = ${at}`);
  });
}

test('special values: exact results, signs of zero, overflow and underflow', () => {
  const one = (name, x) => {
    const s = evaluate(OP[name], false, [x])[0];
    assert.ok(same(s, evaluate(OP[name], true, [x, x])[1]), `${name}(${x}) differs between the forms`);
    return s;
  };
  const is = (name, x, want) => assert.ok(same(one(name, x), want), `${name}(${x}) = ${one(name, x)}, want ${want}`);
  const near = (name, x) => assert.ok(ulps(one(name, x), REF[name](x)) <= 1, `${name}(${x}) = ${one(name, x)} vs ${REF[name](x)}`);
  is('exp', 0, 1); is('exp', -0, 1); is('exp', NaN, NaN); is('exp', Infinity, Infinity); is('exp', -Infinity, 0);
  is('exp', 709.8, Infinity); is('exp', 1e308, Infinity); is('exp', -746, 0); is('exp', -1e308, 0); is('exp', 5e-324, 1);
  is('exp', -745.1332191019411, 5e-324);
  for (const x of [1, -1, 709.78, 709.782712893384, 708, 707.9999999, -708, -708.0000001, -709, -720, -740, -744.4, 1e-10, -1e-10, 0.34657359027997264, Math.LN2, 10, -10]) near('exp', x);
  is('log', 1, 0); is('log', 0, -Infinity); is('log', -0, -Infinity); is('log', -1, NaN); is('log', -Infinity, NaN);
  is('log', Infinity, Infinity); is('log', NaN, NaN); is('log', Math.E, 1);
  for (const x of [5e-324, 1e-310, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, 1 + 2 ** -52, 1 - 2 ** -53, Math.SQRT2, Math.SQRT1_2, 0.7071067811865476, 2, 0.5, 1e-300, 1e300]) near('log', x);
  for (const f of ['sin', 'cos']) {
    is(f, NaN, NaN); is(f, Infinity, NaN); is(f, -Infinity, NaN);
    for (let k = -8; k <= 8; k++) near(f, k * Math.PI / 2);
    for (const x of [1e-300, 5e-324, 0.7853981633974483, 0.7853981633974484, 2.356194490192345, 1048575.9, 1048576, 1e6 * Math.PI, 1e22, 1e300, 6381956970095103 * 2 ** -30]) { near(f, x); near(f, -x); }
  }
  is('sin', 0, 0); is('sin', -0, -0); is('sin', 5e-324, 5e-324); is('sin', -1e-300, -1e-300);
  is('cos', 0, 1); is('cos', -0, 1);
  is('tanh', 0, 0); is('tanh', -0, -0); is('tanh', NaN, NaN); is('tanh', Infinity, 1); is('tanh', -Infinity, -1);
  is('tanh', 5e-324, 5e-324); is('tanh', -1e-300, -1e-300); is('tanh', 22, 1); is('tanh', -30, -1); is('tanh', 1e300, 1); is('tanh', 19.1, 1);
  for (const x of [1e-8, 0.0625, 0.0625 - 2 ** -57, 0.1, 0.5, 1, 2, 5, 10, 18, 19, 21.99]) { near('tanh', x); near('tanh', -x); }
  for (const f of ['sin', 'cos']) for (const x of [1, 1 + 2 ** -52, 1 - 2 ** -53, 0.5, 1e-8]) { near(f, x); near(f, -x); }
  is('sigmoid', 0, 0.5); is('sigmoid', 800, 1); is('sigmoid', -800, 0); is('sigmoid', Infinity, 1); is('sigmoid', -Infinity, 0);
  assert.is(E.mathEvaluate(29 /* OP_TAN */, 1, 0, 0, 0), -1, 'an op without a vector form is refused');
});

/** The bits of each evaluation of the scalar model `src` (state x, parameters p) at every u[i]. */
function perElement(src, params, u, p) {
  const m = D.ode({ params })([src]);
  return Float64Array.from(u, (x) => m.evaluate([x], p)[0]);
}

test('a vector model gives the bits of the scalar model at every element (SIMD loops, scalar tails, broadcasts)', () => {
  const n = 1001;
  const u = Float64Array.from({ length: n }, (_, i) => (i - 500) / 97);
  const cases = [
    ['du = sin(cos(u)) - exp(u)', 'dx = sin(cos(x)) - exp(x)', [], []],
    ['du = log(1 + u*u)/2 + k*sigmoid(u) - sqrt(u*u + c)', 'dx = log(1 + x*x)/2 + k*sigmoid(x) - sqrt(x*x + c)', ['k', 'c'], [1.7, 0.3]],
    ['du = -u/k + (c - u)*exp(-u*u) + sin(k*u)*cos(u - c)', 'dx = -x/k + (c - x)*exp(-x*x) + sin(k*x)*cos(x - c)', ['k', 'c'], [3.1, -0.4]],
    ['du = tanh(k*u) - u*tanh(u/c)', 'dx = tanh(k*x) - x*tanh(x/c)', ['k', 'c'], [2.3, 40]],
  ];
  for (const [vsrc, ssrc, params, p] of cases) {
    const vm = D.ode({ dims: { u: n }, params })([vsrc]);
    const got = vm.evaluate(u, p);
    const want = perElement(ssrc, params, u, p);
    for (let i = 0; i < n; i++) assert.ok(same(got[i], want[i]), `${vsrc} at u[${i}] = ${u[i]}: ${got[i]} vs ${want[i]}`);
    // And the same as the model emitted as WebAssembly (which calls the engine's scalar forms).
    const emitted = D.ode({ params })([ssrc]);
    assert.ok(emitted.compileWasm(), 'compiling is allowed in Node');
    for (const i of [0, 1, 499, 500, 1000]) assert.ok(same(emitted.evaluate([u[i]], p)[0], want[i]), `${ssrc} emitted at ${u[i]}`);
  }
});

test('the evaluation of du = sin(cos(u)) - exp(u) is within rounding of the JavaScript function', () => {
  const n = 1001;
  const u = Float64Array.from({ length: n }, (_, i) => (i - 500) / 50);
  const du = D.ode({ dims: { u: n } })`du = sin(cos(u)) - exp(u)`.evaluate(u, []);
  for (let i = 0; i < n; i++) {
    const want = Math.sin(Math.cos(u[i])) - Math.exp(u[i]);
    assert.ok(Math.abs(du[i] - want) <= 4 * 2 ** -52 * Math.max(1, Math.abs(Math.exp(u[i]))), `u[${i}] = ${u[i]}: ${du[i]} vs ${want}`);
  }
});

test.run();
