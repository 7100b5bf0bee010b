// The peer of the gradient benchmark: SUNDIALS CVODES (bench/gradients/cvodes.c), compiled into
// bench/gradients/build/ against the system's libraries (Debian's libsundials-dev) and run as a
// child process that times itself (see the C file for the modes, timing and heap accounting).
//
// `runCvodes` returns a case in the shape bench/gradients.mjs uses for difflux's modes:
// { status: 'ok' | 'n/a' | 'error', error?, first: { loss, dp, du0 }, stats, peakBytes, leaked,
//   counters }, with status 'n/a' (and the reason in `error`) when the driver cannot be built.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../lib/timing.mjs';
import { lotkaVolterra, net50 } from '../lib/gradient-models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cSource = join(here, 'cvodes.c');
const buildDir = join(here, 'build');

/** The driver's name of a benchmark model (its f, ∂f/∂u and ∂f/∂p are written by hand in C). */
export function driverModel(m) {
  if (m === lotkaVolterra) return 'lv';
  if (m === net50) return 'net50';
  throw new Error(`no CVODES driver for the model "${m.label}"`);
}

/**
 * The -O2 source build's install prefix (the environment variable CVODE_O2_PREFIX, as in the
 * stiff benchmark; it must hold CVODES too), or null. Build it like bench/stiff/peers.mjs
 * says, with -DBUILD_CVODES=ON.
 */
export const CVODE_O2_PREFIX = process.env.CVODE_O2_PREFIX || null;

/** The driver's binary: linked with the system's libraries, or with the -O2 build under `prefix`. */
export const binaryFor = (prefix) => join(buildDir, prefix ? 'cvodes-o2' : 'cvodes');

const buildErrors = new Map();
/**
 * Compiles cvodes.c unless the binary is newer; returns null, or why the driver is not
 * available (no compiler, no CVODES headers or libraries). The answer is kept for the process.
 * With `prefix`, links the static libraries of that install instead of the system's.
 */
export function buildCvodes(prefix = null) {
  if (buildErrors.has(prefix)) return buildErrors.get(prefix);
  const cc = process.env.CC || 'cc';
  const binary = binaryFor(prefix);
  let why = null;
  try {
    if (!(existsSync(binary) && statSync(binary).mtimeMs > statSync(cSource).mtimeMs)) {
      mkdirSync(buildDir, { recursive: true });
      let link;
      if (prefix) {
        const libDir = ['lib', 'lib64'].map((d) => join(prefix, d)).find((d) => existsSync(join(d, 'libsundials_cvodes.a')));
        if (!libDir) throw new Error(`no lib/libsundials_cvodes.a under ${prefix} (build SUNDIALS with -DBUILD_CVODES=ON)`);
        const libs = ['cvodes', 'sunnonlinsolnewton', 'sunnonlinsolfixedpoint', 'sunlinsoldense', 'sunmatrixdense', 'nvecserial', 'generic', 'core']
          .map((n) => join(libDir, `libsundials_${n}.a`)).filter((f) => existsSync(f));
        link = ['-I', join(prefix, 'include'), '-o', binary, cSource, ...libs];
      } else {
        link = ['-o', binary, cSource, '-lsundials_cvodes', '-lsundials_nvecserial', '-lsundials_sunmatrixdense', '-lsundials_sunlinsoldense'];
      }
      execFileSync(cc, ['-O2', ...link, '-lm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    }
  } catch (e) {
    const msg = String(e.stderr || e.message).trim().split('\n').filter(Boolean);
    why = `${cc} could not build the CVODES driver${prefix ? ` against ${prefix}` : ''}${msg.length ? `: ${msg.slice(0, 2).join(' ')}` : ''}`;
  }
  buildErrors.set(prefix, why);
  return why;
}

/**
 * One CVODES gradient case: model `m` on [0, t1], `mode` 'forward' or 'adjoint', loss = sum of
 * u(t1), gradient w.r.t. p (difflux's paramVector order) and u0.
 * interp: 'hermite' | 'polynomial' (the adjoint's interpolation of the forward solution);
 * timing: { warmSeconds, minReps, minSeconds, maxSeconds }; prefix: the -O2 build's install
 * (CVODE_O2_PREFIX) instead of the system's libraries.
 */
export function runCvodes(m, mode, t1, { method = 'adams', rtol = 1e-8, atol = 1e-8, nd = 150, interp = 'hermite', timing, timeoutS = 240, prefix = null } = {}) {
  const why = buildCvodes(prefix);
  if (why) return { status: 'n/a', error: why, leaked: 0 };
  const p = [...m.model.paramVector(m.params())];
  const args = [driverModel(m), mode, method, String(t1), String(rtol), String(atol), String(nd),
    String(timing.warmSeconds), String(timing.minReps), String(timing.minSeconds), String(timing.maxSeconds), interp];
  let r;
  try {
    r = JSON.parse(execFileSync(binaryFor(prefix), args, {
      input: [...p, ...m.u0].map((x) => x.toPrecision(17)).join(' '), encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 26,
    }));
  } catch (e) {
    return { status: 'error', error: `CVODES driver: ${String(e.stderr || e.message).trim().split('\n')[0]}`, leaked: 0 };
  }
  const counters = {
    nsteps: r.nsteps, nfe: r.nfe, nfeS: r.nfeS, nstepsB: r.nstepsB, nfeB: r.nfeB, ncheck: r.ncheck, version: r.version,
  };
  if (r.flag < 0) return { status: 'error', error: `CVODES returned flag ${r.flag}`, leaked: 0, counters };
  return {
    status: 'ok',
    first: { loss: r.loss, dp: r.dp, du0: r.du0 },
    stats: summarize(r.ms),
    peakBytes: r.peakBytes >= 0 ? r.peakBytes : NaN,
    leaked: r.leakedBytes > 0 ? r.leakedBytes : 0,
    counters,
  };
}
