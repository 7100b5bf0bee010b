/**
 * One driver per kind of method: how a solve lays out the method's coefficients, what extra
 * memory it needs, which engine function integrates and which interpolates. `solve` and
 * `Solution.at` go through this table, so a new family of methods is one entry here.
 */
import * as L from '../../assembly/solvers/layout.js';
import type { Engine } from '../runtime/engine.js';
import type { ODEProblem, Bandwidth } from './problem.js';
import type { Algorithm } from './algorithms.js';
import { tableauBlock } from './tableau-block.js';
import { rosenbrockBlock, prepareRosenbrock } from './rosenbrock-block.js';
import * as LRos from '../../assembly/solvers/layout-rosenbrock.js';
import { bdfBlock } from './bdf-block.js';
import * as LB from '../../assembly/solvers/layout-bdf.js';
import { sdirkBlock, sdirkVectors, SDIRK_NDENSE } from './sdirk-block.js';
import { radauBlock } from './radau-block.js';
import * as LR from '../../assembly/solvers/layout-radau.js';

/**
 * The method's block in engine memory, the stage vectors each saved step keeps for the dense
 * output (`ndense`), and the workspace vectors after u_n (`kvecs`).
 */
export interface MethodBlock {
  ptr: number;
  ndense: number;
  kvecs: number;
}

export interface Driver<A extends Algorithm = Algorithm> {
  block(eng: Engine, alg: A): MethodBlock;
  /** Allocations a solve needs beyond the workspace (matrices), pointed at from the block. */
  prepare?(eng: Engine, blk: number, prob: ODEProblem<unknown>, alg: A): void;
  /** Runs the integration: a RET_* code. */
  solve(eng: Engine, blk: number): number;
  /** Interpolates inside the block's current step into `out`: 0 on success. */
  interpolate(eng: Engine, blk: number, t: number, out: number): number;
  /** The PI controller keeps dt while 1 ≤ q ≤ qsteadyMax. */
  qsteadyMax: number;
  /** Whether the method solves M·u' = f with a mass matrix M. */
  massMatrix: boolean;
}

/**
 * J's band for a solve: the problem's `jacPrototype` when band storage is smaller than the
 * dense matrix (2·lower + upper + 1 < n), else undefined (dense).
 */
export function bandFor(prob: ODEProblem<unknown>): Bandwidth | undefined {
  const b = prob.bandwidth;
  return b && 2 * b.lower + b.upper + 1 < prob.u0.length ? b : undefined;
}

/** Largest n for the dense n×n matrices of an implicit method. */
export const MAX_DENSE_N = 8192;

/**
 * The Jacobian's and W's memory for an implicit method: J, W and W's pivots, the mass matrix
 * when the problem has one, and for a compiled model with `autodiff` the forward sweeps'
 * tangent registers, seeds and output tangents.
 */
export function allocJacobian(eng: Engine, blk: number, prob: ODEProblem<unknown>, name: string, autodiff: boolean): void {
  const n = prob.u0.length;
  const band = bandFor(prob);
  if ((!band || prob.massMatrix) && n > MAX_DENSE_N) {
    const what = band ? 'stores the dense mass matrix' : 'factors a dense n×n matrix each step (give a banded jacPrototype when J is banded)';
    throw new RangeError(`solve: ${name} ${what}; with ${n} states that is more than the ${MAX_DENSE_N} supported`);
  }
  // J: n×n, or J's band (lower + upper + 1 per row); W: n×n, or the band with the LU's fill-in room.
  const jac = eng.alloc(8 * n * (band ? band.lower + band.upper + 1 : n));
  const w = eng.alloc(8 * n * (band ? 2 * band.lower + band.upper + 1 : n));
  const piv = eng.alloc(4 * n);
  const mass = prob.massMatrix ? eng.alloc(8 * n * n) : 0;
  let lanes = 0;
  let tang = 0;
  let seed = 0;
  let outT = 0;
  if (prob.model && autodiff) {
    // One forward sweep carries up to 64 seeds: the columns of [∂f/∂u | ∂f/∂t], or J's column
    // groups and t in a banded solve.
    lanes = Math.min((band ? Math.min(band.lower + band.upper + 1, n) : n) + 1, 64);
    tang = eng.alloc(8 * Math.max(1, prob.model.tape.regs.length) * lanes);
    seed = eng.alloc(8 * (n + 1) * lanes);
    outT = eng.alloc(8 * n * lanes);
  }
  const F = eng.f64;
  const b = blk >>> 3;
  F[b + L.B_JAC] = jac;
  F[b + L.B_WMAT] = w;
  F[b + L.B_PIV] = piv;
  F[b + L.B_MASS] = mass;
  if (mass) F.set(prob.massMatrix!, mass >>> 3);
  F[b + L.B_LANES] = lanes;
  F[b + L.B_TANG] = tang;
  F[b + L.B_SEED] = seed;
  F[b + L.B_OUTT] = outT;
  F[b + L.B_BAND] = band ? 1 : 0;
  F[b + L.B_KL] = band ? band.lower : 0;
  F[b + L.B_KU] = band ? band.upper : 0;
  F[b + LRos.B_JAC_USER] = prob.jac ? 1 : 0;
  F[b + LRos.B_TGRAD_USER] = prob.tgrad ? 1 : 0;
}

const erkDriver: Driver<Extract<Algorithm, { kind: 'erk' }>> = {
  block(eng, alg) {
    const { ptr, norm } = tableauBlock(eng, alg.tableau);
    return { ptr, ndense: norm.stotal, kvecs: norm.stotal };
  },
  solve: (eng, blk) => eng.raw.erkSolve(blk),
  interpolate: (eng, blk, t, out) => eng.raw.erkInterpolate(blk, t, out),
  qsteadyMax: 1,
  massMatrix: false,
};

const rosenbrockDriver: Driver<Extract<Algorithm, { kind: 'rosenbrock' }>> = {
  block(eng, alg) {
    const { ptr, layout } = rosenbrockBlock(eng, alg.tableau);
    // The stages, then f(u_n), the stage's f, ∂f/∂t and Rosenbrock23's midpoint f.
    return { ptr, ndense: layout.ndense, kvecs: layout.s + 4 };
  },
  prepare: (eng, blk, prob, alg) => prepareRosenbrock(eng, blk, prob, alg),
  solve: (eng, blk) => eng.raw.rosenbrockSolve(blk),
  interpolate: (eng, blk, t, out) => eng.raw.rosenbrockInterpolate(blk, t, out),
  qsteadyMax: 1.2,
  massMatrix: true,
};

// FBDF: the dense "stages" are D_q/dt, then the differences and Newton's vectors.
const bdfDriver: Driver<Extract<Algorithm, { kind: 'bdf' }>> = {
  block: (eng) => ({ ptr: bdfBlock(eng), ndense: LB.BDF_NDENSE, kvecs: LB.BDF_KVECS }),
  prepare(eng, blk, prob, alg) {
    allocJacobian(eng, blk, prob, alg.name, alg.autodiff);
    eng.f64[(blk >>> 3) + LB.B_BDF_MAXORDER] = alg.maxOrder;
  },
  solve: (eng, blk) => eng.raw.bdfSolve(blk),
  interpolate: (eng, blk, t, out) => eng.raw.bdfInterpolate(blk, t, out),
  qsteadyMax: 1,
  massMatrix: true,
};

const sdirkDriver: Driver<Extract<Algorithm, { kind: 'sdirk' }>> = {
  block: (eng, alg) => ({ ptr: sdirkBlock(eng, alg.tableau), ndense: SDIRK_NDENSE, kvecs: sdirkVectors(alg.tableau) }),
  prepare: (eng, blk, prob, alg) => allocJacobian(eng, blk, prob, alg.name, alg.autodiff),
  solve: (eng, blk) => eng.raw.sdirkSolve(blk),
  interpolate: (eng, blk, t, out) => eng.raw.sdirkInterpolate(blk, t, out),
  qsteadyMax: 1.2,
  massMatrix: true,
};

/** RadauIIA5 (assembly/solvers/radau.ts): J, E1 (as W) and the complex E2 with its pivots. */
const radauDriver: Driver<Extract<Algorithm, { kind: 'radau' }>> = {
  block: (eng) => ({ ptr: radauBlock(eng), ndense: 3, kvecs: LR.RADAU_KVECS }),
  prepare(eng, blk, prob, alg) {
    if (bandFor(prob)) throw new Error(`solve: ${alg.name} does not take a banded jacPrototype yet; use FBDF(), KenCarp4() or Rodas5P() for a banded Jacobian`);
    allocJacobian(eng, blk, prob, alg.name, alg.autodiff);
    const n = prob.u0.length;
    const e2 = eng.alloc(16 * n * n);
    const piv2 = eng.alloc(4 * n);
    eng.f64[(blk >>> 3) + LR.B_RADAU_E2] = e2;
    eng.f64[(blk >>> 3) + LR.B_RADAU_PIV2] = piv2;
  },
  solve: (eng, blk) => eng.raw.radauSolve(blk),
  interpolate: (eng, blk, t, out) => eng.raw.radauInterpolate(blk, t, out),
  qsteadyMax: 1.2,
  massMatrix: true,
};

const DRIVERS: { [K in Algorithm['kind']]: Driver<Extract<Algorithm, { kind: K }>> } = {
  erk: erkDriver,
  rosenbrock: rosenbrockDriver,
  bdf: bdfDriver,
  sdirk: sdirkDriver,
  radau: radauDriver,
};

/** The driver of an algorithm's kind. */
export function driverFor<A extends Algorithm>(alg: A): Driver<A> {
  return DRIVERS[alg.kind] as unknown as Driver<A>;
}

