// Cross-runtime reproducibility check: one Lotka–Volterra solve whose every output bit is hashed.
//
// This module runs unchanged in Node, Deno, Bun, Chromium and workerd, so it may only use what all
// five share: ES2022, typed arrays and the Web Crypto `crypto.subtle` global. It must not
// call `Math.*`: the engine promises bit-identical results because all arithmetic happens in WASM,
// and a `Math` call here (whose results differ across engines) would blur what is being tested.
// The right-hand side below uses only + - * on doubles, which IEEE 754 makes identical everywhere.

/** Lotka–Volterra: du0 = a·x − b·x·y, du1 = −c·y + d·x·y, with p = [a, b, c, d]. */
function lotkaVolterra(du, u, p, t) {
  du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
  du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
}

const TOLERANCES = { abstol: 1e-8, reltol: 1e-8 };

/** The bytes of a typed array exactly as they sit in memory (it may be a view into a larger buffer,
 *  e.g. WASM linear memory, so honour byteOffset/byteLength rather than taking `.buffer`). */
function bytesOf(arr) {
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

function toHex(buffer) {
  let hex = '';
  for (const b of new Uint8Array(buffer)) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Concatenate copies of the given typed arrays' bytes into one fresh Uint8Array. */
function concatBytes(arrays) {
  let total = 0;
  for (const a of arrays) total += a.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(bytesOf(a), offset);
    offset += a.byteLength;
  }
  return out;
}

function expectFloat64Array(value, what) {
  if (!(value instanceof Float64Array)) {
    const kind = value === null ? 'null' : typeof value === 'object' ? value.constructor?.name : typeof value;
    throw new TypeError(`${what} should be a Float64Array, got ${kind}`);
  }
  return value;
}

/**
 * Run the check against a loaded difflux module namespace (`import * as difflux from '.../dist/...'`).
 * Returns plain JSON-able data so every driver can print/transport it the same way:
 *   { retcode, n, nf, hash, backRetcode, backN }
 * where `hash` is the SHA-256 (hex) of, in order: sol.t, each sol.u[i], sol.at(7.3), the
 * backward solve's t and every state, the states of a compiled-model solve (the engine's
 * tape interpreter and elementary functions) and of a vector-model solve (their SIMD forms),
 * and the gradients of a model solve by six sensitivity algorithms.
 * Any change in any bit changes the hash.
 */
export async function lvCheck(difflux) {
  const { ODEProblem, solve, Tsit5 } = difflux;
  for (const [name, value] of Object.entries({ ODEProblem, solve, Tsit5 })) {
    if (typeof value !== 'function') throw new TypeError(`difflux.${name} is not exported (got ${typeof value})`);
  }

  // Forward solve over [0, 10].
  const sol = solve(new ODEProblem(lotkaVolterra, [1, 1], [0, 10], [1.5, 1, 3, 1]), Tsit5(), TOLERANCES);
  // Copy everything immediately: the library may hand out views over WASM memory that a later
  // solve could reuse or detach (memory.grow), and the hash must describe this solve only.
  const t = expectFloat64Array(sol.t, 'sol.t').slice();
  if (!Array.isArray(sol.u) || sol.u.length !== t.length) {
    throw new TypeError(`sol.u should be an array with one state per time (${t.length}), got ${sol.u?.length}`);
  }
  const u = sol.u.map((ui, i) => expectFloat64Array(ui, `sol.u[${i}]`).slice());
  const dense = expectFloat64Array(sol.at(7.3), 'sol.at(7.3)').slice();
  const retcode = String(sol.retcode);
  const nf = sol.stats?.nf;
  if (typeof nf !== 'number') throw new TypeError(`sol.stats.nf should be a number, got ${typeof nf}`);

  // Backward solve over [10, 0] from the forward solve's final state: exercises negative steps
  // and the controller going the other way, and its bits go into the same hash.
  // (u0 is passed as a plain array, like the forward problem's, to test one thing at a time.)
  const uEnd = Array.from(u[u.length - 1]);
  const back = solve(new ODEProblem(lotkaVolterra, uEnd, [10, 0], [1.5, 1, 3, 1]), Tsit5(), TOLERANCES);
  const backT = expectFloat64Array(back.t, 'back.t').slice();
  const backU = back.u.map((ui, i) => expectFloat64Array(ui, `back.u[${i}]`).slice());

  // A compiled model with elementary functions: the engine's interpreter and its own math
  // (sin, cos, exp, tanh) must give the same bits in every runtime.
  const pendulum = difflux.ode`
    dθ = ω
    dω = -sin(θ) - c*ω + A*cos(w*t) + 0.1*exp(-t)*tanh(θ)
  `;
  const model = solve(new ODEProblem(pendulum, [1, 0], [0, 20], [0.2, 0.8, 1.3]), 'Vern9', { ...TOLERANCES, saveat: 0.5 });
  const modelU = model.u.map((ui, i) => expectFloat64Array(ui, `model.u[${i}]`).slice());

  // A vector model: the interpreter's f64x2 loops and the engine's f64x2 exp, log, sin, cos
  // and sigmoid (101 states: the last one goes through the scalar forms) must give the same
  // bits in every runtime too.
  const field = difflux.ode({ dims: { u: 101 } })`
    du = sin(cos(u)) - exp(u)/3 + log(1 + u*u)/(2 + u*u) - sigmoid(u)/4
  `;
  const u0 = new Float64Array(101);
  for (let i = 0; i < 101; i++) u0[i] = (i - 50) * 0.04;
  const fieldSol = solve(new ODEProblem(field, u0, [0, 2]), Tsit5(), { ...TOLERANCES, saveat: 0.5 });
  const fieldU = fieldSol.u.map((ui, i) => expectFloat64Array(ui, `field.u[${i}]`).slice());

  // Gradients through the solve by every sensitivity algorithm (dual lanes, reverse sweeps,
  // backward adjoint solves on interpolated forward solutions, quadrature): their bits too.
  const lv = difflux.ode`
    dx = a*x - b*x*y
    dy = -c*y + d*x*y
  `;
  const gprob = new ODEProblem(lv, [1, 1], [0, 5], [1.5, 1, 3, 1]);
  const sensealgs = [
    difflux.ForwardSensitivity(), difflux.ForwardDiffSensitivity(), difflux.ReverseDiffAdjoint(),
    difflux.BacksolveAdjoint(), difflux.InterpolatingAdjoint({ checkpointing: true }), difflux.QuadratureAdjoint(),
  ];
  const grads = [];
  for (const sensealg of sensealgs) {
    const g = difflux.gradient(gprob, Tsit5(), { ...TOLERANCES, saveat: 1, loss: 'sum', sensealg });
    grads.push(expectFloat64Array(g.dp, `${sensealg.name} dp`).slice(), expectFloat64Array(g.du0, `${sensealg.name} du0`).slice());
  }

  const digest = await crypto.subtle.digest('SHA-256', concatBytes([t, ...u, dense, backT, ...backU, ...modelU, ...fieldU, ...grads]));
  return {
    retcode,
    n: t.length,
    nf,
    hash: toHex(digest),
    backRetcode: String(back.retcode),
    backN: backT.length,
  };
}
