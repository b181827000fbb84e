/**
 * Consumers of a stored high-frequency analysis (SPEC §4, §5; deviations F4, F5, F7; reference analysis §4, §5):
 * exclusion in `=%` on both paths, index builds that leave the analysis's keys out and record it, the stale-index
 * rule with EXPLAIN's reasons and REINDEX, and the global and parallel cache functions with their texts.
 *
 * The table: with k = 4, b = 8 and max_appearance_rate 0.5 the threshold is trunc(4 × 0.5) = 2 rows, so the one
 * high-frequency key is AAAA (slot 0: key 0), in rows 1–3. The query 'AAAAC' has the keys AAAA and AAAC:
 * without exclusion ams = max(1, ceil(0.5 × 2)) = 1 and rows 1–3 match; with exclusion H = {AAAA},
 * Q \ H = {AAAC}, ams = max(1, 1 − 1) = 1, and only row 1 has AAAC.
 */
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, noticeCollector, openDatabase, textRows } from './engine-helpers.js';
import { explain } from './index-helpers.js';
import { analysisKeys, keysInIndex, keysOfText, performAnalysis, undoAnalyses } from './high-frequency-helpers.js';

const rows = ['AAAACCCC', 'AAAAGGGG', 'AAAATTTT', 'CCCCGGGG'];
const missingAnalysisHint =
  'Run kmersearch_perform_highfreq_analysis() before creating index with preclude_highfreq_kmer=true, or load existing analysis with kmersearch_highfreq_kmer_cache_load().';
const clearedWarning =
  'High-frequency k-mer cache has been cleared. You may need to manually execute kmersearch_highfreq_kmer_cache_load() to reload the cache if needed.';

async function tableWithRows(db: KmerSearch, name = 't'): Promise<void> {
  await db.exec(`SET kmersearch.kmer_size = 4; CREATE TABLE ${name} (id int, seq dna2)`);
  await db.query(`INSERT INTO ${name} VALUES ${rows.map((row, index) => `(${index + 1}, '${row}')`).join(', ')}`);
}

async function ids(db: KmerSearch, sql: string): Promise<string[]> {
  return (await textRows(db, sql)).map((row) => row[0] ?? 'NULL');
}

async function tableId(db: KmerSearch, name: string): Promise<string> {
  return (await textRows(db, `SELECT '${name}'::regclass::oid`))[0]?.[0] ?? '';
}

const matchQuery = "SELECT id FROM t WHERE seq =% 'AAAAC' ORDER BY id";
/** The same search without ORDER BY, whose plan EXPLAIN shows from the scan. */
const scanQuery = "SELECT id FROM t WHERE seq =% 'AAAAC'";

describe('=% with high-frequency exclusion (SPEC §4, F5)', () => {
  it('leaves the analysis keys out with preclude on and an analysis; matchscore never excludes', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    const record = await performAnalysis(db, 't', 'seq');
    expect(analysisKeys(db, record)).toEqual([0]);
    expect(await ids(db, matchQuery)).toEqual(['1', '2', '3']);
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    expect(await ids(db, matchQuery)).toEqual(['1']);
    // kmersearch_dna2_match called by name is the same operator.
    expect(await ids(db, "SELECT id FROM t WHERE kmersearch_dna2_match(seq, 'AAAAC') ORDER BY id")).toEqual(['1']);
    // UPDATE and DELETE read the table column too.
    await db.query("UPDATE t SET id = id + 10 WHERE seq =% 'AAAAC'");
    expect(await ids(db, 'SELECT id FROM t ORDER BY id')).toEqual(['2', '3', '4', '11']);
    expect(await textRows(db, "SELECT id, kmersearch_matchscore(seq, 'AAAAC') FROM t ORDER BY id")).toEqual([
      ['2', '1'],
      ['3', '1'],
      ['4', '0'],
      ['11', '2'],
    ]);
    // Every query key high-frequency: nothing is left to share, and ams is still at least 1.
    expect(await ids(db, "SELECT id FROM t WHERE seq =% 'AAAA'")).toEqual([]);
    await db.query('SET kmersearch.preclude_highfreq_kmer = off');
    expect(await ids(db, "SELECT id FROM t WHERE seq =% 'AAAA' ORDER BY id")).toEqual(['2', '3', '11']);
  });

  it('with min_score = 0 and min_shared_kmer_rate = 0, exclusion still requires one shared key', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await performAnalysis(db, 't', 'seq');
    await db.exec('SET kmersearch.min_score = 0; SET kmersearch.min_shared_kmer_rate = 0');
    expect(await ids(db, matchQuery)).toEqual(['1', '2', '3', '4']);
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    expect(await ids(db, matchQuery)).toEqual(['1']);
  });

  it('applies to the analysed table column only: not to other tables, other k, or expressions', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await tableWithRows(db, 'u');
    await performAnalysis(db, 't', 'seq');
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    const collector = noticeCollector();
    expect((await db.queryText("SELECT id FROM u WHERE seq =% 'AAAAC' ORDER BY id", collector.options)).rows).toEqual([['1'], ['2'], ['3']]);
    expect(collector.notices).toEqual([
      { severity: 'WARNING', code: '01000', message: 'No high-frequency k-mer analysis found for kmer_size=4, occur_bitlen=8', hint: missingAnalysisHint },
    ]);
    // A subquery's column and a constant are not table columns: nothing is excluded.
    expect(await ids(db, "SELECT id FROM (SELECT id, seq FROM t) s WHERE seq =% 'AAAAC' ORDER BY id")).toEqual(['1', '2', '3']);
    expect(await textRows(db, "SELECT 'AAAAGGGG'::dna2 =% 'AAAAC'")).toEqual([['t']]);
    // Column aliases and outer references still read the table column.
    expect(await ids(db, "SELECT i FROM t AS x(i, s) WHERE s =% 'AAAAC' ORDER BY i")).toEqual(['1']);
    expect(await ids(db, "SELECT id FROM t WHERE (SELECT t.seq =% 'AAAAC') ORDER BY id")).toEqual(['1']);
    // Joins keep the base-table column of each side.
    expect(await ids(db, "SELECT t.id FROM t JOIN u USING (id) WHERE t.seq =% 'AAAAC' ORDER BY 1")).toEqual(['1']);
    expect(await ids(db, "SELECT u.id FROM t JOIN u USING (id) WHERE u.seq =% 'AAAAC' ORDER BY 1")).toEqual(['1', '2', '3']);
    // The analysis is of k = 4: under k = 5 there is none, so nothing is excluded.
    await db.query('SET kmersearch.kmer_size = 5');
    expect(await ids(db, "SELECT id FROM t WHERE seq =% 'AAAAC' ORDER BY id")).toEqual(['1']);
    expect(await ids(db, "SELECT id FROM t WHERE seq =% 'AAAAG' ORDER BY id")).toEqual(['2']);
  });

  it('warns once per handle when preclude is on and no analysis exists', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    const first = noticeCollector();
    expect((await db.queryText(matchQuery, first.options)).rows).toEqual([['1'], ['2'], ['3']]);
    expect(first.notices).toEqual([
      { severity: 'WARNING', code: '01000', message: 'No high-frequency k-mer analysis found for kmer_size=4, occur_bitlen=8', hint: missingAnalysisHint },
    ]);
    const second = noticeCollector();
    await db.query(matchQuery, [], second.options);
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)', [], second.options);
    expect(second.notices).toEqual([]);
    // Another handle on the same database warns again.
    const other = await openDatabase({ path: db.path });
    const third = noticeCollector();
    await other.exec('SET kmersearch.kmer_size = 4; SET kmersearch.preclude_highfreq_kmer = on');
    await other.query(matchQuery, [], third.options);
    expect(third.notices.map((notice) => notice.message)).toEqual(['No high-frequency k-mer analysis found for kmer_size=4, occur_bitlen=8']);
  });
});

describe('indexes and the analysis they left out (F4, F7)', () => {
  it('CREATE INDEX with preclude on leaves exactly the analysis keys out; later inserts too; both paths agree', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    const record = await performAnalysis(db, 't', 'seq');
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    await db.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    const allKeys = [...new Set(rows.flatMap((row) => keysOfText(row, 4, 8)))].sort((a, b) => a - b);
    const highFrequency = analysisKeys(db, record);
    expect(keysInIndex(db, 't_seq_idx', allKeys, 4, 8)).toEqual(allKeys.filter((key) => !highFrequency.includes(key)));
    expect(await textRows(db, 'SELECT preclude_highfreq_kmer FROM kmersearch_index_info')).toEqual([['t']]);
    // A row added later goes to the pending list without the analysis's keys.
    await db.query("INSERT INTO t VALUES (5, 'AAAAACGT')");
    const newKeys = keysOfText('AAAAACGT', 4, 8);
    expect(keysInIndex(db, 't_seq_idx', newKeys, 4, 8)).toEqual(newKeys.filter((key) => !highFrequency.includes(key)));
    expect((await explain(db, scanQuery)).some((line) => line.includes('Bitmap Index Scan on t_seq_idx'))).toBe(true);
    expect(await ids(db, matchQuery)).toEqual(['1', '5']);
    await db.query('SET enable_bitmapscan = off');
    expect(await ids(db, matchQuery)).toEqual(['1', '5']);
  });

  it('with min_score = 0 and min_shared_kmer_rate = 0 an index answers only where exclusion applies', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await performAnalysis(db, 't', 'seq');
    await db.exec('SET kmersearch.preclude_highfreq_kmer = on; SET kmersearch.min_score = 0; SET kmersearch.min_shared_kmer_rate = 0');
    await db.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect((await explain(db, scanQuery))[0]).toBe('Bitmap Heap Scan on t');
    expect(await ids(db, matchQuery)).toEqual(['1']);
    await undoAnalyses(db, 't', 'seq');
    await db.query('REINDEX INDEX t_seq_idx');
    expect(await explain(db, scanQuery)).toContain(
      '  Index t_seq_idx not used: kmersearch.min_score = 0 and kmersearch.min_shared_kmer_rate = 0 also match rows sharing no k-mer',
    );
    expect(await ids(db, matchQuery)).toEqual(['1', '2', '3', '4']);
  });

  it('an index whose analysis was replaced or undone is not used, EXPLAIN says why, REINDEX makes it usable', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    const first = await performAnalysis(db, 't', 'seq');
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    await db.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    const second = await performAnalysis(db, 't', 'seq');
    expect(second.analysisId).not.toBe(first.analysisId);
    expect(await explain(db, scanQuery)).toEqual([
      'Seq Scan on t',
      "  Filter: (seq =% 'AAAAC'::text)",
      `  Index t_seq_idx not used: built with high-frequency analysis ${first.analysisId} (current ${second.analysisId})`,
    ]);
    expect(await ids(db, matchQuery)).toEqual(['1']);
    await db.query('REINDEX INDEX t_seq_idx');
    expect((await explain(db, scanQuery))[0]).toBe('Bitmap Heap Scan on t');
    expect(await ids(db, matchQuery)).toEqual(['1']);

    await undoAnalyses(db, 't', 'seq');
    expect((await explain(db, scanQuery)).at(-1)).toBe(
      `  Index t_seq_idx not used: built with high-frequency analysis ${second.analysisId} (current none)`,
    );
    expect(await ids(db, matchQuery)).toEqual(['1', '2', '3']);
    // Rows added to a stale index leave nothing out; REINDEX TABLE rebuilds everything with no analysis.
    await db.query("INSERT INTO t VALUES (5, 'AAAAACGT')");
    await db.query('REINDEX TABLE t');
    expect((await explain(db, scanQuery))[0]).toBe('Bitmap Heap Scan on t');
    expect(await ids(db, matchQuery)).toEqual(['1', '2', '3', '5']);
    expect(keysInIndex(db, 't_seq_idx', [0], 4, 8)).toEqual([0]);

    // Built without an analysis, an index goes stale when one appears, and is usable again once it is undone.
    const third = await performAnalysis(db, 't', 'seq');
    expect((await explain(db, scanQuery)).at(-1)).toBe(`  Index t_seq_idx not used: built with high-frequency analysis none (current ${third.analysisId})`);
    expect(await ids(db, matchQuery)).toEqual(['1', '5']);
    await undoAnalyses(db, 't', 'seq');
    expect((await explain(db, scanQuery))[0]).toBe('Bitmap Heap Scan on t');
  });

  it('an index built with preclude off is not used with preclude on, and the other way round', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await performAnalysis(db, 't', 'seq');
    await db.query('CREATE INDEX plain_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    await db.query('CREATE INDEX precluding_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect((await explain(db, scanQuery)).slice(0, 3)).toEqual([
      'Bitmap Heap Scan on t',
      "  Recheck Cond: (seq =% 'AAAAC'::text)",
      '  ->  Bitmap Index Scan on precluding_idx',
    ]);
    expect(await ids(db, matchQuery)).toEqual(['1']);
    await db.query('SET kmersearch.preclude_highfreq_kmer = off');
    expect((await explain(db, scanQuery))[2]).toBe('  ->  Bitmap Index Scan on plain_idx');
    expect(await ids(db, matchQuery)).toEqual(['1', '2', '3']);
  });
});

describe('high-frequency caches (reference analysis §4, F5)', () => {
  it('validates in the reference order with its texts: table, metadata (k), occur_bitlen, rate (%.4f), nrow', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    const id = await tableId(db, 't');
    await expectError(db, "SELECT kmersearch_highfreq_kmer_cache_load('nope', 'seq')", { code: '42P01', message: 'relation "nope" does not exist' });
    const noMetadata = {
      code: '42P01',
      message: `No metadata found for table_oid=${id}, column_name='seq', kmer_size=4`,
      hint: 'Run kmersearch_perform_highfreq_analysis() first to create metadata.',
    };
    await expectError(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')", noMetadata);
    await expectError(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')", noMetadata);
    await performAnalysis(db, 't', 'seq');
    await db.exec('SET kmersearch.kmer_size = 5');
    await expectError(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')", {
      ...noMetadata,
      message: `No metadata found for table_oid=${id}, column_name='seq', kmer_size=5`,
    });
    await expectError(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'Seq')", {
      ...noMetadata,
      message: `No metadata found for table_oid=${id}, column_name='Seq', kmer_size=5`,
    });
    await db.exec('SET kmersearch.kmer_size = 4; SET kmersearch.occur_bitlen = 7; SET kmersearch.max_appearance_rate = 0.03125; SET kmersearch.max_appearance_nrow = 3');
    for (const cache of ['', 'parallel_']) {
      await expectError(db, `SELECT kmersearch_${cache}highfreq_kmer_cache_load('t', 'seq')`, {
        code: 'F0000',
        message: 'GUC validation failed: kmersearch.occur_bitlen mismatch',
        detail: 'Current setting: 7, Required by metadata: 8',
        hint: 'Set kmersearch.occur_bitlen = 8 before loading cache.',
      });
    }
    await db.query('SET kmersearch.occur_bitlen = 8');
    await expectError(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')", {
      code: 'F0000',
      message: 'GUC validation failed: kmersearch.max_appearance_rate mismatch',
      detail: 'Current setting: 0.0312, Required by metadata: 0.5000',
      hint: 'Set kmersearch.max_appearance_rate = 0.5000 before loading cache.',
    });
    // Within 0.0001 the rate passes, and nrow is checked.
    await db.query('SET kmersearch.max_appearance_rate = 0.50009');
    await expectError(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')", {
      code: 'F0000',
      message: 'GUC validation failed: kmersearch.max_appearance_nrow mismatch',
      detail: 'Current setting: 3, Required by metadata: 0',
      hint: 'Set kmersearch.max_appearance_nrow = 0 before loading cache.',
    });
    await db.query('SET kmersearch.max_appearance_nrow = 0');
    expect(await textRows(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
  });

  it('global cache: load, free (keys freed or a WARNING), free_all (1/0), not transactional', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await performAnalysis(db, 't', 'seq');
    expect(await textRows(db, 'SELECT kmersearch_highfreq_kmer_cache_free_all()')).toEqual([['0']]);
    expect(await textRows(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
    expect(await textRows(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
    expect(await textRows(db, 'SELECT kmersearch_highfreq_kmer_cache_free_all()')).toEqual([['1']]);
    expect(await textRows(db, 'SELECT kmersearch_highfreq_kmer_cache_free_all()')).toEqual([['0']]);
    await db.query('BEGIN');
    await db.query("SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')");
    await db.query('ROLLBACK');
    const mismatch = noticeCollector();
    expect((await db.queryText("SELECT kmersearch_highfreq_kmer_cache_free('t', 'id')", mismatch.options)).rows).toEqual([['0']]);
    expect(mismatch.notices).toEqual([
      {
        severity: 'WARNING',
        code: '55000',
        message: 'cache key mismatch for table "t" column "id"',
        hint: 'The cache was not loaded for this table/column combination, or was loaded with different parameters.',
      },
    ]);
    expect(await textRows(db, "SELECT kmersearch_highfreq_kmer_cache_free('t', 'seq')")).toEqual([['1']]);
    const again = noticeCollector();
    expect((await db.queryText("SELECT kmersearch_highfreq_kmer_cache_free('t', 'seq')", again.options)).rows).toEqual([['0']]);
    expect(again.notices.map((notice) => notice.message)).toEqual(['cache key mismatch for table "t" column "seq"']);
    await expectError(db, "SELECT kmersearch_highfreq_kmer_cache_free('nope', 'seq')", { code: '42P01', message: 'relation "nope" does not exist' });
  });

  it('SET of k, b, rate or nrow clears a loaded global cache with the WARNING (RESET, SET LOCAL and its undo too), else silently', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await performAnalysis(db, 't', 'seq');
    const warnings = async (sql: string): Promise<string[]> => {
      const collector = noticeCollector();
      await db.exec(sql, collector.options);
      return collector.notices.map((notice) => notice.message);
    };
    const load = "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')";
    expect(await warnings('SET kmersearch.kmer_size = 4')).toEqual([]);
    for (const setting of ['SET kmersearch.kmer_size = 4', 'SET kmersearch.occur_bitlen = 8', 'SET kmersearch.max_appearance_rate = 0.5', 'RESET kmersearch.max_appearance_nrow']) {
      await db.query(load);
      expect(await warnings(setting), setting).toEqual([clearedWarning]);
      expect(await textRows(db, 'SELECT kmersearch_highfreq_kmer_cache_free_all()')).toEqual([['0']]);
    }
    await db.query(load);
    expect(await warnings('SET kmersearch.min_score = 2; SET kmersearch.preclude_highfreq_kmer = on')).toEqual([]);
    // SET LOCAL clears it; its undo at ROLLBACK assigns again, but the cache is already gone.
    expect(await warnings('BEGIN; SET LOCAL kmersearch.max_appearance_nrow = 5')).toEqual([clearedWarning]);
    expect(await warnings('ROLLBACK')).toEqual([]);
    // The undo of a SET LOCAL at transaction end clears a cache loaded meanwhile (0.50001: within the tolerance).
    expect(await warnings('SET kmersearch.max_appearance_rate = 0.50001')).toEqual([]);
    await db.exec('BEGIN; SET LOCAL kmersearch.max_appearance_rate = 0.5');
    await db.query(load);
    expect(await warnings('ROLLBACK')).toEqual([clearedWarning]);
    // The parallel cache survives setting changes.
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
    expect(await warnings('SET kmersearch.max_appearance_rate = 0.5')).toEqual([]);
    expect(await textRows(db, 'SELECT kmersearch_parallel_highfreq_kmer_cache_free_all()')).toEqual([['1']]);
  });

  it('parallel cache: load (true again for the same identity, false for another), free, free_all (entries)', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await tableWithRows(db, 'u');
    await performAnalysis(db, 't', 'seq');
    await performAnalysis(db, 'u', 'seq');
    expect(await textRows(db, 'SELECT kmersearch_parallel_highfreq_kmer_cache_free_all()')).toEqual([['0']]);
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('u', 'seq')")).toEqual([['f']]);
    const mismatch = noticeCollector();
    expect((await db.queryText("SELECT kmersearch_parallel_highfreq_kmer_cache_free('u', 'seq')", mismatch.options)).rows).toEqual([['0']]);
    expect(mismatch.notices).toEqual([
      {
        severity: 'WARNING',
        code: '55000',
        message: 'parallel cache key mismatch for table "u" column "seq"',
        hint: 'The parallel cache was not loaded for this table/column combination, or was loaded with different parameters.',
      },
    ]);
    // free compares the rate exactly (as float4): 0.50009 is a mismatch, though load accepted it.
    await db.query('SET kmersearch.max_appearance_rate = 0.50009');
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')")).toEqual([['t']]);
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_free('t', 'seq')")).toEqual([['0']]);
    await db.query('SET kmersearch.max_appearance_rate = 0.5');
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_free('t', 'seq')")).toEqual([['1']]);
    expect(await textRows(db, "SELECT kmersearch_parallel_highfreq_kmer_cache_load('u', 'seq')")).toEqual([['t']]);
    expect(await textRows(db, 'SELECT kmersearch_parallel_highfreq_kmer_cache_free_all()')).toEqual([['1']]);
  });

  it('an analysis without high-frequency keys loads nothing: both loads return false', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.query('SET kmersearch.max_appearance_rate = 1');
    const record = await performAnalysis(db, 't', 'seq');
    expect(record.keyCount).toBe(0);
    expect(await textRows(db, "SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq'), kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')")).toEqual([
      ['f', 'f'],
    ]);
    expect(await textRows(db, 'SELECT kmersearch_highfreq_kmer_cache_free_all(), kmersearch_parallel_highfreq_kmer_cache_free_all()')).toEqual([['0', '0']]);
  });

  it('answers never depend on a loaded cache or on force_use_parallel_highfreq_kmer_cache', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await performAnalysis(db, 't', 'seq');
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    const answers = async (): Promise<string[][]> => [
      await ids(db, matchQuery),
      await ids(db, "SELECT id FROM t WHERE seq =% 'AAAAG' ORDER BY id"),
    ];
    const expected = { off: [['1', '2', '3'], ['1', '2', '3']], on: [['1'], ['2']] };
    for (const preclude of ['off', 'on'] as const) {
      await db.query(`SET kmersearch.preclude_highfreq_kmer = ${preclude}`);
      for (const force of ['off', 'on']) {
        await db.query(`SET kmersearch.force_use_parallel_highfreq_kmer_cache = ${force}`);
        expect(await answers()).toEqual(expected[preclude]);
        await db.query("SELECT kmersearch_highfreq_kmer_cache_load('t', 'seq')");
        expect(await answers()).toEqual(expected[preclude]);
        await db.query("SELECT kmersearch_parallel_highfreq_kmer_cache_load('t', 'seq')");
        expect(await answers()).toEqual(expected[preclude]);
        await db.query('SELECT kmersearch_highfreq_kmer_cache_free_all()');
        expect(await answers()).toEqual(expected[preclude]);
        await db.query('SELECT kmersearch_parallel_highfreq_kmer_cache_free_all()');
      }
    }
  });
});
