import { describe, expect, it } from 'vitest';
import { splitScript, splitStatements } from '../../src/sql/lexer.js';
import { parseStatements } from '../../src/sql/parser.js';

const texts = (script: string) => splitStatements(script).map((piece) => piece.text);

describe('script splitting (psql)', () => {
  it('splits on semicolons and keeps the semicolon, as psql sends it', () => {
    expect(texts('SELECT 1; SELECT 2;')).toEqual(['SELECT 1;', 'SELECT 2;']);
    expect(splitStatements('SELECT 1 +;')[0]).toMatchObject({ text: 'SELECT 1 +;', offset: 0, line: 1, terminated: true });
  });

  it('ignores semicolons in strings, quoted identifiers, dollar quotes and comments', () => {
    const script = [
      "SELECT 'a;b', E'it\\'s;', \"x;y\";",
      'SELECT $$ ; $$, $fn$ ; $$ ; $fn$;',
      'SELECT /* ; /* nested ; */ ; */ 1; -- trailing ; comment',
      'SELECT a$b; SELECT $1;',
    ].join('\n');
    expect(texts(script)).toEqual([
      "SELECT 'a;b', E'it\\'s;', \"x;y\";",
      'SELECT $$ ; $$, $fn$ ; $$ ; $fn$;',
      'SELECT /* ; /* nested ; */ ; */ 1;',
      'SELECT a$b;',
      'SELECT $1;',
    ]);
  });

  it('does not split inside parentheses', () => {
    expect(texts('CREATE TABLE t (a int; b int); SELECT 1;')).toEqual(['CREATE TABLE t (a int; b int);', 'SELECT 1;']);
  });

  it('drops leading whitespace and -- comments but keeps block comments, with offsets and lines', () => {
    const script = '-- header\n\n   SELECT 1;\n/* doc */ SELECT\n  2;\n';
    expect(splitStatements(script)).toEqual([
      { kind: 'statement', text: 'SELECT 1;', offset: 14, line: 3, terminated: true },
      { kind: 'statement', text: '/* doc */ SELECT\n  2;', offset: 24, line: 4, terminated: true },
    ]);
  });

  it('returns an unterminated last statement, even inside an open string', () => {
    expect(splitStatements('SELECT 1; SELECT 2')).toMatchObject([{ terminated: true }, { text: 'SELECT 2', terminated: false }]);
    expect(splitStatements("SELECT 'open; SELECT 2;")).toMatchObject([{ text: "SELECT 'open; SELECT 2;", terminated: false }]);
    expect(splitStatements('SELECT 1; -- just a comment\n')).toHaveLength(1);
    expect(splitStatements('SELECT 1; /* unterminated')).toMatchObject([{}, { text: '/* unterminated', terminated: false }]);
  });

  it('separates psql meta-commands', () => {
    expect(splitScript('\\set ON_ERROR_STOP on\nSELECT 1;\n\\echo done\nSELECT 2 \\g\n')).toEqual([
      { kind: 'metaCommand', text: '\\set ON_ERROR_STOP on', offset: 0, line: 1, terminated: true },
      { kind: 'statement', text: 'SELECT 1;', offset: 22, line: 2, terminated: true },
      { kind: 'metaCommand', text: '\\echo done', offset: 32, line: 3, terminated: true },
      { kind: 'statement', text: 'SELECT 2 ', offset: 43, line: 4, terminated: true },
    ]);
  });

  it('gives pieces that parse on their own, with positions relative to the piece', () => {
    const pieces = splitStatements("CREATE TABLE t (seq dna2);\nINSERT INTO t VALUES ('ACGT');\nSELEC 1;");
    expect(parseStatements(pieces[0]?.text ?? '')[0]?.statement.kind).toBe('createTable');
    expect(parseStatements(pieces[1]?.text ?? '')[0]?.statement.kind).toBe('insert');
    expect(() => parseStatements(pieces[2]?.text ?? '')).toThrow(expect.objectContaining({ position: 1 }));
  });
});
