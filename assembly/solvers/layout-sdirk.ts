// Layout of the SDIRK/ESDIRK coefficient block and the SDIRK family's solve-block slots
// (80–99, see layout.ts). Same rules as layout.ts: plain integer constants, valid as
// AssemblyScript and TypeScript; src/ imports this file the way it imports layout.ts.
//
// An SDIRK coefficient block is a tableau block (layout.ts, T_*) whose dense-output part
// describes the cubic Hermite interpolant over three workspace vectors (T_S = T_STOTAL = 3:
// f_n, f_{n+1} and (u_{n+1} − u_n)/dt), whose T_C holds the stage nodes, T_ROWSTART /
// T_IDX / T_COEF the strictly lower part of A, T_ERR_* the error weights btilde and T_ORDER
// the order. Every index in the block's index arrays is a workspace slot (SD_SLOT_*), not a
// stage number: stage 0 (the explicit first stage, f_n) is slot 0, stage j ≥ 1 is slot
// SD_SLOT_STAGE1 + j − 1. Then:
export const S_KIND = 24; // SD_KIND_*: how the error is estimated
export const S_NSTAGES = 25; // s: stage 0 (explicit) and s − 1 implicit stages
export const S_GAMMA = 26; // the diagonal γ of the implicit stages
export const S_PROWSTART = 27; // i32[s + 1] into S_PIDX / S_PCOEF: the stage predictors, row by row
export const S_PIDX = 28;
export const S_PCOEF = 29;
export const S_SMOOTH = 30; // 1: the embedded estimate is smoothed by W⁻¹ (Shampine)
export const S_SIZE = 32;

// Kinds of error estimate.
export const SD_KIND_BTILDE = 0; // embedded: dt·Σ btilde_j·k_j
export const SD_KIND_DD2 = 1; // ImplicitEuler: second divided differences of the solution
export const SD_KIND_DD3 = 2; // Trapezoid: third divided differences of the solution

// Workspace slots (vectors at B_K + slot·stride).
export const SD_SLOT_F0 = 0; // f_n = k_0 (u' at t_n)
export const SD_SLOT_F1 = 1; // f_{n+1}, written when a step is accepted
export const SD_SLOT_DU = 2; // (u_{n+1} − u_n)/dt, written when a step is accepted
export const SD_SLOT_STAGE1 = 3; // k_1 … k_{s−1} from here
// After the s − 1 implicit stages, the driver's scratch vectors (their count):
export const SD_SCRATCH = 7;

// Solve-block slots of the SDIRK family.
export const B_SD_ETAOLD = 80; // the Newton iteration's ηold (carried across stages and steps)
export const B_SD_THETA = 81; // the last Newton solve's convergence rate θ
