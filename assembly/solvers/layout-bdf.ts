// Layout of the BDF method's fields, shared with TypeScript (src/solve/bdf-block.ts and the
// driver). Same rules as layout.ts: plain integer constants, valid AssemblyScript and
// TypeScript. Solve-block slots stay inside the BDF family's range 100–119.

// --- solve block slots
export const B_BDF_MAXORDER = 100; // highest order the solve may use (1–5)
export const B_BDF_ORDER = 101; // order of the last accepted step
export const B_BDF_ETAOLD = 102; // the Newton iteration's ηold (carried across steps)
export const B_BDF_THETA = 103; // the last Newton solve's convergence rate θ

// The highest order of the formulas (BDF6 and above are not zero-stable enough to use).
export const BDF_MAX_ORDER = 5;

// --- workspace vectors after u_n (B_K + i·B_STRIDE)
// The first BDF_NDENSE are the dense record's "stages": K_q = D_q / dt for q = 1…5 (zero above
// the step's order), so u(t_n + θ·dt) = u_n + dt·Σ_q w_q(θ)·K_q is the step's interpolating
// polynomial with fixed weight polynomials w_q (see src/solve/bdf-block.ts).
export const BDF_NDENSE = 5;
export const BDF_V_D = 5; // D_0 … D_7: the backward differences (BDF_ND vectors)
export const BDF_ND = 8; // orders up to 5 use D_0 … D_{k+2}
export const BDF_V_YPRED = 13; // the predictor Σ_{j≤k} D_j
export const BDF_V_PSIS = 14; // Σ_{j=1..k} γ_j·D_j / γ_k
export const BDF_V_PSI = 15; // the Newton offset ψ = ypred − PSIS
export const BDF_V_Z = 16; // the Newton unknown z (u = ψ + z)
export const BDF_V_FZ = 17; // f(ψ + z), then the Newton residual and correction
export const BDF_V_MZ = 18; // M·z with a mass matrix
export const BDF_V_DT = 19; // ∂f/∂t from the Jacobian routine (unused by the formulas)
export const BDF_V_F0 = 20; // f(t_n, u_n) where the Jacobian is taken
export const BDF_V_SCR = 21; // scratch of the finite-difference Jacobian
export const BDF_V_WT = 22; // norm weights 1 / (abstol + reltol·|u|)
export const BDF_KVECS = 23;

// Coefficient block: a tableau block (layout.ts T_* slots) whose dense-output part
// (T_S = T_STOTAL = BDF_NDENSE, T_DEG, T_B_*) is read by the explicit methods' interpolation;
// T_ORDER is 1 (the order of the first step, used by the initial step estimate).
export const BD_SIZE = 24;
