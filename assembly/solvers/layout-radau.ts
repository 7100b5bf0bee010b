// Block slots of the Radau IIA methods (radau.ts), in the range layout.ts keeps for them
// (120–139). Same rules as layout.ts: plain integer constants, valid AssemblyScript and
// TypeScript, read by the engine and by src/solve/drivers.ts.

/** The complex matrix E2 = (α + iβ)/dt·M − J: n×n row-major, real and imaginary parts interleaved (2n² f64). */
export const B_RADAU_E2 = 120;
/** i32[n] pivots of E2's factorization (the real matrix E1 uses B_WMAT and B_PIV). */
export const B_RADAU_PIV2 = 121;
/**
 * Newton's state carried from step to step and reported to the step loop, per solve (a
 * right-hand side may run a solve of its own in the middle of an iteration): θ, η (RADAU5's
 * FACCON), the dt factor of a slow convergence, the iterations of the last solve.
 */
export const B_RADAU_THETA = 122;
export const B_RADAU_FACCON = 123;
export const B_RADAU_HHFAC = 124;
export const B_RADAU_NEWT = 125;

/** Workspace vectors after u_n (B_K + i·B_STRIDE) that a Radau solve uses. */
export const RADAU_K = 0; // K_1 … K_3: the stage derivatives A⁻¹·Z/dt of the accepted step (dense output)
export const RADAU_Z = 3; // Z_1 … Z_3: stage increments Y_i − u_n
export const RADAU_W = 6; // W = T⁻¹·Z, the transformed increments Newton iterates on
export const RADAU_F0 = 9; // f(t_n, u_n)
export const RADAU_FS = 10; // scratch: f at a stage, the Jacobian's
export const RADAU_DT = 11; // ∂f/∂t (computed with J, unused by the method)
export const RADAU_SCAL = 12; // atol′ + rtol′·|u_n|, the weights of every norm
export const RADAU_E = 13; // the error estimate's M·(d·Z)/dt
export const RADAU_C = 14; // two vectors: the complex right-hand side, interleaved
export const RADAU_KVECS = 16;
