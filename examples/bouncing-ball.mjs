// A bouncing ball: a ContinuousCallback finds each impact on the dense interpolant and
// reverses the velocity (restitution 0.9).
import { ODEProblem, solve, Tsit5, ContinuousCallback } from 'difflux';

const g = 9.81;
const ball = (du, u) => { du[0] = u[1]; du[1] = -g; }; // u = [height, velocity]

export function bounces() {
  const impacts = [];
  const hitFloor = new ContinuousCallback(
    (u) => u[0], // height crosses zero…
    (integrator) => { impacts.push(integrator.t); integrator.u[1] *= -0.9; },
    { direction: 'down' }, // …on the way down
  );
  const sol = solve(new ODEProblem(ball, [50, 0], [0, 30], undefined, { inplace: true }), Tsit5(), { callback: hitFloor });
  // Analytic impact times: fall from 50 m, then flights of 2v/g with v shrinking by 0.9.
  const exact = [];
  let t = Math.sqrt(100 / g), v = g * t;
  for (const _ of impacts) { exact.push(t); v *= 0.9; t += (2 * v) / g; }
  return { sol, rows: impacts.map((t, i) => ({ bounce: i + 1, t: t.toFixed(10), 'error vs analytic': Math.abs(t - exact[i]).toExponential(1) })) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(bounces().rows);
