/**
 * The planner's use of kmersearch indexes (SPEC §4, F4, F7, F14): when an index answers `col =% q`, how EXPLAIN
 * shows it (PostgreSQL's Bitmap Heap Scan / Bitmap Index Scan lines) or why it was not used, the planner switches,
 * scores of `ORDER BY kmersearch_matchscore(…) DESC LIMIT n` taken from the index's counts, the cache counters of
 * an index scan, and errors that are the sequential path's.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAcceptedQueryText, KeyExtractor, keyLayout, queryKeysOf } from '../../src/kmer/index.js';
import { KmerSearch } from '../../src/index.js';
import { openDatabase, rejection, textRows } from './engine-helpers.js';
import { explain, expectSameOnBothPaths, outcomeOf } from './index-helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** 40 rows of 12 bases, k = 4, b = 8, an int2 index, min_shared_kmer_rate = 0.2. */
async function indexedTable(): Promise<KmerSearch> {
  const db = await openDatabase();
  await db.exec(`
    SET kmersearch.kmer_size = 4;
    SET kmersearch.min_shared_kmer_rate = 0.2;
    CREATE TABLE t (id int, name text, seq dna2);
    INSERT INTO t SELECT i, 'r' || i, substr(repeat('ACGTTGCAAGCT', 3), i % 12 + 1, 12)::dna2 FROM generate_series(1, 40) AS i;
    INSERT INTO t VALUES (41, 'null', NULL), (42, 'short', 'ACG');
    CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2);
  `);
  return db;
}

async function cacheCounters(db: KmerSearch): Promise<(string | null)[][]> {
  return textRows(db, 'SELECT cache_type, total_hits, total_misses FROM kmersearch_cache_summary');
}

describe('EXPLAIN of the two paths', () => {
  it('prints the reference shape for an index search, with the other conjuncts as Filter', async () => {
    const db = await indexedTable();
    expect(await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'")).toEqual([
      'Bitmap Heap Scan on t',
      "  Recheck Cond: (seq =% 'ACGTTGCA'::text)",
      '  ->  Bitmap Index Scan on t_seq_idx',
      "        Index Cond: (seq =% 'ACGTTGCA'::text)",
    ]);
    expect(await explain(db, "SELECT id FROM t x WHERE id > 3 AND x.seq =% 'ACGTTGCA' AND name <> 'r5'")).toEqual([
      'Bitmap Heap Scan on t x',
      "  Recheck Cond: (seq =% 'ACGTTGCA'::text)",
      "  Filter: ((id > 3) AND (name <> 'r5'::text))",
      '  ->  Bitmap Index Scan on t_seq_idx',
      "        Index Cond: (seq =% 'ACGTTGCA'::text)",
    ]);
    expect(await explain(db, "SELECT name, kmersearch_matchscore(seq, 'ACGTTGCA') FROM t WHERE seq =% 'ACGTTGCA' ORDER BY 2 DESC LIMIT 10")).toEqual([
      'Limit',
      '  ->  Sort',
      "        Sort Key: (kmersearch_matchscore(seq, 'ACGTTGCA'::text)) DESC",
      '        ->  Bitmap Heap Scan on t',
      "              Recheck Cond: (seq =% 'ACGTTGCA'::text)",
      '              ->  Bitmap Index Scan on t_seq_idx',
      "                    Index Cond: (seq =% 'ACGTTGCA'::text)",
    ]);
    expect(await explain(db, "DELETE FROM t WHERE seq =% 'ACGTTGCA'")).toEqual([
      'Delete on t',
      '  ->  Bitmap Heap Scan on t',
      "        Recheck Cond: (seq =% 'ACGTTGCA'::text)",
      '        ->  Bitmap Index Scan on t_seq_idx',
      "              Index Cond: (seq =% 'ACGTTGCA'::text)",
    ]);
    // An OR, a column on the right, or a volatile query cannot use the index.
    expect((await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA' OR id = 1"))[0]).toBe('Seq Scan on t');
    expect((await explain(db, 'SELECT id FROM t WHERE seq =% name'))[0]).toBe('Seq Scan on t');
    expect((await explain(db, "SELECT id FROM t WHERE seq =% (SELECT 'ACGTTGCA')"))[0]).toBe('Seq Scan on t');
    // A row-independent expression is evaluated once.
    expect((await explain(db, "SELECT id FROM t WHERE seq =% repeat('ACGT', 2)"))[0]).toBe('Bitmap Heap Scan on t');
  });

  it('says why an index built under other settings is not used, for each recorded setting (F7)', async () => {
    const db = await indexedTable();
    const notUsed = async (): Promise<string[]> => (await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'")).slice(2);
    await db.query('SET kmersearch.kmer_size = 5');
    expect(await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'")).toEqual([
      'Seq Scan on t',
      "  Filter: (seq =% 'ACGTTGCA'::text)",
      '  Index t_seq_idx not used: built with kmersearch.kmer_size=4 (current 5)',
    ]);
    await db.query('SET kmersearch.occur_bitlen = 2');
    expect(await notUsed()).toEqual(['  Index t_seq_idx not used: built with kmersearch.kmer_size=4 (current 5), kmersearch.occur_bitlen=8 (current 2)']);
    await db.exec('RESET kmersearch.occur_bitlen; SET kmersearch.kmer_size = 4; SET kmersearch.max_appearance_rate = 0.25');
    expect(await notUsed()).toEqual(['  Index t_seq_idx not used: built with kmersearch.max_appearance_rate=0.5 (current 0.25)']);
    // Within the reference's tolerance of 0.0001 the rate counts as equal.
    await db.query('SET kmersearch.max_appearance_rate = 0.50005');
    expect((await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'"))[0]).toBe('Bitmap Heap Scan on t');
    await db.exec('RESET kmersearch.max_appearance_rate; SET kmersearch.max_appearance_nrow = 3');
    expect(await notUsed()).toEqual(['  Index t_seq_idx not used: built with kmersearch.max_appearance_nrow=0 (current 3)']);
    await db.exec('RESET kmersearch.max_appearance_nrow; SET kmersearch.preclude_highfreq_kmer = on');
    expect(await notUsed()).toEqual(['  Index t_seq_idx not used: built with kmersearch.preclude_highfreq_kmer=off (current on)']);
    await db.exec('RESET kmersearch.preclude_highfreq_kmer; SET kmersearch.min_score = 0; SET kmersearch.min_shared_kmer_rate = 0');
    expect(await notUsed()).toEqual([
      '  Index t_seq_idx not used: kmersearch.min_score = 0 and kmersearch.min_shared_kmer_rate = 0 also match rows sharing no k-mer',
    ]);
    // min_score alone keeps ams ≥ 1 for every query with keys.
    await db.query('SET kmersearch.min_score = 1');
    expect((await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'"))[0]).toBe('Bitmap Heap Scan on t');
  });

  it('uses a matching index where another one does not match, silently', async () => {
    const db = await indexedTable();
    await db.exec('SET kmersearch.kmer_size = 6; CREATE INDEX t_seq_k6 ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    expect(await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'")).toEqual([
      'Bitmap Heap Scan on t',
      "  Recheck Cond: (seq =% 'ACGTTGCA'::text)",
      '  ->  Bitmap Index Scan on t_seq_k6',
      "        Index Cond: (seq =% 'ACGTTGCA'::text)",
    ]);
    await db.query('SET kmersearch.kmer_size = 4');
    expect((await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'"))[2]).toBe('  ->  Bitmap Index Scan on t_seq_idx');
  });

  it('follows enable_bitmapscan and enable_seqscan; enable_indexscan does not concern GIN', async () => {
    const db = await indexedTable();
    const first = async (): Promise<string | undefined> => (await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'"))[0];
    await db.query('SET enable_indexscan = off');
    expect(await first()).toBe('Bitmap Heap Scan on t');
    await db.query('SET enable_bitmapscan = off');
    expect(await explain(db, "SELECT id FROM t WHERE seq =% 'ACGTTGCA'")).toEqual(['Seq Scan on t', "  Filter: (seq =% 'ACGTTGCA'::text)"]);
    // Both paths disabled: PostgreSQL still takes the cheaper one.
    await db.query('SET enable_seqscan = off');
    expect(await first()).toBe('Bitmap Heap Scan on t');
    expect(await textRows(db, 'SHOW enable_seqscan')).toEqual([['off']]);
    await db.query('RESET ALL');
    expect(await textRows(db, 'SHOW enable_bitmapscan')).toEqual([['on']]);
  });
});

describe('answers and counters of an index scan', () => {
  it('returns the sequential answers, also for parameters, expressions and UPDATE/DELETE', async () => {
    const db = await indexedTable();
    for (const sql of [
      "SELECT id, kmersearch_matchscore(seq, 'ACGTTGCA') FROM t WHERE seq =% 'ACGTTGCA' ORDER BY id",
      "SELECT id FROM t WHERE seq =% repeat('CA', 5) AND id % 2 = 0 ORDER BY id",
      "SELECT name, kmersearch_matchscore(seq, 'GCAAGCTACG') AS s FROM t WHERE seq =% 'GCAAGCTACG' ORDER BY s DESC, name LIMIT 5",
      "SELECT count(*), max(kmersearch_matchscore(seq, 'TTGCAAGC')) FROM t WHERE seq =% 'TTGCAAGC'",
    ]) {
      await expectSameOnBothPaths(db, sql, true);
    }
    const byParameter = await db.query("SELECT id FROM t WHERE seq =% $1 ORDER BY id", ['GCAAGCTACG']);
    expect(byParameter.rows.length).toBeGreaterThan(0);
    expect((await db.query('SELECT id FROM t WHERE seq =% $1', [null])).rows).toEqual([]);
    const deleted = await db.query("DELETE FROM t WHERE seq =% 'ACGTTGCAAGCT' RETURNING id");
    expect(deleted.rows.length).toBeGreaterThan(0);
    expect((await db.query("SELECT id FROM t WHERE seq =% 'ACGTTGCAAGCT'")).rows).toEqual([]);
    await db.query("UPDATE t SET seq = 'ACGTTGCAAGCT' WHERE id = 41");
    expect((await db.query("SELECT id FROM t WHERE seq =% 'ACGTTGCAAGCT'")).rows).toEqual([{ id: 41 }]);
  });

  it('answers a table\'s own =% condition in a join or a subquery through its index, with the sequential answers', async () => {
    const db = await indexedTable();
    await db.exec('CREATE TABLE u (id int, v int); INSERT INTO u SELECT i, i * 10 FROM generate_series(1, 20) AS i');
    for (const sql of [
      "SELECT t.id, u.v, kmersearch_matchscore(t.seq, 'ACGTTGCA') FROM t JOIN u ON t.id = u.id WHERE t.seq =% 'ACGTTGCA' ORDER BY t.id",
      "SELECT u.id, t.id FROM u LEFT JOIN t ON t.id = u.id AND t.seq =% 'GCAAGCTACG' ORDER BY u.id",
      "SELECT s.id FROM (SELECT id, seq FROM t) s WHERE s.seq =% 'TTGCAAGC' ORDER BY s.id",
    ]) {
      await expectSameOnBothPaths(db, sql, true);
    }
    // WHERE on the nullable side keeps the NULL-extended rows: IS NULL stays above the join, no index there.
    await expectSameOnBothPaths(db, "SELECT u.id FROM u LEFT JOIN t ON t.id = u.id AND u.v > 50 WHERE t.seq =% 'ACGTTGCA' OR t.id IS NULL ORDER BY u.id", false);
    expect(await explain(db, "SELECT t.id FROM u JOIN t ON t.id = u.id WHERE t.seq =% 'ACGTTGCA'")).toEqual([
      'Nested Loop',
      '  Join Filter: (t.id = u.id)',
      '  ->  Seq Scan on u',
      '  ->  Bitmap Heap Scan on t',
      "        Recheck Cond: (seq =% 'ACGTTGCA'::text)",
      '        ->  Bitmap Index Scan on t_seq_idx',
      "              Index Cond: (seq =% 'ACGTTGCA'::text)",
    ]);
  });

  it('an invalid query text fails exactly as on the sequential path (or not at all when no row reaches =%)', async () => {
    const db = await indexedTable();
    for (const query of ['ACG', 'ACGTX', 'ACGTÄ']) {
      const outcome = await expectSameOnBothPaths(db, `SELECT id FROM t WHERE seq =% '${query}'`, true);
      expect('error' in outcome).toBe(true);
    }
    expect(await outcomeOf(db, "SELECT id FROM t WHERE seq =% 'ACG'")).toEqual({ error: '22023: Query sequence must be at least 4 bases long' });
    // No row reaches =%: no error on either path.
    await expectSameOnBothPaths(db, "SELECT id FROM t WHERE id > 100 AND seq =% 'ACG'", true);
    await db.exec('CREATE TABLE e (seq dna2); CREATE INDEX ON e USING gin (seq kmersearch_dna2_gin_ops_int2); INSERT INTO e VALUES (NULL)');
    expect(await expectSameOnBothPaths(db, "SELECT * FROM e WHERE seq =% 'AC'", true)).toEqual({ rows: [] });
  });

  it('decides validity as extraction does (the check behind the fallback above)', () => {
    const text = fc.array(fc.constantFrom(...'ACGTUNacgtnMRWSYKVHDBX- é'), { maxLength: 14 }).map((letters) => letters.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 12 }), (query, kmerSize) => {
        let extracted = true;
        try {
          queryKeysOf(keyLayout(kmerSize, 0), query);
        } catch {
          extracted = false;
        }
        expect(isAcceptedQueryText(query, kmerSize)).toBe(extracted);
      }),
      { numRuns: 2000 },
    );
  });

  it('looks Q and ams up once per scan (F14); a query without keys looks up no ams', async () => {
    const db = await indexedTable();
    await db.query('SELECT kmersearch_query_kmer_cache_free(), kmersearch_actual_min_score_cache_free()');
    await db.query("SELECT id FROM t WHERE seq =% 'ACGTTGCA'");
    expect(await cacheCounters(db)).toEqual([
      ['query-kmer', '0', '1'],
      ['actual_min_score', '0', '1'],
    ]);
    await db.query("SELECT id FROM t WHERE seq =% 'ACGTTGCA'");
    expect(await cacheCounters(db)).toEqual([
      ['query-kmer', '1', '1'],
      ['actual_min_score', '1', '1'],
    ]);
    await db.query("SELECT id FROM t WHERE seq =% 'NNNNNNNN'");
    expect(await cacheCounters(db)).toEqual([
      ['query-kmer', '1', '2'],
      ['actual_min_score', '1', '1'],
    ]);
    // EXPLAIN plans without touching a cache.
    await explain(db, "SELECT id FROM t WHERE seq =% 'GGGGCCCC'");
    expect(await cacheCounters(db)).toEqual([
      ['query-kmer', '1', '2'],
      ['actual_min_score', '1', '1'],
    ]);
  });

  it('ORDER BY kmersearch_matchscore(…) DESC LIMIT n takes the scores from the index counts', async () => {
    const db = await indexedTable();
    const sql = "SELECT name, kmersearch_matchscore(seq, 'GCAAGCTACG') AS score FROM t WHERE seq =% 'GCAAGCTACG' ORDER BY 2 DESC, name LIMIT 3";
    await db.query('SELECT kmersearch_query_kmer_cache_free()');
    const extractStored = vi.spyOn(KeyExtractor.prototype, 'extractStored');
    const indexed = await db.query(sql);
    // No stored sequence was extracted, and the query text was looked up once (not once per row and score).
    expect(extractStored).not.toHaveBeenCalled();
    expect((await cacheCounters(db))[0]).toEqual(['query-kmer', '0', '1']);
    await db.query('SET enable_bitmapscan = off');
    const sequential = await db.query(sql);
    expect(extractStored.mock.calls.length).toBeGreaterThan(40);
    expect(indexed.rows).toEqual(sequential.rows);
    expect(indexed.rows).toHaveLength(3);
  });

  it('a handle with an index page cache (OpenOptions.indexCacheSize) gives the same answers', async () => {
    const db = await indexedTable();
    const cached = await openDatabase({ path: db.path, indexCacheSize: 1024 * 1024 });
    await cached.exec('SET kmersearch.kmer_size = 4; SET kmersearch.min_shared_kmer_rate = 0.2');
    const sql = "SELECT id, kmersearch_matchscore(seq, 'GCAAGCTACG') FROM t WHERE seq =% 'GCAAGCTACG' ORDER BY id";
    for (let repeat = 0; repeat < 2; repeat++) expect(await textRows(cached, sql)).toEqual(await textRows(db, sql));
    const error = await rejection(KmerSearch.open({ indexCacheSize: -1 }));
    expect({ code: error.code, message: error.message }).toEqual({ code: '22023', message: 'invalid indexCacheSize: -1' });
  });
});
