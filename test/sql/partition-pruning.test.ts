/**
 * Plan-time partition pruning of hash-partitioned tables (src/sql/partition-pruning.ts): EXPLAIN shapes as
 * PostgreSQL 16 prints them for one, several and no remaining partitions — for the table alone, in joins (outer
 * joins by the conditions PostgreSQL places on the table's scan: join-restrictions.ts), in subqueries and set
 * operations (subquery-pushdown.ts) — `enable_partition_pruning`, and properties that pruning never changes which
 * rows a SELECT returns or an UPDATE / DELETE changes, nor where conditions are placed the rows of a query.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, openDatabase, textRows } from './engine-helpers.js';

async function plan(database: KmerSearch, sql: string, params?: unknown[]): Promise<string[]> {
  const result = await database.query(`EXPLAIN (COSTS OFF) ${sql}`, params);
  return result.rows.map((row) => row['QUERY PLAN'] as string);
}

/**
 * `t (id, seq dna2, n)` in 4 partitions. Where PostgreSQL puts these values (routing.ts, Appendix A):
 * ACGTTGCAACGTTGCA and NULL → t_0, TTTT → t_1, AAAA and CCCC → t_2, GGGG → t_3.
 */
async function partitionedTable(): Promise<KmerSearch> {
  const database = await openDatabase();
  await database.exec(`SET kmersearch.kmer_size = 4;
    CREATE TABLE t (id int PRIMARY KEY, seq dna2, n int);
    INSERT INTO t VALUES (1, 'ACGTTGCAACGTTGCA', 10), (2, 'AAAA', 20), (3, 'CCCC', 30), (4, 'GGGG', 40), (5, 'TTTT', 50), (6, NULL, 60)`);
  await database.query("SELECT kmersearch_partition_table('t', 4)");
  return database;
}

describe('partition pruning: EXPLAIN', () => {
  it('shows the one remaining partition alone under the parent\'s name', async () => {
    const database = await partitionedTable();
    expect(await textRows(database, 'SELECT id FROM t_0 ORDER BY id')).toEqual([['1'], ['6']]);
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'ACGTTGCAACGTTGCA'")).toEqual([
      'Seq Scan on t_0 t',
      "  Filter: (seq = 'ACGTTGCAACGTTGCA'::dna2)",
    ]);
    // The constant on the left, lower case and U: the binder's dna2 input, then the same hash.
    expect(await plan(database, "SELECT id FROM t x WHERE 'tttu' = x.seq AND n > 1")).toEqual([
      'Seq Scan on t_1 x',
      "  Filter: (('TTTT'::dna2 = seq) AND (n > 1))",
    ]);
    expect(await plan(database, 'SELECT id FROM t WHERE seq IS NULL')).toEqual(['Seq Scan on t_0 t', '  Filter: (seq IS NULL)']);
    // AAAA and CCCC share partition 2: the IN list needs only that one.
    expect(await plan(database, "SELECT count(*) FROM t WHERE seq IN ('AAAA', 'CCCC', NULL)")).toEqual([
      'Aggregate',
      '  ->  Seq Scan on t_2 t',
      "        Filter: (seq = ANY ('{AAAA,CCCC,NULL}'::dna2[]))",
    ]);
    expect(await textRows(database, "SELECT id FROM t WHERE seq IN ('AAAA', 'CCCC', NULL) ORDER BY id")).toEqual([['2'], ['3']]);
  });

  it('keeps an Append over several remaining partitions, renumbered as PostgreSQL names them', async () => {
    const database = await partitionedTable();
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'GGGG' OR seq IN ('AAAA') ORDER BY id")).toEqual([
      'Sort',
      '  Sort Key: t.id',
      '  ->  Append',
      '        ->  Seq Scan on t_2 t_1',
      "              Filter: ((seq = 'GGGG'::dna2) OR (seq = ANY ('{AAAA}'::dna2[])))",
      '        ->  Seq Scan on t_3 t_2',
      "              Filter: ((seq = 'GGGG'::dna2) OR (seq = ANY ('{AAAA}'::dna2[])))",
    ]);
    // A range entry named like its partition prints once (ExplainTargetRel).
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'TTTT' OR seq = 'AAAA'")).toEqual([
      'Append',
      '  ->  Seq Scan on t_1',
      "        Filter: ((seq = 'TTTT'::dna2) OR (seq = 'AAAA'::dna2))",
      '  ->  Seq Scan on t_2',
      "        Filter: ((seq = 'TTTT'::dna2) OR (seq = 'AAAA'::dna2))",
    ]);
  });

  it('shows Result with One-Time Filter: false when no partition can match', async () => {
    const database = await partitionedTable();
    expect(await plan(database, 'SELECT id FROM t WHERE seq = NULL')).toEqual(['Result', '  One-Time Filter: false']);
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'TTTT' AND seq = 'GGGG' ORDER BY id")).toEqual([
      'Sort',
      '  Sort Key: id',
      '  ->  Result',
      '        One-Time Filter: false',
    ]);
    expect(await textRows(database, "SELECT count(*) FROM t WHERE seq = 'TTTT' AND seq = 'GGGG'")).toEqual([['0']]);
    expect(await plan(database, 'DELETE FROM t WHERE seq = NULL')).toEqual(['Delete on t', '  ->  Result', '        One-Time Filter: false']);
    expect(await database.query('DELETE FROM t WHERE seq = NULL')).toMatchObject({ affectedRows: 0 });
  });

  it('lists only the remaining partitions under Update on and Delete on', async () => {
    const database = await partitionedTable();
    expect(await plan(database, "UPDATE t SET n = n + 1 WHERE seq = 'GGGG'")).toEqual([
      'Update on t',
      '  Update on t_3 t_1',
      '  ->  Seq Scan on t_3 t_1',
      "        Filter: (seq = 'GGGG'::dna2)",
    ]);
    expect(await plan(database, "DELETE FROM t WHERE seq IN ('TTTT', 'GGGG')")).toEqual([
      'Delete on t',
      '  Delete on t_1',
      '  Delete on t_3 t_2',
      '  ->  Append',
      '        ->  Seq Scan on t_1',
      "              Filter: (seq = ANY ('{TTTT,GGGG}'::dna2[]))",
      '        ->  Seq Scan on t_3 t_2',
      "              Filter: (seq = ANY ('{TTTT,GGGG}'::dna2[]))",
    ]);
    // The pruned scans hand back row ids that still name their partition: the UPDATE moves GGGG's row to t_1.
    expect(await textRows(database, "UPDATE t SET seq = 'TTTT' WHERE seq = 'GGGG' RETURNING id, seq")).toEqual([['4', 'TTTT']]);
    expect(await textRows(database, 'SELECT id FROM t_1 ORDER BY id')).toEqual([['4'], ['5']]);
    expect(await textRows(database, "DELETE FROM t WHERE seq IN ('TTTT', 'AAAA') RETURNING id")).toEqual([['5'], ['4'], ['2']]);
    expect(await textRows(database, 'SELECT id FROM t ORDER BY id')).toEqual([['1'], ['3'], ['6']]);
  });

  it('prunes on a parameter, whose value the binder folds in (PostgreSQL\'s custom plan)', async () => {
    const database = await partitionedTable();
    expect(await plan(database, 'SELECT id FROM t WHERE seq = $1', ['GGGG'])).toEqual(['Seq Scan on t_3 t', "  Filter: (seq = 'GGGG'::dna2)"]);
    expect((await database.query('SELECT id FROM t WHERE seq = $1', ['GGGG'])).rows).toEqual([{ id: 4 }]);
    expect(await plan(database, 'SELECT id FROM t WHERE seq = $1', [null])).toEqual(['Result', '  One-Time Filter: false']);
  });

  it('leaves the full Append for conditions that do not decide the partition', async () => {
    const database = await partitionedTable();
    const full = (filter: string) => [
      'Append',
      ...[0, 1, 2, 3].flatMap((remainder) => [`  ->  Seq Scan on t_${remainder} t_${remainder + 1}`, `        Filter: ${filter}`]),
    ];
    expect(await plan(database, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'")).toEqual(full("(seq =% 'ACGTTGCA'::text)"));
    expect(await plan(database, "SELECT id FROM t WHERE seq <> 'AAAA'")).toEqual(full("(seq <> 'AAAA'::dna2)"));
    expect(await plan(database, "SELECT id FROM t WHERE seq NOT IN ('AAAA')")).toEqual(full("(seq <> ALL ('{AAAA}'::dna2[]))"));
    expect(await plan(database, 'SELECT id FROM t WHERE seq IS NOT NULL')).toEqual(full('(seq IS NOT NULL)'));
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'AAAA' OR n = 10")).toEqual(full("((seq = 'AAAA'::dna2) OR (n = 10))"));
    expect(await plan(database, "SELECT id FROM t WHERE NOT (seq = 'AAAA')")).toEqual(full("(NOT (seq = 'AAAA'::dna2))"));
    // Only folded constants prune (PostgreSQL would fold this immutable expression; the binder does not).
    expect(await plan(database, "SELECT id FROM t WHERE seq = ('AA' || 'AA')::dna2")).toEqual(full("(seq = (('AA'::text || 'AA'::text))::dna2)"));
  });

  it('prunes nothing with enable_partition_pruning off', async () => {
    const database = await partitionedTable();
    expect(await textRows(database, 'SHOW enable_partition_pruning')).toEqual([['on']]);
    await database.exec('SET enable_partition_pruning = off');
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'AAAA'")).toHaveLength(9);
    // A condition folded to NULL or FALSE empties the table whatever the setting, as in PostgreSQL.
    expect(await plan(database, 'SELECT id FROM t WHERE seq = NULL')).toEqual(['Result', '  One-Time Filter: false']);
    expect(await plan(database, 'DELETE FROM t WHERE false')).toEqual(['Delete on t', '  ->  Result', '        One-Time Filter: false']);
    await database.exec('RESET enable_partition_pruning');
    expect(await plan(database, "SELECT id FROM t WHERE seq = 'AAAA'")).toHaveLength(2);
  });

  it('prunes partitions read through their kmersearch indexes, with the same rows and scores', async () => {
    const database = await partitionedTable();
    await database.exec("INSERT INTO t VALUES (7, 'ACGTACGTAAAA', 70), (8, 'TTTTACGTAAAA', 80)");
    await database.query("SELECT * FROM kmersearch_parallel_create_index('t', 'seq')");
    const query = "SELECT id, kmersearch_matchscore(seq, 'ACGTAAAA') AS score FROM t WHERE seq =% 'ACGTAAAA' AND seq IN";
    expect(await plan(database, `${query} ('ACGTACGTAAAA')`)).toEqual([
      'Bitmap Heap Scan on t_2 t',
      "  Recheck Cond: (seq =% 'ACGTAAAA'::text)",
      "  Filter: (seq = ANY ('{ACGTACGTAAAA}'::dna2[]))",
      '  ->  Bitmap Index Scan on t_2_seq_gin_idx',
      "        Index Cond: (seq =% 'ACGTAAAA'::text)",
    ]);
    const two = `${query} ('ACGTACGTAAAA', 'TTTTACGTAAAA') ORDER BY id`;
    expect((await plan(database, two)).filter((line) => line.includes('Bitmap Heap Scan'))).toEqual([
      '        ->  Bitmap Heap Scan on t_2 t_1',
      '        ->  Bitmap Heap Scan on t_3 t_2',
    ]);
    const pruned = await textRows(database, two);
    await database.exec('SET enable_partition_pruning = off');
    expect(await textRows(database, two)).toEqual(pruned);
    expect(pruned).toEqual([['7', '5'], ['8', '5']]);
  });

  it('prunes a dna4 key by the bytes of degenerate bases', async () => {
    const database = await openDatabase();
    await database.exec(`CREATE TABLE d (id int, seq dna4);
      INSERT INTO d VALUES (1, 'ACGN'), (2, 'NNNN'), (3, 'RYKM'), (4, 'ACGT'), (5, 'AAAA'), (6, 'A')`);
    await database.query("SELECT kmersearch_partition_table('d', 3)");
    for (const [id, value] of [[1, 'ACGN'], [2, 'NNNN'], [3, 'RYKM'], [4, 'ACGT'], [5, 'AAAA'], [6, 'A']] as const) {
      const lines = await plan(database, `SELECT id FROM d WHERE seq = '${value.toLowerCase()}'`);
      expect(lines).toHaveLength(2);
      const partition = /^Seq Scan on (d_\d) d$/.exec(lines[0] ?? '')?.[1];
      expect(await textRows(database, `SELECT id FROM ${partition} WHERE seq = '${value}'`)).toEqual([[String(id)]]);
    }
  });
});

/** `partitionedTable()` and a plain table `u (id, seq dna2, v)` to join it with. */
async function withJoinedTable(): Promise<KmerSearch> {
  const database = await partitionedTable();
  await database.exec("CREATE TABLE u (id int, seq dna2, v int); INSERT INTO u VALUES (1, 'AAAA', 1), (2, 'CCCC', 2), (4, 'GGGG', 4), (9, 'TTTT', 9)");
  return database;
}

/** The full Append of t's four partitions, written `indent` spaces in, each scan with `filter` (or none). */
function fullAppend(indent: number, alias = 't', filter?: string): string[] {
  const pad = ' '.repeat(indent);
  return [
    `${pad}->  Append`,
    ...[0, 1, 2, 3].flatMap((remainder) => [
      `${pad}      ->  Seq Scan on t_${remainder} ${alias}_${remainder + 1}`,
      ...(filter === undefined ? [] : [`${pad}            Filter: ${filter}`]),
    ]),
  ];
}

describe('partition pruning: joins', () => {
  it('prunes a joined table by its own WHERE conditions, in inner, comma and cross joins', async () => {
    const database = await withJoinedTable();
    expect(await plan(database, "SELECT t.id, u.v FROM t JOIN u ON t.id = u.id WHERE t.seq = 'AAAA'")).toEqual([
      'Nested Loop',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on t_2 t',
      "        Filter: (seq = 'AAAA'::dna2)",
      '  ->  Seq Scan on u',
    ]);
    expect(await textRows(database, "SELECT t.id, u.v FROM t JOIN u ON t.id = u.id WHERE t.seq = 'AAAA'")).toEqual([['2', '2']]);
    // Each table gets the conditions on it alone; the one on both stays on the join.
    expect(await plan(database, "SELECT t.id FROM t, u WHERE t.id = u.id AND t.seq IN ('AAAA', 'GGGG') AND u.v > 1")).toEqual([
      'Nested Loop',
      '  Join Filter: (t.id = u.id)',
      '  ->  Append',
      '        ->  Seq Scan on t_2 t_1',
      "              Filter: (seq = ANY ('{AAAA,GGGG}'::dna2[]))",
      '        ->  Seq Scan on t_3 t_2',
      "              Filter: (seq = ANY ('{AAAA,GGGG}'::dna2[]))",
      '  ->  Seq Scan on u',
      '        Filter: (v > 1)',
    ]);
    expect(await plan(database, "SELECT t.id FROM t CROSS JOIN u WHERE 'tttt' = t.seq")).toEqual([
      'Nested Loop',
      '  ->  Seq Scan on t_1 t',
      "        Filter: ('TTTT'::dna2 = seq)",
      '  ->  Seq Scan on u',
    ]);
    // An inner join's ON condition on one table restricts that table too; a self-join prunes each side by its own.
    expect(await plan(database, "SELECT a.id FROM t a JOIN t b ON a.id = b.id AND a.seq = 'TTTT' WHERE b.seq IN ('TTTT', 'CCCC')")).toEqual([
      'Nested Loop',
      '  Join Filter: (a.id = b.id)',
      '  ->  Seq Scan on t_1 a',
      "        Filter: (seq = 'TTTT'::dna2)",
      '  ->  Append',
      '        ->  Seq Scan on t_1 b_1',
      "              Filter: (seq = ANY ('{TTTT,CCCC}'::dna2[]))",
      '        ->  Seq Scan on t_2 b_2',
      "              Filter: (seq = ANY ('{TTTT,CCCC}'::dna2[]))",
    ]);
  });

  it('prunes the nullable side of an outer join by its ON conditions, and by WHERE only where the join becomes inner', async () => {
    const database = await withJoinedTable();
    // ON u LEFT JOIN t: a condition on t alone is pushed to t's scan.
    expect(await plan(database, "SELECT u.id, t.id FROM u LEFT JOIN t ON t.id = u.id AND t.seq = 'AAAA'")).toEqual([
      'Nested Loop Left Join',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on u',
      '  ->  Seq Scan on t_2 t',
      "        Filter: (seq = 'AAAA'::dna2)",
    ]);
    expect(await textRows(database, "SELECT u.id, t.id FROM u LEFT JOIN t ON t.id = u.id AND t.seq = 'AAAA' ORDER BY u.id")).toEqual([
      ['1', null],
      ['2', '2'],
      ['4', null],
      ['9', null],
    ]);
    // A strict WHERE condition on the nullable side rejects the NULL-extended rows: the join is inner (reduce_outer_joins).
    expect(await plan(database, "SELECT u.id FROM u LEFT JOIN t ON t.id = u.id WHERE t.seq = 'AAAA'")).toEqual([
      'Nested Loop',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on u',
      '  ->  Seq Scan on t_2 t',
      "        Filter: (seq = 'AAAA'::dna2)",
    ]);
    // IS NULL accepts them: the condition stays above the join and t is not pruned.
    expect(await plan(database, 'SELECT u.id FROM u LEFT JOIN t ON t.id = u.id WHERE t.seq IS NULL')).toEqual([
      'Nested Loop Left Join',
      '  Join Filter: (t.id = u.id)',
      '  Filter: (t.seq IS NULL)',
      '  ->  Seq Scan on u',
      ...fullAppend(2),
    ]);
    expect(await textRows(database, 'SELECT u.id FROM u LEFT JOIN t ON t.id = u.id WHERE t.seq IS NULL ORDER BY u.id')).toEqual([['9']]);
    // An ON condition on the preserved side decides matches only: the preserved side keeps all its rows.
    expect(await plan(database, "SELECT t.id FROM t LEFT JOIN u ON t.id = u.id AND t.seq = 'AAAA'")).toEqual([
      'Nested Loop Left Join',
      "  Join Filter: ((t.id = u.id) AND (t.seq = 'AAAA'::dna2))",
      ...fullAppend(2),
      '  ->  Seq Scan on u',
    ]);
    expect(await plan(database, "SELECT t.id FROM u RIGHT JOIN t ON t.id = u.id WHERE t.seq = 'GGGG'")).toEqual([
      'Nested Loop Right Join',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on u',
      '  ->  Seq Scan on t_3 t',
      "        Filter: (seq = 'GGGG'::dna2)",
    ]);
    // FULL JOIN: nothing goes below it, unless WHERE rejects a side's NULLs (then that side is preserved).
    expect(await plan(database, "SELECT t.id FROM t FULL JOIN u ON t.id = u.id AND t.seq = 'GGGG'")).toEqual([
      'Nested Loop Full Join',
      "  Join Filter: ((t.id = u.id) AND (t.seq = 'GGGG'::dna2))",
      ...fullAppend(2),
      '  ->  Seq Scan on u',
    ]);
    expect(await plan(database, "SELECT t.id FROM t FULL JOIN u ON t.id = u.id WHERE t.seq = 'GGGG'")).toEqual([
      'Nested Loop Left Join',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on t_3 t',
      "        Filter: (seq = 'GGGG'::dna2)",
      '  ->  Seq Scan on u',
    ]);
    expect(await textRows(database, "SELECT t.id, u.id FROM t FULL JOIN u ON t.id = u.id WHERE t.seq = 'GGGG'")).toEqual([['4', '4']]);
  });

  it('shows a join that no row can come from as Result with One-Time Filter: false', async () => {
    const database = await withJoinedTable();
    const none = ['Result', '  One-Time Filter: false'];
    expect(await plan(database, "SELECT t.id FROM t JOIN u ON t.id = u.id WHERE t.seq = 'AAAA' AND t.seq = 'GGGG'")).toEqual(none);
    // `seq = NULL` folds to NULL: PostgreSQL's constant-false WHERE clause, the whole FROM is empty.
    expect(await plan(database, 'SELECT t.id FROM u LEFT JOIN t ON t.id = u.id WHERE t.seq = NULL')).toEqual(none);
    expect(await plan(database, "SELECT count(*) FROM u, t WHERE t.seq IN ('AAAA') AND t.seq IS NULL")).toEqual(['Aggregate', '  ->  Result', '        One-Time Filter: false']);
    expect(await textRows(database, "SELECT count(*) FROM u, t WHERE t.seq IN ('AAAA') AND t.seq IS NULL")).toEqual([['0']]);
    // An empty nullable side leaves the preserved rows, NULL-extended.
    expect(await plan(database, "SELECT u.id FROM u LEFT JOIN t ON t.id = u.id AND t.seq = 'AAAA' AND t.seq = 'GGGG'")).toEqual([
      'Nested Loop Left Join',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on u',
      '  ->  Result',
      '        One-Time Filter: false',
    ]);
    expect(await textRows(database, "SELECT u.id, t.id FROM u LEFT JOIN t ON t.id = u.id AND t.seq = 'AAAA' AND t.seq = 'GGGG' ORDER BY u.id")).toEqual([
      ['1', null],
      ['2', null],
      ['4', null],
      ['9', null],
    ]);
  });

  it('does not prune by conditions between two tables (PostgreSQL prunes by them only at run time)', async () => {
    const database = await withJoinedTable();
    // Nor through u.seq = 'AAAA': the DNA `=` is hashable, not mergejoinable, so PostgreSQL derives nothing from it.
    expect(await plan(database, "SELECT t.id FROM t JOIN u ON t.seq = u.seq WHERE u.seq = 'AAAA'")).toEqual([
      'Nested Loop',
      '  Join Filter: (t.seq = u.seq)',
      ...fullAppend(2),
      '  ->  Seq Scan on u',
      "        Filter: (seq = 'AAAA'::dna2)",
    ]);
    expect(await textRows(database, "SELECT t.id FROM t JOIN u ON t.seq = u.seq WHERE u.seq = 'AAAA'")).toEqual([['2']]);
    // An OR across the two tables restricts neither.
    expect(await plan(database, "SELECT t.id FROM t JOIN u ON t.id = u.id WHERE t.seq = 'AAAA' OR u.v = 4")).toEqual([
      'Nested Loop',
      "  Join Filter: ((t.id = u.id) AND ((t.seq = 'AAAA'::dna2) OR (u.v = 4)))",
      ...fullAppend(2),
      '  ->  Seq Scan on u',
    ]);
  });

  it('prunes nothing in a join with enable_partition_pruning off, and the rows stay the same', async () => {
    const database = await withJoinedTable();
    const query = "SELECT t.id, u.id FROM u LEFT JOIN t ON t.id = u.id AND t.seq IN ('AAAA', 'GGGG') ORDER BY u.id";
    const pruned = await textRows(database, query);
    await database.exec('SET enable_partition_pruning = off');
    expect(await plan(database, query)).toEqual([
      'Sort',
      '  Sort Key: u.id',
      '  ->  Nested Loop Left Join',
      '        Join Filter: (t.id = u.id)',
      '        ->  Seq Scan on u',
      ...fullAppend(8, 't', "(seq = ANY ('{AAAA,GGGG}'::dna2[]))"),
    ]);
    expect(await textRows(database, query)).toEqual(pruned);
    expect(pruned).toEqual([
      [null, '1'],
      ['2', '2'],
      ['4', '4'],
      [null, '9'],
    ]);
  });
});

describe('partition pruning: subqueries and set operations', () => {
  it('pushes a condition on a subquery in FROM down to the partitioned table in it', async () => {
    const database = await withJoinedTable();
    expect(await plan(database, "SELECT * FROM (SELECT id, seq FROM t) s WHERE s.seq = 'GGGG'")).toEqual([
      'Subquery Scan on s',
      '  ->  Seq Scan on t_3 t',
      "        Filter: (seq = 'GGGG'::dna2)",
    ]);
    // Renamed columns: the condition reads the table's column.
    expect(await plan(database, "SELECT * FROM (SELECT id, seq AS dna FROM t) s (i, d) WHERE s.d = 'GGGG'")).toEqual([
      'Subquery Scan on s',
      '  ->  Seq Scan on t_3 t',
      "        Filter: (seq = 'GGGG'::dna2)",
    ]);
    // Through GROUP BY a condition on a key goes to WHERE, one on an aggregate to HAVING.
    expect(await plan(database, "SELECT * FROM (SELECT seq, count(*) AS c FROM t GROUP BY seq) s WHERE s.seq = 'GGGG' AND s.c > 0")).toEqual([
      'Subquery Scan on s',
      '  ->  HashAggregate',
      '        Group Key: t.seq',
      '        Filter: (count(*) > 0)',
      '        ->  Seq Scan on t_3 t',
      "              Filter: (seq = 'GGGG'::dna2)",
    ]);
    // LIMIT keeps the condition out: it has to see the rows the limit lets through.
    expect(await plan(database, "SELECT * FROM (SELECT * FROM t LIMIT 10) s WHERE s.seq = 'CCCC'")).toEqual([
      'Subquery Scan on s',
      "  Filter: (s.seq = 'CCCC'::dna2)",
      '  ->  Limit',
      ...fullAppend(8),
    ]);
    // A subquery joined with a table.
    expect(await plan(database, "SELECT u.id FROM u JOIN (SELECT id, seq FROM t) s ON s.id = u.id AND s.seq = 'AAAA'")).toEqual([
      'Nested Loop',
      '  Join Filter: (s.id = u.id)',
      '  ->  Seq Scan on u',
      '  ->  Subquery Scan on s',
      '        ->  Seq Scan on t_2 t',
      "              Filter: (seq = 'AAAA'::dna2)",
    ]);
    expect(await textRows(database, "SELECT u.id FROM u JOIN (SELECT id, seq FROM t) s ON s.id = u.id AND s.seq = 'AAAA'")).toEqual([['2']]);
    expect(await plan(database, "SELECT * FROM u JOIN (SELECT * FROM t WHERE seq = 'AAAA' AND seq = 'TTTT') s ON s.id = u.id")).toEqual([
      'Result',
      '  One-Time Filter: false',
    ]);
  });

  it('prunes in scalar, EXISTS and IN subqueries: a partition left out is never read', async () => {
    const database = await withJoinedTable();
    // GGGG's row (n = 40) is the only one that makes `1 / (n - 40)` fail; it sits in t_3, which `seq = 'AAAA'`
    // (t_2) leaves out. The division comes first, so reading t_3 would raise division by zero.
    const statements = [
      "SELECT u.id FROM u WHERE EXISTS (SELECT 1 FROM t WHERE 1 / (t.n - 40) < 1 AND t.seq = 'AAAA' AND t.id = u.id)",
      "SELECT u.id, (SELECT count(*) FROM t JOIN u w ON w.id = t.id WHERE 1 / (t.n - 40) < 1 AND t.seq = 'AAAA') FROM u WHERE u.id = 2",
      "SELECT u.id FROM u WHERE u.id IN (SELECT s.id FROM (SELECT id, n, seq FROM t) s WHERE 1 / (s.n - 40) < 1 AND s.seq = 'AAAA')",
    ];
    for (const statement of statements) expect(await textRows(database, statement)).toEqual([['2', ...(statement.includes('count') ? ['1'] : [])]]);
    await database.exec('SET enable_partition_pruning = off');
    for (const statement of statements) await expectError(database, statement, { code: '22012', message: 'division by zero' });
  });

  it('prunes each branch of a set operation by its own conditions and by the conditions on it', async () => {
    const database = await withJoinedTable();
    // (Other aliases in each branch: PostgreSQL numbers a name used in several query levels across the statement.)
    expect(await plan(database, "SELECT id FROM t a WHERE seq = 'AAAA' UNION SELECT id FROM t b WHERE seq IN ('GGGG', 'TTTT')")).toEqual([
      'HashAggregate',
      '  ->  Append',
      '        ->  Seq Scan on t_2 a',
      "              Filter: (seq = 'AAAA'::dna2)",
      '        ->  Append',
      '              ->  Seq Scan on t_1 b_1',
      "                    Filter: (seq = ANY ('{GGGG,TTTT}'::dna2[]))",
      '              ->  Seq Scan on t_3 b_2',
      "                    Filter: (seq = ANY ('{GGGG,TTTT}'::dna2[]))",
    ]);
    const union = "SELECT * FROM (SELECT id, seq FROM t UNION ALL SELECT id, seq FROM u) s WHERE s.seq = 'GGGG'";
    expect(await plan(database, union)).toEqual([
      'Subquery Scan on s',
      '  ->  Append',
      '        ->  Seq Scan on t_3 t',
      "              Filter: (seq = 'GGGG'::dna2)",
      '        ->  Seq Scan on u',
      "              Filter: (seq = 'GGGG'::dna2)",
    ]);
    expect(await textRows(database, union)).toEqual([['4', 'GGGG'], ['4', 'GGGG']]);
    // EXCEPT takes no condition (PostgreSQL's subquery_is_pushdown_safe).
    expect(await plan(database, "SELECT * FROM (SELECT seq FROM t EXCEPT SELECT seq FROM u) s WHERE s.seq = 'GGGG'")).toEqual([
      'Subquery Scan on s',
      "  Filter: (s.seq = 'GGGG'::dna2)",
      '  ->  HashSetOp Except',
      ...fullAppend(8),
      '        ->  Seq Scan on u',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The property: the partitioned table answers exactly as its unpartitioned twin, with and without pruning.

/** Values whose equalities and hash collisions matter: 'A' and 'AAAA' pack to the same byte in DNA2 but differ. */
const dna2Values = ['A', 'AA', 'AAAA', 'ACGT', 'ACGTA', 'TTTT', 'GGCC', 'CAT', 'ACGTTGCAACGTTGCA', 'CCCC', 'GGGG'];
const dna4Values = ['A', 'AAAA', 'ACGN', 'NNNN', 'RYKM', 'ACGT', 'ACGTN', 'TTTT', 'ACGTTGCAACGTTGCA'];

interface Scenario {
  readonly type: 'dna2' | 'dna4';
  readonly partitions: number;
  readonly rows: readonly { readonly seq: string | null; readonly n: number }[];
  readonly predicate: string;
  readonly update: string;
}

/** Conditions on the columns `seq` and `n` of the relation `prefix` names (none: unqualified). */
function predicateArbitrary(values: readonly string[], prefix = ''): fc.Arbitrary<string> {
  const seq = `${prefix}seq`;
  const n = `${prefix}n`;
  const value = fc.constantFrom(...values);
  const written = value.chain((text) => fc.constantFrom(`'${text}'`, `'${text.toLowerCase()}'`));
  const atom = fc.oneof(
    written.map((text) => `${seq} = ${text}`),
    written.map((text) => `${text} = ${seq}`),
    fc.array(fc.oneof({ weight: 5, arbitrary: written }, { weight: 1, arbitrary: fc.constant('NULL') }), { minLength: 1, maxLength: 3 }).map((items) => `${seq} IN (${items.join(', ')})`),
    fc.array(written, { minLength: 1, maxLength: 2 }).map((items) => `${seq} NOT IN (${items.join(', ')})`),
    written.map((text) => `${seq} <> ${text}`),
    fc.constantFrom(`${seq} IS NULL`, `${seq} IS NOT NULL`, `${seq} = NULL`, 'false', 'NULL::boolean', 'true'),
    fc.integer({ min: 0, max: 5 }).map((k) => `${n} = ${k}`),
    fc.integer({ min: 0, max: 5 }).map((k) => `${n} > ${k}`),
    fc.constantFrom(`${seq} =% 'ACGT'`, `${seq} =% 'ACGTTGCA'`),
  );
  const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((self) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 3, arbitrary: atom },
      fc.tuple(self('node'), self('node')).map(([a, b]) => `(${a} AND ${b})`),
      fc.tuple(self('node'), self('node')).map(([a, b]) => `(${a} OR ${b})`),
      self('node').map((a) => `NOT (${a})`),
    ),
  })).node;
  return tree;
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.constantFrom<'dna2' | 'dna4'>('dna2', 'dna4').chain((type) => {
  const values = type === 'dna2' ? dna2Values : dna4Values;
  return fc.record({
    type: fc.constant(type),
    partitions: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(fc.record({ seq: fc.option(fc.constantFrom(...values), { nil: null, freq: 6 }), n: fc.integer({ min: 0, max: 5 }) }), { maxLength: 14 }),
    predicate: predicateArbitrary(values),
    // The new value usually hashes elsewhere: the UPDATE then moves rows between partitions.
    update: fc.oneof(fc.constantFrom(...values).map((text) => `seq = '${text}', n = n + 1`), fc.constant('n = n * 2'), fc.constant('seq = NULL')),
  });
});

describe('partition pruning: property', () => {
  it('returns and changes exactly the rows of the unpartitioned twin, with and without pruning', async () => {
    const database = await openDatabase();
    await database.exec('SET kmersearch.kmer_size = 4');
    let pruned = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        await database.exec('DROP TABLE IF EXISTS flat; DROP TABLE IF EXISTS split');
        for (const table of ['flat', 'split']) {
          await database.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, seq ${scenario.type}, n int)`);
          if (scenario.rows.length > 0) {
            const values = scenario.rows.map((row, id) => `(${id}, ${row.seq === null ? 'NULL' : `'${row.seq}'`}, ${row.n})`);
            await database.exec(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
          }
        }
        await database.query('SELECT kmersearch_partition_table($1, $2)', ['split', scenario.partitions]);
        const where = scenario.predicate;
        const statements = (table: string): string[] => [
          `SELECT id, seq, n FROM ${table} WHERE ${where} ORDER BY id`,
          `UPDATE ${table} SET ${scenario.update} WHERE ${where} RETURNING id, seq, n`,
          `DELETE FROM ${table} WHERE ${where} RETURNING id, seq, n`,
        ];
        const expected = await runAll(database, statements('flat'), 'flat');
        for (const pruning of ['on', 'off']) {
          await database.exec(`SET enable_partition_pruning = ${pruning}`);
          expect(await runAll(database, statements('split'), 'split')).toEqual(expected);
        }
        await database.exec('RESET enable_partition_pruning');
        const scans = (await plan(database, statements('split')[0] as string)).filter((line) => line.includes('Scan on split_')).length;
        if (scans < scenario.partitions) pruned++;
      }),
      { numRuns: 60 },
    );
    // The property exercised pruning, not only full scans.
    expect(pruned).toBeGreaterThan(5);
  });
});

/**
 * The SELECT's rows, then for the UPDATE and for the DELETE (each in a transaction rolled back afterwards) the
 * rows it reports and the table's rows after it, all sorted by id.
 */
async function runAll(database: KmerSearch, statements: readonly string[], table: string): Promise<unknown[]> {
  const sortById = (rows: (string | null)[][]) => rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  const [select, ...modifications] = statements as [string, ...string[]];
  const results: unknown[] = [await textRows(database, select)];
  for (const modification of modifications) {
    await database.exec('BEGIN');
    try {
      results.push(sortById(await textRows(database, modification)));
      results.push(await textRows(database, `SELECT id, seq, n FROM ${table} ORDER BY id`));
    } finally {
      await database.exec('ROLLBACK');
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// The property over joins, subqueries and set operations: the partitioned table `split` answers as its twin
// `flat`, with and without pruning, and both answer as the same query with every condition kept where it is
// written (wrapped in `CASE WHEN (SELECT true) THEN … END`, which no condition placement moves: it holds a
// subquery), so a wrong reduction of an outer join or a condition pushed where it changes rows is caught too.

interface JoinScenario {
  readonly type: 'dna2' | 'dna4';
  readonly partitions: number;
  readonly rows: readonly { readonly seq: string | null; readonly n: number }[];
  readonly others: readonly { readonly id: number; readonly seq: string | null; readonly n: number }[];
  /** Conditions on the partitioned table (as x, y or s) and on the other table (as o). */
  readonly onTable: string;
  readonly onTableToo: string;
  readonly onOther: string;
  readonly onSubquery: string;
}

/** The statements, `{T}` standing for the table, `{P}`/`{P2}` for the conditions on it, `{Q}` on o, `{S}` on s. */
const joinShapes: readonly string[] = [
  'SELECT x.id, o.id FROM {T} x JOIN o ON x.n = o.n WHERE {P} ORDER BY 1, 2',
  'SELECT x.id, o.id FROM {T} x, o WHERE {P} AND x.seq = o.seq ORDER BY 1, 2',
  'SELECT x.id, o.id FROM o LEFT JOIN {T} x ON x.n = o.n AND {P} WHERE {Q} ORDER BY 1, 2',
  'SELECT x.id, o.id FROM o LEFT JOIN {T} x ON x.id = o.id WHERE {P} ORDER BY 1, 2',
  'SELECT x.id, o.id FROM {T} x LEFT JOIN o ON x.id = o.id AND {P} WHERE {Q} ORDER BY 1, 2',
  'SELECT x.id, o.id FROM {T} x RIGHT JOIN o ON x.n = o.n AND {P} ORDER BY 1, 2',
  'SELECT x.id, o.id FROM {T} x FULL JOIN o ON x.id = o.id AND {Q} WHERE {P} ORDER BY 1, 2',
  'SELECT o.id, x.id, y.id FROM o LEFT JOIN ({T} x JOIN {T} y ON x.id = y.id AND {P2}) ON o.n = x.n WHERE {P} ORDER BY 1, 2, 3',
  'SELECT s.id, s.seq FROM (SELECT id, seq, n FROM {T}) s WHERE {S} ORDER BY 1',
  'SELECT s.seq, s.n, s.c FROM (SELECT seq, n, count(*) AS c FROM {T} GROUP BY seq, n) s WHERE {S} ORDER BY 1, 2',
  'SELECT o.id, s.id FROM o JOIN (SELECT DISTINCT id, seq, n FROM {T}) s ON s.n = o.n WHERE {S} ORDER BY 1, 2',
  'SELECT s.id, s.seq FROM (SELECT id, seq, n FROM {T} UNION ALL SELECT id, seq, n FROM o) s WHERE {S} ORDER BY 1, 2',
  'SELECT s.seq, s.n FROM (SELECT seq, n FROM {T} EXCEPT SELECT seq, n FROM o) s WHERE {S} ORDER BY 1, 2',
  'SELECT s.id FROM (SELECT id, seq, n FROM {T} ORDER BY n, id LIMIT 4) s WHERE {S} ORDER BY 1',
  'SELECT x.id FROM {T} x WHERE {P} UNION SELECT x.id FROM {T} x WHERE {P2} ORDER BY 1',
  'SELECT o.id FROM o WHERE EXISTS (SELECT 1 FROM {T} x WHERE x.n = o.n AND {P}) ORDER BY 1',
  'SELECT o.id, (SELECT count(*) FROM {T} x WHERE {P}) FROM o ORDER BY 1',
  'SELECT o.id FROM o WHERE o.id IN (SELECT x.id FROM {T} x JOIN o p ON p.id = x.id WHERE {P}) ORDER BY 1',
];

const joinScenarioArbitrary: fc.Arbitrary<JoinScenario> = fc.constantFrom<'dna2' | 'dna4'>('dna2', 'dna4').chain((type) => {
  const values = type === 'dna2' ? dna2Values : dna4Values;
  const seq = fc.option(fc.constantFrom(...values), { nil: null, freq: 6 });
  return fc.record({
    type: fc.constant(type),
    partitions: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(fc.record({ seq, n: fc.integer({ min: 0, max: 5 }) }), { maxLength: 12 }),
    others: fc.array(fc.record({ id: fc.integer({ min: 0, max: 14 }), seq, n: fc.integer({ min: 0, max: 5 }) }), { maxLength: 6 }),
    onTable: predicateArbitrary(values, 'x.'),
    onTableToo: predicateArbitrary(values, 'y.'),
    onOther: predicateArbitrary(values, 'o.'),
    onSubquery: predicateArbitrary(values, 's.'),
  });
});

/** The statement of the scenario on `table`, each condition as it is or kept where it is written. */
function joinStatement(scenario: JoinScenario, shape: string, table: string, kept: boolean): string {
  const condition = (text: string) => (kept ? `CASE WHEN (SELECT true) THEN (${text}) END` : `(${text})`);
  // The second condition on the table reads y where y exists, else x.
  const second = shape.includes('{T} y') ? scenario.onTableToo : scenario.onTableToo.replaceAll('y.', 'x.');
  return shape
    .replaceAll('{T}', table)
    .replaceAll('{P2}', condition(second))
    .replaceAll('{P}', condition(scenario.onTable))
    .replaceAll('{Q}', condition(scenario.onOther))
    .replaceAll('{S}', condition(scenario.onSubquery));
}

describe('partition pruning: property over joins, subqueries and set operations', () => {
  it('returns the rows of the unpartitioned twin and of the conditions kept in place, with and without pruning', async () => {
    const database = await openDatabase();
    await database.exec('SET kmersearch.kmer_size = 4');
    const scans = async (sql: string): Promise<number> => (await plan(database, sql)).filter((line) => /Scan on split_\d/.test(line)).length;
    let pruned = 0;
    await fc.assert(
      fc.asyncProperty(joinScenarioArbitrary, async (scenario) => {
        await database.exec('DROP TABLE IF EXISTS flat; DROP TABLE IF EXISTS split; DROP TABLE IF EXISTS o');
        const literal = (seq: string | null) => (seq === null ? 'NULL' : `'${seq}'`);
        for (const table of ['flat', 'split']) {
          await database.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, seq ${scenario.type}, n int)`);
          if (scenario.rows.length > 0) {
            await database.exec(`INSERT INTO ${table} VALUES ${scenario.rows.map((row, id) => `(${id}, ${literal(row.seq)}, ${row.n})`).join(', ')}`);
          }
        }
        await database.exec(`CREATE TABLE o (id int, seq ${scenario.type}, n int)`);
        if (scenario.others.length > 0) {
          await database.exec(`INSERT INTO o VALUES ${scenario.others.map((row) => `(${row.id}, ${literal(row.seq)}, ${row.n})`).join(', ')}`);
        }
        await database.query('SELECT kmersearch_partition_table($1, $2)', ['split', scenario.partitions]);
        for (const shape of joinShapes) {
          const expected = await textRows(database, joinStatement(scenario, shape, 'flat', true));
          expect(await textRows(database, joinStatement(scenario, shape, 'flat', false))).toEqual(expected);
          const statement = joinStatement(scenario, shape, 'split', false);
          expect(await textRows(database, statement)).toEqual(expected);
          const prunedScans = await scans(statement);
          await database.exec('SET enable_partition_pruning = off');
          try {
            expect(await textRows(database, statement)).toEqual(expected);
            if (prunedScans < (await scans(statement))) pruned++;
          } finally {
            await database.exec('RESET enable_partition_pruning');
          }
        }
      }),
      { numRuns: 40 },
    );
    // The property exercised pruning inside these shapes, not only full scans.
    expect(pruned).toBeGreaterThan(10);
  });
});
