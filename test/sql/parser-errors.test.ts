import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { errorPosition, tokenize } from '../../src/sql/lexer.js';
import { parseExpression, parseStatements } from '../../src/sql/parser.js';
import { errorOf } from './parser-helpers.js';

function parseError(sql: string): KmerSearchError {
  return errorOf(() => parseStatements(sql));
}

describe('syntax errors as PostgreSQL reports them', () => {
  it.each([
    ['SELEC 1', 'syntax error at or near "SELEC"', 1],
    ['SELECT 1 +', 'syntax error at end of input', 11],
    ['SELECT 1 +   ', 'syntax error at end of input', 14],
    ['SELECT 1 + -- comment', 'syntax error at end of input', 22],
    ['SELECT 1 +;', 'syntax error at or near ";"', 11],
    ['SELECT 1 2', 'syntax error at or near "2"', 10],
    ['SELECT select', 'syntax error at or near "select"', 8],
    ['SELECT * FROM', 'syntax error at end of input', 14],
    ['SELECT * FROM t WHERE', 'syntax error at end of input', 22],
    ['SELECT * FROM t WHERE a = = 1', 'syntax error at or near "="', 27],
    ["SELECT * FROM t WHERE seq =% 'AC' LIMIT", 'syntax error at end of input', 40],
    ['CREATE TABLE t (a int,)', 'syntax error at or near ")"', 23],
    ['CREATE TABLE t (a)', 'syntax error at or near ")"', 18],
    ['CREATE TABLE t a int', 'syntax error at or near "a"', 16],
    ['CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4', 'syntax error at end of input', 62],
    ['CREATE INDEX IF NOT EXISTS ON t (a)', 'syntax error at or near "ON"', 28],
    ['DROP TABLE', 'syntax error at end of input', 11],
    ['INSERT INTO t VALUES', 'syntax error at end of input', 21],
    ['INSERT INTO t VALUES (1', 'syntax error at end of input', 24],
    ['UPDATE t SET', 'syntax error at end of input', 13],
    ['UPDATE t SET a 1', 'syntax error at or near "1"', 16],
    ['DELETE t', 'syntax error at or near "t"', 8],
    ['SET x', 'syntax error at end of input', 6],
    ['SHOW', 'syntax error at end of input', 5],
    ['COPY t FROM', 'syntax error at end of input', 12],
    ["COPY t FROM 'x' WITH (FORMAT csv", 'syntax error at end of input', 33],
    ['SELECT (1', 'syntax error at end of input', 10],
    ['SELECT f(1,)', 'syntax error at or near ")"', 12],
    ['SELECT CASE WHEN a THEN 1', 'syntax error at end of input', 26],
    ['SELECT 1; SELEC 2', 'syntax error at or near "SELEC"', 11],
    // SELECT is a bare column label since PostgreSQL 14: the alias is "select" and the error is at 2.
    ['SELECT 1 SELECT 2', 'syntax error at or near "2"', 17],
    ['SELECT 1 FROM 2', 'syntax error at or near "2"', 15],
    ['SELECT left FROM t', 'syntax error at or near "FROM"', 13],
    ['SELECT a FROM t left', 'syntax error at end of input', 21],
    ["SELECT 'é' + + ", 'syntax error at end of input', 16],
    ["SELECT '😀' +", 'syntax error at end of input', 13],
    ['SELECT "😀" FROM', 'syntax error at end of input', 16],
    ["SELECT '😀' 1", 'syntax error at or near "1"', 12],
  ])('%s', (sql, message, position) => {
    const error = parseError(sql);
    expect(error).toBeInstanceOf(KmerSearchError);
    expect(error.code).toBe('42601');
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
  });

  it.each([
    ["SELECT 'abc", `unterminated quoted string at or near "'abc"`, 8],
    ["SELECT 'abc\ndef", `unterminated quoted string at or near "'abc\ndef"`, 8],
    ["SELECT E'abc\\'", `unterminated quoted string at or near "E'abc\\'"`, 8],
    ["SELECT 'a'\n'b", `unterminated quoted string at or near "'a'\n'b"`, 8],
    ['SELECT /* unterminated', 'unterminated /* comment at or near "/* unterminated"', 8],
    ['SELECT /* /* nested */ still open', 'unterminated /* comment at or near "/* /* nested */ still open"', 8],
    ['SELECT "abc', 'unterminated quoted identifier at or near ""abc"', 8],
    ['SELECT $$abc', 'unterminated dollar-quoted string at or near "$$abc"', 8],
    ['SELECT $tag$abc$tog$', 'unterminated dollar-quoted string at or near "$tag$abc$tog$"', 8],
    ['SELECT ""', 'zero-length delimited identifier at or near """"', 8],
    ['SELECT 123abc', 'trailing junk after numeric literal at or near "123abc"', 8],
    ['SELECT 1.5e', 'trailing junk after numeric literal at or near "1.5e"', 8],
    ['SELECT 1e+', 'trailing junk after numeric literal at or near "1e+"', 8],
    ['SELECT 0x', 'invalid hexadecimal integer at or near "0x"', 8],
    ['SELECT $1abc', 'trailing junk after parameter at or near "$1abc"', 8],
  ])('lexical error: %s', (sql, message, position) => {
    const error = parseError(sql);
    expect(error.code).toBe('42601');
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
  });

  it('reports grammar-level errors with their texts and hints', () => {
    expect(parseError('SELECT 1 LIMIT 1, 2')).toMatchObject({
      code: '42601',
      message: 'LIMIT #,# syntax is not supported',
      hint: 'Use separate LIMIT and OFFSET clauses.',
      position: 10,
    });
    expect(parseError('(SELECT 1 ORDER BY 1) ORDER BY 1')).toMatchObject({ code: '42601', message: 'multiple ORDER BY clauses not allowed' });
    expect(parseError("SELECT E'\\xff'")).toMatchObject({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0xff' });
    expect(parseError("SELECT E'\\000'")).toMatchObject({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' });
    expect(parseError("SELECT E'\\uD800'")).toMatchObject({ code: '42601', message: 'invalid Unicode surrogate pair' });
  });

  it('rejects statements outside the dialect as unsupported (0A000), not as syntax errors', () => {
    expect(parseError('ALTER TABLE t ADD COLUMN x int')).toMatchObject({ code: '0A000', message: 'ALTER is not supported', position: 1 });
    expect(parseError('CREATE VIEW v AS SELECT 1')).toMatchObject({ code: '0A000', message: 'CREATE VIEW is not supported', position: 8 });
    expect(parseError('WITH x AS (SELECT 1) SELECT * FROM x')).toMatchObject({ code: '0A000' });
    expect(parseError('SELECT row_number() OVER () FROM t')).toMatchObject({ code: '0A000', message: 'window functions are not supported' });
  });

  it('fails deep nesting with stack depth limit exceeded instead of overflowing', () => {
    const deep = `SELECT ${'('.repeat(100_000)}1${')'.repeat(100_000)}`;
    expect(parseError(deep)).toMatchObject({ code: '54001', message: 'stack depth limit exceeded' });
    expect(errorOf(() => parseExpression('- '.repeat(50_000) + '1'))).toMatchObject({ code: '54001' });
    expect(errorOf(() => parseExpression('NOT '.repeat(50_000) + 'x'))).toMatchObject({ code: '54001' });
    // Moderate nesting is fine.
    expect(parseExpression(`${'('.repeat(100)}1${')'.repeat(100)}`)).toMatchObject({ kind: 'numberLiteral' });
  });

  it('reports a syntax error before a later lexical error, as PostgreSQL lexes lazily', () => {
    expect(parseError("SELEC 1; SELECT 'open")).toMatchObject({ message: 'syntax error at or near "SELEC"' });
  });
});

describe('lexer', () => {
  it('folds unquoted identifiers and keeps quoted ones', () => {
    const tokens = tokenize('SELECT MyCol, "MyCol", "a""b", ÉtÉ');
    expect(tokens.map((token) => [token.type, token.value])).toEqual([
      ['word', 'select'],
      ['word', 'mycol'],
      ['punctuation', ','],
      ['quotedIdentifier', 'MyCol'],
      ['punctuation', ','],
      ['quotedIdentifier', 'a"b'],
      ['punctuation', ','],
      // Only ASCII letters fold, as in PostgreSQL's downcase_identifier for UTF-8.
      ['word', 'ÉtÉ'],
      ['eof', ''],
    ]);
  });

  it('lexes operators by PostgreSQL rules', () => {
    const values = (sql: string) => tokenize(sql).slice(0, -1).map((token) => token.value);
    expect(values('a=%b')).toEqual(['a', '=%', 'b']);
    expect(values('a::int')).toEqual(['a', '::', 'int']);
    expect(values('a||b<=c>=d<>e!=f')).toEqual(['a', '||', 'b', '<=', 'c', '>=', 'd', '<>', 'e', '<>', 'f']);
    // A trailing + or - is split off unless the operator holds a non-SQL operator character.
    expect(values('a=-1')).toEqual(['a', '=', '-', '1']);
    expect(values('a<>-1')).toEqual(['a', '<>', '-', '1']);
    expect(values('a@-1')).toEqual(['a', '@-', '1']);
    expect(values('a*--c\n2')).toEqual(['a', '*', '2']);
    expect(values('a+/*c*/2')).toEqual(['a', '+', '2']);
    expect(values('a => 1, b := 2')).toEqual(['a', '=>', '1', ',', 'b', ':=', '2']);
    expect(values('1..2')).toEqual(['1', '..', '2']);
  });

  it('lexes strings: standard, escape, dollar-quoted, continued', () => {
    const strings = (sql: string) => tokenize(sql).filter((token) => token.type === 'string').map((token) => token.value);
    expect(strings("'it''s' 'a\\b'")).toEqual(["it's", 'a\\b']);
    expect(strings("E'\\n\\t\\\\\\'\\101\\x41\\u00e9\\U0001F600x'")).toEqual(["\n\t\\'AAé😀x"]);
    expect(strings("e'\\xC3\\xA9'")).toEqual(['é']);
    expect(strings('$$a\'b$$ $x$ $$ $x$')).toEqual(["a'b", ' $$ ']);
    expect(strings("'a'\n'b' -- c\n 'c'")).toEqual(['abc']);
    expect(strings("'a' 'b'")).toEqual(['a', 'b']);
    expect(strings("N'national'")).toEqual(['national']);
  });

  it('lexes numbers and parameters', () => {
    const tokens = tokenize('1 1.5 .5 5. 1e3 1_000 0xFF 0o7 0b11 2147483648 $12');
    expect(tokens.slice(0, -1).map((token) => [token.type, token.value, token.isInteger])).toEqual([
      ['number', '1', true],
      ['number', '1.5', false],
      ['number', '.5', false],
      ['number', '5.', false],
      ['number', '1e3', false],
      ['number', '1000', true],
      ['number', '255', true],
      ['number', '7', true],
      ['number', '3', true],
      ['number', '2147483648', true],
      ['parameter', '12', false],
    ]);
  });

  it('keeps 0-based offsets and converts them to 1-based character positions', () => {
    const tokens = tokenize("  SELECT '😀', x");
    expect(tokens.map((token) => token.offset)).toEqual([2, 9, 13, 15, 16]);
    expect(errorPosition("  SELECT '😀', x", 15)).toBe(15);
  });
});
