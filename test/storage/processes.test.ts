/**
 * Storage guarantees across processes: snapshot isolation against a writer in another process, one writer at a
 * time, and crash safety when a writer is killed with SIGKILL at an arbitrary moment.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ColumnTypes, StorageEngine, type TableRecord } from '../../src/storage/index.js';
import { ChildScript, allRows, countRows, dna2, temporaryDirectory } from './helpers.js';

let directory: ReturnType<typeof temporaryDirectory>;
const children: ChildScript[] = [];

beforeEach(() => {
  directory = temporaryDirectory();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  directory.remove();
});

function child(...args: string[]): ChildScript {
  const script = new ChildScript(args);
  children.push(script);
  return script;
}

async function createTable(engine: StorageEngine, rowCount = 0): Promise<TableRecord> {
  const write = await engine.beginWrite();
  const table = write.createTable({
    name: 't',
    columns: [
      { name: 'id', type: ColumnTypes.int8, primaryKey: true },
      { name: 'seq', type: ColumnTypes.dna2 },
    ],
  });
  write.insertRows(
    table.id,
    Array.from({ length: rowCount }, (_, index) => [BigInt(index), dna2('ACGTACGT')]),
  );
  write.commit();
  return table;
}

describe('across processes', () => {
  it('keeps a snapshot unchanged while a writer in another process commits', async () => {
    const engine = await StorageEngine.open(directory.path);
    const table = await createTable(engine, 10);
    const snapshot = engine.beginRead();
    const writer = child('write', directory.path, 't', '700');
    await writer.waitForLine((line) => line === 'committed');
    expect(await writer.exited).toEqual({ code: 0, signal: null });
    expect(countRows(snapshot, table.id)).toBe(10);
    expect(snapshot.getTable(table.id)?.liveRowCount).toBe(10);
    const fresh = engine.beginRead();
    expect(countRows(fresh, table.id)).toBe(709);
    expect(allRows(fresh, table.id, [0])[0]).toEqual([1, 1n]);
    fresh.close();
    snapshot.close();
    await engine.close();
  });

  it('lets one process write at a time: a second writer waits or fails clearly', async () => {
    const engine = await StorageEngine.open(directory.path, { lockTimeoutMs: 200 });
    await createTable(engine);
    const holder = child('hold', directory.path, '1500');
    await holder.waitForLine((line) => line === 'locked');

    let failure: unknown;
    try {
      await engine.beginWrite();
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({
      code: '55P03',
      message: `could not obtain the write lock of database "${engine.path}"`,
      detail: expect.stringMatching(new RegExp(`^Process ${holder.process.pid} has been writing to it since `)),
    });
    const started = Date.now();
    const patient = await StorageEngine.open(directory.path, { lockTimeoutMs: 10_000 });
    const write = await patient.beginWrite();
    // The holder announces the release after committing, so its line may arrive just after we got the lock.
    await holder.waitForLine((line) => line === 'released');
    expect(Date.now() - started).toBeGreaterThan(200);
    write.rollback();
    await patient.close();
    await engine.close();
  });

  it('takes over the lock of a writer that was killed', async () => {
    const engine = await StorageEngine.open(directory.path, { lockTimeoutMs: 5000 });
    await createTable(engine);
    const holder = child('hold', directory.path, '60000');
    await holder.waitForLine((line) => line === 'locked');
    holder.process.kill('SIGKILL');
    await holder.exited;
    const started = Date.now();
    const write = await engine.beginWrite();
    expect(Date.now() - started).toBeLessThan(1000);
    write.rollback();
    await engine.close();
  });

  it('removes a temporary database even when the process exits without closing it', async () => {
    const script = child('temporary-exit');
    const line = await script.waitForLine((text) => text.startsWith('path '));
    expect(await script.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(line.slice('path '.length))).toBe(false);
  });

  it('after SIGKILL during large inserts, the database opens with exactly the committed statements', async () => {
    for (const delayMs of [0, 37]) {
      const run = temporaryDirectory();
      try {
        const setup = await StorageEngine.open(run.path);
        const table = await createTable(setup);
        await setup.close();

        const writer = child('insert-loop', run.path, 't', '3000', '500');
        await writer.waitForLine((line) => line === 'committed 9000', 40_000);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        writer.process.kill('SIGKILL');
        expect((await writer.exited).signal).toBe('SIGKILL');

        const committed = Math.max(
          ...writer.lines.filter((line) => line.startsWith('committed ')).map((line) => Number(line.split(' ')[1])),
        );
        const committing = Math.max(
          ...writer.lines.filter((line) => line.startsWith('committing ')).map((line) => Number(line.split(' ')[1])),
        );
        const engine = await StorageEngine.open(run.path);
        const snapshot = engine.beginRead();
        const count = countRows(snapshot, table.id);
        // Killed after the commit but before it could report it: that statement is there, complete.
        expect([committed, committing]).toContain(count);
        const ids = allRows(snapshot, table.id, [0]).map(([, id]) => id);
        expect(ids).toEqual(Array.from({ length: count }, (_, index) => BigInt(index)));
        expect(snapshot.getTable(table.id)).toMatchObject({ liveRowCount: count });
        snapshot.close();

        // Opening reclaimed the killed statement's blocks; its unique entries do not block the same keys.
        expect((await engine.reclaimSpace()).deletedHeapKeys).toBe(0);
        const write = await engine.beginWrite();
        write.insertRows(
          table.id,
          Array.from({ length: 3000 }, (_, index) => [BigInt(count + index), dna2('ACGT')]),
        );
        write.commit();
        const after = engine.beginRead();
        expect(countRows(after, table.id)).toBe(count + 3000);
        after.close();
        await engine.close();
      } finally {
        run.remove();
      }
    }
  });
});
