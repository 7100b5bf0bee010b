"""Peer driver for the stiff benchmark: SciPy's solve_ivp with Radau, BDF and LSODA.

Reads a JSON list of jobs on stdin and prints one JSON object per job on stdout, one a line,
as each job finishes. A job:

    {"problem": "rober" | "vdp", "mu": 1e6 (vdp only), "rtol": 1e-6, "atol": 1e-8 or [a1, a2, a3],
     "method": "Radau" | "BDF" | "LSODA", "jac": true | false, "tout": [t1, ..., tf],
     "minReps": 3, "minSeconds": 1.0, "maxSeconds": 20.0, "timeout": 30.0}

jac true passes the analytic Jacobian as solve_ivp(jac=...); false lets the method build its
own by finite differences. tout goes to t_eval (values interpolated from the steps taken; the
last one is the final time). The first solve is a warm-up (kept as a sample when it took 1 s or
more); then solves are timed with time.perf_counter until there are minReps of them and minSeconds have been spent, or until
maxSeconds have been spent (at least one timed solve). A solve running past `timeout` seconds
is stopped (SIGALRM) and the job is reported as timed out; later jobs of the same problem,
method and Jacobian at a smaller rtol are then skipped, since they would take longer still.

nfe counts every call of the right-hand side (a counter inside f), including the calls made to
build finite-difference Jacobians; SciPy's own nfev is reported beside it (Radau and BDF leave
the finite-difference calls out of nfev, LSODA counts them).
"""
import json
import signal
import sys
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp

NF = 0


def rober_problem(job):
    k1, k2, k3 = 0.04, 3.0e7, 1.0e4

    def f(t, y):
        global NF
        NF += 1
        a, b, c = y.tolist()
        r1 = k1 * a
        r2 = k2 * b * b
        r3 = k3 * b * c
        return [r3 - r1, r1 - r2 - r3, r2]

    def jac(t, y):
        a, b, c = y.tolist()
        return [[-k1, k3 * c, k3 * b],
                [k1, -2.0 * k2 * b - k3 * c, -k3 * b],
                [0.0, 2.0 * k2 * b, 0.0]]

    return f, jac, [1.0, 0.0, 0.0]


def vdp_problem(job):
    mu = float(job["mu"])

    def f(t, y):
        global NF
        NF += 1
        a, b = y.tolist()
        return [b, mu * ((1.0 - a * a) * b - a)]

    def jac(t, y):
        a, b = y.tolist()
        return [[0.0, 1.0], [mu * (-2.0 * a * b - 1.0), mu * (1.0 - a * a)]]

    return f, jac, [2.0, 0.0]


PROBLEMS = {"rober": rober_problem, "vdp": vdp_problem}


class SolveTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise SolveTimeout()


def solve_once(job, f, jac, y0, timeout):
    global NF
    NF = 0
    tout = job["tout"]
    atol = job["atol"]
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        t0 = time.perf_counter()
        sol = solve_ivp(f, (0.0, tout[-1]), y0, method=job["method"], t_eval=tout,
                        rtol=job["rtol"], atol=np.asarray(atol) if isinstance(atol, list) else atol,
                        jac=jac if job["jac"] else None)
        t1 = time.perf_counter()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return sol, (t1 - t0) * 1e3, NF


def run_job(job):
    f, jac, y0 = PROBLEMS[job["problem"]](job)
    timeout = float(job.get("timeout", 60.0))
    out = {"solver": "SciPy " + job["method"], "version": scipy.__version__,
           "problem": job["problem"], "rtol": job["rtol"],
           "atol": job["atol"] if isinstance(job["atol"], list) else [job["atol"]],
           "jac": "analytic" if job["jac"] else "fd", "t": job["tout"]}
    try:
        sol, ms, nfe = solve_once(job, f, jac, y0, timeout)
    except SolveTimeout:
        out.update(timeout=True, limitS=timeout)
        return out
    samples = []
    if sol.status == 0:
        spent = 0.0
        # A warm-up that took a second or more is warm enough to count as a sample.
        if ms >= 1000.0:
            samples.append(ms)
            spent += ms
        while not samples or (
                (len(samples) < job.get("minReps", 3) or spent < job.get("minSeconds", 1.0) * 1e3)
                and spent < job.get("maxSeconds", 20.0) * 1e3):
            try:
                sol, ms, nfe = solve_once(job, f, jac, y0, timeout)
            except SolveTimeout:
                break
            samples.append(ms)
            spent += ms
    y = sol.y.T.tolist()
    out.update(status=int(sol.status), message=sol.message, y=y, nfe=nfe, nfev=int(sol.nfev),
               njev=int(sol.njev), nlu=int(sol.nlu), reps=len(samples),
               solveMs={"median": float(np.median(samples)), "samples": samples} if samples else None)
    return out


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    jobs = json.load(sys.stdin)
    timed_out = {}  # (problem, tf, method, jac) -> rtol that timed out
    for job in jobs:
        key = (job["problem"], job.get("mu"), job["tout"][-1], job["method"], job["jac"])
        if key in timed_out and job["rtol"] <= timed_out[key]:
            res = {"solver": "SciPy " + job["method"], "version": scipy.__version__,
                   "problem": job["problem"],
                   "rtol": job["rtol"], "jac": "analytic" if job["jac"] else "fd",
                   "skipped": f"rtol {timed_out[key]:g} already timed out"}
        else:
            res = run_job(job)
            if res.get("timeout"):
                timed_out[key] = job["rtol"]
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
