/*
 * Peer driver for the gradient benchmark (bench/gradients.mjs): SUNDIALS CVODES computes the
 * gradient of L = sum_i u_i(t1) with respect to p and u0, by forward sensitivities or by the
 * adjoint method, timed in this process.
 *
 *   cvodes MODEL MODE METHOD T1 RTOL ATOL ND WARMSECONDS MINREPS MINSECONDS MAXSECONDS [INTERP] < VALUES
 *
 *   MODEL    lv     Lotka-Volterra, du = [a x - b x y, -c y + d x y], p = (a, b, c, d)
 *            net50  du = W2 tanh(W1 u + b1) - u/4, W1 10x2, b1 10, W2 2x10; p = W1 (row-major),
 *                   b1, W2 (row-major): difflux's paramVector order
 *   MODE     forward  CVODES forward sensitivities (CVodeSensInit, CV_STAGGERED, analytic fS),
 *                     one sensitivity per parameter and per u0 entry (S(0) = 0 and I)
 *            adjoint  CVODES adjoint (CVodeAdjInit with CV_HERMITE, a checkpoint every ND steps;
 *                     CVodeB for lambda with the quadrature mu = int lambda^T f_p dt)
 *            check    prints f, df/du and df/dp at (u0, p) (to check them against difflux's)
 *   METHOD   adams | bdf  (CVodeCreate's linear multistep method; Newton iteration with the
 *                     dense direct linear solver and the analytic Jacobian, for the state, the
 *                     sensitivities and the backward problem alike)
 *            adams-fixedpoint  Adams with fixed-point iteration (no Jacobian, no linear solver;
 *                     SUNNonlinSol_FixedPoint without acceleration for the state and the backward
 *                     problem, SUNNonlinSol_FixedPointSens for the staggered sensitivities)
 *   RTOL, ATOL  one scalar each; the sensitivities, the backward problem and its quadrature
 *               get the same, and take part in the error test (errconS, errconQB = true)
 *   ND          steps between checkpoints (adjoint mode; ignored otherwise)
 *   INTERP      hermite (default) | polynomial: how CVODES interpolates the forward solution
 *               between the stored steps of a checkpoint interval (adjoint mode)
 *   timing   warm-up calls (at least 2, at least WARMSECONDS), then timed calls: at least
 *            MINREPS and MINSECONDS, unless MAXSECONDS is spent (at least 3 calls are timed)
 *   VALUES   on stdin, whitespace separated: the np parameter values, then the n entries of u0
 *
 * One timed call is one gradient from nothing: SUNContext, vectors, CVODES memory, matrices and
 * linear solvers are created, the integration(s) run, the gradient is read, everything is
 * freed; wall time by clock_gettime(CLOCK_MONOTONIC). One JSON line goes to stdout: the loss,
 * dp, du0, the counters of the first call, the heap high-water mark of one call, and every
 * sample (ms).
 *
 * Heap high-water mark (glibc only): malloc, calloc, realloc and free are interposed here (they
 * forward to glibc's __libc_* entry points) and count malloc_usable_size of each block; the
 * peak of one call is the largest count during it above the count before it (the analogue of
 * difflux's peakBytes for its WebAssembly arena). Elsewhere it is reported as -1.
 *
 * The algorithms are those of the CVODES guide (Serban & Hindmarsh, "CVODES: the sensitivity-
 * enabled ODE solver in SUNDIALS", 2005; the CVODES user guide, sections on forward sensitivity
 * analysis and on adjoint sensitivity analysis): with lambda' = -(df/du)^T lambda,
 * lambda(t1) = dL/du(t1) = 1, dL/du0 = lambda(0) and dL/dp = int_0^t1 lambda^T df/dp dt.
 *
 * Build: cc -O2 cvodes.c -lsundials_cvodes -lsundials_nvecserial -lsundials_sunmatrixdense
 *        -lsundials_sunlinsoldense -lm
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_config.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <sunmatrix/sunmatrix_dense.h>

/* ───────────────────────── heap accounting ───────────────────────── */
#ifdef __GLIBC__
#include <malloc.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static long long heap_now = 0, heap_peak = 0;
static void heap_add(void *p) {
  if (!p) return;
  heap_now += (long long)malloc_usable_size(p);
  if (heap_now > heap_peak) heap_peak = heap_now;
}
static void heap_sub(void *p) {
  if (p) heap_now -= (long long)malloc_usable_size(p);
}
void *malloc(size_t n) {
  void *p = __libc_malloc(n);
  heap_add(p);
  return p;
}
void *calloc(size_t k, size_t n) {
  void *p = __libc_calloc(k, n);
  heap_add(p);
  return p;
}
void *realloc(void *old, size_t n) {
  heap_sub(old);
  void *p = __libc_realloc(old, n);
  heap_add(p ? p : (n ? old : NULL)); /* a failed realloc keeps the old block */
  return p;
}
void free(void *p) {
  heap_sub(p);
  __libc_free(p);
}
static void heap_mark(void) { heap_peak = heap_now; }
static long long heap_since_mark(long long base) { return heap_peak - base; }
static long long heap_current(void) { return heap_now; }
#else
static void heap_mark(void) {}
static long long heap_since_mark(long long base) { (void)base; return -1; }
static long long heap_current(void) { return 0; }
#endif

/* ───────────────────────── the models ───────────────────────── */
#define MAXN 2
#define MAXP 50
#define NH 10 /* hidden width of net50 */

typedef struct Model Model;
struct Model {
  const char *name;
  int n, np;
  double p[MAXP], u0[MAXN];
  /* f, df/du (row-major n x n) and df/dp (row-major n x np) at u */
  void (*f)(const Model *, const double *u, double *du);
  void (*jac)(const Model *, const double *u, double *J);
  void (*fp)(const Model *, const double *u, double *Fp);
};

static void lv_f(const Model *m, const double *u, double *du) {
  const double *p = m->p;
  du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
  du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
}
static void lv_jac(const Model *m, const double *u, double *J) {
  const double *p = m->p;
  J[0] = p[0] - p[1] * u[1];
  J[1] = -p[1] * u[0];
  J[2] = p[3] * u[1];
  J[3] = -p[2] + p[3] * u[0];
}
static void lv_fp(const Model *m, const double *u, double *Fp) {
  (void)m;
  Fp[0] = u[0]; Fp[1] = -u[0] * u[1]; Fp[2] = 0; Fp[3] = 0;
  Fp[4] = 0; Fp[5] = 0; Fp[6] = -u[1]; Fp[7] = u[0] * u[1];
}

/* net50: p[0..19] = W1 (W1[i][j] = p[2i + j]), p[20..29] = b1, p[30..49] = W2 (W2[r][i] = p[30 + 10r + i]). */
#define W1(i, j) m->p[2 * (i) + (j)]
#define B1(i) m->p[20 + (i)]
#define W2(r, i) m->p[30 + NH * (r) + (i)]
static void net_hidden(const Model *m, const double *u, double *h) {
  for (int i = 0; i < NH; i++) h[i] = tanh(W1(i, 0) * u[0] + W1(i, 1) * u[1] + B1(i));
}
static void net_f(const Model *m, const double *u, double *du) {
  double h[NH];
  net_hidden(m, u, h);
  for (int r = 0; r < 2; r++) {
    double s = -0.25 * u[r];
    for (int i = 0; i < NH; i++) s += W2(r, i) * h[i];
    du[r] = s;
  }
}
/* J = W2 diag(1 - h^2) W1 - I/4 */
static void net_jac(const Model *m, const double *u, double *J) {
  double h[NH];
  net_hidden(m, u, h);
  for (int r = 0; r < 2; r++) {
    for (int c = 0; c < 2; c++) {
      double s = r == c ? -0.25 : 0.0;
      for (int i = 0; i < NH; i++) s += W2(r, i) * (1.0 - h[i] * h[i]) * W1(i, c);
      J[2 * r + c] = s;
    }
  }
}
/* d du_r / d W1[i][j] = W2[r][i] (1 - h_i^2) u_j; d/d b1[i] = W2[r][i] (1 - h_i^2);
   d du_r / d W2[s][i] = [r = s] h_i */
static void net_fp(const Model *m, const double *u, double *Fp) {
  double h[NH];
  net_hidden(m, u, h);
  for (int r = 0; r < 2; r++) {
    double *row = Fp + r * m->np;
    for (int i = 0; i < NH; i++) {
      const double g = W2(r, i) * (1.0 - h[i] * h[i]);
      row[2 * i] = g * u[0];
      row[2 * i + 1] = g * u[1];
      row[20 + i] = g;
      row[30 + i] = r == 0 ? h[i] : 0.0;
      row[30 + NH + i] = r == 1 ? h[i] : 0.0;
    }
  }
}
#undef W1
#undef B1
#undef W2

/* ───────────────────────── CVODES callbacks ───────────────────────── */
static int rhs(realtype t, N_Vector y, N_Vector ydot, void *ud) {
  const Model *m = ud;
  (void)t;
  m->f(m, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return 0;
}

static int jac(realtype t, N_Vector y, N_Vector fy, SUNMatrix Jm, void *ud, N_Vector t1,
               N_Vector t2, N_Vector t3) {
  const Model *m = ud;
  double J[MAXN * MAXN];
  (void)t; (void)fy; (void)t1; (void)t2; (void)t3;
  m->jac(m, N_VGetArrayPointer(y), J);
  for (int r = 0; r < m->n; r++)
    for (int c = 0; c < m->n; c++) SM_ELEMENT_D(Jm, r, c) = J[m->n * r + c];
  return 0;
}

/* All sensitivities at once: s_k' = J s_k + df/dp_k for a parameter, J s_k for a u0 entry.
   J and df/dp are formed once per call for the Ns right-hand sides. */
static int sens_rhs(int Ns, realtype t, N_Vector y, N_Vector ydot, N_Vector *yS, N_Vector *ySdot,
                    void *ud, N_Vector tmp1, N_Vector tmp2) {
  const Model *m = ud;
  const double *u = N_VGetArrayPointer(y);
  double J[MAXN * MAXN], Fp[MAXN * MAXP];
  const int n = m->n;
  (void)t; (void)ydot; (void)tmp1; (void)tmp2;
  m->jac(m, u, J);
  m->fp(m, u, Fp);
  for (int k = 0; k < Ns; k++) {
    const double *s = N_VGetArrayPointer(yS[k]);
    double *ds = N_VGetArrayPointer(ySdot[k]);
    for (int r = 0; r < n; r++) {
      double v = k < m->np ? Fp[r * m->np + k] : 0.0;
      for (int c = 0; c < n; c++) v += J[n * r + c] * s[c];
      ds[r] = v;
    }
  }
  return 0;
}

/* Backward problem: lambda' = -J^T lambda. */
static int rhs_b(realtype t, N_Vector y, N_Vector yB, N_Vector yBdot, void *ud) {
  const Model *m = ud;
  const double *l = N_VGetArrayPointer(yB);
  double *dl = N_VGetArrayPointer(yBdot);
  double J[MAXN * MAXN];
  (void)t;
  m->jac(m, N_VGetArrayPointer(y), J);
  for (int c = 0; c < m->n; c++) {
    double v = 0.0;
    for (int r = 0; r < m->n; r++) v -= J[m->n * r + c] * l[r];
    dl[c] = v;
  }
  return 0;
}

static int jac_b(realtype t, N_Vector y, N_Vector yB, N_Vector fyB, SUNMatrix JB, void *ud,
                 N_Vector t1, N_Vector t2, N_Vector t3) {
  const Model *m = ud;
  double J[MAXN * MAXN];
  (void)t; (void)yB; (void)fyB; (void)t1; (void)t2; (void)t3;
  m->jac(m, N_VGetArrayPointer(y), J);
  for (int r = 0; r < m->n; r++)
    for (int c = 0; c < m->n; c++) SM_ELEMENT_D(JB, r, c) = -J[m->n * c + r];
  return 0;
}

/* Quadrature q' = -lambda^T df/dp with q(t1) = 0, so that q(0) = int_0^t1 lambda^T df/dp dt
   (CVODES integrates it from t1 down to 0). */
static int quad_b(realtype t, N_Vector y, N_Vector yB, N_Vector qBdot, void *ud) {
  const Model *m = ud;
  const double *l = N_VGetArrayPointer(yB);
  double *dq = N_VGetArrayPointer(qBdot);
  double Fp[MAXN * MAXP];
  (void)t;
  m->fp(m, N_VGetArrayPointer(y), Fp);
  for (int k = 0; k < m->np; k++) {
    double v = 0.0;
    for (int r = 0; r < m->n; r++) v -= l[r] * Fp[r * m->np + k];
    dq[k] = v;
  }
  return 0;
}

/* ───────────────────────── one gradient ───────────────────────── */
typedef struct {
  Model *m;
  int adjoint, lmm, interp, fixedpoint;
  double t1, rtol, atol;
  long nd;
} Setup;

typedef struct {
  int flag;
  double loss, dp[MAXP], du0[MAXN];
  long nsteps, nfe, nfeS, nni, nniS, netf, nsetups;
  long nstepsB, nfeB, nniB, netfB, ncheck;
} Result;

static void die(const char *what) {
  fprintf(stderr, "cvodes driver: %s failed\n", what);
  exit(2);
}
#define OK(call) do { if ((call) < 0) die(#call); } while (0)

/* The state's corrector: Newton with the dense direct solver and the analytic Jacobian, or
   fixed-point iteration (then *A and *LS stay NULL and *NLS is the solver to free). */
static void corrector(const Setup *s, void *mem, N_Vector y, SUNMatrix *A, SUNLinearSolver *LS,
                      SUNNonlinearSolver *NLS, SUNContext ctx, int n) {
  *A = NULL; *LS = NULL; *NLS = NULL;
  if (s->fixedpoint) {
    *NLS = SUNNonlinSol_FixedPoint(y, 0, ctx);
    if (!*NLS) die("SUNNonlinSol_FixedPoint");
    OK(CVodeSetNonlinearSolver(mem, *NLS));
    return;
  }
  *A = SUNDenseMatrix(n, n, ctx);
  *LS = SUNLinSol_Dense(y, *A, ctx);
  if (!*A || !*LS) die("dense matrix and linear solver");
  OK(CVodeSetLinearSolver(mem, *LS, *A));
  OK(CVodeSetJacFn(mem, jac));
}

static void free_corrector(SUNMatrix A, SUNLinearSolver LS, SUNNonlinearSolver NLS) {
  if (NLS) SUNNonlinSolFree(NLS);
  if (LS) SUNLinSolFree(LS);
  if (A) SUNMatDestroy(A);
}

/* Forward sensitivities: Ns = np + n columns, S(0) = [0 | I]. dL/dx_k = sum_i S_ik(t1). */
static void gradient_forward(const Setup *s, Result *res) {
  Model *m = s->m;
  const int n = m->n, Ns = m->np + m->n;
  SUNContext ctx;
  if (SUNContext_Create(NULL, &ctx)) die("SUNContext_Create");
  N_Vector y = N_VNew_Serial(n, ctx);
  if (!y) die("N_VNew_Serial");
  memcpy(N_VGetArrayPointer(y), m->u0, n * sizeof(double));
  N_Vector *yS = N_VCloneVectorArray(Ns, y);
  if (!yS) die("N_VCloneVectorArray");
  for (int k = 0; k < Ns; k++) {
    double *v = N_VGetArrayPointer(yS[k]);
    for (int i = 0; i < n; i++) v[i] = k - m->np == i ? 1.0 : 0.0;
  }
  void *mem = CVodeCreate(s->lmm, ctx);
  if (!mem) die("CVodeCreate");
  OK(CVodeInit(mem, rhs, 0.0, y));
  OK(CVodeSetUserData(mem, m));
  OK(CVodeSStolerances(mem, s->rtol, s->atol));
  OK(CVodeSetMaxNumSteps(mem, 100000000L));
  OK(CVodeSetStopTime(mem, s->t1));
  SUNMatrix A;
  SUNLinearSolver LS;
  SUNNonlinearSolver NLS, NLSS = NULL;
  corrector(s, mem, y, &A, &LS, &NLS, ctx, n);
  OK(CVodeSensInit(mem, Ns, CV_STAGGERED, sens_rhs, yS));
  if (s->fixedpoint) {
    NLSS = SUNNonlinSol_FixedPointSens(Ns, y, 0, ctx);
    if (!NLSS) die("SUNNonlinSol_FixedPointSens");
    OK(CVodeSetNonlinearSolverSensStg(mem, NLSS));
  }
  double abstolS[MAXP + MAXN];
  for (int k = 0; k < Ns; k++) abstolS[k] = s->atol;
  OK(CVodeSensSStolerances(mem, s->rtol, abstolS));
  OK(CVodeSetSensErrCon(mem, SUNTRUE));

  realtype t = 0.0;
  res->flag = CVode(mem, s->t1, y, &t, CV_NORMAL);
  if (res->flag >= 0) {
    res->flag = CVodeGetSens(mem, &t, yS);
    const double *u = N_VGetArrayPointer(y);
    res->loss = 0.0;
    for (int i = 0; i < n; i++) res->loss += u[i];
    for (int k = 0; k < Ns; k++) {
      const double *v = N_VGetArrayPointer(yS[k]);
      double g = 0.0;
      for (int i = 0; i < n; i++) g += v[i];
      if (k < m->np) res->dp[k] = g; else res->du0[k - m->np] = g;
    }
  }
  CVodeGetNumSteps(mem, &res->nsteps);
  CVodeGetNumRhsEvals(mem, &res->nfe);
  CVodeGetSensNumRhsEvals(mem, &res->nfeS);
  CVodeGetNumNonlinSolvIters(mem, &res->nni);
  CVodeGetSensNumNonlinSolvIters(mem, &res->nniS);
  CVodeGetNumErrTestFails(mem, &res->netf);
  CVodeGetNumLinSolvSetups(mem, &res->nsetups);

  CVodeFree(&mem);
  if (NLSS) SUNNonlinSolFree(NLSS);
  free_corrector(A, LS, NLS);
  N_VDestroyVectorArray(yS, Ns);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
}

/* Adjoint: forward pass with checkpoints, then lambda and the quadrature from t1 to 0. */
static void gradient_adjoint(const Setup *s, Result *res) {
  Model *m = s->m;
  const int n = m->n;
  SUNContext ctx;
  if (SUNContext_Create(NULL, &ctx)) die("SUNContext_Create");
  N_Vector y = N_VNew_Serial(n, ctx);
  N_Vector yB = N_VNew_Serial(n, ctx);
  N_Vector qB = N_VNew_Serial(m->np, ctx);
  if (!y || !yB || !qB) die("N_VNew_Serial");
  memcpy(N_VGetArrayPointer(y), m->u0, n * sizeof(double));
  void *mem = CVodeCreate(s->lmm, ctx);
  if (!mem) die("CVodeCreate");
  OK(CVodeInit(mem, rhs, 0.0, y));
  OK(CVodeSetUserData(mem, m));
  OK(CVodeSStolerances(mem, s->rtol, s->atol));
  OK(CVodeSetMaxNumSteps(mem, 100000000L));
  OK(CVodeSetStopTime(mem, s->t1));
  SUNMatrix A, AB = NULL;
  SUNLinearSolver LS, LSB = NULL;
  SUNNonlinearSolver NLS, NLSB = NULL;
  corrector(s, mem, y, &A, &LS, &NLS, ctx, n);
  OK(CVodeAdjInit(mem, s->nd, s->interp));

  realtype t = 0.0;
  int ncheck = 0, which = -1;
  void *memB = NULL;
  res->flag = CVodeF(mem, s->t1, y, &t, CV_NORMAL, &ncheck);
  res->ncheck = ncheck + 1; /* ncheck counts the checkpoints after the one at t = 0 */
  /* The forward counters now: CVodeB integrates the forward problem again between
     checkpoints, which restarts them. */
  CVodeGetNumSteps(mem, &res->nsteps);
  CVodeGetNumRhsEvals(mem, &res->nfe);
  CVodeGetNumNonlinSolvIters(mem, &res->nni);
  CVodeGetNumErrTestFails(mem, &res->netf);
  CVodeGetNumLinSolvSetups(mem, &res->nsetups);
  if (res->flag >= 0) {
    const double *u = N_VGetArrayPointer(y);
    res->loss = 0.0;
    for (int i = 0; i < n; i++) res->loss += u[i];
    N_VConst(1.0, yB); /* lambda(t1) = dL/du(t1) */
    N_VConst(0.0, qB);
    OK(CVodeCreateB(mem, s->lmm, &which));
    OK(CVodeInitB(mem, which, rhs_b, s->t1, yB));
    OK(CVodeSStolerancesB(mem, which, s->rtol, s->atol));
    OK(CVodeSetUserDataB(mem, which, m));
    OK(CVodeSetMaxNumStepsB(mem, which, 100000000L));
    if (s->fixedpoint) {
      NLSB = SUNNonlinSol_FixedPoint(yB, 0, ctx);
      if (!NLSB) die("SUNNonlinSol_FixedPoint (backward)");
      OK(CVodeSetNonlinearSolverB(mem, which, NLSB));
    } else {
      AB = SUNDenseMatrix(n, n, ctx);
      LSB = SUNLinSol_Dense(yB, AB, ctx);
      if (!AB || !LSB) die("dense matrix and linear solver (backward)");
      OK(CVodeSetLinearSolverB(mem, which, LSB, AB));
      OK(CVodeSetJacFnB(mem, which, jac_b));
    }
    OK(CVodeQuadInitB(mem, which, quad_b, qB));
    OK(CVodeSetQuadErrConB(mem, which, SUNTRUE));
    OK(CVodeQuadSStolerancesB(mem, which, s->rtol, s->atol));
    res->flag = CVodeB(mem, 0.0, CV_NORMAL);
    if (res->flag >= 0) {
      realtype tB;
      res->flag = CVodeGetB(mem, which, &tB, yB);
      if (res->flag >= 0) res->flag = CVodeGetQuadB(mem, which, &tB, qB);
      memcpy(res->du0, N_VGetArrayPointer(yB), n * sizeof(double));
      memcpy(res->dp, N_VGetArrayPointer(qB), m->np * sizeof(double));
    }
    memB = CVodeGetAdjCVodeBmem(mem, which);
    if (memB) {
      CVodeGetNumSteps(memB, &res->nstepsB);
      CVodeGetNumRhsEvals(memB, &res->nfeB);
      CVodeGetNumNonlinSolvIters(memB, &res->nniB);
      CVodeGetNumErrTestFails(memB, &res->netfB);
    }
  }

  CVodeFree(&mem); /* frees the adjoint memory and the backward problems too */
  free_corrector(AB, LSB, NLSB);
  free_corrector(A, LS, NLS);
  N_VDestroy(qB);
  N_VDestroy(yB);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
}

static void gradient(const Setup *s, Result *res) {
  memset(res, 0, sizeof *res);
  if (s->adjoint) gradient_adjoint(s, res); else gradient_forward(s, res);
}

/* ───────────────────────── timing and output ───────────────────────── */
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static void print_list(const char *key, const double *v, int n) {
  printf("\"%s\":[", key);
  for (int i = 0; i < n; i++) printf("%s%.17g", i ? "," : "", v[i]);
  printf("]");
}

static void check(const Model *m) {
  double du[MAXN], J[MAXN * MAXN], Fp[MAXN * MAXP];
  m->f(m, m->u0, du);
  m->jac(m, m->u0, J);
  m->fp(m, m->u0, Fp);
  printf("{");
  print_list("f", du, m->n);
  printf(",");
  print_list("jacobian", J, m->n * m->n);
  printf(",");
  print_list("paramJacobian", Fp, m->n * m->np);
  printf("}\n");
}

int main(int argc, char **argv) {
  static Model lv = {"lv", 2, 4, {0}, {0}, lv_f, lv_jac, lv_fp};
  static Model net50 = {"net50", 2, 50, {0}, {0}, net_f, net_jac, net_fp};
  if (argc != 12 && argc != 13) {
    fprintf(stderr, "usage: %s lv|net50 forward|adjoint|check adams|bdf T1 RTOL ATOL ND WARMSECONDS "
                    "MINREPS MINSECONDS MAXSECONDS [hermite|polynomial] < p... u0...\n", argv[0]);
    return 1;
  }
  Setup s;
  memset(&s, 0, sizeof s);
  if (!strcmp(argv[1], "lv")) s.m = &lv;
  else if (!strcmp(argv[1], "net50")) s.m = &net50;
  else { fprintf(stderr, "unknown model %s\n", argv[1]); return 1; }
  const int isCheck = !strcmp(argv[2], "check");
  if (!strcmp(argv[2], "adjoint")) s.adjoint = 1;
  else if (strcmp(argv[2], "forward") && !isCheck) { fprintf(stderr, "MODE is forward, adjoint or check\n"); return 1; }
  if (!strcmp(argv[3], "adams")) s.lmm = CV_ADAMS;
  else if (!strcmp(argv[3], "bdf")) s.lmm = CV_BDF;
  else if (!strcmp(argv[3], "adams-fixedpoint")) { s.lmm = CV_ADAMS; s.fixedpoint = 1; }
  else { fprintf(stderr, "METHOD is adams, bdf or adams-fixedpoint\n"); return 1; }
  s.interp = CV_HERMITE;
  if (argc == 13 && !strcmp(argv[12], "polynomial")) s.interp = CV_POLYNOMIAL;
  else if (argc == 13 && strcmp(argv[12], "hermite")) { fprintf(stderr, "INTERP is hermite or polynomial\n"); return 1; }
  s.t1 = strtod(argv[4], NULL);
  s.rtol = strtod(argv[5], NULL);
  s.atol = strtod(argv[6], NULL);
  s.nd = atol(argv[7]);
  const double warmms = strtod(argv[8], NULL) * 1e3;
  const int minreps = atoi(argv[9]);
  const double minms = strtod(argv[10], NULL) * 1e3;
  const double maxms = strtod(argv[11], NULL) * 1e3;
  if (!(s.t1 > 0) || !(s.rtol > 0) || !(s.atol > 0) || s.nd < 1) { fprintf(stderr, "bad T1, RTOL, ATOL or ND\n"); return 1; }
  for (int k = 0; k < s.m->np; k++) if (scanf("%lf", &s.m->p[k]) != 1) { fprintf(stderr, "stdin: %d parameter values expected\n", s.m->np); return 1; }
  for (int i = 0; i < s.m->n; i++) if (scanf("%lf", &s.m->u0[i]) != 1) { fprintf(stderr, "stdin: %d u0 values expected\n", s.m->n); return 1; }
  if (isCheck) { check(s.m); return 0; }

  /* First call: the result, the counters and the heap high-water mark. */
  Result first, r;
  const long long base = heap_current();
  heap_mark();
  gradient(&s, &first);
  const long long peak = heap_since_mark(base);
  const long long leaked = heap_current() - base;

  int calls = 1;
  const double w0 = now_ms();
  while (first.flag >= 0 && (calls < 2 || now_ms() - w0 < warmms)) { gradient(&s, &r); calls++; }

  int cap = 1024, reps = 0;
  double *ms = malloc(cap * sizeof *ms), spent = 0;
  while (first.flag >= 0 && (reps < 3 || ((reps < minreps || spent < minms) && spent < maxms))) {
    if (reps == cap) { cap *= 2; ms = realloc(ms, cap * sizeof *ms); }
    const double a = now_ms();
    gradient(&s, &r);
    ms[reps] = now_ms() - a;
    spent += ms[reps++];
    if (r.flag < 0) { first.flag = r.flag; break; }
  }

  const Model *m = s.m;
  printf("{\"solver\":\"CVODES\",\"version\":\"%s\",\"model\":\"%s\",\"mode\":\"%s\",\"method\":\"%s\","
         "\"t1\":%.17g,\"rtol\":%.17g,\"atol\":%.17g,\"nd\":%ld,\"interp\":\"%s\",\"flag\":%d,\"loss\":%.17g,",
         SUNDIALS_VERSION, m->name, s.adjoint ? "adjoint" : "forward", s.fixedpoint ? "adams-fixedpoint" : s.lmm == CV_ADAMS ? "adams" : "bdf",
         s.t1, s.rtol, s.atol, s.adjoint ? s.nd : 0L, s.interp == CV_HERMITE ? "hermite" : "polynomial",
         first.flag, first.loss);
  print_list("dp", first.dp, m->np);
  printf(",");
  print_list("du0", first.du0, m->n);
  printf(",\"nsteps\":%ld,\"nfe\":%ld,\"nfeS\":%ld,\"nni\":%ld,\"nniS\":%ld,\"netf\":%ld,\"nsetups\":%ld,"
         "\"nstepsB\":%ld,\"nfeB\":%ld,\"nniB\":%ld,\"netfB\":%ld,\"ncheck\":%ld,\"peakBytes\":%lld,"
         "\"leakedBytes\":%lld,\"reps\":%d,\"ms\":[",
         first.nsteps, first.nfe, first.nfeS, first.nni, first.nniS, first.netf, first.nsetups,
         first.nstepsB, first.nfeB, first.nniB, first.netfB, first.ncheck, peak, leaked, reps);
  for (int i = 0; i < reps; i++) printf("%s%.6g", i ? "," : "", ms[i]);
  printf("]}\n");
  free(ms);
  return 0;
}
