// Profiling helper (not part of `npm run bench`): solves Lotka–Volterra with Tsit5 in a loop so
// that `node --cpu-prof bench/profile-lv.mjs` shows where a small solve spends its time.
// Summarize the .cpuprofile with `node bench/lib/profile.mjs <file>` (bench/run.mjs does both).
import { ODEProblem, solve, Tsit5 } from '../dist/node.js';

const tol = Number(process.argv[2] ?? 1e-6);
const seconds = Number(process.argv[3] ?? 4);
const f = (du, u, p, t) => { du[0] = 1.5 * u[0] - u[0] * u[1]; du[1] = -3 * u[1] + u[0] * u[1]; };
const prob = new ODEProblem(f, [1, 1], [0, 10]);
const opts = { abstol: tol, reltol: tol, saveEverystep: false, dense: false };
const alg = Tsit5();
let sink = 0, n = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  for (let i = 0; i < 100; i++) { const s = solve(prob, alg, opts); sink += s.u[s.u.length - 1][0]; }
  n += 100;
}
console.log(`solves: ${n}, per solve ${(seconds * 1e6 / n).toFixed(1)} µs (sink ${sink.toFixed(3)})`);
