/**
 * searchPartitions: a batch of queries over the partitions' indexes gives, per query, the scores the flat
 * table's index gives, and names each row by its combined row id (partition and row).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KmerSearch } from '../../src/index.js';
import { searchPartitions, splitRowId } from '../../src/partition/index.js';
import { describeIndexSearch, searchQueries, WorkerPool } from '../../src/parallel/index.js';
import { StorageEngine, readRows } from '../../src/storage/index.js';

const directory = mkdtempSync(join(tmpdir(), 'kmersearch-fan-out-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function sequences(count: number): string[] {
  let state = 99;
  return Array.from({ length: count }, () => {
    let text = '';
    for (let base = 0; base < 30; base++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      text += 'ACGT'[(state >> 16) & 3];
    }
    return text;
  });
}

describe('searchPartitions', () => {
  it('agrees with the flat index in the calling thread and on one pool worker', async () => {
    const values = sequences(80);
    const db = await KmerSearch.open({ path: directory });
    await db.exec('SET kmersearch.kmer_size = 8; SET max_parallel_maintenance_workers = 0');
    for (const table of ['flat', 'split']) {
      await db.exec(`CREATE TABLE ${table} (name text, seq dna2)`);
      await db.exec(`INSERT INTO ${table} VALUES ${values.map((value, index) => `('r${index}', '${value}')`).join(', ')}`);
    }
    await db.exec('CREATE INDEX flat_idx ON flat USING gin (seq kmersearch_dna2_gin_ops_int4)');
    await db.query("SELECT kmersearch_partition_table('split', 3)");
    await db.query("SELECT * FROM kmersearch_parallel_create_index('split', 'seq')", [], { onNotice: () => undefined });
    await db.close();

    const storage = await StorageEngine.open(directory);
    const pool = new WorkerPool({ maxThreads: 1 });
    try {
      const snapshot = storage.beginRead();
      const flatIndex = snapshot.getIndex('flat_idx')!;
      const partitions = [0, 1, 2].map((remainder) => snapshot.getIndex(`split_${remainder}_seq_gin_idx`)!);
      const input = { databasePath: directory, queries: [values[5]!.slice(0, 20), values[40]!, 'ACGTACGTACGT'], thresholds: { minScore: 1, minSharedKmerRate: 0.2 }, limit: 5 };
      const flat = await searchQueries(null, 0, { ...input, index: describeIndexSearch(snapshot, flatIndex.id) });
      const descriptors = partitions.map((index) => describeIndexSearch(snapshot, index.id));
      for (const workers of [0, 1]) {
        const fanOut = await searchPartitions(workers === 0 ? null : pool, workers, { ...input, partitions: descriptors });
        expect(Array.from(fanOut.offsets)).toEqual(Array.from(flat.offsets));
        expect(Array.from(fanOut.shared)).toEqual(Array.from(flat.shared));
        // The best row of each query is the same row (by name) as in the flat table.
        for (let query = 0; query < 2; query++) {
          const flatName = readRows(snapshot, flatIndex.tableId, [flat.rowIds[flat.offsets[query]!]!], [0]).columns[0]?.[0];
          const { rowId, remainder } = splitRowId(fanOut.rowIds[fanOut.offsets[query]!]!, 3);
          const partitionName = readRows(snapshot, partitions[remainder]!.tableId, [rowId], [0]).columns[0]?.[0];
          expect(partitionName).toBe(flatName);
        }
      }
      snapshot.close();
    } finally {
      await pool.close();
      await storage.close();
    }
  }, 60_000);
});
