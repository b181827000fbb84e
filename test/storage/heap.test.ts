import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ColumnTypes,
  StorageEngine,
  listTableBlocks,
  readBlockBytes,
  readRawDnaColumn,
  rawDnaValue,
  readRows,
  rowsPerBlock,
  scanTable,
  type ColumnValue,
  type TableRecord,
} from '../../src/storage/index.js';
import { allRows, countRows, dna2, randomBases } from './helpers.js';

let engine: StorageEngine;

beforeEach(async () => {
  engine = await StorageEngine.open();
});
afterEach(async () => {
  await engine.close();
});

async function createSequenceTable(): Promise<TableRecord> {
  const write = await engine.beginWrite();
  const table = write.createTable({
    name: 'sequences',
    columns: [
      { name: 'id', type: ColumnTypes.int4 },
      { name: 'name', type: ColumnTypes.text },
      { name: 'seq', type: ColumnTypes.dna2 },
    ],
  });
  write.commit();
  return table;
}

function sequenceRow(id: number, bases = 20): ColumnValue[] {
  return [id, `read${id}`, dna2(randomBases(bases, id + 7))];
}

describe('heap', () => {
  it('inserts, scans, deletes and updates across many blocks', async () => {
    const table = await createSequenceTable();
    const write = await engine.beginWrite();
    const rows = Array.from({ length: 2000 }, (_, id) => sequenceRow(id));
    const rowIds = write.insertRows(table.id, rows);
    expect(rowIds[0]).toBe(0);
    expect(rowIds[1999]).toBe(1999);
    write.commit();

    const snapshot = engine.beginRead();
    const scanned = allRows(snapshot, table.id, [0, 2]);
    expect(scanned).toHaveLength(2000);
    expect(scanned[1234]?.[1]).toBe(1234);
    expect(scanned[1234]?.[2]).toEqual(dna2(randomBases(20, 1241)));
    expect(listTableBlocks(snapshot, table.id).blocks.map((block) => block.block)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    snapshot.close();

    const second = await engine.beginWrite();
    const evenRowIds = rowIds.filter((_, index) => index % 2 === 0);
    expect(second.deleteRows(table.id, evenRowIds)).toBe(1000);
    expect(second.deleteRows(table.id, [0, 2])).toBe(0); // already deleted
    const updated = second.updateRows(table.id, [
      { rowId: 1, values: [1, 'updated', null] },
      { rowId: 2, values: [2, 'deleted row', null] },
    ]);
    expect(updated[0]).toBe(2000);
    expect(updated[1]).toBeNull();
    second.commit();

    const after = engine.beginRead();
    expect(after.getTable(table.id)?.liveRowCount).toBe(1000);
    const remaining = allRows(after, table.id, [0, 1]);
    expect(remaining).toHaveLength(1000);
    expect(remaining.every(([, id]) => (id as number) % 2 === 1)).toBe(true);
    expect(remaining.at(-1)).toEqual([2000, 1, 'updated']);
    expect(readRows(after, table.id, [1, 3, 4, 2000, 99999], [1])).toEqual({
      rowIds: [3, 2000],
      columns: [['read3', 'updated']],
    });
    after.close();
  });

  it('decodes only selected columns and supports async iteration', async () => {
    const table = await createSequenceTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, Array.from({ length: 600 }, (_, id) => sequenceRow(id)));
    write.commit();
    const snapshot = engine.beginRead();
    const names: ColumnValue[] = [];
    for await (const batch of scanTable(snapshot, table.id, [1])) {
      expect(batch.columns).toHaveLength(1);
      names.push(...(batch.columns[0] ?? []));
    }
    expect(names).toHaveLength(600);
    expect(names[599]).toBe('read599');
    snapshot.close();
  });

  it('closes a block at about 64 KiB, so large rows get fewer rows per block and row ids skip', async () => {
    const table = await createSequenceTable();
    const write = await engine.beginWrite();
    // 10 000 bases = 2 500 bytes per DNA2 value: about 26 rows per 64 KiB block.
    const rowIds = write.insertRows(table.id, Array.from({ length: 60 }, (_, id) => sequenceRow(id, 10_000)));
    write.commit();
    const firstBlockRows = rowIds.filter((rowId) => rowId < rowsPerBlock).length;
    expect(firstBlockRows).toBeGreaterThan(20);
    expect(firstBlockRows).toBeLessThan(30);
    expect(rowIds[firstBlockRows]).toBe(rowsPerBlock);
    const snapshot = engine.beginRead();
    const bytes = readBlockBytes(snapshot, table.id, 0);
    expect(bytes?.length).toBeLessThanOrEqual(64 * 1024);
    const raw = readRawDnaColumn(bytes ?? new Uint8Array(), 2);
    expect(rawDnaValue(raw, 3)?.bitLength).toBe(20_000);
    expect(countRows(snapshot, table.id)).toBe(60);
    expect(readRows(snapshot, table.id, [rowsPerBlock - 1], [0]).rowIds).toEqual([]); // a hole, not a row
    snapshot.close();

    const second = await engine.beginWrite();
    expect(second.deleteRows(table.id, [rowsPerBlock - 1])).toBe(0);
    second.rollback();
  });

  it('keeps filling the last block across autocommitted single-row statements', async () => {
    const table = await createSequenceTable();
    for (let id = 0; id < 300; id += 1) {
      const write = await engine.beginWrite();
      write.insertRows(table.id, [sequenceRow(id)]);
      write.commit();
    }
    const snapshot = engine.beginRead();
    expect(listTableBlocks(snapshot, table.id).blocks.map((block) => block.block)).toEqual([0, 1]);
    expect(allRows(snapshot, table.id, [0]).map(([, id]) => id)).toEqual(Array.from({ length: 300 }, (_, id) => id));
    snapshot.close();
  });

  it('lets a write transaction read its own rows, but a scan does not see rows inserted after it began', async () => {
    const table = await createSequenceTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, Array.from({ length: 300 }, (_, id) => sequenceRow(id)));
    write.deleteRows(table.id, [5]);
    expect(countRows(write, table.id)).toBe(299);
    expect(write.getTable(table.id)?.liveRowCount).toBe(299);
    // INSERT INTO t SELECT * FROM t: the scan is fixed when created, so it terminates.
    for (const batch of scanTable(write, table.id)) {
      const rows = batch.rowIds.map((_, row) => batch.columns.map((column) => column[row] ?? null));
      write.insertRows(table.id, rows);
    }
    expect(countRows(write, table.id)).toBe(598);
    const outside = engine.beginRead();
    expect(outside.getTable(table.id)?.rowIdLimit).toBe(0);
    expect(countRows(outside, table.id)).toBe(0);
    outside.close();
    write.commit();
    const after = engine.beginRead();
    expect(countRows(after, table.id)).toBe(598);
    after.close();
  });

  it('truncates by switching to fresh storage', async () => {
    const table = await createSequenceTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, Array.from({ length: 500 }, (_, id) => sequenceRow(id)));
    write.commit();
    const truncate = await engine.beginWrite();
    truncate.truncateTable(table.id);
    truncate.insertRows(table.id, [sequenceRow(7)]);
    expect(countRows(truncate, table.id)).toBe(1);
    truncate.commit();
    const snapshot = engine.beginRead();
    expect(allRows(snapshot, table.id, [0])).toEqual([[0, 7]]);
    expect(snapshot.getTable(table.id)?.storageId).not.toBe(table.storageId);
    snapshot.close();
    expect(await engine.reclaimSpace()).toEqual({
      deletedHeapKeys: 0,
      deletedTombstoneKeys: 0,
      deletedUniqueKeys: 0,
      deletedGinKeys: 0,
    });
  });
});

type ModelOperation =
  | { readonly kind: 'insert'; readonly count: number; readonly bases: number }
  | { readonly kind: 'delete'; readonly fraction: number }
  | { readonly kind: 'update'; readonly fraction: number };
type ModelTransaction = { readonly operations: readonly ModelOperation[]; readonly commit: boolean };

/** Runs transactions on a fresh database and checks every step against a map of row id → name. */
async function checkAgainstModel(transactions: readonly ModelTransaction[]): Promise<void> {
  await engine.close();
  engine = await StorageEngine.open();
  const table = await createSequenceTable();
  let model = new Map<number, string>();
  let counter = 0;
  for (const { operations, commit } of transactions) {
    const write = await engine.beginWrite();
    const working = new Map(model);
    for (const step of operations) {
      const live = [...working.keys()];
      if (step.kind === 'insert') {
        const names = Array.from({ length: step.count }, () => `r${counter++}`);
        const rowIds = write.insertRows(
          table.id,
          names.map((name, index) => [index, name, dna2(randomBases(step.bases, index))]),
        );
        rowIds.forEach((rowId, index) => working.set(rowId, names[index] as string));
      } else if (step.kind === 'delete') {
        const victims = live.filter((_, index) => index < live.length * step.fraction);
        expect(write.deleteRows(table.id, victims)).toBe(victims.length);
        for (const rowId of victims) working.delete(rowId);
      } else {
        const victims = live.filter((_, index) => index % 3 === 0 && index < live.length * step.fraction * 3);
        const newIds = write.updateRows(
          table.id,
          victims.map((rowId) => ({ rowId, values: [0, `${working.get(rowId)}'`, null] })),
        );
        victims.forEach((rowId, index) => {
          const name = working.get(rowId) as string;
          working.delete(rowId);
          working.set(newIds[index] as number, `${name}'`);
        });
      }
      const inside = allRows(write, table.id, [1]).map(([rowId, name]) => [rowId, name]);
      expect(inside).toEqual([...working.entries()].sort((left, right) => left[0] - right[0]));
    }
    if (commit) {
      write.commit();
      model = working;
    } else {
      write.rollback();
    }
    const snapshot = engine.beginRead();
    const stored = allRows(snapshot, table.id, [1]).map(([rowId, name]) => [rowId, name]);
    expect(stored).toEqual([...model.entries()].sort((left, right) => left[0] - right[0]));
    expect(snapshot.getTable(table.id)?.liveRowCount).toBe(model.size);
    snapshot.close();
  }
  expect(await engine.reclaimSpace()).toMatchObject({ deletedHeapKeys: 0, deletedTombstoneKeys: 0 });
}

describe('heap against a model', () => {
  it('keeps the rows a rolled-back statement left in the last block invisible when the next writer closes it by size', async () => {
    // fast-check's counterexample (seed 2036584618): 112 committed rows fill block 0 close to its byte target, a
    // rolled-back update appends slot 112, the next insert does not fit and starts block 1 — slot 112 must not
    // come back below the new limit.
    await checkAgainstModel([
      { operations: [{ kind: 'insert', count: 112, bases: 2233 }], commit: true },
      { operations: [{ kind: 'update', fraction: 5e-324 }], commit: false },
      { operations: [{ kind: 'insert', count: 1, bases: 2561 }, { kind: 'update', fraction: 0 }], commit: false },
    ]);
  });

  it('matches a simple model through random inserts, deletes, updates, commits and rollbacks', async () => {
    const fc = (await import('fast-check')).default;
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), count: fc.integer({ min: 1, max: 400 }), bases: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constant('delete' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('update' as const), fraction: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
    );
    const transaction = fc.record({ operations: fc.array(operation, { minLength: 1, maxLength: 4 }), commit: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(transaction, { minLength: 1, maxLength: 5 }), checkAgainstModel),
      // HEAP_SEED=<seed> replays a counterexample.
      { numRuns: 15, ...(process.env['HEAP_SEED'] ? { seed: Number(process.env['HEAP_SEED']) } : {}) },
    );
  });

  it('gives workers what they need to read a table exactly as a snapshot sees it', async () => {
    const table = await createSequenceTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, Array.from({ length: 700 }, (_, id) => sequenceRow(id, 30)));
    write.deleteRows(table.id, [3, 300, 301]);
    write.commit();
    const snapshot = engine.beginRead();
    // A later, uncommitted append to the last block must not show through.
    const pending = await engine.beginWrite();
    pending.insertRows(table.id, Array.from({ length: 50 }, (_, id) => sequenceRow(1000 + id, 30)));
    pending.commit();
    const { blocks, rowIdLimit } = listTableBlocks(snapshot, table.id);
    expect(rowIdLimit).toBe(700);
    expect(blocks.map((block) => [block.block, block.slotLimit])).toEqual([[0, 256], [1, 256], [2, 188]]);
    const seen: number[] = [];
    for (const reference of blocks) {
      const raw = readRawDnaColumn(readBlockBytes(engine.beginRead(), table.id, reference.block) ?? new Uint8Array(), 2);
      for (let slot = 0; slot < Math.min(raw.rowCount, reference.slotLimit); slot += 1) {
        if (reference.tombstones !== null && ((reference.tombstones[slot >> 3] ?? 0) & (1 << (slot & 7))) !== 0) continue;
        if (rawDnaValue(raw, slot) !== null) seen.push(reference.block * rowsPerBlock + slot);
      }
    }
    expect(seen).toHaveLength(697);
    expect(seen).not.toContain(300);

    // The same from a worker thread that opens the database on its own.
    const { storageId } = listTableBlocks(snapshot, table.id);
    const worker = new Worker(new URL('./fixtures/worker-bootstrap.mjs', import.meta.url), {
      workerData: {
        module: new URL('./fixtures/block-worker.ts', import.meta.url).href,
        path: engine.path,
        storageId,
        blocks,
        column: 2,
      },
    });
    const result = await new Promise<{ rowIds: number[]; bases: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(result.rowIds).toEqual(seen);
    expect(result.bases).toBe(697 * 30);
    snapshot.close();
    // The worker closing its handle does not close the environment for this thread.
    const after = engine.beginRead();
    expect(countRows(after, table.id)).toBe(747);
    after.close();
  });
});
