/*
 * Peer driver for the stiff benchmark: SUNDIALS CVODE (BDF, Newton iteration, dense matrix and
 * dense direct linear solver) on ROBER and Van der Pol, timed in this process.
 *
 *   cvode PROBLEM RTOL ATOL JAC MINREPS MINSECONDS MAXSECONDS TOUT[,TOUT...]
 *
 *   PROBLEM     rober | vdp:MU       (Van der Pol, y2' = MU((1 - y1^2) y2 - y1), y(0) = (2, 0))
 *   ATOL        one number, or one per component separated by commas
 *   JAC         analytic (CVodeSetJacFn) | dq (CVODE's internal difference quotients)
 *   MINREPS     timed solves of each kind, at least
 *   MINSECONDS  and at least this many seconds of timed solves of each kind,
 *   MAXSECONDS  unless the timed solves of both kinds together have taken this long (at least
 *               one solve of each kind is timed)
 *   TOUT        output times, increasing; the last one is the final time. CVode is called with
 *               CV_NORMAL once per output time (the solver steps past it and interpolates).
 *
 * Two kinds of solve are timed, alternately, after one warm-up solve of each (kept as samples
 * when they took a second or more):
 *   solve   - CVodeReInit on an integrator built once (vector, CVODE memory, matrix, linear
 *             solver), then the integration. This is the cost of one solve in a loop of solves.
 *   create  - everything from nothing: SUNContext, vectors, CVodeCreate/CVodeInit, tolerances,
 *             matrix, linear solver, the integration, and freeing all of it.
 * Wall time per solve is measured with clock_gettime(CLOCK_MONOTONIC). The JSON printed on
 * stdout has the outputs of the last solve, the counters of the last "solve" run, and every
 * sample (milliseconds) with its median.
 *
 * Build: cc -O2 cvode.c -lsundials_cvode -lsundials_nvecserial -lsundials_sunmatrixdense
 *        -lsundials_sunlinsoldense -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_config.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#define MAXN 3
#define MAXOUT 64

typedef struct {
  const char *name;
  int n;
  double y0[MAXN];
  double p[3];
  CVRhsFn f;
  CVLsJacFn jac;
} Problem;

/* ROBER: p = (k1, k2, k3). */
static int rober_f(realtype t, N_Vector yv, N_Vector dyv, void *ud) {
  const double *p = ((const Problem *)ud)->p;
  const double *y = N_VGetArrayPointer(yv);
  double *dy = N_VGetArrayPointer(dyv);
  (void)t;
  const double r1 = p[0] * y[0], r2 = p[1] * y[1] * y[1], r3 = p[2] * y[1] * y[2];
  dy[0] = -r1 + r3;
  dy[1] = r1 - r2 - r3;
  dy[2] = r2;
  return 0;
}

static int rober_jac(realtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *ud,
                     N_Vector t1, N_Vector t2, N_Vector t3) {
  const double *p = ((const Problem *)ud)->p;
  const double *y = N_VGetArrayPointer(yv);
  (void)t; (void)fy; (void)t1; (void)t2; (void)t3;
  /* CVODE zeroes J before calling this; only the nonzeros are set. */
  SM_ELEMENT_D(J, 0, 0) = -p[0];
  SM_ELEMENT_D(J, 0, 1) = p[2] * y[2];
  SM_ELEMENT_D(J, 0, 2) = p[2] * y[1];
  SM_ELEMENT_D(J, 1, 0) = p[0];
  SM_ELEMENT_D(J, 1, 1) = -2.0 * p[1] * y[1] - p[2] * y[2];
  SM_ELEMENT_D(J, 1, 2) = -p[2] * y[1];
  SM_ELEMENT_D(J, 2, 1) = 2.0 * p[1] * y[1];
  return 0;
}

/* Van der Pol: y1' = y2, y2' = mu((1 - y1^2) y2 - y1); p[0] = mu. */
static int vdp_f(realtype t, N_Vector yv, N_Vector dyv, void *ud) {
  const double mu = ((const Problem *)ud)->p[0];
  const double *y = N_VGetArrayPointer(yv);
  double *dy = N_VGetArrayPointer(dyv);
  (void)t;
  dy[0] = y[1];
  dy[1] = mu * ((1.0 - y[0] * y[0]) * y[1] - y[0]);
  return 0;
}

static int vdp_jac(realtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *ud,
                   N_Vector t1, N_Vector t2, N_Vector t3) {
  const double mu = ((const Problem *)ud)->p[0];
  const double *y = N_VGetArrayPointer(yv);
  (void)t; (void)fy; (void)t1; (void)t2; (void)t3;
  SM_ELEMENT_D(J, 0, 1) = 1.0;
  SM_ELEMENT_D(J, 1, 0) = mu * (-2.0 * y[0] * y[1] - 1.0);
  SM_ELEMENT_D(J, 1, 1) = mu * (1.0 - y[0] * y[0]);
  return 0;
}

/* Everything one integrator owns. */
typedef struct {
  SUNContext ctx;
  N_Vector y, atol;
  SUNMatrix A;
  SUNLinearSolver LS;
  void *mem;
} Integrator;

typedef struct {
  Problem *prob;
  double rtol;
  double atol[MAXN];
  int natol;
  int analytic;
  int nout;
  double tout[MAXOUT];
} Setup;

static void die(const char *what) {
  fprintf(stderr, "cvode driver: %s failed\n", what);
  exit(2);
}

static void build(Integrator *I, const Setup *s) {
  const int n = s->prob->n;
  if (SUNContext_Create(NULL, &I->ctx)) die("SUNContext_Create");
  I->y = N_VNew_Serial(n, I->ctx);
  I->atol = N_VNew_Serial(n, I->ctx);
  if (!I->y || !I->atol) die("N_VNew_Serial");
  double *y = N_VGetArrayPointer(I->y);
  for (int i = 0; i < n; i++) y[i] = s->prob->y0[i];
  I->mem = CVodeCreate(CV_BDF, I->ctx);
  if (!I->mem) die("CVodeCreate");
  if (CVodeInit(I->mem, s->prob->f, 0.0, I->y)) die("CVodeInit");
  if (CVodeSetUserData(I->mem, s->prob)) die("CVodeSetUserData");
  if (s->natol == 1) {
    if (CVodeSStolerances(I->mem, s->rtol, s->atol[0])) die("CVodeSStolerances");
  } else {
    double *a = N_VGetArrayPointer(I->atol);
    for (int i = 0; i < n; i++) a[i] = s->atol[i];
    if (CVodeSVtolerances(I->mem, s->rtol, I->atol)) die("CVodeSVtolerances");
  }
  if (CVodeSetMaxNumSteps(I->mem, 100000000L)) die("CVodeSetMaxNumSteps");
  I->A = SUNDenseMatrix(n, n, I->ctx);
  if (!I->A) die("SUNDenseMatrix");
  I->LS = SUNLinSol_Dense(I->y, I->A, I->ctx);
  if (!I->LS) die("SUNLinSol_Dense");
  if (CVodeSetLinearSolver(I->mem, I->LS, I->A)) die("CVodeSetLinearSolver");
  if (s->analytic && CVodeSetJacFn(I->mem, s->prob->jac)) die("CVodeSetJacFn");
}

static void destroy(Integrator *I) {
  CVodeFree(&I->mem);
  SUNLinSolFree(I->LS);
  SUNMatDestroy(I->A);
  N_VDestroy(I->atol);
  N_VDestroy(I->y);
  SUNContext_Free(&I->ctx);
}

/* Integrates from the state in I->y at t = 0 through every output time; out[k*n + i]. */
static int integrate(Integrator *I, const Setup *s, double *out) {
  const int n = s->prob->n;
  realtype t = 0.0;
  for (int k = 0; k < s->nout * n; k++) out[k] = NAN; /* outputs not reached stay NaN */
  for (int k = 0; k < s->nout; k++) {
    int flag = CVode(I->mem, s->tout[k], I->y, &t, CV_NORMAL);
    if (flag < 0) return flag;
    const double *y = N_VGetArrayPointer(I->y);
    for (int i = 0; i < n; i++) out[k * n + i] = y[i];
  }
  return 0;
}

static int solve_reinit(Integrator *I, const Setup *s, double *out) {
  double *y = N_VGetArrayPointer(I->y);
  for (int i = 0; i < s->prob->n; i++) y[i] = s->prob->y0[i];
  if (CVodeReInit(I->mem, 0.0, I->y)) die("CVodeReInit");
  return integrate(I, s, out);
}

typedef struct {
  long nsteps, nfe, nfels, njac, nlinsetups, netf, nni, ncfn;
} Stats;

static void stats(void *mem, Stats *st) {
  CVodeGetNumSteps(mem, &st->nsteps);
  CVodeGetNumRhsEvals(mem, &st->nfe);
  CVodeGetNumLinRhsEvals(mem, &st->nfels);
  CVodeGetNumJacEvals(mem, &st->njac);
  CVodeGetNumLinSolvSetups(mem, &st->nlinsetups);
  CVodeGetNumErrTestFails(mem, &st->netf);
  CVodeGetNumNonlinSolvIters(mem, &st->nni);
  CVodeGetNumNonlinSolvConvFails(mem, &st->ncfn);
}

static int solve_fresh(const Setup *s, double *out, Stats *st) {
  Integrator I;
  build(&I, s);
  int flag = integrate(&I, s, out);
  if (st) stats(I.mem, st);
  destroy(&I);
  return flag;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  double *w = malloc(n * sizeof *w);
  memcpy(w, v, n * sizeof *w);
  qsort(w, n, sizeof *w, cmp);
  const double m = n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
  free(w);
  return m;
}

static void print_samples(const char *key, const double *v, int n) {
  printf("\"%s\":{\"median\":%.6g,\"samples\":[", key, median(v, n));
  for (int i = 0; i < n; i++) printf("%s%.6g", i ? "," : "", v[i]);
  printf("]}");
}

static int parse_list(const char *arg, double *v, int max) {
  int n = 0;
  const char *p = arg;
  while (*p && n < max) {
    char *end;
    v[n++] = strtod(p, &end);
    if (end == p) return -1;
    p = *end == ',' ? end + 1 : end;
  }
  return *p ? -1 : n;
}

int main(int argc, char **argv) {
  static Problem rober = {"rober", 3, {1.0, 0.0, 0.0}, {0.04, 3.0e7, 1.0e4}, rober_f, rober_jac};
  static Problem vdp = {"vdp", 2, {2.0, 0.0}, {1000.0}, vdp_f, vdp_jac};
  if (argc != 9) {
    fprintf(stderr, "usage: %s rober|vdp:MU RTOL ATOL[,ATOL...] analytic|dq MINREPS MINSECONDS "
                    "MAXSECONDS TOUT[,TOUT...]\n", argv[0]);
    return 1;
  }
  Setup s;
  memset(&s, 0, sizeof s);
  if (!strcmp(argv[1], "rober")) s.prob = &rober;
  else if (!strncmp(argv[1], "vdp:", 4)) {
    s.prob = &vdp;
    vdp.p[0] = strtod(argv[1] + 4, NULL);
  }
  else { fprintf(stderr, "unknown problem %s\n", argv[1]); return 1; }
  s.rtol = strtod(argv[2], NULL);
  s.natol = parse_list(argv[3], s.atol, MAXN);
  if (s.natol != 1 && s.natol != s.prob->n) { fprintf(stderr, "bad ATOL\n"); return 1; }
  if (!strcmp(argv[4], "analytic")) s.analytic = 1;
  else if (strcmp(argv[4], "dq")) { fprintf(stderr, "JAC is analytic or dq\n"); return 1; }
  const int minreps = atoi(argv[5]);
  const double minms = strtod(argv[6], NULL) * 1e3;
  const double maxms = strtod(argv[7], NULL) * 1e3;
  s.nout = parse_list(argv[8], s.tout, MAXOUT);
  if (s.nout < 1) { fprintf(stderr, "bad TOUT\n"); return 1; }

  const int n = s.prob->n;
  double out[MAXOUT * MAXN], outFresh[MAXOUT * MAXN];
  Integrator I;
  build(&I, &s);

  /* Warm-up, and a check that a reinitialized solve does exactly what a fresh one does. */
  Stats stFresh, st;
  const double w0 = now_ms();
  int flagFresh = solve_fresh(&s, outFresh, &stFresh);
  const double w1 = now_ms();
  int flag = solve_reinit(&I, &s, out);
  const double w2 = now_ms();
  stats(I.mem, &st);
  const int same = flag == flagFresh && st.nsteps == stFresh.nsteps && st.nfe == stFresh.nfe &&
                   !memcmp(out, outFresh, sizeof(double) * n * s.nout);

  int cap = 1024, reps = 0;
  double *tSolve = malloc(cap * sizeof *tSolve), *tCreate = malloc(cap * sizeof *tCreate);
  double spentSolve = 0, spentCreate = 0;
  if (flag == 0 && flagFresh == 0 && w1 - w0 >= 1e3 && w2 - w1 >= 1e3) {
    tCreate[0] = spentCreate = w1 - w0;
    tSolve[0] = spentSolve = w2 - w1;
    reps = 1;
  }
  while (flag == 0 && (reps == 0 || ((reps < minreps || spentSolve < minms || spentCreate < minms) &&
                                      spentSolve + spentCreate < maxms))) {
    if (reps == cap) {
      cap *= 2;
      tSolve = realloc(tSolve, cap * sizeof *tSolve);
      tCreate = realloc(tCreate, cap * sizeof *tCreate);
    }
    double t0 = now_ms();
    flag |= solve_reinit(&I, &s, out);
    double t1 = now_ms();
    flag |= solve_fresh(&s, outFresh, NULL);
    double t2 = now_ms();
    tSolve[reps] = t1 - t0;
    tCreate[reps] = t2 - t1;
    spentSolve += tSolve[reps];
    spentCreate += tCreate[reps];
    reps++;
  }
  stats(I.mem, &st);

  printf("{\"solver\":\"CVODE\",\"version\":\"%s\",\"problem\":\"%s\",\"rtol\":%.17g,\"atol\":[",
         SUNDIALS_VERSION, s.prob->name, s.rtol);
  for (int i = 0; i < s.natol; i++) printf("%s%.17g", i ? "," : "", s.atol[i]);
  printf("],\"jac\":\"%s\",\"flag\":%d,\"reinitMatchesFresh\":%s,\"t\":[",
         s.analytic ? "analytic" : "dq", flag, same ? "true" : "false");
  for (int k = 0; k < s.nout; k++) printf("%s%.17g", k ? "," : "", s.tout[k]);
  printf("],\"y\":[");
  for (int k = 0; k < s.nout; k++) {
    printf("%s[", k ? "," : "");
    for (int i = 0; i < n; i++) printf("%s%.17g", i ? "," : "", out[k * n + i]);
    printf("]");
  }
  /* nfe counts every evaluation of f: CVODE's own plus those of the difference-quotient
     Jacobian (zero with the analytic one). */
  printf("],\"nfe\":%ld,\"nfeSolver\":%ld,\"nfeJac\":%ld,\"njac\":%ld,\"nsteps\":%ld,"
         "\"nlinsetups\":%ld,\"netf\":%ld,\"nni\":%ld,\"ncfn\":%ld,\"reps\":%d,",
         st.nfe + st.nfels, st.nfe, st.nfels, st.njac, st.nsteps, st.nlinsetups, st.netf, st.nni,
         st.ncfn, reps);
  if (reps) {
    print_samples("solveMs", tSolve, reps);
    printf(",");
    print_samples("createSolveMs", tCreate, reps);
  } else {
    printf("\"solveMs\":null,\"createSolveMs\":null");
  }
  printf("}\n");
  free(tSolve);
  free(tCreate);
  destroy(&I);
  return 0;
}
