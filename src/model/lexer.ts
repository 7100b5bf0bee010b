/**
 * Tokens of the `ode` model language. Identifiers are any Unicode letters, digits after the
 * first character, underscores and emoji (Julia's `d🐰 = α*🐰 - β*🐰*🦊` works verbatim).
 */
import { ModelSyntaxError } from './errors.js';

export type TokenKind = 'ident' | 'number' | 'op' | 'newline' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in the source, for error carets. */
  pos: number;
}

// A letter, an underscore, or an emoji (with its modifiers and joiners) may start a name.
const IDENT_START = /[\p{L}_\p{Extended_Pictographic}]/u;
const IDENT_PART = /[\p{L}\p{N}_\p{Extended_Pictographic}\p{M}\u200d\ufe0f\u{1F3FB}-\u{1F3FF}]/u;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const OPERATORS = ['<=', '>=', '==', '!=', '+', '-', '*', '/', '^', '(', ')', ',', '=', '<', '>', '[', ']'];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (ch === '\n' || ch === ';') {
      out.push({ kind: 'newline', text: ch, pos: i });
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    const num = NUMBER.exec(src.slice(i, i + 64));
    if (num && /[\d.]/.test(ch)) {
      out.push({ kind: 'number', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const cp = String.fromCodePoint(src.codePointAt(i)!);
    if (IDENT_START.test(cp)) {
      let j = i + cp.length;
      while (j < src.length) {
        const c = String.fromCodePoint(src.codePointAt(j)!);
        if (!IDENT_PART.test(c)) break;
        j += c.length;
      }
      out.push({ kind: 'ident', text: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    throw new ModelSyntaxError(`unexpected character '${cp}'`, src, i);
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}
