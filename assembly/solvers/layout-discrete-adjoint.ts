// Context block of the discrete adjoint's backward sweeps (discrete-adjoint.ts), shared with
// TypeScript like layout.ts: plain integer constants, f64 slots (pointers and counts as f64).

export const DA_N = 0; // model states
export const DA_STRIDE = 1; // bytes between stage vectors in a step record (and in DA_KBAR)
export const DA_NP = 2; // flat parameters
export const DA_TAPE = 3; // the model's tape
export const DA_REGS = 4; // its registers (parameters set)
export const DA_ADJ = 5; // scratch: one adjoint per register
export const DA_PARAM_BASE = 6; // first parameter register
export const DA_TAB = 7; // the method's block (ERK tableau block, or Rosenbrock coefficient block)
export const DA_REC = 8; // the forward solve's step records (layout.ts: DENSE_HEAD, u_n, stages)
export const DA_NREC = 9;
export const DA_RECLEN = 10; // f64 per record
export const DA_PTS = 11; // the loss's points: records of DA_PT_HEAD + n f64 (see below)
export const DA_NPTS = 12;
export const DA_KBAR = 13; // stage adjoints: one stride-padded vector per stage
export const DA_Y = 14; // n: a stage state
export const DA_YBAR = 15; // n: a stage state's adjoint
export const DA_VU = 16; // n: wᵀ·∂f/∂u of one VJP
export const DA_VP = 17; // np: wᵀ·∂f/∂p of one VJP
export const DA_OUT = 18; // n: f of the VJP's primal sweep (scratch)
export const DA_LAMBDA = 19; // n: dL/du_n as the sweep goes back; dL/du0 at the end
export const DA_MU = 20; // n: the adjoint of u_n being gathered in a step
export const DA_PBAR = 21; // np: dL/dp
export const DA_NVJP = 22; // VJPs of f taken (out)
// --- Rosenbrock steps (recomputed from u_n, t_n and dt with rosenbrock.ts's own formulas)
export const DA_BLK = 23; // a solve block with the model, J, W, pivots and AD lanes (allocJacobian)
export const DA_WS = 24; // workspace: uprev, k_0 … k_{s−1}, f0, fs, dT, f1, u, tmp (stride apart)
export const DA_WT = 25; // n×n: Wᵀ, factored
export const DA_PIVT = 26; // i32[n]: its pivots
export const DA_JV_TAPE = 27; // the model [u; t; v; τ] ↦ J(u, p, t)·v + ∂f/∂t·τ (jv-model.ts)
export const DA_JV_REGS = 28;
export const DA_JV_ADJ = 29;
export const DA_JV_X = 30; // 2n + 2: the state [u; t; v; τ] of one J·v VJP
export const DA_JV_VU = 31; // 2n + 2: its wᵀ·∂(J·v + ∂f/∂t·τ)/∂[u; t; v; τ]
export const DA_JV_OUT = 32; // n (scratch)
export const DA_FBAR = 33; // n: adjoint of a stage's f carried to the stage that computed it
export const DA_Z = 34; // n: W⁻ᵀ·k̄_i
export const DA_JV_PBASE = 36; // the J·v model's first parameter register
export const DA_ADAPTIVE = 37; // 1: the forward solve was adaptive (Rosenbrock23 then computed k3)
export const DA_TIME_DEP = 38; // 1: f depends on t (the ∂f/∂t terms are differentiated)
export const DA_TBAR = 39; // n: the adjoint of ∂f/∂t at the step's start
export const DA_JV_W = 40; // n: the weights of one J·v VJP
export const DA_FBAR0 = 41; // n: the adjoint of f(u_n) (Rosenbrock23)
export const DA_SIZE = 48;

// A point of the loss: the step it lies in (−1: the initial state), how it is read from that
// step, its time, then dL/du there (n values).
export const DA_PT_STEP = 0;
export const DA_PT_KIND = 1;
export const DA_PT_T = 2;
export const DA_PT_HEAD = 3;
export const PT_END = 0; // u at the step's end (u_{n+1}; for step −1, u0)
export const PT_INTERP = 1; // the step's dense output at the point's time

// Answers of the sweeps.
export const DA_OK = 0;
export const DA_NO_EXTRAS = 1; // a point inside a step whose interpolation stages were never computed
export const DA_SINGULAR = 2; // a recomputed W was singular or not finite
