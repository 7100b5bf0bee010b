/**
 * Runs callbacks for the engine: after each accepted step it looks for zero crossings of
 * continuous conditions on the step's dense interpolant (checking `interpPoints` inside the
 * step, then Illinois false position), and evaluates discrete conditions. The engine moves
 * the state to the event time; the affect then runs on the engine's state in place.
 */
import { CB_EVENT, CB_NONE, CB_TERMINATE, CB_ERROR } from '../../assembly/solvers/layout.js';
import type { ContinuousCallback, DiscreteCallback, Integrator } from './callbacks.js';

/** What the runner needs from the solve that owns it. */
export interface EventHost<P> {
  p: P;
  /** The engine's current state (a view; valid during the call). */
  stateView(): Float64Array;
  /** u(tq) on the current step, written to a scratch view that is returned. */
  interpolate(tq: number): Float64Array;
  /** Tells the engine where the event is. */
  setEventTime(t: number): void;
}

interface Pending {
  continuous: ContinuousCallback<any> | null;
  up: boolean;
  discrete: DiscreteCallback<any>[];
}

export class EventRunner<P> {
  /** Set when a user callback threw; the solve rethrows it. */
  error: unknown = undefined;
  private readonly continuous: ContinuousCallback<any>[];
  private readonly discrete: DiscreteCallback<any>[];
  private prev: number[];
  private readonly next: number[];
  private pending: Pending | null = null;
  private stop = false;
  private readonly integ: { t: number; u: Float64Array; p: P; terminate(): void };

  constructor(private readonly host: EventHost<P>, callbacks: (ContinuousCallback<any> | DiscreteCallback<any>)[]) {
    this.continuous = callbacks.filter((c): c is ContinuousCallback<any> => c.kind === 'continuous');
    this.discrete = callbacks.filter((c): c is DiscreteCallback<any> => c.kind === 'discrete');
    this.prev = new Array(this.continuous.length).fill(0);
    this.next = new Array(this.continuous.length).fill(0);
    const self = this;
    this.integ = { t: 0, u: new Float64Array(0), p: host.p, terminate() { self.stop = true; } };
  }

  /** Condition values at the start: call once before the integration. */
  start(t0: number, u0: Float64Array): void {
    this.prev = this.continuous.map((cb) => this.cond(cb, u0, t0));
  }

  private cond(cb: ContinuousCallback<any>, u: Float64Array, t: number): number {
    this.integ.t = t;
    this.integ.u = u;
    const g = cb.condition(u, t, this.integ as Integrator<P>);
    if (typeof g !== 'number' || g !== g) throw new Error(`ContinuousCallback: condition returned ${String(g)} at t = ${t}; it must return a number`);
    return g;
  }

  /** Engine hook after an accepted step tprev → t. */
  onStep(tprev: number, t: number): number {
    try {
      return this.scan(tprev, t);
    } catch (e) {
      this.error = e;
      return CB_ERROR;
    }
  }

  private scan(tprev: number, t: number): number {
    const tdir = t > tprev ? 1 : -1;
    let bestT = 0;
    let best: Pending | null = null;
    const u = this.host.stateView();
    for (let i = 0; i < this.continuous.length; i++) {
      const cb = this.continuous[i];
      const gEnd = this.cond(cb, u, t);
      this.next[i] = gEnd;
      const hit = this.findCrossing(cb, tprev, t, this.prev[i], gEnd);
      if (hit && (!best || tdir * (hit.t - bestT) < 0)) {
        bestT = hit.t;
        best = { continuous: cb, up: hit.up, discrete: [] };
      }
    }
    if (best) {
      this.pending = best;
      this.host.setEventTime(bestT);
      return CB_EVENT;
    }
    for (let i = 0; i < this.prev.length; i++) this.prev[i] = this.next[i];
    if (this.discrete.length) {
      const fired: DiscreteCallback<any>[] = [];
      for (const cb of this.discrete) {
        this.integ.t = t;
        this.integ.u = u;
        if (cb.condition(u, t, this.integ as Integrator<P>)) fired.push(cb);
      }
      if (fired.length) {
        this.pending = { continuous: null, up: false, discrete: fired };
        this.host.setEventTime(t);
        return CB_EVENT;
      }
    }
    return CB_NONE;
  }

  /** The first crossing in (tprev, t] that this callback acts on, located if rootfind is on. */
  private findCrossing(cb: ContinuousCallback<any>, tprev: number, t: number, g0: number, gEnd: number): { t: number; up: boolean } | null {
    const m = cb.interpPoints;
    let ta = tprev;
    let ga = g0;
    // A value on the surface (an event just fired here) takes the sign of what follows it.
    let onSurface = Math.abs(ga) <= cb.abstol;
    for (let j = 1; j <= m + 1; j++) {
      const tb = j === m + 1 ? t : tprev + (t - tprev) * (j / (m + 1));
      const gb = j === m + 1 ? gEnd : this.cond(cb, this.host.interpolate(tb), tb);
      if (onSurface) {
        if (Math.abs(gb) > cb.abstol) { onSurface = false; ta = tb; ga = gb; }
        continue;
      }
      const crosses = (ga < 0 && gb >= 0) || (ga > 0 && gb <= 0);
      if (crosses) {
        const up = ga < 0;
        if (up ? cb.affect : cb.affectNeg) {
          return { t: cb.rootfind ? this.root(cb, ta, tb, ga, gb) : t, up };
        }
      }
      ta = tb;
      ga = gb;
    }
    return null;
  }

  /** Illinois false position on [a, b]; returns the point just past the crossing. */
  private root(cb: ContinuousCallback<any>, a: number, b: number, fa: number, fb: number): number {
    if (fb === 0) return b;
    let side = 0;
    for (let it = 0; it < 200; it++) {
      if (Math.abs(b - a) <= 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b))) break;
      let m = b - (fb * (b - a)) / (fb - fa);
      if (!(m > Math.min(a, b) && m < Math.max(a, b))) m = a + (b - a) / 2;
      if (m === a || m === b) break;
      const fm = this.cond(cb, this.host.interpolate(m), m);
      if (fm === 0) return m;
      if ((fm < 0) === (fa < 0)) {
        a = m; fa = fm;
        if (side === 1) fb /= 2;
        side = 1;
      } else {
        b = m; fb = fm;
        if (side === -1) fa /= 2;
        side = -1;
      }
    }
    return b;
  }

  /** Engine hook: run the pending affect at the event time t on the engine's state. */
  onEvent(t: number): number {
    try {
      const p = this.pending;
      this.pending = null;
      const u = this.host.stateView();
      this.integ.t = t;
      this.integ.u = u;
      let stop = false;
      if (p?.continuous) {
        const affect = p.up ? p.continuous.affect : p.continuous.affectNeg;
        affect?.(this.integ as Integrator<P>);
        stop = p.continuous.terminate;
      }
      for (const cb of p?.discrete ?? []) {
        cb.affect(this.integ as Integrator<P>);
        stop = stop || !!cb.options.terminate;
      }
      for (let i = 0; i < this.continuous.length; i++) this.prev[i] = this.cond(this.continuous[i], u, t);
      if (this.stop) stop = true;
      return stop ? CB_TERMINATE : 0;
    } catch (e) {
      this.error = e;
      return CB_ERROR;
    }
  }
}
