/**
 * Catalog records are decoded once per catalog generation and shared by the snapshots of a process (storage
 * view.ts, SharedEnvironment.catalogRecords). Every committed change must be seen by the next statement of every
 * handle, in this process or another: CREATE/DROP INDEX, DROP TABLE, REINDEX, TRUNCATE, new rows; a transaction
 * block reads its own uncommitted DDL and keeps its snapshot; settings changes (F7) are the session's, never
 * cached with the catalog.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { openDatabase, rejection } from './engine-helpers.js';
import { explain } from './index-helpers.js';

const search = "SELECT id, kmersearch_matchscore(seq, 'ACGTTGCAAGCT') AS score FROM t WHERE seq =% 'ACGTTGCAAGCT' ORDER BY 2 DESC, 1 LIMIT 5";
const settings = 'SET kmersearch.kmer_size = 4; SET kmersearch.min_shared_kmer_rate = 0.2';

/** Two handles on one database: `a` runs the searches, `b` changes the catalog. */
async function twoHandles(): Promise<{ a: KmerSearch; b: KmerSearch }> {
  const a = await openDatabase();
  await a.exec(`
    ${settings};
    CREATE TABLE t (id int, seq dna2);
    INSERT INTO t SELECT i, substr(repeat('ACGTTGCAAGCT', 3), i % 12 + 1, 12)::dna2 FROM generate_series(1, 40) AS i;
  `);
  const b = await openDatabase({ path: a.path });
  await b.exec(settings);
  return { a, b };
}

const usesIndex = async (db: KmerSearch, sql = search): Promise<boolean> =>
  (await explain(db, sql)).some((line) => line.includes('Bitmap Index Scan on t_seq_idx'));
const rowsOf = async (db: KmerSearch, sql = search): Promise<unknown[]> => (await db.query(sql)).rows;
/** The rows of a sequential scan (the reference answer), the session's path switches restored after. */
async function sequentialRows(db: KmerSearch): Promise<unknown[]> {
  await db.query('SET enable_bitmapscan = off');
  try {
    return await rowsOf(db);
  } finally {
    await db.query('RESET enable_bitmapscan');
  }
}

describe('catalog records cached between statements', () => {
  it("sees another handle's CREATE INDEX, REINDEX and DROP INDEX at its next statement", async () => {
    const { a, b } = await twoHandles();
    const expected = await rowsOf(a);
    expect(expected.length).toBeGreaterThan(0);
    expect(await usesIndex(a)).toBe(false);
    await b.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect(await usesIndex(a)).toBe(true);
    expect(await rowsOf(a)).toEqual(expected);
    // REINDEX writes the pages under a new storage id and deletes the old ones: a stale record would read none.
    await b.query('REINDEX INDEX t_seq_idx');
    expect(await rowsOf(a)).toEqual(expected);
    await b.query('INSERT INTO t VALUES (0, $1)', ['ACGTTGCAAGCT']);
    const withNewRow = await rowsOf(a);
    expect(withNewRow).toEqual([{ id: 0, score: 9 }, ...expected.slice(0, 4)]);
    expect(withNewRow).toEqual(await sequentialRows(a));
    await b.query('DROP INDEX t_seq_idx');
    expect(await usesIndex(a)).toBe(false);
    expect(await rowsOf(a)).toEqual(withNewRow);
  });

  it("sees another handle's DROP TABLE, TRUNCATE and a table of the same name created again", async () => {
    const { a, b } = await twoHandles();
    await a.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect((await rowsOf(a)).length).toBeGreaterThan(0);
    await b.query('TRUNCATE t');
    expect(await rowsOf(a)).toEqual([]);
    await b.query('DROP TABLE t');
    const error = await rejection(a.query(search));
    expect({ code: error.code, message: error.message }).toEqual({ code: '42P01', message: 'relation "t" does not exist' });
    await b.exec("CREATE TABLE t (id int, seq dna2); INSERT INTO t VALUES (7, 'ACGTTGCAAGCT')");
    expect(await usesIndex(a)).toBe(false);
    expect(await rowsOf(a)).toEqual([{ id: 7, score: 9 }]);
  });

  it('reads its own uncommitted DDL in a block and keeps its snapshot against DDL committed by others', async () => {
    const { a, b } = await twoHandles();
    const expected = await rowsOf(a);
    await a.query('BEGIN');
    await a.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect(await usesIndex(a)).toBe(true);
    expect(await rowsOf(a)).toEqual(expected);
    await a.query('ROLLBACK');
    expect(await usesIndex(a)).toBe(false);

    await b.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    await a.query('BEGIN');
    expect(await usesIndex(a)).toBe(true);
    // b's DROP INDEX commits while a's block reads its snapshot: a still sees (and may use) the index.
    await b.query('DROP INDEX t_seq_idx');
    expect(await usesIndex(a)).toBe(true);
    expect(await rowsOf(a)).toEqual(expected);
    await a.query('COMMIT');
    expect(await usesIndex(a)).toBe(false);
    expect(await rowsOf(a)).toEqual(expected);
  });

  it('uses an index only while the session settings match its recorded ones (F7)', async () => {
    const { a } = await twoHandles();
    await a.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    const expected = await rowsOf(a);
    expect(await usesIndex(a)).toBe(true);
    await a.query('SET kmersearch.kmer_size = 5');
    expect(await usesIndex(a)).toBe(false);
    expect((await explain(a, search)).join('\n')).toContain('Index t_seq_idx not used: built with kmersearch.kmer_size=4 (current 5)');
    await a.query('SET kmersearch.kmer_size = 4');
    expect(await usesIndex(a)).toBe(true);
    expect(await rowsOf(a)).toEqual(expected);
  });

  it('sees DDL committed by another process at its next statement', async () => {
    const { a } = await twoHandles();
    await a.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    const expected = await rowsOf(a);
    expect(await usesIndex(a)).toBe(true);
    await runInChild(a.path, 'DROP INDEX t_seq_idx; DELETE FROM t WHERE id = 1');
    expect(await usesIndex(a)).toBe(false);
    await runInChild(a.path, `${settings}; CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)`);
    expect(await usesIndex(a)).toBe(true);
    const rows = await rowsOf(a);
    expect(rows).not.toEqual(expected);
    expect(rows).toEqual(await sequentialRows(a));
  }, 60_000);
});

const childScript = fileURLToPath(new URL('./fixtures/run-script.ts', import.meta.url));

/** Runs a script in another process (at most 30 s). */
function runInChild(path: string, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, path, script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child failed (${String(code)}): ${stderr}`))));
  });
}
