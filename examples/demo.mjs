// `npm run demo`: runs the examples and prints their tables.
import { lotkaVolterraTable } from './lotka-volterra.mjs';
import { bounces } from './bouncing-ball.mjs';
import { emojiModel } from './emoji-model.mjs';
import { neuralOde } from './neural-ode.mjs';
import { roberTable } from './rober.mjs';
import { gradientTable } from './gradients.mjs';

console.log('difflux demo\n\nLotka–Volterra (α=1.5, β=1, δ=3, γ=1, u0=[1,1], t∈[0,10]), error against a DOP853 reference:');
console.table(lotkaVolterraTable());
const { sol, rows } = bounces();
console.log(`\nBouncing ball (Tsit5 + ContinuousCallback), ${rows.length} impacts, retcode ${sol.retcode}:`);
console.table(rows);

console.log('\nROBER to t = 1e11 (stiff; reltol 1e-6, abstol 1e-10), error against a Radau reference in units of reltol·|y| + abstol:');
console.table(roberTable());

console.log('\nThe model language (Julia\'s emoji Lotka–Volterra, solved inside the engine):');
console.log(emojiModel());

console.log('\nA neural ODE du = W2·tanh(W1·u + b1) + b2 (16 hidden units) with its parameter gradient:');
console.log(neuralOde());

console.log('\nGradients through the solve: d/dp of the sum of Lotka–Volterra saved every 0.1 (p = [1, 2, 3, 4], Tsit5, reltol 1e-8), by every sensealg:');
console.table(gradientTable());
