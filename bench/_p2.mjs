import odex from 'odex';
import ode45 from 'ode45-cash-karp';
import numeric from 'numeric';
import { solveODE } from 'mathjs';
const N = +(process.env.N || 100000); const which = process.argv[2]; const tol = +process.argv[3];
const u0 = Array.from({length: N}, (_, i) => i / N);
let t = performance.now(); let nf = 0;
if (which === 'f') {
  const u = Float64Array.from(u0), du = new Float64Array(N);
  for (let r = 0; r < 50; r++) { for (let i = 0; i < N; i++) du[i] = Math.sin(Math.cos(u[i])) - Math.exp(u[i]); }
  console.log('per f ms', (performance.now()-t)/50);
}
if (which === 'ode45') {
  const y = Float64Array.from(u0); const it = ode45(y, (d, y) => { nf++; for (let i = 0; i < N; i++) d[i] = Math.sin(Math.cos(y[i])) - Math.exp(y[i]); }, 0, 1e-3, { tol });
  while (it.step(100)) ;
  console.log(which, tol, it.t, nf, y[0], y[N-1], performance.now()-t);
}
if (which === 'odex') {
  const s = new odex.Solver(N); s.absoluteTolerance = s.relativeTolerance = tol;
  const r = s.solve((x, y) => { nf++; const d = new Array(N); for (let i = 0; i < N; i++) d[i] = Math.sin(Math.cos(y[i])) - Math.exp(y[i]); return d; }, 0, u0, 100);
  console.log(which, tol, r.outcome, r.xEnd, nf, r.y[0], r.y[N-1], performance.now()-t);
}
if (which === 'numeric') {
  const r = numeric.dopri(0, 100, u0, (x, y) => { nf++; const d = new Array(N); for (let i = 0; i < N; i++) d[i] = Math.sin(Math.cos(y[i])) - Math.exp(y[i]); return d; }, tol, 1e6);
  const y = r.y[r.y.length-1];
  console.log(which, tol, r.x[r.x.length-1], nf, y[0], y[N-1], performance.now()-t);
}
if (which === 'mathjs') {
  const r = solveODE((x, y) => { nf++; const d = new Array(N); for (let i = 0; i < N; i++) d[i] = Math.sin(Math.cos(y[i])) - Math.exp(y[i]); return d; }, [0, 100], u0, { tol, maxIter: 1e6 });
  const y = r.y[r.y.length-1];
  console.log(which, tol, r.t[r.t.length-1], nf, y[0], y[N-1], performance.now()-t);
}
