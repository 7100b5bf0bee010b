// Block fields of the Rosenbrock extensions (solve-block slots 68–79, kept for this family in
// layout.ts) and of the Rosenbrock coefficient block after R_C32. Same rules as layout.ts:
// plain integer constants, valid AssemblyScript and TypeScript.

// --- solve block
export const B_JAC_USER = 68; // 1: J comes from the user's jac (imported "jac"), for every implicit method
export const B_TGRAD_USER = 69; // 1: ∂f/∂t comes from the user's tgrad (imported "tgrad")
export const B_JAC_MAXAGE = 70; // a W-method reuses J for at most this many accepted steps (≤ 1: a new J every step)
export const B_JAC_DTTOL = 71; // …and only while |dt·γ / (dt·γ when J was made) − 1| ≤ this

// --- Rosenbrock coefficient block (R_* slots 36–39 are free in layout.ts's R_SIZE)
export const R_ORDER3 = 36; // ROS_KIND_23 only: 1 takes u_{n+1} from the order-3 formula (Rosenbrock32)
export const R_WMETHOD = 37; // 1: the method keeps its order with an approximate J (J may be reused)
