/** Return codes with the names SciML users know. */
import * as L from '../../assembly/solvers/layout.js';

export type ReturnCode =
  | 'Success'
  | 'MaxIters'
  | 'DtLessThanMin'
  | 'Unstable'
  | 'Terminated'
  | 'InitialFailure'
  | 'ConvergenceFailure';

const NAMES: Record<number, ReturnCode> = {
  [L.RET_SUCCESS]: 'Success',
  [L.RET_MAXITERS]: 'MaxIters',
  [L.RET_DTLESSTHANMIN]: 'DtLessThanMin',
  [L.RET_UNSTABLE]: 'Unstable',
  [L.RET_TERMINATED]: 'Terminated',
  [L.RET_INITIALFAILURE]: 'InitialFailure',
  [L.RET_CONVERGENCEFAILURE]: 'ConvergenceFailure',
};

export function retcodeName(code: number): ReturnCode {
  const name = NAMES[code];
  if (!name) throw new Error(`difflux: the engine returned an unknown code ${code}`);
  return name;
}

