import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { ColumnTypes, StorageEngine, type TableRecord, type WriteTransaction } from '../../src/storage/index.js';
import { allRows, countRows, dna2 } from './helpers.js';

let engine: StorageEngine;

beforeEach(async () => {
  engine = await StorageEngine.open();
});
afterEach(async () => {
  await engine.close();
});

/** The KmerSearchError thrown by `action`, as a plain object for exact comparison. */
function failure(action: () => unknown): { code: string; message: string; detail: string | undefined } {
  try {
    action();
  } catch (error) {
    if (error instanceof KmerSearchError) return { code: error.code, message: error.message, detail: error.detail };
    throw error;
  }
  throw new Error('expected an error');
}

async function createTable(): Promise<TableRecord> {
  const write = await engine.beginWrite();
  const table = write.createTable({
    name: 't',
    columns: [
      { name: 'id', type: ColumnTypes.int4, primaryKey: true },
      { name: 'name', type: ColumnTypes.text, unique: true },
      { name: 'x', type: ColumnTypes.float8, notNull: true },
    ],
  });
  write.commit();
  return table;
}

async function inWrite<T>(action: (write: WriteTransaction) => T): Promise<T> {
  const write = await engine.beginWrite();
  try {
    const result = action(write);
    write.commit();
    return result;
  } finally {
    write.rollback();
  }
}

describe('unique and NOT NULL constraints', () => {
  it('names constraints like PostgreSQL and reports violations with its exact texts', async () => {
    const table = await createTable();
    expect(table.constraints.map((constraint) => constraint.name)).toEqual(['t_pkey', 't_name_key']);
    expect(table.columns.map((column) => column.notNull)).toEqual([true, false, true]);
    await inWrite((write) => write.insertRows(table.id, [[1, 'a', 1.5]]));

    const write = await engine.beginWrite();
    expect(failure(() => write.insertRows(table.id, [[1, 'b', 0]]))).toEqual({
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_pkey"',
      detail: 'Key (id)=(1) already exists.',
    });
    expect(write.state).toBe('failed');
    expect(failure(() => write.insertRows(table.id, [[9, 'z', 0]])).code).toBe('25P02');
    write.rollback();

    const second = await engine.beginWrite();
    expect(failure(() => second.insertRows(table.id, [[2, 'a', 0]]))).toEqual({
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_name_key"',
      detail: 'Key (name)=(a) already exists.',
    });
    second.rollback();

    const third = await engine.beginWrite();
    expect(failure(() => third.insertRows(table.id, [[3, 'c', null]]))).toEqual({
      code: '23502',
      message: 'null value in column "x" of relation "t" violates not-null constraint',
      detail: 'Failing row contains (3, c, null).',
    });
    third.rollback();

    const fourth = await engine.beginWrite();
    expect(failure(() => fourth.insertRows(table.id, [[4, 'é'.repeat(40), null]])).detail).toBe(
      `Failing row contains (4, ${'é'.repeat(32)}..., null).`,
    );
    fourth.rollback();
  });

  it('checks multi-column keys, ignores NULLs and hashes long keys', async () => {
    const table = await inWrite((write) =>
      write.createTable({
        name: 'pairs',
        columns: [
          { name: 'a', type: ColumnTypes.int8 },
          { name: 'b', type: ColumnTypes.text },
          { name: 'c', type: ColumnTypes.text },
        ],
        constraints: [
          { kind: 'primary-key', columns: ['a', 'b'] },
          { kind: 'unique', columns: ['c'] },
        ],
      }),
    );
    expect(table.constraints.map((constraint) => constraint.name)).toEqual(['pairs_pkey', 'pairs_c_key']);
    const long = 'x'.repeat(2000);
    await inWrite((write) =>
      write.insertRows(table.id, [
        [1n, 'x', null],
        [1n, 'y', null],
        [2n, 'x', long],
      ]),
    );
    const write = await engine.beginWrite();
    expect(failure(() => write.insertRows(table.id, [[1n, 'y', 'other']]))).toMatchObject({
      detail: 'Key (a, b)=(1, y) already exists.',
    });
    write.rollback();
    const again = await engine.beginWrite();
    expect(failure(() => again.insertRows(table.id, [[3n, 'x', long]])).message).toBe(
      'duplicate key value violates unique constraint "pairs_c_key"',
    );
    again.rollback();
    const snapshot = engine.beginRead();
    const constraintC = table.constraints[1]?.id ?? 0;
    expect(snapshot.lookupUnique(table.id, constraintC, [long])).toBe(2);
    expect(snapshot.lookupUnique(table.id, table.constraints[0]?.id ?? 0, [1n, 'y'])).toBe(1);
    expect(snapshot.lookupUnique(table.id, constraintC, ['absent'])).toBeUndefined();
    snapshot.close();
  });

  it('allows re-inserting a key deleted in the same transaction, and restores it on rollback', async () => {
    const table = await createTable();
    await inWrite((write) => write.insertRows(table.id, [[1, 'a', 0], [2, 'b', 0]]));

    const write = await engine.beginWrite();
    write.deleteRows(table.id, [0]);
    write.insertRows(table.id, [[1, 'a2', 0]]);
    expect(write.lookupUnique(table.id, table.constraints[0]?.id ?? 0, [1])).toBe(2);
    write.rollback();

    const snapshot = engine.beginRead();
    expect(snapshot.lookupUnique(table.id, table.constraints[0]?.id ?? 0, [1])).toBe(0);
    snapshot.close();
    const check = await engine.beginWrite();
    expect(failure(() => check.insertRows(table.id, [[1, 'q', 0]])).detail).toBe('Key (id)=(1) already exists.');
    check.rollback();

    // Committed this time: the old row's entry is replaced, and the deleted row no longer blocks its key.
    await inWrite((write2) => {
      write2.deleteRows(table.id, [0]);
      write2.insertRows(table.id, [[1, 'a2', 0]]);
    });
    await inWrite((write3) => write3.insertRows(table.id, [[3, 'a', 0]]));
    const after = engine.beginRead();
    expect(allRows(after, table.id, [0, 1])).toEqual([
      [1, 2, 'b'],
      [2, 1, 'a2'],
      [3, 3, 'a'],
    ]);
    after.close();
  });

  it('does not treat entries of rolled-back inserts as duplicates', async () => {
    const table = await createTable();
    const write = await engine.beginWrite();
    write.insertRows(table.id, Array.from({ length: 600 }, (_, id) => [id, `n${id}`, 0]));
    write.rollback();
    await inWrite((again) => again.insertRows(table.id, Array.from({ length: 600 }, (_, id) => [id, `m${id}`, 1])));
    const snapshot = engine.beginRead();
    expect(countRows(snapshot, table.id)).toBe(600);
    snapshot.close();
    expect((await engine.reclaimSpace()).deletedUniqueKeys).toBe(0);
  });

  it('checks updates row by row in physical order, as PostgreSQL does', async () => {
    const table = await createTable();
    await inWrite((write) => write.insertRows(table.id, [[1, 'a', 0], [2, 'b', 0]]));
    // Changing a non-key column keeps the key.
    await inWrite((write) =>
      write.updateRows(table.id, [
        { rowId: 0, values: [1, 'a', 5] },
        { rowId: 1, values: [2, 'b', 6] },
      ]),
    );
    // SET id = id + 1: row 1 becomes 2 while 2 still exists.
    const write = await engine.beginWrite();
    const snapshot = engine.beginRead();
    const rows = allRows(snapshot, table.id);
    snapshot.close();
    expect(
      failure(() =>
        write.updateRows(
          table.id,
          rows.map(([rowId, id, name, x]) => ({ rowId: rowId as number, values: [(id as number) + 1, name as string, x as number] })),
        ),
      ).detail,
    ).toBe('Key (id)=(2) already exists.');
    write.rollback();
  });

  it('gives truncated tables fresh unique entries', async () => {
    const table = await createTable();
    await inWrite((write) => write.insertRows(table.id, [[1, 'a', 0]]));
    await inWrite((write) => {
      write.truncateTable(table.id);
      write.insertRows(table.id, [[1, 'a', 0]]);
      expect(failure(() => write.insertRows(table.id, [[1, 'b', 0]])).code).toBe('23505');
    }).catch(() => undefined);
    await inWrite((write) => {
      write.truncateTable(table.id);
      write.insertRows(table.id, [[1, 'a', 0]]);
    });
    const snapshot = engine.beginRead();
    expect(allRows(snapshot, table.id, [0])).toEqual([[0, 1]]);
    snapshot.close();
  });
});

describe('catalog', () => {
  it('creates serial sequences with PostgreSQL names and defaults; nextval is not rolled back', async () => {
    const table = await inWrite((write) =>
      write.createTable({
        name: 'reads',
        columns: [
          { name: 'id', type: ColumnTypes.int8, serial: 'bigserial', primaryKey: true },
          { name: 'seq', type: ColumnTypes.dna2 },
        ],
      }),
    );
    expect(table.columns[0]).toMatchObject({ notNull: true, defaultExpression: "nextval('reads_id_seq'::regclass)" });
    const sequenceId = engine.beginRead().getSequence('reads_id_seq')?.id ?? 0;
    const write = await engine.beginWrite();
    expect(write.nextSequenceValue(sequenceId)).toBe(1n);
    expect(write.nextSequenceValue(sequenceId)).toBe(2n);
    write.insertRows(table.id, [[2n, dna2('ACGT')]]);
    write.rollback();
    const next = await engine.beginWrite();
    expect(next.nextSequenceValue(sequenceId)).toBe(3n);
    next.setSequenceValue(sequenceId, 100n);
    expect(next.nextSequenceValue(sequenceId)).toBe(101n);
    next.commit();
    const snapshot = engine.beginRead();
    expect(snapshot.getSequence('reads_id_seq')).toMatchObject({ lastValue: 101n, isCalled: true, ownedBy: { tableId: table.id } });
    snapshot.close();

    const limited = await engine.beginWrite();
    const small = limited.createSequence({ name: 's', dataType: 'int2', maxValue: 2n });
    limited.nextSequenceValue(small.id);
    limited.nextSequenceValue(small.id);
    expect(failure(() => limited.nextSequenceValue(small.id))).toMatchObject({
      code: '2200H',
      message: 'nextval: reached maximum value of sequence "s" (2)',
    });
    limited.rollback();

    await inWrite((drop) => drop.dropTable(table.id));
    const after = engine.beginRead();
    expect(after.getSequence('reads_id_seq')).toBeUndefined();
    expect(after.getTable('reads')).toBeUndefined();
    expect(after.findRelation('reads_pkey')).toBeUndefined();
    after.close();
  });

  it('rejects conflicting definitions with PostgreSQL errors and avoids taken names', async () => {
    await createTable();
    const write = await engine.beginWrite();
    expect(failure(() => write.createTable({ name: 't', columns: [] }))).toMatchObject({
      code: '42P07',
      message: 'relation "t" already exists',
    });
    write.rollback();
    const second = await engine.beginWrite();
    expect(
      failure(() =>
        second.createTable({
          name: 'u',
          columns: [
            { name: 'a', type: ColumnTypes.int4, primaryKey: true },
            { name: 'b', type: ColumnTypes.int4, primaryKey: true },
          ],
        }),
      ),
    ).toMatchObject({ code: '42P16', message: 'multiple primary keys for table "u" are not allowed' });
    second.rollback();
    const third = await engine.beginWrite();
    expect(
      failure(() => third.createTable({ name: 'u', columns: [{ name: 'a', type: ColumnTypes.int4 }, { name: 'a', type: ColumnTypes.text }] })),
    ).toMatchObject({ code: '42701', message: 'column "a" specified more than once' });
    third.rollback();

    const naming = await engine.beginWrite();
    naming.createTable({ name: 'v_pkey', columns: [] });
    const v = naming.createTable({ name: 'v', columns: [{ name: 'id', type: ColumnTypes.int4, primaryKey: true, unique: true }] });
    expect(v.constraints.map((constraint) => constraint.name)).toEqual(['v_pkey1']);
    const index = naming.createIndex({ tableId: v.id, columnName: 'id', operatorClass: 'kmersearch_dna2_gin_ops_int4' });
    expect(index.name).toBe('v_id_idx');
    naming.putCatalogEntry('analysis', 'v.id', { k: 16, rows: 3n });
    naming.commit();
    const snapshot = engine.beginRead();
    expect(snapshot.listIndexes(v.id).map((record) => record.name)).toEqual(['v_id_idx']);
    expect(snapshot.getCatalogEntry('analysis', 'v.id')).toEqual({ k: 16, rows: 3n });
    expect(snapshot.listCatalogEntries('analysis')).toEqual([{ key: 'v.id', value: { k: 16, rows: 3n } }]);
    expect(snapshot.listTables().map((table) => table.name)).toEqual(['t', 'v_pkey', 'v']);
    expect(snapshot.getTable('v')?.id).toBeGreaterThanOrEqual(16384);
    snapshot.close();
  });
});
