// Tape bytecode, shared by the compiler (src/model/tape.ts) and the interpreter
// (assembly/tape/primal.ts). Plain integer constants: valid AssemblyScript and TypeScript.
//
// An instruction is INSTR_WIDTH i32s: [op, dst, a, b, c, len, sa, sb, sc] over a file of f64
// registers. Scalars take one register, vectors `len` consecutive ones; `len` is the number
// of elements the instruction runs over and sa/sb/sc are 1 for a vector operand, 0 for a
// scalar one (broadcast). Register 0 holds t, registers 1..n the (flat) state, then the
// parameters, then constants, then temporaries.

export const INSTR_WIDTH = 9;
export const I_LEN = 5;
export const I_SA = 6;
export const I_SB = 7;
export const I_SC = 8;

// Tape header (i32 slots at the start of the tape).
export const TH_NINSTR = 0;
export const TH_NREGS = 1;
export const TH_NSTATES = 2; // length of the flat state
export const TH_OUT = 3; // offset (in i32s from the tape start) of the output segments
export const TH_CODE = 4; // offset of the first instruction
export const TH_NOUT = 5; // number of output segments; each is (register, length, step)
export const TH_VECTOR = 6; // 1 when some instruction runs over a vector
// The first TH_NPRE instructions depend on parameters and constants only: `tapePrepare` runs
// them once when the parameters are set, `tapePrimal` starts after them.
export const TH_NPRE = 7;
export const TH_SIZE = 8;

// Binary arithmetic.
export const OP_ADD = 1;
export const OP_SUB = 2;
export const OP_MUL = 3;
export const OP_DIV = 4;
export const OP_POW = 5;
export const OP_MIN = 6;
export const OP_MAX = 7;
export const OP_LT = 8;
export const OP_LE = 9;
export const OP_GT = 10;
export const OP_GE = 11;
export const OP_EQ = 12;
export const OP_NE = 13;
// Unary.
export const OP_NEG = 20;
export const OP_EXP = 21;
export const OP_LOG = 22;
export const OP_LOG1P = 23;
export const OP_EXPM1 = 24;
export const OP_SQRT = 25;
export const OP_ABS = 26;
export const OP_SIN = 27;
export const OP_COS = 28;
export const OP_TAN = 29;
export const OP_ASIN = 30;
export const OP_ACOS = 31;
export const OP_ATAN = 32;
export const OP_SINH = 33;
export const OP_COSH = 34;
export const OP_TANH = 35;
export const OP_SIGN = 36;
export const OP_SIGMOID = 37;
export const OP_SOFTPLUS = 38;
export const OP_RELU = 39;
export const OP_COPY = 40;
// Ternary.
export const OP_IFELSE = 50; // dst = a != 0 ? b : c
// Reductions (vector → scalar).
export const OP_SUM = 60;
export const OP_DOT = 61;
// Matrix–vector product: dst (len rows) = regs[a…] (rows × c, row-major) · regs[b…]; the
// instruction's c field holds the number of columns, not a register.
export const OP_MATVEC = 62;
