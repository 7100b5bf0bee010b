/**
 * Events, as in DiffEqCallbacks: a ContinuousCallback fires where its condition crosses
 * zero (located on the dense interpolant), a DiscreteCallback after any step where its
 * condition holds. Affects may change `u` and may stop the solve.
 */

/** What an affect (and a condition) sees of the running integration. */
export interface Integrator<P = unknown> {
  /** Current time (the event time inside an affect). */
  readonly t: number;
  /** Current state; an affect may change it in place. */
  readonly u: Float64Array;
  /** The problem's parameters. */
  readonly p: P;
  /** Stops the solve after this affect; the solution's retcode becomes `Terminated`. */
  terminate(): void;
}

export type Condition<P = unknown> = (u: Float64Array, t: number, integrator: Integrator<P>) => number;
export type Affect<P = unknown> = (integrator: Integrator<P>) => void;

export interface ContinuousCallbackOptions<P = unknown> {
  /** Which crossings fire: 'up' (− to +), 'down' (+ to −) or 'both' (default). */
  direction?: 'up' | 'down' | 'both';
  /** Affect for downcrossings; default: the same affect. Pass null to ignore downcrossings. */
  affectNeg?: Affect<P> | null;
  /** Stop the solve after the affect. */
  terminate?: boolean;
  /** Locate the crossing (default true); false fires at the end of the step that crossed. */
  rootfind?: boolean;
  /** Points checked inside each step for crossings that leave the ends with one sign. Default 10. */
  interpPoints?: number;
  /** A condition value this close to 0 at a step's start counts as "on the surface" (just fired). Default 1e-10. */
  abstol?: number;
}

/** Fires where `condition(u, t, integrator)` crosses zero. */
export class ContinuousCallback<P = unknown> {
  readonly kind = 'continuous' as const;
  readonly condition: Condition<P>;
  readonly affect: Affect<P> | null;
  readonly affectNeg: Affect<P> | null;
  readonly terminate: boolean;
  readonly rootfind: boolean;
  readonly interpPoints: number;
  readonly abstol: number;

  constructor(condition: Condition<P>, affect: Affect<P> | null, options: ContinuousCallbackOptions<P> = {}) {
    if (typeof condition !== 'function') throw new TypeError('ContinuousCallback: condition must be a function (u, t, integrator) => number');
    if (affect !== null && typeof affect !== 'function') throw new TypeError('ContinuousCallback: affect must be a function (integrator) => void or null');
    const dir = options.direction ?? 'both';
    if (dir !== 'up' && dir !== 'down' && dir !== 'both') throw new RangeError(`ContinuousCallback: direction must be 'up', 'down' or 'both', got '${String(dir)}'`);
    this.condition = condition;
    this.affect = dir === 'down' ? null : affect;
    this.affectNeg = dir === 'up' ? null : options.affectNeg === undefined ? affect : options.affectNeg;
    this.terminate = !!options.terminate;
    this.rootfind = options.rootfind ?? true;
    this.interpPoints = Math.max(0, Math.floor(options.interpPoints ?? 10));
    this.abstol = options.abstol ?? 1e-10;
    // A terminating callback with no affect still fires.
    if (this.terminate && affect === null) {
      if (dir !== 'down') this.affect = () => {};
      if (dir !== 'up' && options.affectNeg === undefined) this.affectNeg = () => {};
    }
  }
}

/** Fires after every step where `condition(u, t, integrator)` is true. */
export class DiscreteCallback<P = unknown> {
  readonly kind = 'discrete' as const;
  constructor(
    readonly condition: (u: Float64Array, t: number, integrator: Integrator<P>) => boolean,
    readonly affect: Affect<P>,
    readonly options: { terminate?: boolean } = {},
  ) {
    if (typeof condition !== 'function') throw new TypeError('DiscreteCallback: condition must be a function (u, t, integrator) => boolean');
    if (typeof affect !== 'function') throw new TypeError('DiscreteCallback: affect must be a function (integrator) => void');
  }
}

/** Several callbacks at once. */
export class CallbackSet {
  readonly kind = 'set' as const;
  readonly callbacks: (ContinuousCallback<any> | DiscreteCallback<any>)[];
  constructor(...callbacks: Callback[]) {
    this.callbacks = callbacks.flatMap((c) => flattenCallbacks(c));
  }
}

export type Callback = ContinuousCallback<any> | DiscreteCallback<any> | CallbackSet;

export function flattenCallbacks(c: Callback | undefined): (ContinuousCallback<any> | DiscreteCallback<any>)[] {
  if (c === undefined || c === null) return [];
  if (c instanceof CallbackSet) return c.callbacks;
  if (c instanceof ContinuousCallback || c instanceof DiscreteCallback) return [c];
  throw new TypeError('solve: callback must be a ContinuousCallback, DiscreteCallback or CallbackSet');
}
