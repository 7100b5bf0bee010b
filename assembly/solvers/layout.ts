// Layout of the blocks TypeScript fills and the engine reads.
//
// This one file is compiled by AssemblyScript into the engine and bundled by esbuild into
// src/, so both sides agree on every offset. Plain integer constants only: the same text is
// valid AssemblyScript (i32) and TypeScript (number).
//
// A solve block is an array of f64 slots; pointers and counts are stored as f64 (exact
// below 2^53). Slot indices:

// --- problem and method
export const B_N = 0; // state length
export const B_TAB = 1; // pointer to the tableau block
export const B_ADAPTIVE = 2; // 1: error control, 0: fixed dt
export const B_T0 = 3;
export const B_TF = 4;
export const B_DT = 5; // initial dt (0: estimate it) / fixed dt
export const B_DTMIN = 6;
export const B_DTMAX = 7;
export const B_MAXITERS = 8;
// --- controller (PI)
export const B_BETA1 = 9;
export const B_BETA2 = 10;
export const B_GAMMA = 11;
export const B_QMIN = 12;
export const B_QMAX = 13;
export const B_QSTEADY_MIN = 14;
export const B_QSTEADY_MAX = 15;
export const B_QOLDINIT = 16;
// --- vectors (pointers to n-length f64 arrays in the workspace)
export const B_ABSTOL = 17;
export const B_RELTOL = 18;
export const B_U = 19; // current state; holds u0 on entry
export const B_UPREV = 20;
export const B_TMP = 21;
export const B_ERR = 22; // scratch (the initial step estimate)
export const B_K = 23; // stage derivatives, stage j at B_K + j * stride
export const B_STRIDE = 25; // bytes between consecutive stage vectors
// --- stops and saving
export const B_TSTOPS = 26; // pointer to sorted (in the direction of time) tstops
export const B_NTSTOPS = 27;
export const B_SAVEAT = 28; // pointer to sorted saveat times
export const B_NSAVEAT = 29;
export const B_SAVE_EVERY = 30;
export const B_SAVE_START = 31;
export const B_SAVE_END = 32;
export const B_DENSE = 33;
export const B_CALLBACKS = 34; // 1 when TypeScript has callbacks to run after each step
// --- growable output buffers (the engine asks TypeScript for room at a step boundary)
export const B_SAVE_PTR = 35; // records of 1 + n f64: t, u
export const B_SAVE_CAP = 36; // capacity in records
export const B_SAVE_COUNT = 37;
export const B_DENSE_PTR = 38; // records of DENSE_HEAD + n·(1 + stagesTotal) f64
export const B_DENSE_CAP = 39;
export const B_DENSE_COUNT = 40;
// --- results and state shared with callbacks
export const B_NF = 41;
export const B_NACCEPT = 42;
export const B_NREJECT = 43;
export const B_T = 44; // current time
export const B_TPREV = 45; // start of the current step
export const B_DTCUR = 46; // dt of the current step
export const B_EVENT_T = 47; // set by TypeScript when a callback fires
export const B_EXTRAS_DONE = 48; // interpolation's extra stages computed for this step
export const B_TOL_SCALAR = 50; // 1: abstol and reltol are the same for every component
export const B_TAPE = 51; // a compiled model's tape (0: none; with B_FUNC and B_TAPE 0, f is JavaScript)
export const B_REGS = 52; // its register file
export const B_FUNC = 53; // the model emitted as WebAssembly: its index in the function table (0: none)
// --- Rosenbrock methods (rosenbrock.ts): matrices, Jacobian scratch and linear-algebra counters
export const B_JAC = 54; // ∂f/∂u, n×n row-major
export const B_WMAT = 55; // W = I − dt·γ·J, factored in place (n×n row-major)
export const B_PIV = 56; // i32[n] pivots of W's factorization
export const B_TANG = 57; // a compiled model's tangent registers for forward-mode AD (nregs·lanes f64; 0: none)
export const B_SEED = 58; // seeds of one forward sweep: n×lanes for u, then lanes for t
export const B_OUTT = 59; // tangents of f from one forward sweep (n×lanes)
export const B_LANES = 60; // tangent lanes per forward sweep
export const B_NJAC = 61; // Jacobian evaluations
export const B_NW = 62; // W factorizations
export const B_NSOLVE = 63; // linear solves (one right-hand side each)
// --- implicit methods in general (wmatrix.ts)
export const B_MASS = 64; // the mass matrix M (n×n row-major; 0: the identity)
export const B_NNONLIN = 65; // nonlinear (Newton) iterations
export const B_NNONLINFAIL = 66; // nonlinear solves that did not converge
export const B_NSWITCH = 67; // switches between a nonstiff and a stiff method
// Slots 68–159 are kept for the implicit families' own fields, one range each so their
// layouts do not collide: 68–79 Rosenbrock extensions, 80–99 SDIRK, 100–119 BDF,
// 120–139 Radau, 140–159 automatic switching.
// --- banded Jacobians (wbanded.ts): J and W in band storage instead of n×n
export const B_BAND = 160; // 1: J has B_KL subdiagonals and B_KU superdiagonals, stored as bands
export const B_KL = 161;
export const B_KU = 162;
// --- right-hand sides the engine builds on a model (engine-rhs.ts), and the error seminorm
export const B_RHS_KIND = 163; // RHS_*: f is the engine's own function of the model in B_RHS_CTX (0: none)
export const B_RHS_CTX = 164; // pointer to that right-hand side's context block
export const B_NORM_N = 165; // error norms read the first B_NORM_N components only (0: all n)
export const B_SIZE = 168;

// Dense record: t_start, dt, t_end, extrasDone, then u_start (n), then every stage (n each).
export const DENSE_HEAD = 4;

// Kinds of engine-built right-hand side (B_RHS_KIND).
export const RHS_DUAL = 1; // u and its tangents S carried together: [f; J·S + ∂f/∂p·W] (forward-dual.ts)
export const RHS_ADJOINT = 2; // a continuous adjoint's backward equations (adjoint-rhs.ts)

// Tableau block (f64 slots; pointers to i32 arrays stored as f64):
export const T_S = 0; // stages in a step, the end-of-step evaluation included
export const T_STOTAL = 1; // stages with the interpolation's extra stages
export const T_END = 2; // index of the stage f(u_{n+1}, t_{n+1})
export const T_DEG = 3; // degree of the interpolation polynomials B_i(θ)
export const T_ERRKIND = 4; // 0: none, 1: btilde, 2: btilde and btilde3 (DOP853)
export const T_END_BEFORE_ERR = 5; // the error estimate uses the end-of-step evaluation
export const T_ORDER = 6;
export const T_C = 7; // f64[stotal]
export const T_ROWSTART = 8; // i32[stotal + 1] into T_IDX / T_COEF
export const T_IDX = 9; // i32[nnz] stage indices of A's nonzeros, row by row
export const T_COEF = 10; // f64[nnz]
export const T_ERR_N = 11; // nonzero error weights
export const T_ERR_IDX = 12;
export const T_ERR_COEF = 13;
export const T_ERR3_N = 14;
export const T_ERR3_IDX = 15;
export const T_ERR3_COEF = 16;
export const T_B_N = 17; // stages with a nonzero interpolation polynomial
export const T_B_IDX = 18;
export const T_B_POLY = 19; // f64[T_B_N · deg]: coefficients of θ^1..θ^deg, per listed stage
export const T_B_W = 20; // f64[T_B_N] scratch for the evaluated weights
export const T_SIZE = 24;

// Rosenbrock coefficient block: a tableau block (the slots above) whose dense-output part
// (T_S = T_STOTAL = T_B_N's vectors recorded per step, T_DEG, T_B_*) is read by the same
// interpolation as an explicit method's, and whose T_C / T_ROWSTART / T_IDX / T_COEF hold the
// stage nodes and the stage matrix A, T_ERR_* the error weights, T_ORDER the order. The
// stage vectors are derivatives: stage i's state is u_n + dt·Σ_j A_ij·k_j. Then:
export const R_KIND = 24; // ROS_KIND_*
export const R_NSTAGES = 25; // s: stage vectors k_0 … k_{s−1}
export const R_GAMMA = 26; // γ (the diagonal: W = I − dt·γ·J)
export const R_D = 27; // f64[s]: the ∂f/∂t coefficients (Rodas' d_i; γ_i in Hairer–Wanner)
export const R_CROWSTART = 28; // i32[s + 1] into R_CIDX / R_CCOEF: the matrix C, row by row
export const R_CIDX = 29;
export const R_CCOEF = 30;
export const R_B_N = 31; // nonzero solution weights b
export const R_B_IDX = 32;
export const R_B_COEF = 33;
export const R_REUSE_F = 34; // i32[s]: 1 when stage i's state and time are stage i−1's (f is reused)
export const R_C32 = 35; // Rosenbrock23's c32 = 6 + √2
export const R_SIZE = 40;

// Kinds of Rosenbrock method.
export const ROS_KIND_23 = 1; // Shampine's Rosenbrock23 (its own three-stage step, FSAL)
export const ROS_KIND_RODAS = 2; // the general form (A, C, γ, d, b, btilde), as Hairer–Wanner's RODAS

// Return codes of a solve (src/solve/retcode.ts names them).
export const RET_SUCCESS = 0;
export const RET_MAXITERS = 1;
export const RET_DTLESSTHANMIN = 2;
export const RET_UNSTABLE = 3;
export const RET_TERMINATED = 4;
export const RET_INITIALFAILURE = 5;
export const RET_CONVERGENCEFAILURE = 6;
export const RET_ABORTED = 7; // a JavaScript callback threw; TypeScript rethrows its error

// Kinds of growable buffer in the "need more room" import.
export const GROW_SAVE = 0;
export const GROW_DENSE = 1;

// Answers of the step callback.
export const CB_NONE = 0;
export const CB_EVENT = 1; // B_EVENT_T holds the event time
export const CB_TERMINATE = 2;
export const CB_ERROR = -1;
