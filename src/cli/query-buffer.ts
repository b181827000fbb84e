/**
 * psql's query buffer: the script is consumed one input line at a time, as psql's MainLoop does, because that
 * is what decides psql's observable behaviour — which lines `-a` echoes, when a statement runs relative to the
 * echo of the line holding its `;`, and the exact text sent (hence the LINE n / caret of an error).
 *
 * The rules reproduced from psql (mainloop.c, psqlscan.l):
 * - an empty line is skipped entirely (not echoed, not added to the buffer) unless it lies inside a string
 *   literal, quoted identifier, dollar quote or block comment;
 * - lines are joined with `\n`, but only once the buffer holds something: whitespace and `--` comments before a
 *   statement are not sent;
 * - every statement terminated on a line (by `;` outside quotes and parentheses, or `\g`) and every backslash
 *   command is handed back in order once the whole line has been read; whatever follows stays in the buffer.
 *
 * Statement boundaries come from the SQL lexer's script splitter, so the shell and the library agree on them.
 */
import { Lexer, splitScript } from '../sql/lexer.js';

/** What the buffer hands back: a statement to send, or a backslash-command line to run. */
export interface BufferedPiece {
  readonly kind: 'statement' | 'metaCommand';
  readonly text: string;
}

/** psql's commands that send the query buffer, as `;` does (only `\g` itself is fully supported). */
const sendingCommandPattern = /^\\(g|gx|gset|gexec|gdesc)(?=\s|\\|$)/u;

export class QueryBuffer {
  private pending = '';
  /** psql re-sends the previous statement on `\g` with an empty buffer. */
  private lastStatement: string | undefined;

  /** True when no statement has been started (psql's primary prompt rather than the continuation prompt). */
  get isEmpty(): boolean {
    return this.pending.length === 0;
  }

  /** psql skips an empty input line entirely unless it continues a literal or comment. */
  skipsLine(line: string): boolean {
    return line.length === 0 && !endsInsideLiteralOrComment(this.pending + '\n');
  }

  /**
   * Adds one input line (without its newline) and returns the pieces it completes, in script order: statements
   * terminated on this line and backslash commands. A statement left unterminated stays in the buffer.
   */
  addLine(line: string): BufferedPiece[] {
    const continuing = this.pending.length > 0;
    if (continuing && !line.includes(';') && !line.includes('\\')) {
      // Nothing on this line can end the statement or start a backslash command: skip re-splitting the buffer,
      // which keeps long multi-line statements linear.
      this.pending += '\n' + line;
      return [];
    }
    const text = continuing ? this.pending + '\n' + line : line;
    this.pending = '';
    // psql reads a backslash outside literals and comments as a command running to the end of the line, even in
    // the middle of a statement (which then stays in the buffer); the splitter only knows them at a statement's
    // start, so the line is cut there first.
    const lineStart = text.length - line.length;
    const metaStart = findMetaCommandStart(text, lineStart);
    // psql takes back the newline it added between lines when the line adds nothing before its command.
    const sqlText = metaStart === undefined ? text : metaStart === lineStart && continuing ? text.slice(0, lineStart - 1) : text.slice(0, metaStart);
    const complete: BufferedPiece[] = [];
    for (const piece of splitScript(sqlText)) {
      if (piece.kind === 'statement' && !piece.terminated) this.pending = piece.text;
      else complete.push(this.handOut(piece.kind, piece.text));
    }
    if (metaStart !== undefined) {
      const metaText = text.slice(metaStart);
      const sendingCommand = sendingCommandPattern.exec(metaText)?.[1];
      if (sendingCommand !== undefined) {
        const statement = this.pending.length > 0 ? this.pending : this.lastStatement;
        this.pending = '';
        if (statement !== undefined) complete.push(this.handOut('statement', statement));
        // The variants' extra behaviour (expanded output, variables…) is not supported: let the session say so.
        if (sendingCommand !== 'g') complete.push({ kind: 'metaCommand', text: metaText });
      } else {
        complete.push({ kind: 'metaCommand', text: metaText });
      }
    }
    return complete;
  }

  private handOut(kind: BufferedPiece['kind'], text: string): BufferedPiece {
    if (kind === 'statement') this.lastStatement = text;
    return { kind, text };
  }

  /** End of input: psql sends a statement left without `;` at the end of a script. */
  takeRemainder(): string | undefined {
    const remainder = this.pending;
    this.pending = '';
    return remainder.length > 0 ? remainder : undefined;
  }

  /** Ctrl-C at the prompt discards the statement being typed. */
  clear(): void {
    this.pending = '';
  }
}

/** Offset of the first backslash at or after `from` that is outside literals and comments. */
function findMetaCommandStart(text: string, from: number): number | undefined {
  for (let index = text.indexOf('\\', from); index >= 0; index = text.indexOf('\\', index + 1)) {
    if (!endsInsideLiteralOrComment(text.slice(0, index))) return index;
  }
  return undefined;
}

/**
 * psql_scan_in_quote: whether the text ends inside a string, quoted identifier, dollar quote, block comment or
 * `--` comment. Asked of the splitter itself: close any open parentheses and add a `;`; the statement ends at
 * that `;` exactly when nothing was left open. (Surplus `)` are ignored by the splitter.)
 */
export function endsInsideLiteralOrComment(text: string): boolean {
  if (text.trim().length === 0) return false;
  let openParentheses = 0;
  for (const character of text) if (character === '(') openParentheses++;
  const probe = text + ')'.repeat(openParentheses) + ';';
  const pieces = splitScript(probe);
  const last = pieces[pieces.length - 1];
  return !(last !== undefined && last.terminated && last.offset + last.text.length === probe.length);
}

/**
 * A statement with nothing but comments, whitespace and semicolons: PostgreSQL answers it with an empty query
 * response and psql prints nothing, so the shell does not send it.
 */
export function isEmptyStatement(text: string): boolean {
  try {
    // Pull tokens lazily: a real statement is recognised at its first token, however long it is.
    const lexer = new Lexer(text);
    for (;;) {
      const token = lexer.next();
      if (token.type === 'eof') return true;
      if (token.type !== 'punctuation' || token.text !== ';') return false;
    }
  } catch {
    // A lexical error (e.g. an unterminated literal) is for the engine to report, with its position.
    return false;
  }
}
