/** EXPLAIN in PostgreSQL's text format (node names, properties, arrows), never with cost figures. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, openDatabase } from './engine-helpers.js';

let db: KmerSearch;

beforeEach(async () => {
  db = await openDatabase();
  await db.exec('CREATE TABLE t (id int, name text, seq dna2); CREATE TABLE u (id int, v int)');
});

async function plan(sql: string): Promise<string[]> {
  const result = await db.query(sql);
  expect(result.commandTag).toBe('EXPLAIN');
  expect(result.fields.map((field) => field.name)).toEqual(['QUERY PLAN']);
  return result.rows.map((row) => row['QUERY PLAN'] as string);
}

describe('EXPLAIN', () => {
  it('shows a filtered sequential scan in ruleutils style', async () => {
    expect(await plan("EXPLAIN (COSTS OFF) SELECT * FROM t WHERE seq =% 'ACGT'")).toEqual(['Seq Scan on t', "  Filter: (seq =% 'ACGT'::text)"]);
    expect(await plan("EXPLAIN SELECT id FROM t x WHERE x.id > 1 AND name = 'a' AND seq = 'ACGT'")).toEqual([
      'Seq Scan on t x',
      "  Filter: ((id > 1) AND (name = 'a'::text) AND (seq = 'ACGT'::dna2))",
    ]);
    expect(await plan('EXPLAIN SELECT * FROM t WHERE seq =% $1'.replace('$1', "'ACGTACGT'"))).toEqual(['Seq Scan on t', "  Filter: (seq =% 'ACGTACGT'::text)"]);
  });

  it('shows parameters as the constants they were bound to', async () => {
    const result = await db.query('EXPLAIN SELECT * FROM t WHERE seq =% $1 AND id = $2', ['ACGT', 3]);
    expect(result.rows.map((row) => row['QUERY PLAN'])).toEqual(['Seq Scan on t', "  Filter: ((seq =% 'ACGT'::text) AND (id = 3))"]);
  });

  it('nests Limit, Sort and scans with PostgreSQL indentation', async () => {
    expect(await plan("EXPLAIN (COSTS OFF) SELECT id, kmersearch_matchscore(seq, 'ACGT') AS score FROM t WHERE seq =% 'ACGT' ORDER BY score DESC LIMIT 10")).toEqual([
      'Limit',
      '  ->  Sort',
      "        Sort Key: (kmersearch_matchscore(seq, 'ACGT'::text)) DESC",
      '        ->  Seq Scan on t',
      "              Filter: (seq =% 'ACGT'::text)",
    ]);
    expect(await plan('EXPLAIN SELECT id FROM t ORDER BY id, name DESC NULLS LAST')).toEqual(['Sort', '  Sort Key: id, name DESC NULLS LAST', '  ->  Seq Scan on t']);
  });

  it('shows aggregates, grouping and HAVING', async () => {
    expect(await plan('EXPLAIN SELECT count(*) FROM t')).toEqual(['Aggregate', '  ->  Seq Scan on t']);
    expect(await plan('EXPLAIN SELECT name, count(*) FROM t GROUP BY name HAVING count(*) > 1')).toEqual([
      'HashAggregate',
      '  Group Key: name',
      '  Filter: (count(*) > 1)',
      '  ->  Seq Scan on t',
    ]);
    expect(await plan('EXPLAIN SELECT DISTINCT name FROM t')).toEqual(['HashAggregate', '  Group Key: name', '  ->  Seq Scan on t']);
  });

  it('shows function scans, Result, joins, VALUES and set operations', async () => {
    expect(await plan('EXPLAIN SELECT * FROM generate_series(1, 10) g WHERE g > 5')).toEqual(['Function Scan on generate_series g', '  Filter: (g > 5)']);
    expect(await plan('EXPLAIN SELECT 1')).toEqual(['Result']);
    expect(await plan('EXPLAIN SELECT generate_series(1, 3)')).toEqual(['ProjectSet', '  ->  Result']);
    expect(await plan('EXPLAIN SELECT * FROM t LEFT JOIN u ON t.id = u.id')).toEqual([
      'Nested Loop Left Join',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on t',
      '  ->  Seq Scan on u',
    ]);
    expect(await plan('EXPLAIN VALUES (1), (2)')).toEqual(['Values Scan on "*VALUES*"']);
    expect(await plan('EXPLAIN SELECT id FROM t UNION ALL SELECT id FROM u')).toEqual(['Append', '  ->  Seq Scan on t', '  ->  Seq Scan on u']);
  });

  it('puts a condition on one table on its scan and the others on the lowest join that has their columns', async () => {
    await db.exec('CREATE TABLE v (id int, w int)');
    expect(await plan("EXPLAIN SELECT t.id FROM t, u, v WHERE t.id = u.id AND u.v > 1 AND t.name = 'a' AND v.w = u.v")).toEqual([
      'Nested Loop',
      '  Join Filter: (v.w = u.v)',
      '  ->  Nested Loop',
      '        Join Filter: (t.id = u.id)',
      '        ->  Seq Scan on t',
      "              Filter: (name = 'a'::text)",
      '        ->  Seq Scan on u',
      '              Filter: (v > 1)',
      '  ->  Seq Scan on v',
    ]);
    // Above an outer join a WHERE condition on its nullable side stays a Filter of the join (unless it rejects NULLs).
    expect(await plan('EXPLAIN SELECT t.id FROM t LEFT JOIN u ON t.id = u.id AND u.v > 1 WHERE u.v IS NULL AND t.id > 0')).toEqual([
      'Nested Loop Left Join',
      '  Join Filter: (t.id = u.id)',
      '  Filter: (u.v IS NULL)',
      '  ->  Seq Scan on t',
      '        Filter: (id > 0)',
      '  ->  Seq Scan on u',
      '        Filter: (v > 1)',
    ]);
    expect(await plan('EXPLAIN SELECT t.id FROM t JOIN u ON t.id = u.id WHERE false')).toEqual(['Result', '  One-Time Filter: false']);
  });

  it('shows a scan whose condition folds to FALSE or NULL as PostgreSQL\'s dummy relation, and reads nothing', async () => {
    const none = ['Result', '  One-Time Filter: false'];
    expect(await plan('EXPLAIN SELECT * FROM t WHERE false')).toEqual(none);
    expect(await plan('EXPLAIN SELECT id FROM t WHERE id = 1 AND seq = NULL')).toEqual(none);
    expect(await plan('EXPLAIN SELECT * FROM generate_series(1, 3) AS g WHERE NULL::boolean')).toEqual(none);
    expect(await plan('EXPLAIN DELETE FROM t WHERE false')).toEqual(['Delete on t', '  ->  Result', '        One-Time Filter: false']);
    expect(await plan('EXPLAIN SELECT * FROM t WHERE id = 1 OR false')).toEqual(['Seq Scan on t', '  Filter: ((id = 1) OR false)']);
    await db.exec("INSERT INTO t VALUES (1, 'a', 'ACGT')");
    expect((await db.query('SELECT * FROM t WHERE id = 1 AND false')).rows).toEqual([]);
    expect((await db.query('UPDATE t SET id = 2 WHERE seq = NULL')).affectedRows).toBe(0);
    expect((await db.query('DELETE FROM t WHERE false')).affectedRows).toBe(0);
    expect((await db.query('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
  });

  it('explains data-changing statements without running them', async () => {
    expect(await plan("EXPLAIN INSERT INTO t VALUES (1, 'a', 'ACGT')")).toEqual(['Insert on t', '  ->  Result']);
    expect(await plan('EXPLAIN UPDATE t SET id = 2 WHERE id = 1')).toEqual(['Update on t', '  ->  Seq Scan on t', '        Filter: (id = 1)']);
    expect(await plan('EXPLAIN DELETE FROM t')).toEqual(['Delete on t', '  ->  Seq Scan on t']);
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('rejects ANALYZE, other formats and unknown options', async () => {
    await expectError(db, 'EXPLAIN ANALYZE SELECT 1', { code: '0A000', message: 'EXPLAIN ANALYZE is not supported', position: 9 });
    await expectError(db, 'EXPLAIN (FORMAT JSON) SELECT 1', { code: '0A000', message: 'EXPLAIN (FORMAT JSON) is not supported', position: 10 });
    await expectError(db, 'EXPLAIN (COLOUR) SELECT 1', { code: '42601', message: 'unrecognized EXPLAIN option "colour"', position: 10 });
  });
});
