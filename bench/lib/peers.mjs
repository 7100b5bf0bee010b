// One adapter per solver: make(spec, setting, wrap) returns run(), which solves once from
// spec.t0 to spec.t1 and returns the final state; run.info() describes the last run.
// Each peer gets f in the form its README documents (in place or returning a new array).
// `wrap` (optional) wraps the user's f, for the instrumented runs of part 2.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import odex from 'odex';
import ode45 from 'ode45-cash-karp';
import numeric from 'numeric';
import { solveODE } from 'mathjs';
import { ODEProblem, solve } from '../../dist/node.js';

const require = createRequire(import.meta.url);
function version(pkg) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  } catch {
    return '?';
  }
}

const same = (f) => f;

/** Counts calls of f and adds up the time spent inside it (performance.now around each call). */
export function timingWrap(acc) {
  return (fn) => (fn.length === 4
    ? (a, b, p, t) => { const t0 = performance.now(); fn(a, b, p, t); acc.ms += performance.now() - t0; acc.n++; }
    : (a, b, t) => { const t0 = performance.now(); const r = fn(a, b, t); acc.ms += performance.now() - t0; acc.n++; return r; });
}

export const difflux = {
  name: 'difflux',
  version: JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
  /** setting: { alg, opts } */
  make(spec, { alg, opts }, wrap = same) {
    const prob = new ODEProblem(wrap(spec.fDifflux), spec.u0, [spec.t0, spec.t1]);
    let last;
    const run = () => {
      const s = solve(prob, alg, opts);
      last = s;
      if (s.retcode !== 'Success') throw new Error(`difflux retcode ${s.retcode}`);
      return s.u[s.u.length - 1];
    };
    run.info = () => ({ nf: last.stats.nf, steps: last.stats.naccept + last.stats.nreject, naccept: last.stats.naccept, nreject: last.stats.nreject, tEnd: last.t[last.t.length - 1] });
    return run;
  },
};

export const peers = {
  odex: {
    name: 'odex',
    version: version('odex'),
    method: 'Gragg–Bulirsch–Stoer extrapolation (port of Hairer’s ODEX)',
    tolName: 'absoluteTolerance = relativeTolerance',
    make(spec, tol, wrap = same) {
      const s = new odex.Solver(spec.n);
      s.absoluteTolerance = tol;
      s.relativeTolerance = tol;
      s.maxSteps = 1e6;
      const f = wrap(spec.fOdex);
      const y0 = Array.from(spec.u0);
      let last;
      const run = () => {
        const r = s.solve(f, spec.t0, y0, spec.t1);
        last = r;
        if (r.outcome !== 0) throw new Error(`odex outcome ${r.outcome}`);
        return r.y;
      };
      run.info = () => ({ nf: last.nEval, steps: last.nStep, naccept: last.nAccept, nreject: last.nReject, tEnd: last.xEnd });
      return run;
    },
  },
  ode45: {
    name: 'ode45-cash-karp',
    version: version('ode45-cash-karp'),
    method: 'Cash–Karp 5(4); error max_i |err_i|/(|y_i|+|dt·y′_i|) < tol',
    tolName: 'tol',
    make(spec, tol, wrap = same) {
      const f = wrap(spec.fOde45);
      const dt0 = spec.ode45Dt0 ?? 1e-3;
      let steps = 0, tEnd = NaN;
      const run = () => {
        const y = Float64Array.from(spec.u0);
        const it = ode45(y, f, spec.t0, dt0, { tol, verbose: false });
        let n = 0;
        while (it.step(spec.t1)) n++;
        steps = n + 1;
        tEnd = it.t;
        if (!(Math.abs(it.t - spec.t1) <= 1e-9 * Math.abs(spec.t1 - spec.t0))) throw new Error(`ode45 stopped at t = ${it.t}`);
        return it.y;
      };
      run.info = () => ({ steps, tEnd });
      return run;
    },
  },
  numeric: {
    name: 'numeric (dopri)',
    version: version('numeric'),
    method: 'Dormand–Prince 5(4); absolute ‖err‖∞ ≤ tol; keeps every step',
    tolName: 'tol',
    make(spec, tol, wrap = same) {
      const f = wrap(spec.fNumeric);
      const y0 = Array.from(spec.u0);
      let last;
      const run = () => {
        const r = numeric.dopri(spec.t0, spec.t1, y0, f, tol, 1e6);
        last = r;
        const tEnd = r.x[r.x.length - 1];
        if (tEnd !== spec.t1 && !(Math.abs(tEnd - spec.t1) <= 1e-9 * Math.abs(spec.t1 - spec.t0))) {
          throw new Error(`numeric.dopri stopped at t = ${tEnd}${r.msg ? ` (${r.msg})` : ''}`);
        }
        return r.y[r.y.length - 1];
      };
      run.info = () => ({ steps: last.iterations, naccept: last.x.length - 1, tEnd: last.x[last.x.length - 1] });
      return run;
    },
  },
  mathjs: {
    name: 'mathjs (solveODE)',
    version: version('mathjs'),
    method: 'Dormand–Prince 5(4) "RK45" in generic mathjs arithmetic; accepts when ‖Σ(b−b̂)k‖∞ < tol (absolute, not scaled by h)',
    tolName: 'tol',
    make(spec, tol, wrap = same) {
      const f = wrap(spec.fMathjs);
      const y0 = Array.from(spec.u0);
      const options = { tol, maxIter: spec.mathjsMaxIter ?? 1e5, ...(spec.mathjsOptions ?? {}) };
      let last;
      const run = () => {
        const r = solveODE(f, [spec.t0, spec.t1], y0, options);
        last = r;
        return r.y[r.y.length - 1];
      };
      run.info = () => ({ naccept: last.t.length - 1, tEnd: last.t[last.t.length - 1] });
      return run;
    },
  },
};
