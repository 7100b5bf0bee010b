// The difflux engine: every exported function takes pointers into linear memory that
// TypeScript (src/runtime/engine.ts) owns and returns a status code.

export { erkSolve, erkInterpolate } from './solvers/erk';

/** First free byte after the engine's static data: TypeScript's allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}
