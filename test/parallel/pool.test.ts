import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { keyLayout, toSortedKeys } from '../../src/kmer/index.js';
import { BlockWorkQueue, SharedBlockList, SharedKeySet, WorkerPool, buildIndex, workerEntry } from '../../src/parallel/index.js';
import { StorageEngine } from '../../src/storage/index.js';
import { createKmerIndex, createSequenceTable, packDna2 } from '../gin/helpers.js';

describe('the worker pool', () => {
  it('starts threads on first use and ends them on close', async () => {
    const engine = await StorageEngine.open();
    const pool = new WorkerPool({ maxThreads: 2 });
    try {
      expect(pool.threadCount).toBe(0);
      const seed = await engine.beginWrite();
      const table = createSequenceTable(seed, 'dna2');
      seed.insertRows(table.id, Array.from({ length: 600 }, (_, index) => [index, packDna2('ACGTACGTTTGCA'.repeat(1 + (index % 5)))]));
      seed.commit();
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, table, 6, 1);
      const report = await buildIndex(write, index.id, { database: engine, pool, workers: 2, memoryBudgetBytes: 1 << 20 });
      expect(report.workersUsed).toBe(2);
      expect(pool.threadCount).toBeGreaterThan(0);
      write.rollback();
      await pool.close();
      await pool.close();
      expect(pool.isClosed).toBe(true);
      expect(pool.threadCount).toBe(0);
      const again = await engine.beginWrite();
      const error = await buildIndex(again, createKmerIndex(again, again.getTable('sequences')!, 6, 1).id, {
        database: engine,
        pool,
        workers: 2,
        memoryBudgetBytes: 1 << 20,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(KmerSearchError);
      expect((error as KmerSearchError).code).toBe('55000');
      again.rollback();
    } finally {
      await pool.close();
      await engine.close();
    }
  });

  it('closes within its wait when a task does not answer, ending the thread (the build then fails)', async () => {
    const engine = await StorageEngine.open();
    const pool = new WorkerPool({ maxThreads: 1 });
    try {
      const seed = await engine.beginWrite();
      const table = createSequenceTable(seed, 'dna2');
      seed.insertRows(table.id, Array.from({ length: 20 * 256 }, (_, index) => [index, packDna2('ACGTACGTTTGCA')]));
      seed.commit();
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, table, 6, 1);
      // 20 blocks of 1 s each: far longer than close() waits (2 s).
      const build = buildIndex(write, index.id, { database: engine, pool, workers: 1, memoryBudgetBytes: 1 << 20, testHooks: { delayPerBlockMs: 1000 } }).catch(
        (caught: unknown) => caught,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await pool.close();
      expect(Date.now() - started).toBeLessThan(8000);
      expect(pool.threadCount).toBe(0);
      expect(await build).toBeInstanceOf(KmerSearchError);
      write.rollback();
    } finally {
      await pool.close();
      await engine.close();
    }
  });

  it('runs in the calling thread when it has no threads or none are asked for', async () => {
    const engine = await StorageEngine.open();
    try {
      const write = await engine.beginWrite();
      const table = createSequenceTable(write, 'dna2');
      write.insertRows(table.id, [[1, packDna2('ACGTACGTAC')]]);
      const index = createKmerIndex(write, table, 4, 0);
      const empty = new WorkerPool({ maxThreads: 0 });
      expect((await buildIndex(write, index.id, { database: engine, pool: empty, workers: 4, memoryBudgetBytes: 1 << 20 })).workersUsed).toBe(0);
      expect((await buildIndex(write, index.id, { database: engine, workers: 4, memoryBudgetBytes: 1 << 20 })).workersUsed).toBe(0);
      expect(empty.threadCount).toBe(0);
      write.rollback();
    } finally {
      await engine.close();
    }
    expect(() => new WorkerPool({ maxThreads: -1 })).toThrow('invalid number of worker threads: -1');
  });

  it('starts workers from the TypeScript sources through the ESM bootstrap, without tsx flags', () => {
    const entry = workerEntry();
    expect(entry.filename.endsWith('worker-bootstrap.mjs')).toBe(true);
    expect(entry.execArgv?.some((flag) => flag.includes('tsx'))).toBe(false);
  });

  it('lets the process exit once closed', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url))], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^built 2 [12]\nclosed\n$/);
  });
});

describe('shared memory', () => {
  it('claims every block index once and stops after cancel', () => {
    const queue = BlockWorkQueue.create();
    const other = BlockWorkQueue.attach(queue.buffer);
    expect([queue.claim(3), other.claim(3), queue.claim(3), other.claim(3)]).toEqual([0, 1, 2, -1]);
    const cancelled = BlockWorkQueue.create();
    cancelled.cancel();
    expect(BlockWorkQueue.attach(cancelled.buffer).cancelled).toBe(true);
    expect(cancelled.claim(10)).toBe(-1);
  });

  it('carries a block list with tombstones', () => {
    const bitmap = new Uint8Array(32);
    bitmap[1] = 0b100;
    const list = SharedBlockList.attach(
      SharedBlockList.from([
        { block: 3, slotLimit: 256, tombstones: null },
        { block: 9, slotLimit: 17, tombstones: bitmap },
      ]).buffer,
    );
    expect([list.count, list.block(1), list.slotLimit(1), list.tombstones(0)]).toEqual([2, 9, 17, undefined]);
    expect(list.tombstones(1)).toEqual(bitmap);
  });

  it('answers key membership for narrow and wide layouts, also when attached in another place', () => {
    for (const layout of [keyLayout(8, 2), keyLayout(28, 8)]) {
      const high = Uint32Array.of(0, 1, layout.wide ? 0xffffff : 0, 7);
      const low = Uint32Array.of(5, 0xffffffff, 12, 9);
      const keys = layout.wide
        ? toSortedKeys({ layout, wide: true, count: 4, high, low })
        : toSortedKeys({ layout, wide: false, count: 4, values: Float64Array.from(high, (h, index) => h * 2 ** 32 + low[index]!) });
      const set = SharedKeySet.attach(SharedKeySet.from(keys).buffer);
      expect(set.size).toBe(4);
      expect(set.layout).toBe(layout);
      for (let index = 0; index < keys.count; index++) expect(set.has(keys, index)).toBe(true);
      expect(set.hasHalves(3, 3)).toBe(false);
    }
  });
});
