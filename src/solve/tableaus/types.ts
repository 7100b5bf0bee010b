/**
 * Butcher tableaus for explicit Runge–Kutta methods, as plain data.
 *
 * One generic stepper in the engine runs every method described here, so a new
 * explicit method is a new `ERKTableau` value and nothing else.
 *
 * Stage numbering (0-based) used by `interp` below:
 *   0 .. s-1   the method's stages (k_0 = f(u_n, t_n) always)
 *   s          only when `fsal` is false: k_s = f(u_{n+1}, t_{n+1}), the end-of-step
 *              evaluation every method makes (it is the next step's k_0)
 *   then       the interpolant's extra stages, in the order given
 * When `fsal` is true the last stage already is f(u_{n+1}, t_{n+1}).
 */
export interface ERKTableau {
  /** Name as in DifferentialEquations.jl (`Tsit5`, `DP5`, ...). */
  name: string;
  /** Order of the propagated solution (the step-size controller uses it). */
  order: number;
  /** Order of the embedded method, when there is one. */
  embeddedOrder?: number;
  /** Nodes c_i, length s. */
  c: number[];
  /** Strictly lower-triangular coefficients: A[i] holds a_{i,0..i-1} (A[0] is []). */
  A: number[][];
  /** Weights b_i of the propagated solution, length s. */
  b: number[];
  /**
   * Error weights btilde_i = b_i − bhat_i, length s (or s+1 when the estimate uses the
   * end-of-step evaluation of a non-FSAL method). err = dt · Σ btilde_i k_i.
   * Absent for methods without an error estimate (fixed step only).
   */
  btilde?: number[];
  /**
   * DOP853 only: weights of the second (3rd-order) estimate, err3 = dt · Σ btilde3_i k_i,
   * combined with err5 as in Hairer's code: EEst = err5² / sqrt(err5² + 0.01·err3²).
   */
  btilde3?: number[];
  /** True when the last stage is f(u_{n+1}, t_{n+1}) (c = 1 and its A row equals b). */
  fsal: boolean;
  /**
   * The method's own dense output. Absent: cubic Hermite on (u_n, f_n, u_{n+1}, f_{n+1}).
   * u(t_n + θ·dt) = u_n + dt · Σ_i B_i(θ) k_i with B_i(θ) = Σ_{j≥1} B[i][j-1] θ^j.
   */
  interp?: {
    /** Extra stages evaluated only when interpolating (Verner's lazy stages, DOP853's). */
    extra?: {
      /** Nodes of the extra stages. */
      c: number[];
      /** A[e] holds the coefficients over every earlier stage in the numbering above. */
      A: number[][];
    };
    /** B[i] = [coefficient of θ, of θ², ...] for stage i in the numbering above; missing rows are 0. */
    B: number[][];
  };
  /** Step-size controller constants where the method departs from the PI defaults. */
  controller?: { beta1?: number; beta2?: number; qmin?: number; qmax?: number; gamma?: number };
  /** Where the coefficients come from (paper, and the table they were checked against). */
  source: string;
}
