// Context blocks of the engine-built right-hand sides (engine-rhs.ts), shared with
// TypeScript like layout.ts: plain integer constants, f64 slots.

// Dual sensitivity state (forward-dual.ts, RHS_DUAL).
export const FD_TAPE = 0; // the model's tape
export const FD_REGS = 1; // its register file (parameters filled in)
export const FD_TANG = 2; // tangent registers: nregs·k f64
export const FD_W = 3; // parameter seeds W: np×k f64
export const FD_PARAM_BASE = 4; // first parameter register
export const FD_NP = 5; // flat parameters
export const FD_K = 6; // tangent lanes
export const FD_N = 7; // model states
export const FD_SIZE = 8;
