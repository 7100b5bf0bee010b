// Block slots and codes of automatic stiffness detection and switching (stiffness.ts,
// src/solve/auto.ts). The same rules as layout.ts: plain integer constants, valid as
// AssemblyScript and TypeScript. Slots 140–159 of the solve block are this family's.

// --- what TypeScript asks for
export const B_AUTO_MODE = 140; // AUTO_OFF, AUTO_NONSTIFF or AUTO_STIFF
export const B_AUTO_STAGE_A = 141; // the explicit method's stage pair of the eigenvalue estimate
export const B_AUTO_STAGE_B = 142;
export const B_AUTO_STABSIZE = 143; // the nonstiff method's stability-region size (Tsit5 3.5068)
export const B_AUTO_NONSTIFFTOL = 144; // stiffness tolerance while the nonstiff method runs (0.9)
export const B_AUTO_STIFFTOL = 145; // and while the stiff method runs (0.9)
export const B_AUTO_MAXSTIFF = 146; // switch to the stiff method when the count exceeds this (10)
export const B_AUTO_MAXNONSTIFF = 147; // switch back when the count falls below −this (3)
export const B_AUTO_DTFAC = 148; // dt·dtfac going stiff, dt/dtfac going back (2)
// --- state carried from one method's solve to the other's
export const B_AUTO_COUNT = 149; // consecutive stiff tests (> 0) or nonstiff tests (< 0)
export const B_AUTO_EIGEN = 150; // the last eigenvalue estimate
export const B_AUTO_DT = 151; // dt the next method starts with
export const B_AUTO_SAVEIDX = 152; // saveat times already saved (relative to B_SAVEAT)
export const B_AUTO_STOPIDX = 153; // tstops already reached (relative to B_TSTOPS)
export const B_AUTO_ERROLD = 154; // the PI controller's previous error, max(EEst, 1e-4)

export const AUTO_OFF = 0;
export const AUTO_NONSTIFF = 1; // an explicit method that returns RET_SWITCH when stiffness is detected
export const AUTO_STIFF = 2; // a stiff method that returns RET_SWITCH when the problem is no longer stiff

// The engine stopped at an accepted step boundary so that the other method takes over there:
// t in B_T, the state in B_U, the rest in the slots above.
export const RET_SWITCH = 140;
