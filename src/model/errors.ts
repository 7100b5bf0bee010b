/** Errors in model source, reported with line, column and a caret under the spot. */

export class ModelSyntaxError extends SyntaxError {
  /** 1-based line of the problem in the model source. */
  readonly line: number;
  /** 1-based column (in characters as displayed, emoji counting as one). */
  readonly column: number;

  constructor(message: string, src: string, pos: number) {
    const before = src.slice(0, pos);
    const line = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = src.indexOf('\n', pos) === -1 ? src.length : src.indexOf('\n', pos);
    const text = src.slice(lineStart, lineEnd);
    const column = Array.from(src.slice(lineStart, pos)).length + 1;
    const caret = `${' '.repeat(column - 1)}^`;
    super(`ode: line ${line}, column ${column}: ${message}\n  ${text}\n  ${caret}`);
    this.name = 'ModelSyntaxError';
    this.line = line;
    this.column = column;
  }
}
