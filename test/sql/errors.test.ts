/** Errors with PostgreSQL's SQLSTATE, text, HINT and 1-based position. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, openDatabase, rejection } from './engine-helpers.js';

let db: KmerSearch;

beforeEach(async () => {
  db = await openDatabase();
  await db.exec("CREATE TABLE t (id int, name text, seq dna2); CREATE TABLE u (id int, v int); INSERT INTO t VALUES (1, 'a', 'ACGT'), (2, 'b', 'TTTT')");
});

/** The 1-based position of `fragment` in `sql` (its first occurrence after `from`). */
function at(sql: string, fragment: string, from = 0): number {
  const index = sql.indexOf(fragment, from);
  if (index < 0) throw new Error(`${fragment} not in ${sql}`);
  return index + 1;
}

async function expectErrorAt(
  sql: string,
  code: string,
  message: string,
  fragment: string,
  extra: { hint?: string; detail?: string } = {},
  from = 0,
): Promise<void> {
  await expectError(db, sql, { code, message, position: at(sql, fragment, from), ...extra });
}

const operatorHint = 'No operator matches the given name and argument types. You might need to add explicit type casts.';
const functionHint = 'No function matches the given name and argument types. You might need to add explicit type casts.';

describe('names', () => {
  it('reports missing relations, columns and ambiguous references at their position', async () => {
    await expectErrorAt('SELECT * FROM nope', '42P01', 'relation "nope" does not exist', 'nope');
    await expectErrorAt('SELECT idd FROM t', '42703', 'column "idd" does not exist', 'idd', {
      hint: 'Perhaps you meant to reference the column "t.id".',
    });
    await expectErrorAt('SELECT t.idd FROM t', '42703', 'column t.idd does not exist', 't.idd', {
      hint: 'Perhaps you meant to reference the column "t.id".',
    });
    await expectErrorAt('SELECT zzz FROM t', '42703', 'column "zzz" does not exist', 'zzz');
    await expectErrorAt('SELECT x.id FROM t', '42P01', 'missing FROM-clause entry for table "x"', 'x.id');
    await expectErrorAt('SELECT id FROM t, u', '42702', 'column reference "id" is ambiguous', 'id');
    await expectErrorAt('SELECT * FROM t JOIN u ON id = 1', '42702', 'column reference "id" is ambiguous', 'id =');
    await expectError(db, 'SELECT *', { code: '42601', message: 'SELECT * with no tables specified is not valid', position: 8 });
  });

  it("suggests the closest column as PostgreSQL's errorMissingColumn does", async () => {
    // Two equally close columns are both named; a third at the same distance withdraws the suggestion.
    await expectErrorAt('SELECT idd FROM t, u', '42703', 'column "idd" does not exist', 'idd', {
      hint: 'Perhaps you meant to reference the column "t.id" or the column "u.id".',
    });
    await expectErrorAt('SELECT idd FROM t, u, t AS v', '42703', 'column "idd" does not exist', 'idd');
    // A written qualifier adds its own distance to the entry's name; the alias is what the hint shows.
    await expectErrorAt('SELECT x.idd FROM t AS x', '42703', 'column x.idd does not exist', 'x.idd', {
      hint: 'Perhaps you meant to reference the column "x.id".',
    });
    // More than half of the written name differs: no suggestion.
    await expectErrorAt('SELECT ab FROM t', '42703', 'column "ab" does not exist', 'ab');
    // Enclosing query levels are searched too.
    await expectErrorAt('SELECT (SELECT idd) FROM t', '42703', 'column "idd" does not exist', 'idd', {
      hint: 'Perhaps you meant to reference the column "t.id".',
    });
  });

  it('reports missing functions and operators with PostgreSQL hints', async () => {
    await expectErrorAt('SELECT nosuch(1, name) FROM t', '42883', 'function nosuch(integer, text) does not exist', 'nosuch', { hint: functionHint });
    await expectErrorAt('SELECT upper(1, 2)', '42883', 'function upper(integer, integer) does not exist', 'upper', { hint: functionHint });
    await expectErrorAt('SELECT * FROM t WHERE seq =% 42', '42883', 'operator does not exist: dna2 =% integer', '=%', { hint: operatorHint });
    await expectErrorAt("SELECT 'ACGT'::dna2 + 1", '42883', 'operator does not exist: dna2 + integer', '+', { hint: operatorHint });
    await expectErrorAt('SELECT sum(seq) FROM t', '42883', 'function sum(dna2) does not exist', 'sum', { hint: functionHint });
    await expectErrorAt('SELECT upper(DISTINCT name) FROM t', '42809', 'DISTINCT specified, but upper is not an aggregate function', 'upper');
  });
});

describe('types', () => {
  it('requires boolean conditions', async () => {
    await expectErrorAt('SELECT * FROM t WHERE id + 1', '42804', 'argument of WHERE must be type boolean, not type integer', 'id + 1');
    await expectErrorAt('SELECT count(*) FROM t HAVING count(*)', '42804', 'argument of HAVING must be type boolean, not type bigint', 'count(*)', {}, 20);
    await expectErrorAt('SELECT * FROM t JOIN u ON t.id', '42804', 'argument of JOIN/ON must be type boolean, not type integer', 't.id');
    await expectErrorAt('SELECT id AND true FROM t', '42804', 'argument of AND must be type boolean, not type integer', 'id AND');
    await expectErrorAt('SELECT CASE WHEN 1 THEN 2 END', '42804', 'argument of CASE/WHEN must be type boolean, not type integer', '1 THEN');
  });

  it('reports literal input errors at the literal and impossible casts at the cast', async () => {
    await expectErrorAt("SELECT 'ACGX'::dna2", '22P02', "invalid character 'X' for DNA2 type", "'ACGX'", { hint: 'DNA2 type accepts only A, C, G, T, U characters' });
    await expectErrorAt("SELECT * FROM t WHERE seq = 'ACGN'", '22P02', "invalid character 'N' for DNA2 type", "'ACGN'", { hint: 'DNA2 type accepts only A, C, G, T, U characters' });
    await expectErrorAt("SELECT 'abc'::int", '22P02', 'invalid input syntax for type integer: "abc"', "'abc'");
    await expectErrorAt("SELECT 'nope'::regclass", '42P01', 'relation "nope" does not exist', "'nope'");
    await expectErrorAt('SELECT 1::dna2', '42846', 'cannot cast type integer to dna2', '::');
    await expectErrorAt("SELECT CASE WHEN true THEN 1 ELSE 'x'::text END", '42804', 'CASE types integer and text cannot be matched', "'x'");
    // IN without a common type compares with each value on its own (PostgreSQL's transformAExprIn fallback):
    // an untyped operand is read as the value's type, a missing operator is reported at IN (or NOT).
    await expectErrorAt("SELECT 'a' IN (1, 'b'::text)", '22P02', 'invalid input syntax for type integer: "a"', "'a'");
    await expectErrorAt("SELECT 'b' NOT IN ('b'::text, 2)", '22P02', 'invalid input syntax for type integer: "b"', "'b'");
    const noOperator = { hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.' };
    await expectErrorAt("SELECT 1 IN (1, 'b'::text)", '42883', 'operator does not exist: integer = text', 'IN', noOperator);
    await expectErrorAt("SELECT 'x'::text NOT IN ('x', 1)", '42883', 'operator does not exist: text <> integer', 'NOT', noOperator);
    await expectErrorAt('SELECT 1 UNION SELECT 1, 2', '42601', 'each UNION query must have the same number of columns', 'SELECT 1, 2');
    await expectErrorAt("SELECT * FROM t LIMIT 'x'::text", '42804', 'argument of LIMIT must be type bigint, not type text', "'x'");
    await expectErrorAt('SELECT * FROM t LIMIT id', '42P10', 'argument of LIMIT must not contain variables', 'id');
  });
});

describe('grouping and ordering', () => {
  it('enforces the GROUP BY rules', async () => {
    await expectErrorAt('SELECT name, count(*) FROM t', '42803', 'column "t.name" must appear in the GROUP BY clause or be used in an aggregate function', 'name');
    await expectErrorAt('SELECT id, name FROM t GROUP BY id', '42803', 'column "t.name" must appear in the GROUP BY clause or be used in an aggregate function', 'name');
    await expectErrorAt('SELECT * FROM t WHERE count(*) > 1', '42803', 'aggregate functions are not allowed in WHERE', 'count');
    await expectErrorAt('SELECT count(*) FROM t GROUP BY count(*)', '42803', 'aggregate functions are not allowed in GROUP BY', 'count', {}, 20);
    await expectErrorAt('SELECT sum(count(*)) FROM t', '42803', 'aggregate function calls cannot be nested', 'count');
    await expectErrorAt('SELECT * FROM t JOIN u ON max(u.v) > 1', '42803', 'aggregate functions are not allowed in JOIN conditions', 'max');
    await expectErrorAt('SELECT * FROM generate_series(1, max(2))', '42803', 'aggregate functions are not allowed in functions in FROM', 'max');
  });

  it('checks ORDER BY and GROUP BY positions and DISTINCT sort keys', async () => {
    await expectErrorAt('SELECT id FROM t ORDER BY 2', '42P10', 'ORDER BY position 2 is not in select list', '2');
    await expectErrorAt('SELECT id FROM t GROUP BY 3', '42P10', 'GROUP BY position 3 is not in select list', '3');
    await expectErrorAt('SELECT DISTINCT id FROM t ORDER BY name', '42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', 'name');
    await expectErrorAt('SELECT id AS x, name AS x FROM t ORDER BY x', '42702', 'ORDER BY "x" is ambiguous', 'x', {}, 40);
  });
});

describe('execution', () => {
  it('reports runtime errors without a position', async () => {
    await expectError(db, 'SELECT 1 / 0', { code: '22012', message: 'division by zero' });
    await expectError(db, 'SELECT id FROM t LIMIT -1', { code: '2201W', message: 'LIMIT must not be negative' });
    await expectError(db, 'SELECT id FROM t OFFSET -1', { code: '2201X', message: 'OFFSET must not be negative' });
    await expectError(db, 'SELECT (SELECT id FROM t)', { code: '21000', message: 'more than one row returned by a subquery used as an expression' });
    await expectError(db, "SELECT kmersearch_matchscore(seq, 'AC') FROM t", { code: '22023', message: 'Query sequence must be at least 16 bases long' });
  });

  it('checks subquery shapes and parameters', async () => {
    await expectErrorAt('SELECT (SELECT 1, 2)', '42601', 'subquery must return only one column', '(SELECT');
    await expectErrorAt('SELECT 1 WHERE 1 IN (SELECT 1, 2)', '42601', 'subquery has too many columns', 'IN');
    await expectErrorAt('SELECT $2', '42P02', 'there is no parameter $2', '$2');
    await expectError(db, 'SELECT 1; SELECT 2', { code: '42601', message: 'cannot insert multiple commands into a prepared statement' });
    await expectError(db, 'SELEC 1', { code: '42601', message: 'syntax error at or near "SELEC"', position: 1 });
  });

  it('rejects parameters of unsupported JavaScript types', async () => {
    const error = await rejection(db.query('SELECT $1', [{ a: 1 }]));
    expect(error.code).toBe('22023');
  });
});

