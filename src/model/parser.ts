/**
 * Parser of the `ode` model language (ParameterizedFunctions' `@ode_def` in Julia):
 *
 *   dx = α*x - β*x*y      # a state x, from the d-prefixed left side
 *   r  = x*y              # an intermediate (shared subexpression)
 *   dy = -δ*y + γ*r
 *
 * Lines (or `;`) separate equations. Precedence, low to high: comparisons, + −, × ÷, unary
 * minus, ^ (right-associative, so -x^2 = -(x^2) and 2^-1 works). `t` is time; `pi`/`π` and
 * `e` are constants. Any other free name is a parameter.
 */
import { tokenize, type Token } from './lexer.js';
import { ModelSyntaxError } from './errors.js';
import { Graph, ShapeError, type Node, type UnaryOp, type BinaryOp } from './ir.js';

const UNARY_FUNCS: Record<string, UnaryOp> = {
  exp: 'exp', log: 'log', log1p: 'log1p', expm1: 'expm1', sqrt: 'sqrt', abs: 'abs', sin: 'sin', cos: 'cos',
  tan: 'tan', asin: 'asin', acos: 'acos', atan: 'atan', sinh: 'sinh', cosh: 'cosh', tanh: 'tanh',
  sign: 'sign', sigmoid: 'sigmoid', softplus: 'softplus', relu: 'relu', sum: 'sum',
};
const BINARY_FUNCS: Record<string, BinaryOp> = { pow: 'pow', min: 'min', max: 'max', dot: 'dot' };
const COMPARISONS: Record<string, BinaryOp> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };
const CONSTANTS: Record<string, number> = { pi: 3.141592653589793, π: 3.141592653589793, e: 2.718281828459045 };

export interface ParsedModel {
  graph: Graph;
  states: string[];
  /** Length of each state (1: scalar). */
  sizes: number[];
  /** Shape of each parameter: [length, columns] (columns > 1: a row-major matrix). */
  paramShapes: [number, number][];
  params: string[];
  /** du[i] as an IR node, in state order. */
  outputs: Node[];
}

interface Line {
  lhs: Token;
  /** Tokens of the right side. */
  rhs: Token[];
}

/** Splits the token stream into `name = expression` lines. */
function splitLines(src: string, tokens: Token[]): Line[] {
  const lines: Line[] = [];
  let i = 0;
  while (tokens[i].kind !== 'eof') {
    if (tokens[i].kind === 'newline') { i++; continue; }
    const lhs = tokens[i];
    if (lhs.kind !== 'ident') throw new ModelSyntaxError(`expected an equation 'dx = …' or 'name = …', found '${lhs.text}'`, src, lhs.pos);
    const eq = tokens[i + 1];
    if (eq.kind !== 'op' || eq.text !== '=') throw new ModelSyntaxError(`expected '=' after '${lhs.text}'`, src, eq.pos);
    i += 2;
    const rhs: Token[] = [];
    while (tokens[i].kind !== 'newline' && tokens[i].kind !== 'eof') rhs.push(tokens[i++]);
    if (rhs.length === 0) throw new ModelSyntaxError(`'${lhs.text} =' has no right side`, src, eq.pos);
    rhs.push({ kind: 'eof', text: '', pos: tokens[i].pos });
    lines.push({ lhs, rhs });
  }
  return lines;
}

/**
 * Parses model source into the IR. `declaredParams` fixes the parameter order (and set);
 * `dims` makes states vectors (`{ u: 1000 }`), with elementwise operations broadcasting scalars.
 */
export function parseModel(
  src: string, declaredParams?: readonly string[], dims: Readonly<Record<string, number | readonly [number, number]>> = {},
): ParsedModel {
  const lines = splitLines(src, tokenize(src));
  const graph = new Graph();
  const states: string[] = [];
  const stateTokens = new Map<string, Token>();
  // States first: a right side may use a state whose equation comes later.
  for (const { lhs } of lines) {
    const name = lhs.text;
    if (name.length > 1 && name.startsWith('d')) {
      const s = name.slice(1);
      if (stateTokens.has(s)) throw new ModelSyntaxError(`duplicate state '${s}': d${s} is defined twice`, src, lhs.pos);
      if (s === 't' || s in CONSTANTS) throw new ModelSyntaxError(`'${s}' is reserved and cannot be a state`, src, lhs.pos);
      stateTokens.set(s, lhs);
      states.push(s);
    }
  }
  if (states.length === 0) throw new ModelSyntaxError("the model has no equation 'dx = …'", src, 0);
  // dims: a length for vector states and parameters, [rows, columns] for matrix parameters.
  const shapeOf = (name: string): [number, number] => {
    const d = dims[name];
    if (d === undefined) return [1, 1];
    const [rows, cols] = typeof d === 'number' ? [d, 1] : [d[0], d[1]];
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
      throw new Error(`ode: dims.${name} must be a positive integer or [rows, columns], got ${JSON.stringify(d)}`);
    }
    if (cols > 1 && states.includes(name)) throw new Error(`ode: state '${name}' cannot be a matrix`);
    return [rows * cols, cols];
  };
  const sizes = states.map((s) => shapeOf(s)[0]);
  const offsets: number[] = [];
  sizes.reduce((at, len, i) => { offsets[i] = at; return at + len; }, 0);

  const params: string[] = declaredParams ? [...declaredParams] : [];
  if (declaredParams) {
    const dup = params.find((p, i) => params.indexOf(p) !== i);
    if (dup) throw new Error(`ode: parameter '${dup}' is declared twice`);
    const clash = params.find((p) => stateTokens.has(p));
    if (clash) throw new Error(`ode: '${clash}' is declared as a parameter but is also a state`);
  }
  const locals = new Map<string, Node>();
  const isStateLine = (l: Line) => l.lhs.text.length > 1 && l.lhs.text.startsWith('d');
  // Intermediates not defined yet: using one of these is an error, not a new parameter.
  const laterLocals = new Set(lines.filter((l) => !isStateLine(l)).map((l) => l.lhs.text));
  const outputs: (Node | undefined)[] = new Array(states.length);

  for (const line of lines) {
    let k = 0;
    const toks = line.rhs;
    const peek = () => toks[k];
    const next = () => toks[k++];
    const isOp = (text: string) => peek().kind === 'op' && peek().text === text;
    const expect = (text: string) => {
      if (!isOp(text)) throw new ModelSyntaxError(`expected '${text}'${peek().kind === 'eof' ? ' before the end of the line' : `, found '${peek().text}'`}`, src, peek().pos);
      next();
    };

    const symbol = (tok: Token): Node => {
      const name = tok.text;
      if (name === 't') return graph.time();
      const si = states.indexOf(name);
      if (si >= 0) return graph.state(offsets[si], sizes[si]);
      const local = locals.get(name);
      if (local) return local;
      if (laterLocals.has(name)) throw new ModelSyntaxError(`'${name}' is used before its definition`, src, tok.pos);
      if (name in CONSTANTS) return graph.constant(CONSTANTS[name]);
      let pi = params.indexOf(name);
      if (pi < 0) {
        if (declaredParams) throw new ModelSyntaxError(`undefined symbol '${name}' (not a state, an intermediate or a declared parameter)`, src, tok.pos);
        pi = params.push(name) - 1;
      }
      const [len, cols] = shapeOf(name);
      return graph.param(pi, len, cols);
    };

    // Graph operations that may meet operands of unequal shapes report them at `tok`.
    const shaped = (tok: Token, make: () => Node): Node => {
      try {
        return make();
      } catch (e) {
        if (e instanceof ShapeError) throw new ModelSyntaxError(e.message, src, tok.pos);
        throw e;
      }
    };

    // u[i]: one entry of a vector state, counted from 1 as in Julia.
    const index = (name: Token): Node => {
      const bracket = next(); // '['
      const si = states.indexOf(name.text);
      if (si < 0) throw new ModelSyntaxError(`only vector states can be indexed, and '${name.text}' is not a state`, src, name.pos);
      const it = next();
      const i = it.kind === 'number' ? Number(it.text) : NaN;
      if (!Number.isInteger(i)) throw new ModelSyntaxError('an index must be a whole number', src, it.pos);
      if (i < 1 || i > sizes[si]) {
        throw new ModelSyntaxError(`index ${i} is outside ${name.text}[1..${sizes[si]}] (indices count from 1)`, src, it.pos);
      }
      if (!isOp(']')) throw new ModelSyntaxError(`expected ']'`, src, peek().pos);
      next();
      void bracket;
      return graph.state(offsets[si] + i - 1);
    };

    const call = (fn: Token): Node => {
      next(); // '('
      const args: Node[] = [];
      if (!isOp(')')) {
        args.push(comparison());
        while (isOp(',')) { next(); args.push(comparison()); }
      }
      expect(')');
      const arity = (n: number) => {
        if (args.length !== n) throw new ModelSyntaxError(`${fn.text} takes ${n} argument${n > 1 ? 's' : ''}, got ${args.length}`, src, fn.pos);
      };
      if (fn.text in UNARY_FUNCS) { arity(1); return graph.unary(UNARY_FUNCS[fn.text], args[0]); }
      if (fn.text in BINARY_FUNCS) { arity(2); return shaped(fn, () => graph.binary(BINARY_FUNCS[fn.text], args[0], args[1])); }
      if (fn.text === 'ifelse') { arity(3); return shaped(fn, () => graph.ifelse(args[0], args[1], args[2])); }
      throw new ModelSyntaxError(`unknown function '${fn.text}'`, src, fn.pos);
    };

    const primary = (): Node => {
      const tok = peek();
      if (tok.kind === 'number') { next(); return graph.constant(Number(tok.text)); }
      if (tok.kind === 'ident') {
        next();
        if (isOp('(')) { k--; const fn = next(); return call(fn); }
        if (isOp('[')) return index(tok);
        return symbol(tok);
      }
      if (isOp('(')) {
        next();
        const e = comparison();
        expect(')');
        return e;
      }
      if (tok.kind === 'eof') throw new ModelSyntaxError('the expression ends too early', src, tok.pos);
      throw new ModelSyntaxError(`unexpected '${tok.text}'`, src, tok.pos);
    };

    const power = (): Node => {
      const base = primary();
      if (isOp('^')) { const tok = next(); const e = unary(); return shaped(tok, () => graph.binary('pow', base, e)); }
      return base;
    };

    const unary = (): Node => {
      if (isOp('-')) { next(); return graph.unary('neg', unary()); }
      if (isOp('+')) { next(); return unary(); }
      return power();
    };

    const multiplicative = (): Node => {
      let a = unary();
      while (isOp('*') || isOp('/')) {
        const tok = next();
        const b = unary();
        const left = a;
        // A matrix parameter times a vector is a matrix–vector product.
        const op = tok.text === '/' ? 'div' : left.kind === 'param' && left.cols > 1 ? 'matvec' : 'mul';
        a = shaped(tok, () => graph.binary(op, left, b));
      }
      return a;
    };

    const additive = (): Node => {
      let a = multiplicative();
      while (isOp('+') || isOp('-')) {
        const tok = next();
        const b = multiplicative();
        const left = a;
        a = shaped(tok, () => graph.binary(tok.text === '+' ? 'add' : 'sub', left, b));
      }
      return a;
    };

    const comparison = (): Node => {
      const a = additive();
      const t = peek();
      if (t.kind === 'op' && t.text in COMPARISONS) { next(); const b = additive(); return shaped(t, () => graph.binary(COMPARISONS[t.text], a, b)); }
      return a;
    };

    const value = comparison();
    if (peek().kind !== 'eof') throw new ModelSyntaxError(`unexpected '${peek().text}' after the expression`, src, peek().pos);

    const name = line.lhs.text;
    if (isStateLine(line)) {
      const si = states.indexOf(name.slice(1));
      if (value.len !== 1 && value.len !== sizes[si]) {
        throw new ModelSyntaxError(`d${states[si]} has ${sizes[si]} entries but the right side has ${value.len}`, src, line.lhs.pos);
      }
      outputs[si] = value;
    } else {
      if (locals.has(name)) throw new ModelSyntaxError(`'${name}' is defined twice`, src, line.lhs.pos);
      if (name === 't' || name in CONSTANTS || states.includes(name)) throw new ModelSyntaxError(`'${name}' cannot be redefined`, src, line.lhs.pos);
      if (params.includes(name)) throw new ModelSyntaxError(`'${name}' is already a parameter`, src, line.lhs.pos);
      locals.set(name, value);
      laterLocals.delete(name);
    }
  }
  for (const name of Object.keys(dims)) {
    if (!states.includes(name) && !params.includes(name)) {
      throw new Error(`ode: dims names '${name}', which is neither a state nor a parameter of the model`);
    }
  }
  const paramShapes = params.map(shapeOf);
  return { graph, states, sizes, params, paramShapes, outputs: outputs as Node[] };
}
