/**
 * The fan-out of a partitioned table's index searches (SPEC §7.2, src/sql/executor/append.ts): the cost rule
 * decides from the query's length and the partition indexes' statistics whether the searches run on the worker
 * pool (EXPLAIN: `Workers Planned: N` under the Append) or in turn in the calling thread (EXPLAIN as before), and
 * either way the rows, scores and cache counts are those of the calling thread's Append.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { WorkerPool } from '../../src/parallel/index.js';
import { appendTestHooks, estimatedSearchWork, fanOutMinimumWork, fanOutWorkers } from '../../src/sql/executor/append.js';
import type { AppendNode } from '../../src/sql/plan.js';
import { openDatabase, textRows } from './engine-helpers.js';

beforeEach(() => {
  appendTestHooks.current = { minimumWork };
});

afterEach(() => {
  appendTestHooks.current = undefined;
});

const kmerSize = 8;
const partitions = 4;
/** Rows of the motif (distinct prefixes of it, spread over the partitions): each motif key has about this many postings. */
const copies = 400;

function randomBases(length: number, seed: number): string {
  let state = seed;
  let text = '';
  while (text.length < length) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    text += 'ACGT'[(state >> 16) & 3];
  }
  return text;
}

/**
 * The query keys for about `work` (append.ts estimatedSearchWork): summed over the partitions, keys × (1 +
 * postings per key / 50) ≈ keys × (partitions + copies / 50), as every partition holds the motif's keys and the
 * rows' postings of them are spread over the partitions.
 */
const keysFor = (work: number): number => Math.round(work / (partitions + copies / 50));
/** The break-even the tests set (appendTestHooks): a table of the benchmark's size is too slow for a unit test. */
const minimumWork = 1000;
const motif = randomBases(keysFor(4 * minimumWork) + 60, 5);
/** A query of the motif four times above the break-even, and one four times below it. */
const long = motif.slice(0, keysFor(4 * minimumWork) + kmerSize - 1);
const short = motif.slice(0, keysFor(minimumWork / 4) + kmerSize - 1);

/** `t` (partitioned, indexed) and `flat` with the same rows: `copies` prefixes of the motif, 50 lengths. */
async function heavyTables(indexCacheSize?: number): Promise<KmerSearch> {
  const database = await openDatabase(indexCacheSize === undefined ? {} : { indexCacheSize });
  await database.exec(`SET kmersearch.kmer_size = ${kmerSize}`);
  for (const table of ['t', 'flat']) {
    await database.exec(`CREATE TABLE ${table} (id serial PRIMARY KEY, seq dna2)`);
    await database.exec(`INSERT INTO ${table} (seq) SELECT left('${motif}', ${motif.length} - i % 50)::dna2 FROM generate_series(1, ${copies}) AS i`);
  }
  await database.query(`SELECT kmersearch_partition_table('t', ${partitions})`);
  await database.query("SELECT * FROM kmersearch_parallel_create_index('t', 'seq')", [], { onNotice: () => undefined });
  return database;
}

const search = (table: string, query: string): string =>
  `SELECT id, kmersearch_matchscore(seq, '${query}') AS score FROM ${table} WHERE seq =% '${query}' ORDER BY 2 DESC, 1 LIMIT 30`;

const explainLines = async (database: KmerSearch, sql: string): Promise<string[]> => (await textRows(database, `EXPLAIN ${sql}`)).map((row) => row[0] as string);

/** The plan of `search` on t: Limit, Sort, the Append (with `workers` planned unless undefined) and its scans. */
function expectedPlan(query: string, workers: number | undefined): string[] {
  return [
    'Limit',
    '  ->  Sort',
    '        Sort Key: (kmersearch_matchscore(t.seq, ' + `'${query}'::text)) DESC, t.id`,
    '        ->  Append',
    ...(workers === undefined ? [] : [`              Workers Planned: ${workers}`]),
    ...[1, 2, 3, 4].flatMap((alias) => [
      `              ->  Bitmap Heap Scan on t_${alias - 1} t_${alias}`,
      `                    Recheck Cond: (seq =% '${query}'::text)`,
      `                    ->  Bitmap Index Scan on t_${alias - 1}_seq_gin_idx`,
      `                          Index Cond: (seq =% '${query}'::text)`,
    ]),
  ];
}

/** An Append over `partitionCount` index scans for `query`, with the statistics of the benchmark's partition indexes. */
function benchmarkAppend(query: string, partitionCount: number): AppendNode {
  // bench/out/20M in 4 partitions of about 5 Mbp (k = 16, b = 8): about 4.7 million keys, 4.9 million postings each.
  const statistics = { keys: 4_700_000, postings: 4_900_000, pages: 3000, pageBytes: 25_000_000, rows: 4000 };
  const scan = {
    kind: 'bitmapHeapScan',
    index: { name: 'refs_0_seq_gin_idx', options: { kmerSize: 16, occurrenceBits: 8, settings: {}, pendingBytes: 0, pendingRows: 0, statistics } },
    indexCondition: { query: { kind: 'constant', value: query } },
  };
  return { kind: 'append', children: Array.from({ length: partitionCount }, () => scan), withRowIds: false } as unknown as AppendNode;
}

describe('the fan-out break-even', () => {
  it('keeps a read in the calling thread and fans a long query out on the benchmark\'s partitions', () => {
    appendTestHooks.current = undefined;
    const read = 'A'.repeat(150);
    const longQuery = 'A'.repeat(5000);
    expect(estimatedSearchWork(benchmarkAppend(read, 4))).toBeCloseTo(4 * 135 * (1 + 4_900_000 / 4_700_000 / 50), 6);
    expect(fanOutWorkers(2, benchmarkAppend(read, 4))).toBe(0);
    // bench/RESULTS.md: with the workers' page caches 1,000 bases broke even (kept in the calling thread), 1,500 and
    // 2,000 gained 1.1× and 1.2–1.3× (fanned out).
    expect(fanOutWorkers(2, benchmarkAppend('A'.repeat(1000), 4))).toBe(0);
    expect(fanOutWorkers(2, benchmarkAppend('A'.repeat(1500), 4))).toBe(2);
    expect(fanOutWorkers(2, benchmarkAppend('A'.repeat(2000), 4))).toBe(2);
    expect(fanOutWorkers(2, benchmarkAppend(longQuery, 4))).toBe(2);
    expect(fanOutWorkers(8, benchmarkAppend(longQuery, 4))).toBe(3);
    expect(fanOutWorkers(0, benchmarkAppend(longQuery, 4))).toBe(0);
    expect(estimatedSearchWork(benchmarkAppend(longQuery, 4))).toBeGreaterThanOrEqual(fanOutMinimumWork);
  });
});

describe('the fan-out cost rule', () => {
  it('fans out above the break-even and searches in the calling thread below it, as EXPLAIN says', async () => {
    const database = await heavyTables();
    expect(short.length).toBeGreaterThanOrEqual(kmerSize);
    await database.exec('SET max_parallel_workers = 2');
    expect(await explainLines(database, search('t', long))).toEqual(expectedPlan(long, 2));
    expect(await explainLines(database, search('t', short))).toEqual(expectedPlan(short, undefined));
    // At most one worker fewer than the partitions: the calling thread searches too.
    await database.exec('RESET max_parallel_workers');
    expect(await explainLines(database, search('t', long))).toEqual(expectedPlan(long, 3));
    await database.exec('SET max_parallel_workers = 1');
    expect(await explainLines(database, search('t', long))).toEqual(expectedPlan(long, 1));
    await database.exec('SET max_parallel_workers = 0');
    expect(await explainLines(database, search('t', long))).toEqual(expectedPlan(long, undefined));
    // A query that is not a constant cannot be estimated at planning: the calling thread searches.
    await database.exec('SET max_parallel_workers = 2');
    const computed = await explainLines(database, `SELECT id FROM t WHERE seq =% lower('${long}')`);
    expect(computed.filter((line) => line.includes('Bitmap Index Scan')).length).toBe(partitions);
    expect(computed.some((line) => line.includes('Workers Planned'))).toBe(false);
    // UPDATE and DELETE read the partitions in the calling thread.
    expect((await explainLines(database, `DELETE FROM t WHERE seq =% '${long}'`)).some((line) => line.includes('Workers Planned'))).toBe(false);
  });

  it('gives each worker thread a page cache of the handle\'s indexCacheSize, as the calling thread has', async () => {
    for (const indexCacheSize of [0, 3 * 1024 * 1024]) {
      const database = await heavyTables(indexCacheSize);
      await database.exec('SET max_parallel_workers = 2');
      const run = vi.spyOn(WorkerPool.prototype, 'run');
      const rows = await textRows(database, search('t', long));
      const claimed = run.mock.calls.filter(([request]) => request.kind === 'search-claimed');
      run.mockRestore();
      expect(claimed.length).toBeGreaterThan(0);
      for (const [request] of claimed) expect((request as { input: { pageCacheBytes?: number } }).input.pageCacheBytes).toBe(indexCacheSize);
      expect(rows).toEqual(await textRows(database, search('flat', long)));
    }
  });

  it('gives the rows, scores and cache counts of the calling thread\'s Append when it fans out', async () => {
    const database = await heavyTables();
    // The motif's end: rows of different lengths share different numbers of its keys.
    const queries = [long, short, motif.slice(-long.length), `${motif.slice(-long.length, -20)}${randomBases(20, 7)}`];
    for (const query of queries) {
      const outcomes = [];
      for (const workers of [0, 2, 3]) {
        await database.exec(`SET max_parallel_workers = ${workers}`);
        await database.query('SELECT kmersearch_query_kmer_cache_free(), kmersearch_actual_min_score_cache_free()');
        const rows = await textRows(database, search('t', query));
        const statistics = await textRows(database, 'SELECT kmersearch_query_kmer_cache_stats(), kmersearch_actual_min_score_cache_stats()');
        outcomes.push({ rows, statistics });
      }
      expect(outcomes[1]).toEqual(outcomes[0]);
      expect(outcomes[2]).toEqual(outcomes[0]);
      expect(outcomes[0]?.rows).toEqual(await textRows(database, search('flat', query)));
      expect(outcomes[0]?.rows.length).toBe(30);
    // The motif's end ranks the rows by length: the top rows have different scores.
    expect(new Set((await textRows(database, search('t', queries[2] as string))).map((row) => row[1])).size).toBeGreaterThan(1);
    }
  });
});

describe('fan-out on any table', () => {
  it('returns the rows of the calling thread for random rows, deletions and queries', async () => {
    const database = await openDatabase();
    await database.exec('SET kmersearch.kmer_size = 4; SET kmersearch.occur_bitlen = 2; SET kmersearch.min_shared_kmer_rate = 0.3');
    let table = 0;
    const text = (minLength: number, maxLength: number) => fc.array(fc.constantFrom(...'ACGT'), { minLength, maxLength }).map((letters) => letters.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(text(0, 30), { nil: null }), { minLength: 1, maxLength: 40 }),
        fc.array(text(4, 20), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        async (rows, queries, partitionCount, deleteModulus) => {
          const name = `p${table++}`;
          await database.exec(`SET max_parallel_workers = 0; CREATE TABLE ${name} (id serial, seq dna2)`);
          await database.exec(`INSERT INTO ${name} (seq) VALUES ${rows.map((row) => (row === null ? '(NULL)' : `('${row}')`)).join(', ')}`);
          await database.query(`SELECT kmersearch_partition_table('${name}', ${partitionCount})`);
          await database.query(`SELECT * FROM kmersearch_parallel_create_index('${name}', 'seq')`, [], { onNotice: () => undefined });
          // Deleted rows (in the index until its next merge) and rows in the pending lists.
          if (deleteModulus > 1) await database.exec(`DELETE FROM ${name} WHERE id % ${deleteModulus} = 0`);
          await database.exec(`INSERT INTO ${name} (seq) VALUES ('${rows.find((row) => row !== null) ?? 'ACGTACGT'}')`);
          for (const query of queries) {
            const sql = `SELECT id, kmersearch_matchscore(seq, '${query}') FROM ${name} WHERE seq =% '${query}' ORDER BY id`;
            appendTestHooks.current = { minimumWork: Number.POSITIVE_INFINITY };
            const inThread = await textRows(database, sql);
            appendTestHooks.current = { minimumWork: 0 };
            await database.exec('SET max_parallel_workers = 2');
            expect(await explainLines(database, sql)).toContain(`        Workers Planned: ${Math.min(2, partitionCount - 1)}`);
            expect(await textRows(database, sql)).toEqual(inThread);
            await database.exec('SET max_parallel_workers = 0');
          }
          appendTestHooks.current = { minimumWork: Number.POSITIVE_INFINITY };
        },
      ),
      { numRuns: 12 },
    );
  });
});

/** `promise`, or a failure naming `what` after 20 s: a fan-out that waited for a failed task would hang. */
async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish in 20 s`)), 20_000)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a fan-out whose worker fails', () => {
  it('searches the failed task\'s partitions in the calling thread, with the rows and scores of the calling thread\'s Append, and the pool serves the next statement', async () => {
    const database = await heavyTables();
    await database.exec('SET max_parallel_workers = 3');
    appendTestHooks.current = { minimumWork: Number.POSITIVE_INFINITY };
    const expected = await textRows(database, search('t', long));
    expect(expected.length).toBe(30);
    appendTestHooks.current = { minimumWork };
    expect(await explainLines(database, search('t', long))).toEqual(expectedPlan(long, 3));
    // The threads started: the tasks reach them while the calling thread searches its first partition.
    expect(await textRows(database, search('t', long))).toEqual(expected);
    for (const failAfterClaim of ['error', 'foreign error', 'thread exit'] as const) {
      const failures: unknown[] = [];
      appendTestHooks.current = { minimumWork, claimedSearch: { failAfterClaim }, onTaskFailure: (error) => failures.push(error) };
      // A task fails only when it claimed a partition before the calling thread took them all, which needs a
      // started thread that is free (a thread starts in a few hundred ms, and statements post no task while every
      // thread is still busy with an earlier one): tries, a little apart, for up to 15 s on a loaded machine.
      let statements = 0;
      const giveUp = performance.now() + 15_000;
      while (failures.length === 0 && performance.now() < giveUp) {
        if (statements > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        statements += 1;
        expect(await within(`the statement with a failing worker (${failAfterClaim})`, textRows(database, search('t', long)))).toEqual(expected);
      }
      expect(failures.length, `a task claimed a partition and failed (${failAfterClaim}) in ${statements} statements`).toBeGreaterThan(0);
      if (failAfterClaim !== 'thread exit') expect(String(failures[0])).toContain('test hook: claimed search failed at item');
      // The next statements fan out on the same pool (a thread that ended is replaced) and find the same rows.
      appendTestHooks.current = { minimumWork };
      for (let statement = 0; statement < 3; statement++) {
        expect(await within(`the statement after a failure (${failAfterClaim})`, textRows(database, search('t', long)))).toEqual(expected);
      }
    }
  }, 60_000);
});
