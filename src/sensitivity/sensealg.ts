/**
 * The sensitivity algorithms (`sensealg`), named as in SciMLSensitivity, and the default
 * choice. Each is a plain frozen object; `gradient` dispatches on `name`.
 *
 * | sensealg | how | time | memory |
 * | --- | --- | --- | --- |
 * | ForwardSensitivity | forward sensitivity equations (symbolic J·S + ∂f/∂p) | O(parameters) | O(1) |
 * | ForwardDiffSensitivity | dual numbers through the solver's steps | O(parameters) | O(1) |
 * | ReverseDiffAdjoint | reverse sweep through every accepted step (discrete adjoint) | O(1) in parameters | O(steps) |
 * | BacksolveAdjoint | adjoint integrated backwards with the state | O(1) in parameters | O(1) |
 * | InterpolatingAdjoint | adjoint backwards on the forward dense solution (or checkpoints) | O(1) in parameters | O(steps), or O(checkpoints) |
 * | QuadratureAdjoint | λ backwards, dL/dp by quadrature | O(1) in parameters | O(steps) |
 */

/** The augmented forward sensitivity equations u' = f, S' = J·S + ∂f/∂p (symbolic). */
export interface ForwardSensitivityAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'ForwardSensitivity';
}

/** Dual numbers carried through the integration by the engine (forward-mode AD of the solve). */
export interface ForwardDiffSensitivityAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'ForwardDiffSensitivity';
  /** Tangent lanes per solve; more columns than this take several solves. Default: all in one. */
  readonly chunkSize?: number;
}

/** Discrete adjoint: a reverse sweep through the steps the solver took (explicit RK, Rosenbrock). */
export interface ReverseDiffAdjointAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'ReverseDiffAdjoint';
}

/** Continuous adjoint integrated backwards together with the state. */
export interface BacksolveAdjointAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'BacksolveAdjoint';
  /** Reset the backward state to the forward solution's values at the checkpoints. Default true. */
  readonly checkpointing: boolean;
  /** Checkpoint times (default: the saved times of the loss). */
  readonly checkpoints?: readonly number[];
}

/** Continuous adjoint on the forward solution's interpolant, or re-solved from checkpoints. */
export interface InterpolatingAdjointAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'InterpolatingAdjoint';
  /** Keep only checkpoints forward and re-solve each interval densely backward. Default false. */
  readonly checkpointing: boolean;
  /** Checkpoint times (default: the saved times of the loss). */
  readonly checkpoints?: readonly number[];
}

/** Continuous adjoint for λ alone; dL/dp by quadrature of λᵀ·∂f/∂p over the interval. */
export interface QuadratureAdjointAlgorithm {
  readonly kind: 'sensitivity';
  readonly name: 'QuadratureAdjoint';
  /** Tolerances of the quadrature (default: the solve's). */
  readonly abstol?: number;
  readonly reltol?: number;
}

export type SensitivityAlgorithm =
  | ForwardSensitivityAlgorithm
  | ForwardDiffSensitivityAlgorithm
  | ReverseDiffAdjointAlgorithm
  | BacksolveAdjointAlgorithm
  | InterpolatingAdjointAlgorithm
  | QuadratureAdjointAlgorithm;

export type SensitivityAlgorithmName = SensitivityAlgorithm['name'];

export const SENSEALG_NAMES: readonly SensitivityAlgorithmName[] = [
  'ForwardSensitivity', 'ForwardDiffSensitivity', 'ReverseDiffAdjoint',
  'BacksolveAdjoint', 'InterpolatingAdjoint', 'QuadratureAdjoint',
];

function optionsObject(o: unknown, name: string): Record<string, unknown> {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object') throw new TypeError(`${name}: options must be an object, got ${o === null ? 'null' : typeof o}`);
  return o as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, keys: readonly string[], name: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new TypeError(`${name}: unknown option ${k} (it takes ${keys.length ? keys.join(', ') : 'none'})`);
  }
}

function readBoolean(o: Record<string, unknown>, key: string, dflt: boolean, name: string): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new TypeError(`${name}: ${key} must be true or false, got ${String(v)}`);
  return v;
}

function readCheckpoints(o: Record<string, unknown>, name: string): readonly number[] | undefined {
  const v = o.checkpoints;
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${name}: checkpoints must be an array of times`);
  }
  const out = Array.from(v as ArrayLike<unknown>, (x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${name}: checkpoints[${i}] is ${String(x)}; it must be a finite number`);
    return x;
  });
  return Object.freeze(out);
}

function readPositive(o: Record<string, unknown>, key: string, name: string, integer = false): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${name}: ${key} must be a positive ${integer ? 'whole number' : 'finite number'}, got ${String(v)}`);
  }
  return v;
}

/** Forward sensitivity equations (symbolic augmented model): `gradient`'s default for small problems. */
export function ForwardSensitivity(): ForwardSensitivityAlgorithm {
  return Object.freeze({ kind: 'sensitivity', name: 'ForwardSensitivity' });
}

/** Forward-mode AD through the solver: dual numbers with `chunkSize` tangent lanes per solve. */
export function ForwardDiffSensitivity(options?: { chunkSize?: number }): ForwardDiffSensitivityAlgorithm {
  const name = 'ForwardDiffSensitivity';
  const o = optionsObject(options, name);
  onlyKeys(o, ['chunkSize'], name);
  const chunkSize = readPositive(o, 'chunkSize', name, true);
  return Object.freeze({ kind: 'sensitivity', name, ...(chunkSize !== undefined ? { chunkSize } : {}) });
}

/**
 * Reverse-mode AD through the solver's steps (discrete adjoint): the exact gradient of the
 * computed solution, steps held fixed. Explicit Runge–Kutta methods (interpolation stages
 * included), Rosenbrock methods with AD Jacobians, and automatic switching between them;
 * memory grows with the number of steps.
 *
 * ```ts
 * gradient(prob, Tsit5(), { loss: 'sum', sensealg: ReverseDiffAdjoint() });
 * ```
 */
export function ReverseDiffAdjoint(): ReverseDiffAdjointAlgorithm {
  return Object.freeze({ kind: 'sensitivity', name: 'ReverseDiffAdjoint' });
}

/**
 * The continuous adjoint solved backwards with the state (O(1) memory). Integrating u
 * backwards is unstable where the forward dynamics contract fast (stiff problems): the
 * checkpoints hold u to the forward solution, and a state that drifted far from it before a
 * checkpoint fails the gradient with a GradientSolveError; use InterpolatingAdjoint there.
 */
export function BacksolveAdjoint(options?: { checkpointing?: boolean; checkpoints?: ArrayLike<number> }): BacksolveAdjointAlgorithm {
  const name = 'BacksolveAdjoint';
  const o = optionsObject(options, name);
  onlyKeys(o, ['checkpointing', 'checkpoints'], name);
  const checkpoints = readCheckpoints(o, name);
  return Object.freeze({ kind: 'sensitivity', name, checkpointing: readBoolean(o, 'checkpointing', true, name), ...(checkpoints ? { checkpoints } : {}) });
}

/** The continuous adjoint on the forward interpolant, or re-solved from checkpoints. */
export function InterpolatingAdjoint(options?: { checkpointing?: boolean; checkpoints?: ArrayLike<number> }): InterpolatingAdjointAlgorithm {
  const name = 'InterpolatingAdjoint';
  const o = optionsObject(options, name);
  onlyKeys(o, ['checkpointing', 'checkpoints'], name);
  const checkpoints = readCheckpoints(o, name);
  return Object.freeze({ kind: 'sensitivity', name, checkpointing: readBoolean(o, 'checkpointing', false, name), ...(checkpoints ? { checkpoints } : {}) });
}

/** λ backwards on the forward interpolant; dL/dp = ∫ λᵀ·∂f/∂p dt by quadrature. */
export function QuadratureAdjoint(options?: { abstol?: number; reltol?: number }): QuadratureAdjointAlgorithm {
  const name = 'QuadratureAdjoint';
  const o = optionsObject(options, name);
  onlyKeys(o, ['abstol', 'reltol'], name);
  const abstol = readPositive(o, 'abstol', name);
  const reltol = readPositive(o, 'reltol', name);
  return Object.freeze({ kind: 'sensitivity', name, ...(abstol !== undefined ? { abstol } : {}), ...(reltol !== undefined ? { reltol } : {}) });
}

/** Largest states + parameters for which the default is forward mode (SciMLSensitivity's rule). */
export const FORWARD_MODE_LIMIT = 100;

/**
 * The default `sensealg`: forward sensitivities when states + parameters ≤ 100, otherwise
 * `InterpolatingAdjoint({ checkpointing: true })`.
 */
export function defaultSensealg(states: number, params: number): SensitivityAlgorithm {
  return states + params <= FORWARD_MODE_LIMIT ? ForwardSensitivity() : InterpolatingAdjoint({ checkpointing: true });
}

/** Checks a user's `sensealg` (undefined: none given). */
export function checkSensealg(s: unknown, where: string): SensitivityAlgorithm | undefined {
  if (s === undefined) return undefined;
  const name = s !== null && typeof s === 'object' ? (s as { name?: unknown }).name : undefined;
  if ((s as { kind?: unknown })?.kind !== 'sensitivity' || !SENSEALG_NAMES.includes(name as SensitivityAlgorithmName)) {
    const got = typeof name === 'string' ? name : typeof s === 'string' ? `'${s}'` : String(s);
    throw new TypeError(`${where}: unknown sensealg ${got}; use one of ${SENSEALG_NAMES.map((n) => `${n}()`).join(', ')}`);
  }
  return s as SensitivityAlgorithm;
}
