/**
 * Emits a compiled model as a small WebAssembly module — `f(t, u, du, regs)` — that the engine
 * calls through its function table instead of interpreting the tape. Only arithmetic,
 * comparisons, min/max, abs and sqrt are single instructions; every other operation calls
 * the engine's own `elementary` (the interpreter's implementation), so both evaluators give
 * the same bits. The module imports the engine's memory: u, du and the parameters are read
 * and written where the engine keeps them.
 *
 * The bytes are written here, instruction by instruction; nothing is evaluated as code.
 * Compiling them needs a runtime that allows run-time WebAssembly compilation (not workerd).
 */
import * as O from '../../assembly/tape/opcodes.js';
import { topoOrder, type Node, type UnaryOp, type BinaryOp } from './ir.js';
import { UNARY, BINARY } from './tape.js';

// Opcodes of the WebAssembly binary format.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const CALL = 0x10;
const I32_CONST = 0x41;
const F64_CONST = 0x44;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_CONVERT_I32_U = 0xb8;
const END = 0x0b;
const F64 = 0x7c;
const I32 = 0x7f;

const BINARY_INSTR: Partial<Record<BinaryOp, number[]>> = {
  add: [0xa0], sub: [0xa1], mul: [0xa2], div: [0xa3], min: [0xa4], max: [0xa5],
  dot: [0xa2], // of two scalars (vector models are not emitted)
  eq: [0x61, F64_CONVERT_I32_U], ne: [0x62, F64_CONVERT_I32_U], lt: [0x63, F64_CONVERT_I32_U],
  gt: [0x64, F64_CONVERT_I32_U], le: [0x65, F64_CONVERT_I32_U], ge: [0x66, F64_CONVERT_I32_U],
};
const UNARY_INSTR: Partial<Record<UnaryOp, number>> = { neg: 0x9a, abs: 0x99, sqrt: 0x9f };



function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f64Bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** The module's bytes for du = outputs(t, u, p); parameters are read from regs[paramBase + j]. */
export function emitModelWasm(outputs: readonly Node[], paramBase: number): Uint8Array<ArrayBuffer> {
  const order = topoOrder(outputs);
  // Locals 0–3 are the parameters (t, u, du, regs); every state, parameter and operation
  // used gets one f64 local.
  const local = new Map<number, number>();
  let nlocals = 0;
  for (const n of order) if (n.kind !== 'const' && n.kind !== 'time') local.set(n.id, 4 + nlocals++);

  const body: number[] = [];
  const push = (n: Node) => {
    if (n.kind === 'const') body.push(F64_CONST, ...f64Bytes(n.value));
    else if (n.kind === 'time') body.push(LOCAL_GET, 0);
    else body.push(LOCAL_GET, ...uleb(local.get(n.id)!));
  };
  const elementary = (op: number, a: Node, b?: Node, c?: Node) => {
    body.push(I32_CONST, ...sleb(op));
    push(a);
    if (b) push(b); else body.push(F64_CONST, ...f64Bytes(0));
    if (c) push(c); else body.push(F64_CONST, ...f64Bytes(0));
    body.push(CALL, 0);
  };
  for (const n of order) {
    switch (n.kind) {
      case 'const':
      case 'time':
        continue;
      case 'state':
        body.push(LOCAL_GET, 1, F64_LOAD, 3, ...uleb(8 * n.index));
        break;
      case 'param':
        body.push(LOCAL_GET, 3, F64_LOAD, 3, ...uleb(8 * (paramBase + n.index)));
        break;
      case 'unary': {
        const instr = UNARY_INSTR[n.op];
        if (n.op === 'sum') push(n.a); // of a scalar: itself (vector models are not emitted)
        else if (instr !== undefined) { push(n.a); body.push(instr); } else elementary(UNARY[n.op], n.a);
        break;
      }
      case 'binary': {
        const instr = BINARY_INSTR[n.op];
        if (instr) { push(n.a); push(n.b); body.push(...instr); } else elementary(BINARY[n.op], n.a, n.b);
        break;
      }
      case 'ifelse':
        elementary(O.OP_IFELSE, n.cond, n.a, n.b);
        break;
    }
    body.push(LOCAL_SET, ...uleb(local.get(n.id)!));
  }
  outputs.forEach((n, i) => {
    body.push(LOCAL_GET, 2);
    push(n);
    body.push(F64_STORE, 3, ...uleb(8 * i));
  });
  body.push(END);
  const func = [...uleb(1), ...uleb(nlocals), F64, ...body];

  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // Types: 0 = the model (f64, i32, i32, i32) → (); 1 = elementary (i32, f64, f64, f64) → f64.
    ...section(1, [2, 0x60, 4, F64, I32, I32, I32, 0, 0x60, 4, I32, F64, F64, F64, 1, F64]),
    // Imports: env.elem (function 0, type 1) and env.memory (the engine's).
    ...section(2, [2, ...name('env'), ...name('elem'), 0x00, 1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('f'), 0x00, 1]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ];
  return new Uint8Array(bytes);
}
