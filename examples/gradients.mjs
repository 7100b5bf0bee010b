// The seed's gradient: d/dp of the sum of every saved value of Lotka–Volterra (p = [1, 2, 3,
// 4], u0 = [1, 1], t ∈ [0, 10], Tsit5), by every sensitivity algorithm behind one call, with
// what each cost: time, and the WebAssembly memory it held at its peak.
import {
  ode, ODEProblem, gradient, Tsit5, ForwardSensitivity, ForwardDiffSensitivity, ReverseDiffAdjoint,
  BacksolveAdjoint, InterpolatingAdjoint, QuadratureAdjoint,
} from 'difflux';

export function gradientTable() {
  const lv = ode`
    dx = a*x - b*x*y
    dy = -c*y + d*x*y
  `;
  const prob = new ODEProblem(lv, [1, 1], [0, 10], [1, 2, 3, 4]);
  const modes = [
    ForwardSensitivity(), ForwardDiffSensitivity(), ReverseDiffAdjoint(), BacksolveAdjoint(),
    InterpolatingAdjoint(), InterpolatingAdjoint({ checkpointing: true }), QuadratureAdjoint(),
  ];
  return modes.map((sensealg) => {
    const opts = { reltol: 1e-8, abstol: 1e-8, saveat: 0.1, loss: 'sum', sensealg };
    gradient(prob, Tsit5(), opts);
    const runs = 20;
    const start = performance.now();
    let g;
    for (let i = 0; i < runs; i++) g = gradient(prob, Tsit5(), opts);
    const ms = (performance.now() - start) / runs;
    return {
      sensealg: sensealg.name + (sensealg.checkpointing ? ' (checkpoints)' : ''),
      loss: g.loss.toFixed(9),
      'dL/dp': Array.from(g.dp, (x) => x.toFixed(6)).join(', '),
      'ms': ms.toFixed(2),
      'peak KiB': (g.peakBytes / 1024).toFixed(1),
    };
  });
}
