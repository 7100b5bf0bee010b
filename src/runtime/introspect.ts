import { getEngine } from './engine.js';

/** Bytes of engine memory held by running solves (0 between solves: nothing leaks). */
export function memoryInUse(): number {
  return getEngine().inUse;
}
