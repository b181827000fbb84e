/**
 * Concurrency (issue 8 §2): several processes on one database. One writer process commits batches while reader
 * processes search through the index and sequentially: every result they get is a committed state, never an
 * error; a writer in the test's own process waits its turn; a writer facing a held lock fails with 55P03 and a
 * clear text after lockTimeoutMs, or waits until the holder commits. Bounded: 24 batches, readers run 3 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmerSearch, KmerSearchError } from '../../src/index.js';
import { ChildScript } from '../storage/helpers.js';
import {
  type BatchCount,
  batchesQuery,
  createIndex,
  createTable,
  rowsPerBatch,
  searchQuery,
  snapshotViolation,
  writerStatements,
} from './concurrency-workload.js';

const script = fileURLToPath(new URL('./fixtures/concurrency-child.ts', import.meta.url));
let directory: string;
const children: ChildScript[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'kmersearch-concurrency-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  rmSync(directory, { recursive: true, force: true });
});

function child(...args: string[]): ChildScript {
  const started = new ChildScript(args, script);
  children.push(started);
  return started;
}

/** Matches a whole batch contributes to searchQuery at versions 0 and 1, found on a database of one batch. */
async function matchesPerVersion(): Promise<number[]> {
  const db = await KmerSearch.open();
  try {
    await db.exec(`SET kmersearch.kmer_size = 8; ${createTable}; ${createIndex}`);
    const [insert, update] = [writerStatements(1)[0]!, writerStatements(2)[1]!];
    await db.query(insert);
    const atVersion0 = (await db.query<BatchCount>(searchQuery)).rows;
    await db.query(update);
    const atVersion1 = (await db.query<BatchCount>(searchQuery)).rows;
    return [atVersion0[0]!.n, atVersion1[0]!.n];
  } finally {
    await db.close();
  }
}

describe('the readers\' check', () => {
  const whole = [rowsPerBatch, rowsPerBatch];
  const rows = (...pairs: [number, number][]): BatchCount[] => pairs.map(([batch, version]) => ({ batch, version, n: rowsPerBatch }));

  it('accepts the state after each of the writer\'s statements', () => {
    expect(snapshotViolation(rows(), whole)).toBeUndefined();
    expect(snapshotViolation(rows([4, 1], [5, 1], [6, 0], [7, 0]), whole)).toBeUndefined();
    expect(snapshotViolation(rows([4, 1], [5, 1], [6, 1], [7, 0]), whole)).toBeUndefined();
    expect(snapshotViolation(rows([5, 1], [6, 1], [7, 0]), whole)).toBeUndefined();
    expect(snapshotViolation(rows([1, 0], [2, 0]), whole)).toBeUndefined();
  });

  it('rejects a partial batch, a batch in two versions and a set of batches no commit leaves', () => {
    expect(snapshotViolation([...rows([5, 1], [6, 1]), { batch: 7, version: 0, n: rowsPerBatch - 1 }], whole)).toBe(
      `batch 7 has ${rowsPerBatch - 1} rows at version 0, not ${rowsPerBatch}`,
    );
    expect(snapshotViolation(rows([5, 1], [6, 0], [6, 1], [7, 0]), whole)).toBe('no commit leaves the batches 5:1,6:0,6:1,7:0');
    expect(snapshotViolation(rows([4, 1], [6, 1], [7, 0]), whole)).toBe('no commit leaves the batches 4:1,6:1,7:0');
    expect(snapshotViolation(rows([5, 1], [6, 0], [7, 0]), whole)).toBe('no commit leaves the batches 5:1,6:0,7:0');
  });
});

describe('one writer and several readers in other processes', () => {
  it('readers see whole statements only and never an error; a writer of this process waits its turn', async () => {
    const matches = await matchesPerVersion();
    expect(matches[0]).toBeGreaterThan(0);
    expect(matches[1]).toBeGreaterThan(0);
    const path = join(directory, 'db');
    const db = await KmerSearch.open({ path });
    try {
      await db.exec(`SET kmersearch.kmer_size = 8; ${createTable}; ${createIndex}; CREATE TABLE other (n int)`);
      const batches = 24;
      const writer = child('writer', path, String(batches));
      await writer.waitForLine((line) => line === 'committed 1', 30_000);
      const readers = [
        child('reader', path, 'index', '3000', JSON.stringify(matches)),
        child('reader', path, 'sequential', '3000', JSON.stringify(matches)),
        child('reader', path, 'index', '3000', JSON.stringify(matches)),
      ];
      // A second writer, in this process: each statement waits for the writer's current one, then commits.
      for (let n = 1; n <= 5; n++) await db.query('INSERT INTO other VALUES ($1)', [n]);
      for (const reader of readers) {
        const exit = await reader.exited;
        expect({ exit, lines: reader.lines, stderr: reader.stderr }).toMatchObject({ exit: { code: 0, signal: null }, stderr: '' });
        const [, queries, states] = (reader.lines.at(-1) ?? '').split(' ').map(Number);
        // Each reader ran several statements and saw the writer's commits change what it read.
        expect(queries).toBeGreaterThanOrEqual(4);
        expect(states).toBeGreaterThanOrEqual(2);
      }
      expect(await writer.exited).toEqual({ code: 0, signal: null });
      expect(writer.lines.at(-1)).toBe(`committed ${batches}`);
      const final = (await db.query<BatchCount>(batchesQuery)).rows;
      expect(final.map((row) => [row.batch, row.version])).toEqual([
        [batches - 2, 1],
        [batches - 1, 1],
        [batches, 0],
      ]);
      expect(snapshotViolation(final, [rowsPerBatch, rowsPerBatch])).toBeUndefined();
      expect((await db.query('SELECT count(*)::int AS n FROM other')).rows).toEqual([{ n: 5 }]);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('a second writer fails with 55P03 after lockTimeoutMs, or waits until the holder commits', async () => {
    const path = join(directory, 'db');
    const setup = await KmerSearch.open({ path });
    await setup.exec(`SET kmersearch.kmer_size = 8; ${createTable}`);
    await setup.close();
    const holder = child('holder', path, '2500');
    await holder.waitForLine((line) => line === 'holding', 30_000);
    const holdingSeenAt = performance.now();

    const impatient = await KmerSearch.open({ path, lockTimeoutMs: 200 });
    const patient = await KmerSearch.open({ path });
    try {
      // Readers do not wait, and do not see the holder's uncommitted row.
      expect((await impatient.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
      let failure: unknown;
      try {
        await impatient.query(`INSERT INTO t VALUES (1, 1, 0, 'ACGT')`);
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(KmerSearchError);
      expect(failure).toMatchObject({
        code: '55P03',
        message: `could not obtain the write lock of database "${impatient.path}"`,
        detail: expect.stringMatching(new RegExp(`^Process ${holder.process.pid} has been writing to it since `)),
        hint: 'Only one writer at a time is possible; retry when it has finished, or raise lockTimeoutMs.',
      });
      expect(holder.lines).not.toContain('released');
      // The default timeout (30 s) outlasts the holder: the statement waits, then commits after it.
      await patient.query(`INSERT INTO t VALUES (2, 1, 0, 'ACGT')`);
      // The holder keeps the lock 2.5 s after saying so (its `released` line may arrive after our commit).
      expect(performance.now() - holdingSeenAt).toBeGreaterThan(2000);
      await holder.waitForLine((line) => line === 'released');
      expect((await patient.query('SELECT batch FROM t ORDER BY batch')).rows).toEqual([{ batch: 0 }, { batch: 2 }]);
      expect(await holder.exited).toEqual({ code: 0, signal: null });
    } finally {
      await impatient.close();
      await patient.close();
    }
  }, 60_000);
});
