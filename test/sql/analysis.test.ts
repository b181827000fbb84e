/**
 * The high-frequency analysis through SQL (reference analysis §2, §3, §8; SPEC §6, F6, F12, F13):
 * kmersearch_perform_highfreq_analysis, kmersearch_undo_highfreq_analysis, kmersearch_delete_tempfiles and the
 * views kmersearch_highfreq_kmer, kmersearch_highfreq_kmer_meta and kmersearch_analysis_status.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { KmerSearch, Progress } from '../../src/index.js';
import { analysisTestHooks } from '../../src/sql/executor/analysis.js';
import { modelAnalysis, repeatedRows } from './analysis-model.js';
import { expectError, noticeCollector, openDatabase, rejection, textRows } from './engine-helpers.js';

/** The model's result for the 3000-row repetitive table with k = 8 and rate 0.5. */
const repeated = modelAnalysis(repeatedRows(3000), 8, 8, 0.5, 0);
const repeatedCount = repeated.keys.length;
const repeatedSum = repeated.keys.reduce((sum, [, count]) => sum + count, 0);

const directories: string[] = [];
afterEach(() => {
  analysisTestHooks.current = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function temporaryPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kmersearch-analysis-'));
  directories.push(directory);
  return join(directory, 'db');
}

/** A table t(id, seq dna2) of `rows` rows; every `nullEvery`-th seq is NULL (0: none). */
async function tableOf(db: KmerSearch, rows: number, sequence: string, nullEvery = 0): Promise<void> {
  await db.exec(`CREATE TABLE t (id int, seq dna2)`);
  const value = nullEvery > 0 ? `CASE WHEN i % ${nullEvery} = 0 THEN NULL ELSE ${sequence} END` : sequence;
  await db.query(`INSERT INTO t SELECT i, ${value} FROM generate_series(1, ${rows}) AS g(i)`);
}

/** A temporary database whose analyses run in the calling thread (no worker pool to start: faster tests). */
async function serialDatabase(options: { path?: string } = {}): Promise<KmerSearch> {
  const db = await openDatabase(options);
  await db.exec('SET max_parallel_maintenance_workers = 0');
  return db;
}

async function analysis(db: KmerSearch, table = 't', column = 'seq'): Promise<string> {
  const rows = await textRows(db, `SELECT kmersearch_perform_highfreq_analysis('${table}', '${column}')`);
  return rows[0]![0]!;
}

describe('kmersearch_perform_highfreq_analysis', () => {
  it('reports the reference threshold, with IEEE truncation, and the composite text form', async () => {
    const db = await serialDatabase();
    // Every row holds the same 8 keys (k = 4, 11 bases, all windows distinct): each key is in every row.
    await tableOf(db, 100, "'ACGTTGCAAGC'::dna2");
    await db.exec('SET kmersearch.kmer_size = 4');
    await db.exec('SET kmersearch.max_appearance_rate = 0.29');
    expect(await analysis(db)).toBe('(100,8,0,0.29,28)');
    await db.exec('SET kmersearch.max_appearance_rate = 0.15');
    expect(await analysis(db)).toBe('(100,8,0,0.15,15)');
    // The cap applies when it is lower than the rate's threshold.
    await db.exec('SET kmersearch.max_appearance_rate = 0.5; SET kmersearch.max_appearance_nrow = 10');
    expect(await analysis(db)).toBe('(100,8,0,0.5,10)');
    await db.exec('SET kmersearch.max_appearance_nrow = 70');
    expect(await analysis(db)).toBe('(100,8,0,0.5,50)');
    // Rate 1: nothing is high-frequency and the threshold is total_rows.
    await db.exec('SET kmersearch.max_appearance_nrow = 0; SET kmersearch.max_appearance_rate = 1');
    expect(await analysis(db)).toBe('(100,0,0,1,100)');
    // Rate 0: every key seen is high-frequency.
    await db.exec('SET kmersearch.max_appearance_rate = 0');
    expect(await analysis(db)).toBe('(100,8,0,0,0)');
    const expanded = await db.query('SELECT * FROM kmersearch_perform_highfreq_analysis($1, $2)', ['t', 'seq']);
    expect(expanded.fields.map((field) => field.name)).toEqual([
      'total_rows',
      'highfreq_kmers_count',
      'parallel_workers_used',
      'max_appearance_rate_used',
      'max_appearance_nrow_used',
    ]);
    expect(expanded.rows).toEqual([
      { total_rows: 100, highfreq_kmers_count: 8, parallel_workers_used: 0, max_appearance_rate_used: 0, max_appearance_nrow_used: 0 },
    ]);
  });

  it('counts NULL rows in total_rows (14 rows × 0.25 → 3) and prints the rate as float4', async () => {
    const db = await serialDatabase();
    await tableOf(db, 14, "'ACGTTGCAAGC'::dna2", 7);
    await db.exec('SET kmersearch.kmer_size = 4; SET kmersearch.max_appearance_rate = 0.25');
    expect(await analysis(db)).toBe('(14,8,0,0.25,3)');
    await db.exec('SET kmersearch.max_appearance_rate = 0.1234567');
    expect(await analysis(db)).toBe('(14,8,0,0.1234567,1)');
    // The meta table stores the setting through %f: 0.123457, and the raw max_appearance_nrow (0).
    expect(await textRows(db, 'SELECT max_appearance_rate, max_appearance_nrow, kmer_size, occur_bitlen FROM kmersearch_highfreq_kmer_meta')).toEqual([
      ['0.123457', '0', '4', '8'],
    ]);
  });

  it('counts full keys (occurrence bits included) once per row, and stores them with their counts', async () => {
    const db = await serialDatabase();
    await db.exec(`CREATE TABLE t (id int, seq dna2);
      INSERT INTO t VALUES (1, 'AAAAAA'), (2, 'AAAAC'), (3, 'CCCC'), (4, NULL);
      SET kmersearch.kmer_size = 4; SET kmersearch.max_appearance_rate = 0.25`);
    // 4 rows × 0.25 → threshold 1: AAAA slot 0 (rows 1, 2) is the only key in more than one row.
    expect(await analysis(db)).toBe('(4,1,0,0.25,1)');
    expect(await textRows(db, 'SELECT uintkey, appearance_nrow, detection_reason FROM kmersearch_highfreq_kmer')).toEqual([['0', '2', 'threshold']]);
    await db.exec('SET kmersearch.max_appearance_rate = 0');
    expect(await analysis(db)).toBe('(4,5,0,0,0)');
    // AAAA slots 0,1,2 (row 1), AAAA slot 0 + AAAC slot 0 (row 2), CCCC slot 0 (row 3): uintkey = kmer << 8 | slot.
    expect(await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey')).toEqual([
      ['0', '2'],
      ['1', '1'],
      ['2', '1'],
      ['256', '1'],
      ['21760', '1'],
    ]);
  });

  it('stores 64-bit keys as signed bigints', async () => {
    const db = await serialDatabase();
    await db.exec(`CREATE TABLE t (id int, seq dna2);
      INSERT INTO t VALUES (1, 'TTTTTTTTTTTTTTTTTTTTTTTTTTTT');
      SET kmersearch.kmer_size = 28; SET kmersearch.max_appearance_rate = 0`);
    expect(await analysis(db)).toBe('(1,1,0,0,0)');
    // TTTT… (28 × 0b11) << 8 | 0 = 0xFFFFFFFFFFFFFF00 → -256.
    expect(await textRows(db, 'SELECT uintkey FROM kmersearch_highfreq_kmer')).toEqual([['-256']]);
  });

  it('resolves its arguments as the reference, with its errors in its order', async () => {
    const db = await serialDatabase();
    await db.exec(`CREATE TABLE t (id int, seq dna2, "Seq" dna4); INSERT INTO t VALUES (1, 'ACGTACGT', 'ACGTNACGT')`);
    await db.exec('SET kmersearch.kmer_size = 4; SET kmersearch.max_appearance_rate = 0');
    const [[tableId]] = (await textRows(db, "SELECT 't'::regclass::oid")) as [[string]];
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('T', 'seq')", { code: '42P01', message: 'relation "T" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('public.t', 'seq')", { code: '42P01', message: 'relation "public.t" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('\"t\"', 'seq')", { code: '42P01', message: 'relation ""t"" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('4000000', 'seq')", { code: '42703', message: 'column "seq" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('4000000', '2')", { code: 'XX000', message: 'could not open relation with OID 4000000' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('t', '4')", { code: '42P10', message: 'invalid column number 4' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('t', '0')", { code: '42703', message: 'column "0" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('t', '-1')", { code: '42703', message: 'column "-1" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('t', 'SEQ')", { code: '42703', message: 'column "SEQ" does not exist' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('t', 'id')", { code: '42804', message: 'Column must be DNA2 or DNA4 type' });
    await expectError(db, "SELECT kmersearch_perform_highfreq_analysis('t', '1')", { code: '42804', message: 'Column must be DNA2 or DNA4 type' });
    // A number is an OID (leading blanks and a sign allowed), an attribute number a column; names are verbatim.
    expect(await analysis(db, ` ${tableId}`, '2')).toBe('(1,5,0,0,0)');
    expect(await analysis(db, `+${tableId}`, 'Seq')).toBe('(1,2,0,0,0)');
    expect(await textRows(db, 'SELECT column_name, kmer_size FROM kmersearch_highfreq_kmer_meta ORDER BY column_name')).toEqual([
      ['Seq', '4'],
      ['seq', '4'],
    ]);
    // STRICT: a NULL argument gives NULL without running.
    expect(await textRows(db, "SELECT kmersearch_perform_highfreq_analysis(NULL, 'seq') IS NULL")).toEqual([['t']]);
    // INSERT … SELECT runs it too.
    await db.exec('CREATE TABLE results (total bigint, keys int)');
    await db.exec("INSERT INTO results SELECT (r).total_rows, (r).highfreq_kmers_count FROM (SELECT kmersearch_perform_highfreq_analysis('t', 'seq') AS r) AS s");
    expect(await textRows(db, 'SELECT * FROM results')).toEqual([['1', '5']]);
    // Arguments that depend on a row cannot be run before the rows.
    await expectError(db, 'SELECT kmersearch_perform_highfreq_analysis(relname, relname) FROM (VALUES (\'t\')) AS v(relname)', {
      code: '0A000',
      message: 'kmersearch_perform_highfreq_analysis can only be called in SELECT or INSERT … SELECT, with constant arguments',
      hint: 'Call it on its own, e.g. SELECT * FROM kmersearch_perform_highfreq_analysis(…) with literal arguments.',
    });
  });

  it('replaces the earlier result of the same (table, column, k, b) and keeps other k (F6)', async () => {
    const db = await serialDatabase();
    await db.exec(`CREATE TABLE t (id int, seq dna2);
      INSERT INTO t VALUES (1, 'ACGTACGTAC'), (2, 'ACGTTTTTTT');
      SET kmersearch.kmer_size = 4; SET kmersearch.max_appearance_rate = 0`);
    // 7 keys per row (ACGT slot 0 in both).
    expect(await analysis(db)).toBe('(2,13,0,0,0)');
    await db.exec('SET kmersearch.max_appearance_rate = 0.5');
    // Only ACGT slot 0 is in both rows; the earlier run's 12 other keys are gone (the reference keeps them).
    expect(await analysis(db)).toBe('(2,1,0,0.5,1)');
    expect(await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer')).toEqual([['6912', '2']]);
    await db.exec('SET kmersearch.kmer_size = 5; SET kmersearch.max_appearance_rate = 0');
    expect(await analysis(db)).toBe('(2,12,0,0,0)');
    expect(await textRows(db, 'SELECT kmer_size, count(*) FROM kmersearch_highfreq_kmer GROUP BY kmer_size ORDER BY kmer_size')).toEqual([
      ['4', '1'],
      ['5', '12'],
    ]);
    // The view counts distinct keys over all analyses of the table and column (§8.8's join), on every row.
    expect(await textRows(db, 'SELECT table_name, kmer_size, highfreq_kmer_count FROM kmersearch_analysis_status ORDER BY kmer_size')).toEqual([
      ['t', '4', '13'],
      ['t', '5', '13'],
    ]);
  });

  it('runs in the calling thread with 0 workers and reports the threads that scanned (F12)', async () => {
    const db = await openDatabase();
    await tableOf(db, 3000, "repeat('ACGTTGCAAGCA', 1 + i % 5)::dna2");
    await db.exec('SET kmersearch.kmer_size = 8; SET kmersearch.max_appearance_rate = 0.5');
    await db.exec('SET max_parallel_maintenance_workers = 0');
    expect(await analysis(db)).toBe(`(3000,${repeatedCount},0,0.5,1500)`);
    await db.exec('SET max_parallel_maintenance_workers = 4; SET max_parallel_workers = 1');
    expect(await analysis(db)).toBe(`(3000,${repeatedCount},1,0.5,1500)`);
    await db.exec('SET max_parallel_workers = 2');
    const [workersUsed] = (await db.query<{ parallel_workers_used: number }>("SELECT * FROM kmersearch_perform_highfreq_analysis('t', 'seq')")).rows;
    expect([1, 2]).toContain(workersUsed!.parallel_workers_used);
  });

  it('reports progress in blocks and the final INFO lines of the reference (F13)', async () => {
    const db = await serialDatabase();
    // 2500 distinct 8-mers keys in one row (rate 0 keeps them all): two `Written` lines.
    await db.exec(`CREATE TABLE t (id int, seq dna2);
      INSERT INTO t SELECT 1, string_agg(substr('ACGT', 1 + (i * 7 + i / 5 + i / 97) % 4, 1), '')::dna2 FROM generate_series(1, 2507) AS g(i);
      SET kmersearch.kmer_size = 8; SET kmersearch.max_appearance_rate = 0; SET client_min_messages = error`);
    const { notices, options } = noticeCollector();
    const progress: Progress[] = [];
    const result = await db.queryText("SELECT kmersearch_perform_highfreq_analysis('t', 'seq')", {
      ...options,
      onProgress: (report) => progress.push(report),
    });
    const count = Number(/^\(1,(\d+),/.exec(result.rows[0]![0]!)![1]);
    expect(count).toBeGreaterThanOrEqual(2000);
    expect(notices.map((notice) => `${notice.severity}: ${notice.message}`)).toEqual([
      `INFO: Writing ${count} high-frequency k-mers to kmersearch_highfreq_kmer table...`,
      `INFO: Written 1000/${count} high-frequency k-mers...`,
      `INFO: Written 2000/${count} high-frequency k-mers...`,
      `INFO: Successfully wrote ${count} high-frequency k-mers to database.`,
    ]);
    expect(progress[0]).toEqual({ operation: 'analysis', done: 0, unit: 'blocks' });
    expect(progress.at(-1)).toEqual({ operation: 'analysis', done: 1, total: 1, unit: 'blocks' });
  });

  it('keeps the earlier result when a worker fails, when cancelled and when the transaction rolls back', async () => {
    const db = await openDatabase();
    await tableOf(db, 3000, "repeat('ACGTTGCAAGCA', 1 + i % 5)::dna2");
    await db.exec('SET kmersearch.kmer_size = 8; SET kmersearch.max_appearance_rate = 0.5');
    expect(await analysis(db)).toMatch(new RegExp(`^\\(3000,${repeatedCount},[12],0\\.5,1500\\)$`));
    const before = await textRows(db, 'SELECT * FROM kmersearch_highfreq_kmer_meta');
    const keysBefore = await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey');
    await db.exec('SET kmersearch.max_appearance_rate = 0');
    analysisTestHooks.current = { failAtBlock: 1 };
    const failed = await rejection(db.query("SELECT kmersearch_perform_highfreq_analysis('t', 'seq')"));
    expect({ code: failed.code, message: failed.message }).toEqual({ code: 'XX001', message: 'test hook: failure at block 1' });
    analysisTestHooks.current = { delayPerBlockMs: 200 };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const cancelled = await rejection(db.query("SELECT kmersearch_perform_highfreq_analysis('t', 'seq')", [], { signal: controller.signal }));
    expect({ code: cancelled.code, message: cancelled.message }).toEqual({ code: '57014', message: 'canceling statement due to user request' });
    await db.exec("SET statement_timeout = '100ms'");
    const timedOut = await rejection(db.query("SELECT kmersearch_perform_highfreq_analysis('t', 'seq')"));
    expect({ code: timedOut.code, message: timedOut.message }).toEqual({ code: '57014', message: 'canceling statement due to statement timeout' });
    await db.exec('RESET statement_timeout');
    analysisTestHooks.current = undefined;
    await db.exec("BEGIN; SELECT kmersearch_perform_highfreq_analysis('t', 'seq')");
    const everyKey = modelAnalysis(repeatedRows(3000), 8, 8, 0, 0).keys.length;
    expect(everyKey).toBeGreaterThan(keysBefore.length);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_highfreq_kmer')).toEqual([[String(everyKey)]]);
    await db.exec('ROLLBACK');
    expect(await textRows(db, 'SELECT * FROM kmersearch_highfreq_kmer_meta')).toEqual(before);
    expect(await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey')).toEqual(keysBefore);
  });
});

describe('kmersearch_undo_highfreq_analysis', () => {
  it('drops every analysis of (table, column) and reports 64 bytes per key', async () => {
    const db = await serialDatabase();
    // One row of 10 bases: 7 distinct keys with k = 4, 3 with k = 8 (rate 0 keeps them all).
    await db.exec(`CREATE TABLE t (id int, seq dna2); INSERT INTO t VALUES (1, 'ACGTACGTAC');
      SET kmersearch.max_appearance_rate = 0; SET kmersearch.kmer_size = 8`);
    expect(await analysis(db)).toBe('(1,3,0,0,0)');
    await db.exec('SET kmersearch.kmer_size = 4');
    expect(await analysis(db)).toBe('(1,7,0,0,0)');
    // The column is not validated: an unknown one matches nothing.
    expect(await textRows(db, "SELECT kmersearch_undo_highfreq_analysis('t', 'nothing')")).toEqual([['(0,0,0)']]);
    expect(await textRows(db, "SELECT kmersearch_undo_highfreq_analysis('t', 'seq')")).toEqual([['(2,10,640)']]);
    expect(await textRows(db, "SELECT * FROM kmersearch_undo_highfreq_analysis('t', 'seq')")).toEqual([['0', '0', '0']]);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_highfreq_kmer')).toEqual([['0']]);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_highfreq_kmer_meta')).toEqual([['0']]);
    // The table by name only: an OID is a name that does not exist.
    const [[tableId]] = (await textRows(db, "SELECT 't'::regclass::oid")) as [[string]];
    await expectError(db, `SELECT kmersearch_undo_highfreq_analysis('${tableId}', 'seq')`, { code: '42P01', message: `relation "${tableId}" does not exist` });
  });
});

describe('the analysis tables', () => {
  it('keep the rows of a dropped table (table_name NULL) and are emptied by DROP EXTENSION', async () => {
    const db = await serialDatabase();
    await db.exec(`CREATE TABLE t (id int, seq dna2); INSERT INTO t VALUES (1, 'ACGTACGTAC');
      SET kmersearch.max_appearance_rate = 0; SET kmersearch.kmer_size = 4`);
    await analysis(db);
    const [[tableId]] = (await textRows(db, "SELECT 't'::regclass::oid")) as [[string]];
    await db.exec('DROP TABLE t');
    expect(await textRows(db, 'SELECT table_oid, table_name, column_name, highfreq_kmer_count FROM kmersearch_analysis_status')).toEqual([
      [tableId, null, 'seq', '7'],
    ]);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_highfreq_kmer')).toEqual([['7']]);
    await db.exec('DROP EXTENSION pg_kmersearch');
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_highfreq_kmer_meta')).toEqual([['0']]);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_highfreq_kmer')).toEqual([['0']]);
  });

  it('are read-only views with the reference columns', async () => {
    const db = await openDatabase();
    const columns = async (name: string): Promise<string[]> =>
      (await db.query(`SELECT * FROM ${name}`)).fields.map((field) => `${field.name} ${field.dataTypeID}`);
    expect(await columns('kmersearch_highfreq_kmer')).toEqual([
      'table_oid 26', 'column_name 19', 'kmer_size 23', 'occur_bitlen 23', 'uintkey 20', 'appearance_nrow 20', 'detection_reason 25', 'created_at 1184',
    ]);
    expect(await columns('kmersearch_highfreq_kmer_meta')).toEqual([
      'table_oid 26', 'column_name 19', 'kmer_size 23', 'occur_bitlen 23', 'max_appearance_rate 700', 'max_appearance_nrow 23', 'analysis_timestamp 1184',
    ]);
    expect(await columns('kmersearch_analysis_status')).toEqual([
      'table_oid 26', 'table_name 19', 'column_name 19', 'kmer_size 23', 'occur_bitlen 23', 'max_appearance_rate 700', 'max_appearance_nrow 23',
      'analysis_timestamp 1184', 'highfreq_kmer_count 20',
    ]);
    await expectError(db, 'DELETE FROM kmersearch_highfreq_kmer', { code: '42P01', message: 'relation "kmersearch_highfreq_kmer" does not exist', position: 13 });
  });

  it('are there after reopening the database', async () => {
    const path = temporaryPath();
    let db = await serialDatabase({ path });
    await db.exec(`CREATE TABLE t (id int, seq dna2); INSERT INTO t VALUES (1, 'ACGTACGTAC');
      SET kmersearch.max_appearance_rate = 0; SET kmersearch.kmer_size = 4`);
    await analysis(db);
    const keys = await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey');
    await db.close();
    db = await serialDatabase({ path });
    expect(await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey')).toEqual(keys);
  });
});

describe('kmersearch_delete_tempfiles', () => {
  it('returns one row and removes spill files of dead processes with the INFO lines', async () => {
    const path = temporaryPath();
    const db = await openDatabase({ path });
    expect(await textRows(db, 'SELECT * FROM kmersearch_delete_tempfiles()')).toEqual([['0', '0', '0']]);
    // A spill file of a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
    mkdirSync(join(path, 'spill'), { recursive: true });
    const leftover = join(path, 'spill', 'kmersearch_spill_4194305-1_7.runs');
    writeFileSync(leftover, Buffer.alloc(1234));
    const { notices, options } = noticeCollector();
    const result = await db.queryText('SELECT kmersearch_delete_tempfiles()', options);
    expect(result.rows).toEqual([['(1,1234,0)']]);
    expect(notices.map((notice) => `${notice.severity}: ${notice.message}`)).toEqual([
      `INFO: deleted temporary file "${leftover}" (size: 1234 bytes)`,
    ]);
  });
});

describe('an analysis interrupted by a killed process', () => {
  it('leaves the earlier analysis intact after reopening', async () => {
    const path = temporaryPath();
    const script = fileURLToPath(new URL('./fixtures/analysis-until-killed.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise<void>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        if (buffered.includes('analysing\n')) {
          setTimeout(() => child.kill('SIGKILL'), 300);
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await exited;
    clearTimeout(timeout);
    const db = await openDatabase({ path });
    expect(await textRows(db, 'SELECT kmer_size, max_appearance_rate FROM kmersearch_highfreq_kmer_meta')).toEqual([['8', '0.5']]);
    expect(await textRows(db, 'SELECT count(*), sum(appearance_nrow) FROM kmersearch_highfreq_kmer')).toEqual([[String(repeatedCount), String(repeatedSum)]]);
    // The same keys as a fresh run over the same rows.
    await db.exec("SET kmersearch.kmer_size = 8; SET kmersearch.max_appearance_rate = 0.5");
    const stored = await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey');
    expect(await analysis(db)).toMatch(new RegExp(`^\\(3000,${repeatedCount},[12],0\\.5,1500\\)$`));
    expect(await textRows(db, 'SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey')).toEqual(stored);
  });
});
