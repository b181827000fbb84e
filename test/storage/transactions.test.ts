import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { ColumnTypes, StorageEngine, type ColumnValue, type TableRecord } from '../../src/storage/index.js';
import { countRows, dna2, randomBases, temporaryDirectory } from './helpers.js';

let directory: ReturnType<typeof temporaryDirectory>;
let engine: StorageEngine;

beforeEach(async () => {
  directory = temporaryDirectory();
  engine = await StorageEngine.open(directory.path, { lockTimeoutMs: 2000 });
});
afterEach(async () => {
  await engine.close();
  directory.remove();
});

async function createTable(on: StorageEngine = engine): Promise<TableRecord> {
  const write = await on.beginWrite();
  const table = write.createTable({
    name: 't',
    columns: [
      { name: 'id', type: ColumnTypes.int8, primaryKey: true },
      { name: 'seq', type: ColumnTypes.dna2 },
    ],
  });
  write.commit();
  return table;
}

function rows(from: number, count: number, bases = 60): ColumnValue[][] {
  return Array.from({ length: count }, (_, index) => [BigInt(from + index), dna2(randomBases(bases, from + index))]);
}

async function caught(promise: Promise<unknown>): Promise<KmerSearchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KmerSearchError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('atomicity', () => {
  it('leaves nothing of a failing multi-row insert that spanned many blocks', async () => {
    const table = await createTable();
    const first = await engine.beginWrite();
    first.insertRows(table.id, rows(0, 10));
    first.commit();

    const write = await engine.beginWrite();
    write.insertRows(table.id, rows(100, 1000));
    const failing = [...rows(2000, 800), [5n, dna2('A')]]; // 5 exists: fails after 800 appended rows
    expect(() => write.insertRows(table.id, failing)).toThrow('duplicate key value violates unique constraint "t_pkey"');
    write.rollback();

    const snapshot = engine.beginRead();
    expect(countRows(snapshot, table.id)).toBe(10);
    expect(snapshot.getTable(table.id)).toMatchObject({ rowIdLimit: 10, liveRowCount: 10 });
    snapshot.close();
    // The rollback already removed the unpublished blocks and their unique entries.
    expect(await engine.reclaimSpace()).toEqual({ deletedHeapKeys: 0, deletedTombstoneKeys: 0, deletedUniqueKeys: 0, deletedGinKeys: 0 });
    const again = await engine.beginWrite();
    again.insertRows(table.id, rows(100, 1000));
    again.commit();
    const after = engine.beginRead();
    expect(countRows(after, table.id)).toBe(1010);
    after.close();
  });

  it('rolls back DDL and DML of a BEGIN…ROLLBACK block, and COMMIT of a failed block', async () => {
    const table = await createTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, rows(0, 300));
    write.commit();

    const block = await engine.beginWrite();
    block.createTable({ name: 'other', columns: [{ name: 'a', type: ColumnTypes.int4 }] });
    block.deleteRows(table.id, [1, 2, 3]);
    block.dropTable(table.id);
    expect(block.getTable('t')).toBeUndefined();
    block.rollback();
    const snapshot = engine.beginRead();
    expect(snapshot.getTable('other')).toBeUndefined();
    expect(countRows(snapshot, table.id)).toBe(300);
    snapshot.close();

    const failed = await engine.beginWrite();
    failed.insertRows(table.id, rows(1000, 5));
    expect(() => failed.insertRows(table.id, rows(0, 1))).toThrow();
    let error: unknown;
    try {
      failed.commit();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: '25P02' });
    expect(failed.state).toBe('rolled-back');
    const after = engine.beginRead();
    expect(countRows(after, table.id)).toBe(300);
    after.close();
  });

  it('rolls back an open write transaction on close', async () => {
    const table = await createTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, rows(0, 50));
    await engine.close();
    engine = await StorageEngine.open(directory.path);
    const snapshot = engine.beginRead();
    expect(countRows(snapshot, table.id)).toBe(0);
    snapshot.close();
  });
});

describe('isolation and the writer lock within one process', () => {
  it('keeps a snapshot unchanged while another handle commits', async () => {
    const table = await createTable();
    const seed = await engine.beginWrite();
    seed.insertRows(table.id, rows(0, 10));
    seed.commit();

    const snapshot = engine.beginRead();
    const other = await StorageEngine.open(directory.path);
    const write = await other.beginWrite();
    write.insertRows(table.id, rows(10, 500));
    write.deleteRows(table.id, [0]);
    write.createTable({ name: 'later', columns: [] });
    write.commit();

    expect(countRows(snapshot, table.id)).toBe(10);
    expect(snapshot.getTable('later')).toBeUndefined();
    const fresh = engine.beginRead();
    expect(countRows(fresh, table.id)).toBe(509);
    expect(fresh.getTable('later')).toBeDefined();
    fresh.close();
    snapshot.close();
    await other.close();
  });

  it('makes a second writer wait for the first, or fail with 55P03 after its timeout', async () => {
    await createTable();
    const other = await StorageEngine.open(directory.path, { lockTimeoutMs: 100 });
    const first = await engine.beginWrite();
    const timedOut = await caught(other.beginWrite());
    expect(timedOut.code).toBe('55P03');
    expect(timedOut.message).toBe(`could not obtain the write lock of database "${engine.path}"`);

    const patient = await StorageEngine.open(directory.path, { lockTimeoutMs: 5000 });
    let acquired = false;
    const waiting = patient.beginWrite().then((write) => {
      acquired = true;
      return write;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acquired).toBe(false);
    first.commit();
    const second = await waiting;
    expect(acquired).toBe(true);
    second.rollback();

    expect((await caught(Promise.resolve().then(async () => {
      const write = await engine.beginWrite();
      try {
        await engine.beginWrite();
      } finally {
        write.rollback();
      }
    }))).code).toBe('25001');
    await other.close();
    await patient.close();
  });
});

describe('database lifecycle', () => {
  it('removes a temporary database on close; close is idempotent and works with await using', async () => {
    let path: string;
    {
      await using temporary = await StorageEngine.open();
      path = temporary.path;
      expect(temporary.temporary).toBe(true);
      const write = await temporary.beginWrite();
      write.createTable({ name: 'x', columns: [] });
      write.commit();
      expect(existsSync(path)).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
    const another = await StorageEngine.open();
    await another.close();
    await another.close();
    expect(existsSync(another.path)).toBe(false);
    expect(() => another.beginRead()).toThrow('the database has been closed');
  });

  it('fails a statement that would grow the database past mapSize with 53100 and stays usable', async () => {
    const limited = temporaryDirectory();
    const small = await StorageEngine.open(limited.path, { mapSize: 4 * 1024 * 1024 });
    try {
      const table = await createTable(small);
      let committed = 0;
      let error: KmerSearchError | undefined;
      for (let statement = 0; statement < 100 && error === undefined; statement += 1) {
        const write = await small.beginWrite();
        try {
          write.insertRows(table.id, rows(committed, 100, 4000)); // about 100 KB
          write.commit();
          committed += 100;
        } catch (thrown) {
          write.rollback();
          if (!(thrown instanceof KmerSearchError)) throw thrown;
          error = thrown;
        }
      }
      expect(error?.code).toBe('53100');
      expect(error?.message).toMatch(/could not extend file ".*data\.mdb": database size limit reached/);
      expect(committed).toBeGreaterThan(0);
      const snapshot = small.beginRead();
      expect(countRows(snapshot, table.id)).toBe(committed);
      snapshot.close();
      // Small statements still fit in the pages the failed statement gave back.
      const write = await small.beginWrite();
      write.insertRows(table.id, rows(1_000_000, 3));
      write.commit();
      await small.close();
      const reopened = await StorageEngine.open(limited.path);
      const after = reopened.beginRead();
      expect(countRows(after, table.id)).toBe(committed + 3);
      after.close();
      await reopened.close();
    } finally {
      await small.close();
      limited.remove();
    }
  });
});

describe('spill files', () => {
  it('creates, removes and cleans up leftovers', async () => {
    const file = engine.createSpillFile('runs');
    expect(existsSync(file.path)).toBe(true);
    expect(file.path).toContain('kmersearch_spill_');
    // A file of this process still in use is not a leftover.
    expect(engine.deleteLeftoverSpillFiles()).toMatchObject({ deletedCount: 0, deletedSize: 0, errorCount: 0 });
    file.remove();
    expect(existsSync(file.path)).toBe(false);

    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(engine.path, 'spill'), { recursive: true });
    // pid 2^22+1 exceeds Linux's pid_max default, so no such process runs.
    const orphan = join(engine.path, 'spill', 'kmersearch_spill_4194305-1_1.runs');
    writeFileSync(orphan, Buffer.alloc(1234));
    const result = engine.deleteLeftoverSpillFiles();
    expect(result).toMatchObject({ deletedCount: 1, deletedSize: 1234, errorCount: 0 });
    expect(result.messages).toEqual([{ severity: 'INFO', message: `deleted temporary file "${orphan}" (size: 1234 bytes)` }]);
  });
});
