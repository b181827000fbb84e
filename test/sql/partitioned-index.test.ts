/**
 * CREATE INDEX, DROP INDEX and REINDEX on a partitioned table, as PostgreSQL does them (SPEC §7.2, §8): a
 * partitioned index on the parent with one index per partition attached to it, named by ChooseRelationName; the
 * statement atomic; the attached indexes dropped and rebuilt with it and not droppable alone; the answers those of
 * the sequential evaluation and of the unpartitioned table; kmersearch_index_info as the reference's event trigger
 * fills it; kmersearch_unpartition_table and DROP TABLE leaving nothing behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { indexBuildTestHooks } from '../../src/sql/executor/index-build.js';
import type { StorageEngine } from '../../src/storage/index.js';
import { answer, loadTwin, sequences } from '../partition/twin-helpers.js';
import { expectError, noticeCollector, openDatabase, textRows } from './engine-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

afterEach(() => {
  indexBuildTestHooks.current = undefined;
});

/** Every index of the database as `name on table`, in id order (read from storage: SQL has no pg_class). */
function indexCatalog(database: KmerSearch): string[] {
  const snapshot = (database as unknown as { readonly storage: StorageEngine }).storage.beginRead();
  try {
    return snapshot.listIndexes().sort((left, right) => left.id - right.id).map((index) => `${index.name} on ${snapshot.getTable(index.tableId)?.name ?? '?'}`);
  } finally {
    snapshot.close();
  }
}

const createOnSplit = 'CREATE INDEX split_idx ON split USING gin (seq kmersearch_dna2_gin_ops_int4)';

describe('CREATE INDEX on a partitioned table', () => {
  it('creates the partitioned index and one attached index per partition, named as PostgreSQL names them', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(60, 3));
    const { notices, options } = noticeCollector();
    const progress: unknown[] = [];
    expect((await database.query(createOnSplit, [], { ...options, onProgress: (report) => progress.push(report) })).commandTag).toBe('CREATE INDEX');
    expect(notices).toEqual([]);
    expect(progress.length).toBeGreaterThanOrEqual(8);
    expect(indexCatalog(database)).toEqual(['split_idx on split', ...[0, 1, 2, 3].map((remainder) => `split_${remainder}_seq_idx on split_${remainder}`)]);
  });
});
