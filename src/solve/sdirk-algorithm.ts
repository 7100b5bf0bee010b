/**
 * SDIRK/ESDIRK algorithms (ImplicitEuler, Trapezoid, TRBDF2, KenCarp4, Kvaerno5): a
 * coefficient set each, run by the engine's one SDIRK driver. Constructed in algorithms.ts.
 */
import type { SdirkTableau } from './tableaus/sdirk.js';

/** An SDIRK/ESDIRK method for stiff problems: implicit stages solved by a simplified Newton iteration. */
export interface SdirkAlgorithm {
  readonly kind: 'sdirk';
  readonly name: string;
  readonly tableau: SdirkTableau;
  readonly adaptive: boolean;
  /**
   * How J = ∂f/∂u is computed for a compiled model (`ode`): by forward-mode automatic
   * differentiation on its tape (true, the default) or by finite differences (false). A
   * JavaScript right-hand side always takes finite differences.
   */
  readonly autodiff: boolean;
}

/** Options of the SDIRK constructors, as DifferentialEquations.jl's `autodiff`. */
export interface SdirkOptions {
  /** false: finite-difference Jacobians also for compiled models. Default true. */
  autodiff?: boolean;
}

const made = new Map<string, SdirkAlgorithm>();

/** Validates the options; one frozen object per method and option set. */
export function sdirkAlgorithm(tableau: SdirkTableau, opts: SdirkOptions | undefined): SdirkAlgorithm {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new TypeError(`${tableau.name}: options must be an object, e.g. { autodiff: false }`);
  for (const k of Object.keys(opts ?? {})) {
    if (k !== 'autodiff') throw new Error(`${tableau.name}: unknown option '${k}' (known: autodiff)`);
  }
  const ad = opts?.autodiff ?? true;
  if (typeof ad !== 'boolean') throw new TypeError(`${tableau.name}: autodiff must be true or false`);
  const key = `${tableau.name}/${ad}`;
  let alg = made.get(key);
  if (!alg) {
    alg = Object.freeze({ kind: 'sdirk', name: tableau.name, tableau, adaptive: true, autodiff: ad });
    made.set(key, alg);
  }
  return alg;
}
