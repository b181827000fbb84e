/**
 * The fetch of an index scan's rows (src/sql/executor/index-scan.ts): without a filter, a block is decoded from
 * lmdb-js's reused read buffer, so it must be read again whenever the scan was suspended (every 256 rows) and
 * something else may have read storage. Rows spanning several blocks, consumed by a subquery per row that reads
 * another table between batches, and by a filter, must be exactly the sequential scan's.
 */
import { describe, it } from 'vitest';
import { openDatabase } from './engine-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

describe('index scan fetch', () => {
  it('returns the sequential rows across blocks and batches, also when the consumer reads storage in between', async () => {
    const db = await openDatabase();
    await db.exec(`
      SET kmersearch.kmer_size = 4;
      SET kmersearch.min_shared_kmer_rate = 0.2;
      CREATE TABLE t (id int, name text, seq dna2);
      -- A third of the rows match nothing, so batches of 256 matched rows end in the middle of blocks.
      INSERT INTO t SELECT i, 'row ' || i || repeat('x', i % 50),
          CASE WHEN i % 3 = 0 THEN repeat('T', 24) ELSE substr(repeat('ACGTTGCAAGCT', 4), i % 12 + 1, 24) END::dna2
        FROM generate_series(1, 900) AS i;
      CREATE TABLE other (id int, label text);
      INSERT INTO other SELECT i, 'label ' || i FROM generate_series(1, 900, 3) AS i;
      CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2);
    `);
    const query = "'ACGTTGCAAGCTACGT'";
    await expectSameOnBothPaths(db, `SELECT id, name, kmersearch_matchscore(seq, ${query}) FROM t WHERE seq =% ${query}`, true);
    await expectSameOnBothPaths(
      db,
      `SELECT id, name, (SELECT label FROM other o WHERE o.id = t.id) FROM t WHERE seq =% ${query}`,
      true,
    );
    await expectSameOnBothPaths(db, `SELECT id, name FROM t WHERE seq =% ${query} AND name LIKE '%x%' AND id % 7 <> 0`, true);
  });
});
