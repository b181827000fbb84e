/**
 * Plan-time partition pruning of hash-partitioned tables (src/sql/partition-pruning.ts): EXPLAIN shapes as
 * PostgreSQL 16 prints them for one, several and no remaining partitions, `enable_partition_pruning`, and a
 * property that pruning never changes which rows a SELECT returns or an UPDATE / DELETE changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { openDatabase, textRows } from './engine-helpers.js';

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
    expect(await plan(database, 'SELECT id FROM t WHERE seq = NULL')).toHaveLength(9);
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

function predicateArbitrary(values: readonly string[]): fc.Arbitrary<string> {
  const value = fc.constantFrom(...values);
  const written = value.chain((text) => fc.constantFrom(`'${text}'`, `'${text.toLowerCase()}'`));
  const atom = fc.oneof(
    written.map((text) => `seq = ${text}`),
    written.map((text) => `${text} = seq`),
    fc.array(fc.oneof({ weight: 5, arbitrary: written }, { weight: 1, arbitrary: fc.constant('NULL') }), { minLength: 1, maxLength: 3 }).map((items) => `seq IN (${items.join(', ')})`),
    fc.array(written, { minLength: 1, maxLength: 2 }).map((items) => `seq NOT IN (${items.join(', ')})`),
    written.map((text) => `seq <> ${text}`),
    fc.constantFrom('seq IS NULL', 'seq IS NOT NULL', 'seq = NULL', 'false', 'NULL::boolean', 'true'),
    fc.integer({ min: 0, max: 5 }).map((k) => `n = ${k}`),
    fc.integer({ min: 0, max: 5 }).map((k) => `n > ${k}`),
    fc.constantFrom("seq =% 'ACGT'", "seq =% 'ACGTTGCA'"),
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
