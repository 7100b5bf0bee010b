// Timing helpers for bench/run.mjs: warm-up, batch sizing, interleaved batches, medians.
// Nothing here asserts on time; it only measures.

const now = () => performance.now();

/** Every solver's result goes through here so that no work can be optimized away. */
let sinkValue = 0;
export function consume(x) {
  const v = typeof x === 'number' ? x : x[0];
  if (v === v) sinkValue += v; // skip NaN so the sink stays printable
}
export function sink() {
  return sinkValue;
}

/** Quantile of an ascending array (linear interpolation). */
export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], max: s[s.length - 1] };
}

/**
 * Runs `fn` for at least `warmupMs` (and at least `minCalls` times) so the JIT has settled,
 * then returns the batch size that makes one timed batch last about `targetBatchMs`, and the
 * per-call time seen while warming (ms).
 */
export function warmAndSize(fn, { warmupMs = 150, minCalls = 3, targetBatchMs = 5 } = {}) {
  let calls = 0;
  const t0 = now();
  let t = t0;
  while (calls < minCalls || t - t0 < warmupMs) {
    consume(fn());
    calls++;
    t = now();
  }
  // Time a few calls after the warm-up for the estimate (the first calls were slower).
  const t1 = now();
  const probe = Math.max(1, Math.min(calls, 20));
  for (let i = 0; i < probe; i++) consume(fn());
  const perCallMs = (now() - t1) / probe;
  return { batch: Math.max(1, Math.round(targetBatchMs / perCallMs)), perCallMs };
}

/**
 * Times entries side by side: each round runs one batch of every entry (the order rotates
 * from round to round), so slow drifts of the machine's load hit all entries alike.
 * entry: { fn, batch, maxSamples }. Adds entry.samples: µs per call, one per batch.
 */
export function timeInterleaved(entries, rounds) {
  for (const e of entries) e.samples = [];
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < entries.length; j++) {
      const e = entries[(j + r) % entries.length];
      if (e.samples.length >= (e.maxSamples ?? rounds)) continue;
      const { fn, batch } = e;
      const t0 = now();
      for (let b = 0; b < batch; b++) consume(fn());
      e.samples.push(((now() - t0) * 1000) / batch);
    }
  }
  for (const e of entries) e.stats = summarize(e.samples);
  return entries;
}
