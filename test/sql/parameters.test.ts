/** `$n` parameters: typed like PGlite / node-postgres values, resolved by context, never parsed as SQL. */
import { describe, expect, it } from 'vitest';
import { expectError, openDatabase } from './engine-helpers.js';

describe('parameters', () => {
  it('types JavaScript values like the PostgreSQL clients do', async () => {
    const db = await openDatabase();
    const result = await db.query('SELECT $1 AS a, $2 AS b, $3 AS c, $4 AS d, $5 AS e, $6 AS f, $7 AS g, $8 AS h, $9 AS i', [
      'text',
      42,
      2 ** 40,
      1.5,
      12345678901234567890n % 2n ** 62n,
      true,
      new Uint8Array([0, 255]),
      new Date('2024-05-06T07:08:09.010Z'),
      null,
    ]);
    expect(result.fields.map((field) => field.typeName)).toEqual([
      'text', 'integer', 'bigint', 'double precision', 'bigint', 'boolean', 'bytea', 'timestamp with time zone', 'text',
    ]);
    expect(result.rows[0]).toEqual({
      a: 'text',
      b: 42,
      c: 2 ** 40,
      d: 1.5,
      e: 12345678901234567890n % 2n ** 62n,
      f: true,
      g: new Uint8Array([0, 255]),
      h: new Date('2024-05-06T07:08:09.010Z'),
      i: null,
    });
  });

  it('resolves string parameters from their context, like quoted literals', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id int, seq dna2, n bigint)');
    await db.query('INSERT INTO t VALUES ($1, $2, $3)', ['7', 'acgt', '9007199254740993']);
    expect((await db.query('SELECT * FROM t WHERE seq = $1 AND id = $2', ['ACGT', 7])).rows).toEqual([{ id: 7, seq: 'ACGT', n: 9007199254740993n }]);
    await expectError(db, 'INSERT INTO t VALUES (1, $1)', { code: '22P02', message: "invalid character 'X' for DNA2 type", hint: 'DNA2 type accepts only A, C, G, T, U characters' }, ['ACGX']);
  });

  it('never interprets a parameter as SQL', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id serial, note text)');
    const hostile = "'); DROP TABLE t; --";
    const inserted = await db.query('INSERT INTO t (note) VALUES ($1) RETURNING note', [hostile]);
    expect(inserted.rows).toEqual([{ note: hostile }]);
    expect((await db.query('SELECT note FROM t WHERE note = $1', [hostile])).rows).toEqual([{ note: hostile }]);
    expect((await db.query("SELECT count(*) AS n FROM t WHERE note LIKE $1", ["%DROP TABLE%"])).rows).toEqual([{ n: 1 }]);
    expect((await db.query('SELECT $1::text AS v', ['$1; SELECT 2'])).rows).toEqual([{ v: '$1; SELECT 2' }]);
  });

  it('passes parameters to =% and LIMIT', async () => {
    const db = await openDatabase();
    await db.query('SET kmersearch.kmer_size = 4');
    await db.query('CREATE TABLE t (id int, seq dna2)');
    await db.query("INSERT INTO t VALUES (1, 'ACGTACGT'), (2, 'TTTTTTTT'), (3, 'ACGTTTTT')");
    const matched = await db.query('SELECT id FROM t WHERE seq =% $1 ORDER BY kmersearch_matchscore(seq, $1) DESC, id LIMIT $2', ['ACGTACGT', 5]);
    expect(matched.rows).toEqual([{ id: 1 }]);
    await expectError(db, 'SELECT id FROM t WHERE seq =% $1', { code: '42883', message: 'operator does not exist: dna2 =% integer', position: 28, hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.' }, [5]);
  });
});
