/** Input checks shared by problems and options; every message names the problem. */

/** Copies `x` to a Float64Array, rejecting non-numbers, NaN and ±Inf. */
export function checkFiniteArray(x: ArrayLike<number>, what: string): Float64Array {
  if (x == null || typeof (x as ArrayLike<number>).length !== 'number') throw new TypeError(`${what} must be an array of numbers`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${what}[${i}] is ${String(v)}: it must be a finite number`);
    out[i] = v;
  }
  return out;
}

/** Parameters may be anything; numeric arrays (also nested one level, or plain objects of numbers) must be finite. */
export function checkFiniteParams(p: unknown): void {
  if (p == null || typeof p === 'function') return;
  const check = (v: unknown, path: string) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`p${path} is ${v}: parameters must be finite`);
  };
  if (typeof p === 'number') return check(p, '');
  if (ArrayBuffer.isView(p) && !(p instanceof DataView)) {
    const a = p as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) check(a[i], `[${i}]`);
    return;
  }
  if (Array.isArray(p)) {
    p.forEach((v, i) => {
      if (Array.isArray(v) || ArrayBuffer.isView(v)) Array.from(v as ArrayLike<number>).forEach((w, j) => check(w, `[${i}][${j}]`));
      else check(v, `[${i}]`);
    });
    return;
  }
  if (typeof p === 'object') for (const [k, v] of Object.entries(p as object)) check(v, `.${k}`);
}

/** A tolerance: a finite number ≥ 0, or one per component. */
export function checkTolerance(x: number | ArrayLike<number>, name: string, n: number): number | Float64Array {
  if (typeof x === 'number') {
    if (!Number.isFinite(x) || x < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${x}`);
    return x;
  }
  const a = checkFiniteArray(x, name);
  if (a.length !== n) throw new RangeError(`${name} has ${a.length} entries but the state has ${n}`);
  a.forEach((v, i) => { if (v < 0) throw new RangeError(`${name}[${i}] is negative`); });
  return a;
}
