/** psql's query buffer: what is sent, line by line. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endsInsideLiteralOrComment, isEmptyStatement, QueryBuffer, type BufferedPiece } from '../../src/cli/query-buffer.js';

function feed(script: string): BufferedPiece[] {
  const buffer = new QueryBuffer();
  const pieces: BufferedPiece[] = [];
  for (const line of script.split('\n')) if (!buffer.skipsLine(line)) pieces.push(...buffer.addLine(line));
  const remainder = buffer.takeRemainder();
  if (remainder !== undefined) pieces.push({ kind: 'statement', text: remainder });
  return pieces;
}

describe('QueryBuffer', () => {
  it('holds an unfinished statement until its terminator and then starts clean', () => {
    const buffer = new QueryBuffer();
    expect(buffer.addLine('SELECT')).toEqual([]);
    expect(buffer.isEmpty).toBe(false);
    expect(buffer.addLine('  1; SELECT')).toEqual([{ kind: 'statement', text: 'SELECT\n  1;' }]);
    expect(buffer.addLine('2; -- done')).toEqual([{ kind: 'statement', text: 'SELECT\n2;' }]);
    expect(buffer.isEmpty).toBe(true);
  });

  it('does not end a statement at a semicolon inside parentheses, quotes or dollar quotes', () => {
    expect(feed("SELECT f(1;\n2);\nSELECT ';';\nSELECT $x$ ; $x$;")).toEqual([
      { kind: 'statement', text: 'SELECT f(1;\n2);' },
      { kind: 'statement', text: "SELECT ';';" },
      { kind: 'statement', text: 'SELECT $x$ ; $x$;' },
    ]);
  });

  it('knows when a line ends inside a literal or comment', () => {
    expect(endsInsideLiteralOrComment("SELECT 'abc")).toBe(true);
    expect(endsInsideLiteralOrComment('SELECT "ab')).toBe(true);
    expect(endsInsideLiteralOrComment('SELECT $$ab')).toBe(true);
    expect(endsInsideLiteralOrComment('SELECT /* a /* b */')).toBe(true);
    expect(endsInsideLiteralOrComment('SELECT 1 -- c')).toBe(true);
    expect(endsInsideLiteralOrComment('SELECT 1 -- c\n')).toBe(false);
    expect(endsInsideLiteralOrComment("SELECT ('a', (")).toBe(false);
    expect(endsInsideLiteralOrComment('')).toBe(false);
  });

  it('treats comment-only and semicolon-only statements as empty', () => {
    expect(isEmptyStatement('/* x */ ;')).toBe(true);
    expect(isEmptyStatement(';')).toBe(true);
    expect(isEmptyStatement('SELECT 1;')).toBe(false);
    expect(isEmptyStatement("SELECT 'unterminated")).toBe(false);
  });

  it('sends every statement of a script exactly once, whatever the whitespace and comments between them', () => {
    const statement = fc.oneof(
      fc.integer({ min: 0, max: 999 }).map((value) => `SELECT ${value}`),
      fc.constantFrom("SELECT 'a;b'", 'SELECT "x;y" FROM t', "SELECT $$\n;\n$$", 'SELECT (1\n;\n)', "SELECT 'multi\n\nline'"),
    );
    const separator = fc.constantFrom(' ', '\n', '\n\n', '  -- comment\n', '\n   \n', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(separator, statement), { minLength: 1, maxLength: 8 }), separator, (parts, tail) => {
        const script = parts.map(([before, text]) => `${before}${text};`).join('') + tail;
        const sent = feed(script);
        expect(sent.map((piece) => piece.kind)).toEqual(parts.map(() => 'statement'));
        expect(sent.map((piece) => piece.text)).toEqual(parts.map(([, text]) => `${text};`));
      }),
      { numRuns: 300 },
    );
  });
});
