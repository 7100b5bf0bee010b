/**
 * The FBDF algorithm: a variable-order (1–5), variable-step BDF method for stiff problems and
 * index-1 DAEs with a constant mass matrix (assembly/solvers/bdf.ts).
 */
import { BDF_MAX_ORDER } from '../../assembly/solvers/layout-bdf.js';

/** What the solve's generic parts read of a method's coefficients: its name and starting order. */
export interface BDFCoefficients {
  readonly name: 'FBDF';
  /** The order of the first step (BDF1). */
  readonly order: 1;
}

/** A variable-order BDF method. */
export interface BDFAlgorithm {
  readonly kind: 'bdf';
  readonly name: 'FBDF';
  readonly tableau: BDFCoefficients;
  readonly adaptive: true;
  /**
   * Jacobians of a compiled model (`ode`) by forward-mode automatic differentiation (true,
   * the default) or by finite differences (false); a JavaScript f always takes finite differences.
   */
  readonly autodiff: boolean;
  /** The highest order the method may choose, 1–5. */
  readonly maxOrder: number;
}

/** Options of `FBDF`. */
export interface BDFOptions {
  /** false: finite-difference Jacobians also for compiled models. Default true. */
  autodiff?: boolean;
  /** The highest order used, an integer 1–5. Default 5. */
  maxOrder?: number;
}

const COEFFICIENTS: BDFCoefficients = Object.freeze({ name: 'FBDF', order: 1 });
const made = new Map<string, BDFAlgorithm>();

/**
 * FBDF: variable-order (1–5), variable-step BDF in the quasi-constant-step form of Shampine &
 * Reichelt (MATLAB's ode15s with κ = 0), for large stiff systems and index-1 DAEs
 * (a problem's `massMatrix`, possibly singular). Jacobians are reused across steps.
 */
export function FBDF(opts?: BDFOptions): BDFAlgorithm {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new TypeError('FBDF: options must be an object, e.g. { maxOrder: 3 }');
  for (const k of Object.keys(opts ?? {})) {
    if (k !== 'autodiff' && k !== 'maxOrder') throw new Error(`FBDF: unknown option '${k}' (known: autodiff, maxOrder)`);
  }
  const ad = opts?.autodiff ?? true;
  if (typeof ad !== 'boolean') throw new TypeError('FBDF: autodiff must be true or false');
  const mo = opts?.maxOrder ?? BDF_MAX_ORDER;
  if (typeof mo !== 'number' || !Number.isInteger(mo) || mo < 1 || mo > BDF_MAX_ORDER) {
    throw new RangeError(`FBDF: maxOrder must be an integer from 1 to ${BDF_MAX_ORDER}, got ${String(mo)}`);
  }
  const key = `${ad}/${mo}`;
  let alg = made.get(key);
  if (!alg) {
    alg = Object.freeze({ kind: 'bdf', name: 'FBDF', tableau: COEFFICIENTS, adaptive: true, autodiff: ad, maxOrder: mo });
    made.set(key, alg);
  }
  return alg;
}
