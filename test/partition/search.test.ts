/**
 * Searches on a partitioned table (SPEC §7.2–7.3): the same `=%` rows and matchscores as the unpartitioned table,
 * with and without indexes; EXPLAIN's Append; kmersearch_parallel_create_index's rows, its failing-partition
 * case and seed 000's preconditions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendTestHooks } from '../../src/sql/executor/append.js';
import { indexBuildTestHooks } from '../../src/sql/executor/index-build.js';
import { expectError, noticeCollector, openDatabase, textRows } from '../sql/engine-helpers.js';
import { answer, loadTwin, sequences } from './twin-helpers.js';

afterEach(() => {
  indexBuildTestHooks.current = undefined;
  appendTestHooks.current = undefined;
});

describe('searches over partitions', () => {
  it('gives the rows and scores of the unpartitioned table, through sequential scans and through indexes', async () => {
    const database = await openDatabase();
    const values = sequences(120, 7);
    await loadTwin(database, values);
    const queries = [values[3]!.slice(2, 30), values[50]!.slice(0, 20), `${values[9]!.slice(0, 12)}${values[10]!.slice(0, 12)}`, 'ACGTACGTACGT'];
    const expected = [];
    for (const query of queries) expected.push(await textRows(database, answer('flat', query)));
    for (const [position, query] of queries.entries()) expect(await textRows(database, answer('split', query))).toEqual(expected[position]);
    expect(expected.some((rows) => rows.length > 0)).toBe(true);

    await database.exec('CREATE INDEX ON flat USING gin (seq kmersearch_dna2_gin_ops_int4)');
    const built = await textRows(database, "SELECT partition_name, index_name, rows_processed, success, error_message FROM kmersearch_parallel_create_index('split', 'seq')");
    expect(built.map((row) => [row[0], row[1], row[3], row[4]])).toEqual([0, 1, 2, 3].map((remainder) => [`split_${remainder}`, `split_${remainder}_seq_gin_idx`, 't', null]));
    expect(built.reduce((sum, row) => sum + Number(row[2]), 0)).toBe(121);
    const plan = (await textRows(database, `EXPLAIN ${answer('split', queries[0]!)}`)).map((row) => row[0]);
    expect(plan).toEqual([
      'Sort',
      '  Sort Key: split.id',
      '  ->  Append',
      ...[1, 2, 3, 4].flatMap((alias) => [
        `        ->  Bitmap Heap Scan on split_${alias - 1} split_${alias}`,
        `              Recheck Cond: (seq =% '${queries[0]}'::text)`,
        `              ->  Bitmap Index Scan on split_${alias - 1}_seq_gin_idx`,
        `                    Index Cond: (seq =% '${queries[0]}'::text)`,
      ]),
    ]);
    for (const [position, query] of queries.entries()) {
      expect(await textRows(database, answer('flat', query))).toEqual(expected[position]);
      expect(await textRows(database, answer('split', query))).toEqual(expected[position]);
    }
    // Rows written after the build are found through the partitions' pending lists.
    await database.exec(`INSERT INTO flat (seq) VALUES ('${queries[0]}'); INSERT INTO split (seq) VALUES ('${queries[0]}')`);
    expect(await textRows(database, answer('split', queries[0]!))).toEqual(await textRows(database, answer('flat', queries[0]!)));
  });

  it('fans the partitions\' index searches out to worker threads with the rows and cache counts of the sequential Append', async () => {
    const database = await openDatabase();
    const values = sequences(90, 11);
    await loadTwin(database, values);
    await database.query("SELECT * FROM kmersearch_parallel_create_index('split', 'seq')", [], { onNotice: () => undefined });
    const query = values[17]!.slice(4, 30);
    // A search this small stays in the calling thread unless the break-even is lowered:
    // test/sql/append-fan-out.test.ts tests the rule itself.
    appendTestHooks.current = { minimumWork: 0 };
    const outcomes = [];
    for (const workers of [0, 2]) {
      await database.exec(`SET max_parallel_workers = ${workers}`);
      await database.query('SELECT kmersearch_query_kmer_cache_free(), kmersearch_actual_min_score_cache_free()');
      const rows = await textRows(database, answer('split', query));
      const statistics = await textRows(database, 'SELECT kmersearch_query_kmer_cache_stats(), kmersearch_actual_min_score_cache_stats()');
      outcomes.push({ rows, statistics });
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[0]?.rows).toEqual(await textRows(database, answer('flat', query)));
    expect(outcomes[0]?.rows.length).toBeGreaterThan(0);
  });

  it('shows a single partition without an Append, as PostgreSQL does', async () => {
    const database = await openDatabase();
    await database.exec('CREATE TABLE t (seq dna2)');
    await database.query("SELECT kmersearch_partition_table('t', 1)");
    // The parent's range entry is unused once the Append is gone: the partition takes its name (PostgreSQL 13+).
    expect(await textRows(database, "EXPLAIN SELECT * FROM t WHERE seq =% 'ACGTACGT'")).toEqual([
      ['Seq Scan on t_0 t'],
      ["  Filter: (seq =% 'ACGTACGT'::text)"],
    ]);
    expect(await textRows(database, "EXPLAIN UPDATE t SET seq = 'ACGT'")).toEqual([['Update on t'], ['  Update on t_0 t_1'], ['  ->  Seq Scan on t_0 t_1']]);
  });
});

describe('kmersearch_parallel_create_index (seed 000, F11)', () => {
  it('checks the seed preconditions in its order', async () => {
    const database = await openDatabase();
    await database.exec('CREATE TABLE flat (id int, seq dna2); CREATE TABLE p (id int, seq dna4)');
    await database.query("SELECT kmersearch_partition_table('p', 2)");
    const call = (args: string) => `SELECT * FROM kmersearch_parallel_create_index(${args})`;
    await expectError(database, call("NULL, 'seq'"), { code: '22004', message: 'table_name must not be NULL' });
    await expectError(database, call("'p', NULL"), { code: '22004', message: 'column_name must not be NULL' });
    await expectError(database, call("'nothing', 'seq'"), { code: '42P01', message: 'relation "nothing" does not exist' });
    await expectError(database, call("'flat', 'seq'"), { code: '42809', message: 'table "flat" is not a partitioned table' });
    await database.exec('SET kmersearch.preclude_highfreq_kmer = on');
    await expectError(database, call("'p', 'seq'"), {
      code: 'XX000',
      message: 'Parallel high-frequency k-mer cache not loaded or invalid',
      hint: "Run kmersearch_parallel_highfreq_kmer_cache_load('p', 'seq') first",
    });
    await database.exec('RESET kmersearch.preclude_highfreq_kmer');
    const { notices, options } = noticeCollector();
    await expect(database.query(call("'p', 'id'"), [], options)).rejects.toMatchObject({ code: 'XX000', message: "Column 'id' must be DNA2 or DNA4 type" });
    expect(notices.map((notice) => `${notice.severity}: ${notice.message}`)).toEqual(['NOTICE: High-frequency k-mer exclusion disabled (preclude_highfreq_kmer=false)']);
    await expectError(database, call("'p', 'nope'"), { code: '42703', message: 'column "nope" does not exist' });
    await expectError(database, "SELECT kmersearch_parallel_create_index('p', v.name) FROM (VALUES ('seq')) AS v(name)", {
      code: '0A000',
      message: 'kmersearch_parallel_create_index can only be called in SELECT or INSERT … SELECT, with constant arguments',
      hint: 'Call it on its own, e.g. SELECT * FROM kmersearch_parallel_create_index(…) with literal arguments.',
    });
  });

  /**
   * `t` in 4 partitions at k = 4, b = 4 with 2 maintenance workers: 600 copies of one value fill three blocks of
   * one partition; the other partitions get one block each, so a failure injected at block 1 fails that
   * partition's build only. `extraRows`: more VALUES rows.
   */
  async function onePartitionOfThreeBlocks(extraRows = ''): Promise<Awaited<ReturnType<typeof openDatabase>>> {
    const database = await openDatabase();
    await database.exec('SET kmersearch.kmer_size = 4; SET kmersearch.occur_bitlen = 4; SET max_parallel_maintenance_workers = 2');
    await database.exec('CREATE TABLE t (id serial, seq dna4)');
    await database.exec("INSERT INTO t (seq) SELECT 'ACGTACGTACGTACGT' FROM generate_series(1, 600)");
    await database.exec(`INSERT INTO t (seq) VALUES ('MMMMMMMMMMMMMMMM'), ('NNNNNNNNNNNNNNNN'), ('GCTAGCTAGCTAGCTA')${extraRows}`);
    await database.query("SELECT kmersearch_partition_table('t', 4)");
    return database;
  }

  it('picks the operator class of k and b, records the settings, and lets a failing partition fail alone', async () => {
    const database = await onePartitionOfThreeBlocks();
    indexBuildTestHooks.current = { failAtBlock: 1 };
    const rows = await textRows(database, 'SELECT partition_name, index_name, rows_processed, worker_pid > 0, success, error_message FROM kmersearch_parallel_create_index($$t$$, $$seq$$)');
    indexBuildTestHooks.current = undefined;
    const big = rows.find((row) => row[2] === '0' && row[4] === 'f');
    expect(big?.[5]).toMatch(/^could not build index "t_\d_seq_gin_idx": /);
    const built = rows.filter((row) => row[4] === 't');
    expect(built.length).toBe(3);
    for (const row of built) expect(row.slice(2)).toEqual(['1', 't', 't', null]);
    expect(await textRows(database, 'SELECT index_oid::regclass::text, kmer_size, occur_bitlen FROM kmersearch_index_info ORDER BY 1')).toEqual(
      built.map((row) => [row[1] as string, '4', '4']).sort(),
    );
    expect(await textRows(database, "SELECT count(*) FROM t WHERE seq =% 'ACGTACGT'")).toEqual([['600']]);
  });

  it('reports its progress as rows of partitions done, failed ones included, not as each partition’s CREATE INDEX', async () => {
    const database = await onePartitionOfThreeBlocks(', (NULL)');
    const reports: { operation: string; done: number; total?: number | undefined; unit: string }[] = [];
    indexBuildTestHooks.current = { failAtBlock: 1 };
    await database.query("SELECT * FROM kmersearch_parallel_create_index('t', 'seq')", [], { onProgress: (report) => reports.push(report) });
    indexBuildTestHooks.current = undefined;
    expect(new Set(reports.map((report) => `${report.operation} ${report.unit} ${report.total}`))).toEqual(new Set(['kmersearch_parallel_create_index rows 604']));
    const done = reports.map((report) => report.done);
    // 0 first, then once per partition (the failed one too), never backwards, all 604 rows at the end.
    expect(done).toHaveLength(5);
    expect(done[0]).toBe(0);
    expect(done.at(-1)).toBe(604);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });
});
