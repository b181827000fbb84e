/**
 * CREATE INDEX as a parallel build (issue 5 §1): worker threads by max_parallel_maintenance_workers from the
 * handle's pool of max_parallel_workers, the memory budget maintenance_work_mem (spilling beyond it), progress,
 * and what is left after a failure in a worker or a cancellation: nothing — no index, no metadata row, no spill
 * file — and a clear error.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KmerSearch, Progress } from '../../src/index.js';
import { WorkerPool } from '../../src/parallel/index.js';
import { StorageEngine } from '../../src/storage/index.js';
import { indexBuildTestHooks } from '../../src/sql/executor/index-build.js';
import { openDatabase, rejection, textRows } from './engine-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

afterEach(() => {
  indexBuildTestHooks.current = undefined;
  vi.restoreAllMocks();
});

function spillFiles(db: KmerSearch): string[] {
  const directory = join(db.path, 'spill');
  return existsSync(directory) ? readdirSync(directory) : [];
}

/** 1,200 rows of 150 bases (five heap blocks), k = 12: enough keys to spill with maintenance_work_mem = 1MB. */
async function largeTable(): Promise<KmerSearch> {
  const db = await openDatabase();
  await db.exec(`
    SET kmersearch.kmer_size = 12;
    SET kmersearch.min_shared_kmer_rate = 0.3;
    SET maintenance_work_mem = '1MB';
    CREATE TABLE t (id int, seq dna2);
    INSERT INTO t SELECT i, (
      SELECT string_agg(substr('ACGT', ((i * 7919 + j * 104729) % 9973 % 4) + 1, 1), '')
      FROM generate_series(1, 150) AS j)::dna2
    FROM generate_series(1, 1200) AS i;
  `);
  return db;
}

async function nothingLeft(db: KmerSearch): Promise<void> {
  expect(await textRows(db, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['0']]);
  expect((await db.queryText("EXPLAIN SELECT id FROM t WHERE seq =% 'ACGTACGTACGTAC'")).rows[0]).toEqual(['Seq Scan on t']);
  expect(spillFiles(db)).toEqual([]);
}

describe('parallel CREATE INDEX', () => {
  it('builds with the workers asked for, spills beyond the budget, reports progress, and answers as the sequential path', async () => {
    const db = await largeTable();
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    const progress: Progress[] = [];
    // The build asks for its spill file only when a run does not fit (gin's RunCollector creates it lazily), so
    // the request itself shows that it spilled; watching the directory with a timer missed it on a loaded machine.
    const spillRequests = vi.spyOn(StorageEngine.prototype, 'createSpillFile');
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)', [], { onProgress: (report) => progress.push(report) });
    const spilled = spillRequests.mock.calls.filter(([label]) => label === 'gin_build').length;
    spillRequests.mockRestore();
    expect(run.mock.calls.filter(([request]) => request.kind === 'extract-keys')).toHaveLength(2);
    expect(progress).toEqual([
      { operation: 'CREATE INDEX', done: 0, total: 1200, unit: 'rows' },
      { operation: 'CREATE INDEX', done: 1200, total: 1200, unit: 'rows' },
    ]);
    expect(spilled).toBeGreaterThan(0);
    expect(spillFiles(db)).toEqual([]);
    const texts = (await db.query<{ seq: string }>('SELECT seq FROM t WHERE id IN (1, 600, 1200)')).rows.map((row) => row.seq);
    for (const text of texts) {
      await expectSameOnBothPaths(db, `SELECT id, kmersearch_matchscore(seq, '${text.slice(20, 80)}') FROM t WHERE seq =% '${text.slice(20, 80)}' ORDER BY id`, true);
    }
    // One worker, and none (the calling thread), give the same index.
    run.mockClear();
    await db.exec('SET max_parallel_maintenance_workers = 1');
    const reindexProgress: Progress[] = [];
    await db.query('REINDEX TABLE t', [], { onProgress: (report) => reindexProgress.push(report) });
    expect(run.mock.calls.filter(([request]) => request.kind === 'extract-keys')).toHaveLength(1);
    expect(reindexProgress).toEqual([
      { operation: 'REINDEX', done: 0, total: 1200, unit: 'rows' },
      { operation: 'REINDEX', done: 1200, total: 1200, unit: 'rows' },
    ]);
    run.mockClear();
    await db.exec('SET max_parallel_maintenance_workers = 0; REINDEX TABLE t');
    expect(run).not.toHaveBeenCalled();
    await expectSameOnBothPaths(db, `SELECT id FROM t WHERE seq =% '${texts[0]?.slice(0, 40) ?? ''}' ORDER BY id`, true);
  });

  it('a failing worker leaves no index and reports a clear error', async () => {
    const db = await largeTable();
    indexBuildTestHooks.current = { failAtBlock: 1 };
    const error = await rejection(db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)'));
    expect({ code: error.code, message: error.message, detail: error.detail }).toEqual({
      code: 'XX001',
      message: 'could not build index "t_seq_idx": test hook: failure at block 1',
      detail: 'injected',
    });
    await nothingLeft(db);
    indexBuildTestHooks.current = { failAtBlock: 2, foreignError: true };
    const foreign = await rejection(db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)'));
    expect({ code: foreign.code, message: foreign.message }).toEqual({
      code: 'XX000',
      message: 'could not build index "t_seq_idx": test hook: failure at block 2',
    });
    indexBuildTestHooks.current = { corruptBlocks: [3] };
    const corrupt = await rejection(db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)'));
    expect(corrupt.message).toMatch(/^could not build index "t_seq_idx": /u);
    await nothingLeft(db);
    // In a transaction block the failure aborts the block, as any error does.
    await db.query('BEGIN');
    indexBuildTestHooks.current = { failAtBlock: 0 };
    await rejection(db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)'));
    await db.query('ROLLBACK');
    indexBuildTestHooks.current = undefined;
    await nothingLeft(db);
    expect((await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)')).commandTag).toBe('CREATE INDEX');
  });

  it('cancellation by signal or statement_timeout stops the workers and leaves nothing', async () => {
    const db = await largeTable();
    indexBuildTestHooks.current = { delayPerBlockMs: 400 };
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 150);
    const cancelled = await rejection(db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)', [], { signal: controller.signal }));
    expect({ code: cancelled.code, message: cancelled.message }).toEqual({ code: '57014', message: 'canceling statement due to user request' });
    expect(Date.now() - started).toBeLessThan(1500);
    await nothingLeft(db);
    await db.query("SET statement_timeout = '150ms'");
    const timedOut = await rejection(db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)'));
    expect({ code: timedOut.code, message: timedOut.message }).toEqual({ code: '57014', message: 'canceling statement due to statement timeout' });
    await db.query('RESET statement_timeout');
    await nothingLeft(db);
  });

  it('the handle owns one pool, sized by max_parallel_workers, closed by close()', async () => {
    const db = await largeTable();
    const close = vi.spyOn(WorkerPool.prototype, 'close');
    const spy = vi.spyOn(WorkerPool.prototype, 'run');
    await db.exec('SET max_parallel_workers = 1; CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    await db.exec('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    const pools = new Set(spy.mock.contexts as WorkerPool[]);
    expect(pools.size).toBe(1);
    expect([...pools][0]?.maxThreads).toBe(1);
    // max_parallel_maintenance_workers (2) is capped by the pool's single thread.
    expect(spy.mock.calls.filter(([request]) => request.kind === 'extract-keys')).toHaveLength(2);
    await db.close();
    expect(close).toHaveBeenCalled();
    expect([...pools][0]?.isClosed).toBe(true);
  });
});
