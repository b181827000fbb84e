import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ColumnTypes,
  StorageEngine,
  indexRowEntryKey,
  indexRowEntryRowId,
  type IndexRecord,
  type StorageView,
  type TableRecord,
} from '../../src/storage/index.js';
import { dna2, randomBases, temporaryDirectory } from './helpers.js';

let directory: ReturnType<typeof temporaryDirectory>;
let engine: StorageEngine;

beforeEach(async () => {
  directory = temporaryDirectory();
  engine = await StorageEngine.open(directory.path);
});
afterEach(async () => {
  await engine.close();
  directory.remove();
});

function key(space: number, suffix: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(space, 0);
  bytes.writeUInt32BE(suffix, 4);
  return bytes;
}

function spaceEntries(view: StorageView, space: number): string[] {
  return [...view.indexEntries(key(space, 0), key(space + 1, 0))].map(
    ({ key: entryKey, value }) => `${Buffer.from(entryKey).subarray(4).toString('hex')}=${Buffer.from(value).toString()}`,
  );
}

async function tableWithIndex(rows = 3): Promise<{ table: TableRecord; index: IndexRecord }> {
  const write = await engine.beginWrite();
  const table = write.createTable({ name: 't', columns: [{ name: 'seq', type: ColumnTypes.dna2 }] });
  write.insertRows(table.id, Array.from({ length: rows }, (_, index) => [dna2(randomBases(20, index))]));
  const index = write.createIndex({ tableId: table.id, columnName: 'seq', operatorClass: 'ops' });
  write.commit();
  return { table, index };
}

describe('index data spaces', () => {
  it('gives an index its own storage and row-entry spaces', async () => {
    const { index } = await tableWithIndex();
    expect(new Set([index.id, index.storageId, index.rowEntriesId]).size).toBe(3);
    expect(engine.beginRead().getIndex(index.id)).toEqual(index);
  });

  it('publishes a new space with the commit that names it, and deletes the replaced one afterwards', async () => {
    const created = await tableWithIndex();
    // A published space can no longer be written to.
    const denied = await engine.beginWrite();
    expect(() => denied.putIndexEntries([{ key: key(created.index.storageId, 2), value: Buffer.from('x') }])).toThrow(
      'index data may only be written to a space of this transaction',
    );
    denied.rollback();
    const first = await engine.beginWrite();
    const firstSpace = first.allocateIndexSpace();
    first.putIndexEntries([{ key: key(firstSpace, 1), value: Buffer.from('old') }], { append: true });
    const index = first.replaceIndexSpaces(created.index.id, { storageId: firstSpace });
    first.commit();

    const rebuild = await engine.beginWrite();
    const space = rebuild.allocateIndexSpace();
    rebuild.putIndexEntries([{ key: key(space, 1), value: Buffer.from('new') }], { append: true });
    const before = engine.beginRead();
    rebuild.replaceIndexSpaces(index.id, { storageId: space, options: { rebuilt: true } });
    expect(rebuild.getIndex(index.id)?.storageId).toBe(space);
    expect(before.getIndex(index.id)?.storageId).toBe(index.storageId);
    rebuild.commit();
    // The old snapshot still reads the old space; new readers see only the new one.
    expect(spaceEntries(before, index.storageId)).toEqual(['00000001=old']);
    before.close();
    const after = engine.beginRead();
    expect(after.getIndex(index.id)).toMatchObject({ storageId: space, options: { rebuilt: true } });
    expect(spaceEntries(after, space)).toEqual(['00000001=new']);
    expect(spaceEntries(after, index.storageId)).toEqual([]);
    after.close();
  });

  it('deletes the spaces of a rolled-back rebuild and of spaces no record names at commit', async () => {
    const { index } = await tableWithIndex();
    const rolledBack = await engine.beginWrite();
    const space = rolledBack.allocateIndexSpace();
    rolledBack.putIndexEntries([{ key: key(space, 1), value: Buffer.from('a') }]);
    rolledBack.replaceIndexSpaces(index.id, { storageId: space });
    rolledBack.rollback();
    expect(engine.beginRead().getIndex(index.id)?.storageId).toBe(index.storageId);
    expect(engine.spaceUsage().gin.entries).toBe(0);

    const unused = await engine.beginWrite();
    const orphan = unused.allocateIndexSpace();
    unused.putIndexEntries([{ key: key(orphan, 1), value: Buffer.from('b') }]);
    const discarded = unused.allocateIndexSpace();
    unused.putIndexEntries([{ key: key(discarded, 1), value: Buffer.from('c') }]);
    unused.discardIndexSpace(discarded);
    expect(engine.spaceUsage().gin.entries).toBe(1);
    unused.commit();
    expect(engine.spaceUsage().gin.entries).toBe(0);
  });

  it('keeps per-row entries visible exactly with their rows', async () => {
    const { table, index } = await tableWithIndex(3);
    const write = await engine.beginWrite();
    expect(() => write.putIndexRowEntries(index.id, [{ rowId: 1, value: Buffer.from('published row') }])).toThrow(
      'row 1 is published: its index entry cannot change',
    );
    write.rollback();
    const insert = await engine.beginWrite();
    const [rowId] = insert.insertRows(table.id, [[dna2('ACGTACGT')]]) as [number];
    insert.putIndexRowEntries(index.id, [{ rowId, value: Buffer.from('r3') }]);
    insert.commit();
    const ghost = await engine.beginWrite();
    const ghostIds = ghost.insertRows(table.id, [[dna2('ACGT')], [dna2('ACGT')]]);
    ghost.putIndexRowEntries(index.id, ghostIds.map((id) => ({ rowId: id, value: Buffer.from(`ghost${id}`) })));
    expect(ghost.readIndexEntry(indexRowEntryKey(index.rowEntriesId, ghostIds[0]!))).toBeDefined();
    ghost.rollback();
    const snapshot = engine.beginRead();
    const rows = [...snapshot.indexEntries(indexRowEntryKey(index.rowEntriesId, 0), key(index.rowEntriesId + 1, 0))];
    expect(rows.map((entry) => [indexRowEntryRowId(entry.key), Buffer.from(entry.value).toString()])).toEqual([[3, 'r3']]);
    snapshot.close();
  });

  it('sweeps unpublished row entries and unreferenced spaces of a writer that died', async () => {
    const { table, index } = await tableWithIndex(3);
    const published = await engine.beginWrite();
    const [publishedRow] = published.insertRows(table.id, [[dna2('ACGTAC')]]) as [number];
    published.putIndexRowEntries(index.id, [{ rowId: publishedRow, value: Buffer.from('kept') }]);
    published.commit();
    // Simulate what a killed writer leaves: entries written, nothing published.
    const write = await engine.beginWrite();
    const ids = write.insertRows(table.id, [[dna2('ACGTAC')], [dna2('ACGTAC')]]);
    write.putIndexRowEntries(index.id, ids.map((id) => ({ rowId: id, value: Buffer.from('x') })));
    const space = write.allocateIndexSpace();
    write.putIndexEntries([{ key: key(space, 9), value: Buffer.from('orphan page') }]);
    // Drop the transaction's bookkeeping without its rollback, as a crash would.
    (write as unknown as { currentState: string }).currentState = 'committed';
    (write as unknown as { hooks: { onEnd: (transaction: unknown) => void } }).hooks.onEnd(write);
    expect(engine.spaceUsage().gin.entries).toBe(4);
    // The next writer finds the lock of the "dead" writer and sweeps.
    await engine.reclaimSpace();
    const snapshot = engine.beginRead();
    expect(spaceEntries(snapshot, index.rowEntriesId)).toHaveLength(1);
    expect(spaceEntries(snapshot, space)).toEqual([]);
    snapshot.close();
    expect(engine.spaceUsage().gin.entries).toBe(1);
  });

  it('drops every space of a dropped index after the commit', async () => {
    const { table, index } = await tableWithIndex(1);
    const insert = await engine.beginWrite();
    const [rowId] = insert.insertRows(table.id, [[dna2('ACGTACGT')]]) as [number];
    insert.putIndexRowEntries(index.id, [{ rowId, value: Buffer.from('entry') }]);
    const space = insert.allocateIndexSpace();
    insert.putIndexEntries([{ key: key(space, 1), value: Buffer.from('page') }]);
    insert.replaceIndexSpaces(index.id, { storageId: space });
    insert.commit();
    expect(engine.spaceUsage().gin.entries).toBe(2);
    const drop = await engine.beginWrite();
    drop.dropTable(table.id);
    drop.commit();
    expect(engine.spaceUsage().gin.entries).toBe(0);
  });
});

describe('catalog entries that own data spaces', () => {
  async function storeEntry(name: string, text: string): Promise<number> {
    const write = await engine.beginWrite();
    const space = write.allocateIndexSpace();
    write.putIndexEntries([{ key: key(space, 1), value: Buffer.from(text) }], { append: true });
    write.putCatalogEntry('test', name, { space }, [space]);
    write.commit();
    return space;
  }

  it('keeps an owned space through commit, reopen and the crash sweep', async () => {
    const space = await storeEntry('a', 'kept');
    await engine.close();
    engine = await StorageEngine.open(directory.path);
    await engine.reclaimSpace();
    const snapshot = engine.beginRead();
    expect(snapshot.getCatalogEntry('test', 'a')).toEqual({ space });
    expect(spaceEntries(snapshot, space)).toEqual(['00000001=kept']);
    snapshot.close();
  });

  it('deletes the old space after the commit that replaces or removes the entry, not on rollback', async () => {
    const first = await storeEntry('a', 'first');
    const replace = await engine.beginWrite();
    const second = replace.allocateIndexSpace();
    replace.putIndexEntries([{ key: key(second, 1), value: Buffer.from('second') }], { append: true });
    replace.putCatalogEntry('test', 'a', { space: second }, [second]);
    replace.rollback();
    let snapshot = engine.beginRead();
    expect(snapshot.getCatalogEntry('test', 'a')).toEqual({ space: first });
    expect(spaceEntries(snapshot, first)).toEqual(['00000001=first']);
    expect(spaceEntries(snapshot, second)).toEqual([]);
    snapshot.close();

    const third = await storeEntry('a', 'third');
    snapshot = engine.beginRead();
    expect(spaceEntries(snapshot, first)).toEqual([]);
    expect(spaceEntries(snapshot, third)).toEqual(['00000001=third']);
    snapshot.close();

    const remove = await engine.beginWrite();
    remove.putCatalogEntry('test', 'a', undefined);
    remove.commit();
    expect(engine.spaceUsage().gin.entries).toBe(0);
    expect(engine.beginRead().listCatalogEntries('test')).toEqual([]);
  });

  it('moves an owned space to another entry without deleting it', async () => {
    const space = await storeEntry('a', 'moved');
    const move = await engine.beginWrite();
    move.putCatalogEntry('test', 'b', { space }, [space]);
    move.putCatalogEntry('test', 'a', undefined);
    move.commit();
    await engine.reclaimSpace();
    const snapshot = engine.beginRead();
    expect(snapshot.listCatalogEntries('test')).toEqual([{ key: 'b', value: { space } }]);
    expect(spaceEntries(snapshot, space)).toEqual(['00000001=moved']);
    snapshot.close();
  });

  it('refuses a space that is neither new nor owned', async () => {
    const { index } = await tableWithIndex(1);
    const write = await engine.beginWrite();
    expect(() => write.putCatalogEntry('test', 'a', {}, [index.storageId])).toThrow(
      `data space ${index.storageId} was neither allocated by this transaction nor owned by an entry`,
    );
    write.rollback();
  });

  it('sweeps the space of an entry whose writer died before the commit', async () => {
    await storeEntry('a', 'kept');
    const write = await engine.beginWrite();
    const space = write.allocateIndexSpace();
    write.putIndexEntries([{ key: key(space, 1), value: Buffer.from('orphan') }]);
    write.putCatalogEntry('test', 'a', { space }, [space]);
    (write as unknown as { currentState: string }).currentState = 'committed';
    (write as unknown as { hooks: { onEnd: (transaction: unknown) => void } }).hooks.onEnd(write);
    expect(engine.spaceUsage().gin.entries).toBe(2);
    await engine.reclaimSpace();
    expect(engine.spaceUsage().gin.entries).toBe(1);
  });
});
