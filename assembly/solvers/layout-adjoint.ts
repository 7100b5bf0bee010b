// Context blocks of the continuous adjoints (adjoint-rhs.ts, RHS_ADJOINT) and of the dense
// interpolation sources they read, shared with TypeScript like layout.ts: plain integer
// constants, f64 slots.

// Adjoint right-hand side context.
export const AJ_TAPE = 0; // the model's tape
export const AJ_REGS = 1; // its register file (parameters filled in)
export const AJ_ADJ = 2; // scratch: nregs adjoints
export const AJ_PARAM_BASE = 3; // first parameter register
export const AJ_NP = 4; // flat parameters
export const AJ_N = 5; // model states
export const AJ_MODE = 6; // ADJ_*: which state the solve carries
export const AJ_U = 7; // scratch: u(t) read from the source (n, padded)
export const AJ_F = 8; // scratch: f(u, t) (n, padded)
export const AJ_VU = 9; // scratch: λᵀ·∂f/∂u (n, padded)
export const AJ_VP = 10; // scratch: λᵀ·∂f/∂p (np)
export const AJ_SRC = 11; // interpolation source of u(t) (IS_* block; 0 for backsolve)
export const AJ_W = 12; // scratch: output weights of one reverse sweep (n, padded)
export const AJ_SIZE = 13;

// State layouts (AJ_MODE).
export const ADJ_BACKSOLVE = 0; // [u; λ; μ]: u' = f, λ' = −Jᵀλ, μ' = −f_pᵀλ
export const ADJ_INTERP = 1; // [λ; μ] with u(t) from the source
export const ADJ_QUAD = 2; // [λ] with u(t) from the source

// Interpolation source: the dense records of a solve, read with the recording method's own
// interpolation (erk.ts interpolateStep) on a solve block pointed at one record at a time.
export const IS_BLK = 0; // a solve block: B_N, B_TMP, B_STRIDE and the f of the recorded solve
export const IS_NPIECE = 1; // pieces of consecutive records by one method, in time order
export const IS_PIECES = 2; // NPIECE × IP_SIZE slots
export const IS_PIECE = 3; // piece of the last lookup
export const IS_REC = 4; // record of the last lookup
export const IS_SIZE = 6;

// One piece of a source.
export const IP_TAB = 0; // the method's tableau block
export const IP_RECS = 1; // its dense records (layout.ts DENSE_HEAD, then u_start and the stages)
export const IP_COUNT = 2; // records
export const IP_RECLEN = 3; // f64 per record
export const IP_SIZE = 4;

// QuadratureAdjoint (adjoint-quadrature.ts): bisections of one step before its Gauss–Kronrod
// estimate is taken as it is.
export const QUAD_MAX_DEPTH = 12;
