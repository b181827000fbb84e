/**
 * Resource limits (issue 8 §4): a 10 Mbp query, a 50 Mbp stored sequence under maintenance_work_mem = 1MB, a
 * data file at its mapSize ceiling and a full file system (a small tmpfs). Each works with the right answers or
 * fails with the right SQLSTATE, and the database stays usable. The large cases run in a child process so that
 * its peak resident memory can be measured; their bounds are the documented ones (docs/reliability.md), not
 * tight benchmarks.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmerSearch, KmerSearchError } from '../../src/index.js';
import { expectSameOnBothPaths } from '../sql/index-helpers.js';

const childScript = fileURLToPath(new URL('./fixtures/limits-child.ts', import.meta.url));
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'kmersearch-limits-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

interface LimitsReport {
  readonly outcomes: Record<string, unknown>;
  readonly baselineMB: number;
  readonly peakMB: number;
  /** Peak so far after each statement. */
  readonly peaksMB: Record<string, number>;
}

async function runCase(kind: string): Promise<LimitsReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, kind, directory], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect({ code, errors }).toEqual({ code: 0, errors: '' });
  return JSON.parse(output) as LimitsReport;
}

describe('large values', () => {
  it('a 10 Mbp query gives the same answer through the index and sequentially, within bounded memory', async () => {
    const report = await runCase('long-query');
    const { index, sequential, matchscore, insert } = report.outcomes as Record<string, unknown>;
    expect(index).toEqual(sequential);
    // The query's last 40 bases are a stretch of row 1: 40 − 12 + 1 = 29 shared 12-mers.
    expect(matchscore).toEqual([{ score: 29 }]);
    // Its keys are extracted by the long-input path and sorted in place, and the row-by-row match searches them
    // through a directory: at most ~35 bytes per query base (measured: ~14; ~79 before the long-input path).
    expect(report.peaksMB['matchscore']! - report.baselineMB).toBeLessThan(350);
    // The query inserted as a row into the indexed table: its pending entry is sorted from the long-input path's
    // keys in place, and the merge at the end of the statement reads the entry a chunk at a time. At most ~35
    // bytes per base (measured: ~20; ~60 before).
    expect(insert).toBe(1);
    expect(report.outcomes['inserted, index']).toEqual([{ i: 0, score: 49 }]);
    expect(report.outcomes['inserted, sequential']).toEqual([{ i: 0, score: 49 }]);
    expect(report.peakMB - report.baselineMB).toBeLessThan(350);
  }, 120_000);

  it('a 50 Mbp sequence loads by COPY, is searched, and is indexed under maintenance_work_mem = 1MB', async () => {
    const report = await runCase('long-sequence');
    expect(report.outcomes).toEqual({
      copy: 1,
      length: [{ name: 'chromosome', length: 50_000_000 }],
      // 60 bases from the middle of the sequence: 60 − 12 + 1 = 49 shared 12-mers.
      sequential: [{ name: 'chromosome', score: 49 }],
      'index build': 'CREATE INDEX',
      index: [{ name: 'chromosome', score: 49 }],
    });
    // Whatever maintenance_work_mem says, the long-input path holds a copy of the row's k-mer values (4 bytes per
    // base at k = 12) while the build numbers them; the search counts only the query's k-mer values. Bound: 16
    // bytes per base of the row, COPY included (measured: ~8; ~52 before the long-input path).
    expect(report.peakMB - report.baselineMB).toBeLessThan(50 * 16);
  }, 240_000);
});

/** Inserts 2,000-row statements into an indexed table until one fails; returns the rows committed and the error. */
async function fillUntilFull(db: KmerSearch): Promise<{ committed: number; error: KmerSearchError }> {
  await db.exec(`
    SET kmersearch.kmer_size = 8;
    CREATE TABLE t (i int, seq dna2);
    CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4);
  `);
  let committed = 0;
  for (let statement = 0; statement < 200; statement++) {
    try {
      await db.query(
        `INSERT INTO t SELECT i, substr(repeat('ACGGTCAGTTCAGGATTACAACGT', 30), 1 + i % 60, 400)::dna2 FROM generate_series($1::int, $1::int + 1999) AS g(i)`,
        [committed],
      );
      committed += 2000;
    } catch (error) {
      if (!(error instanceof KmerSearchError)) throw error;
      return { committed, error };
    }
  }
  throw new Error('the database never filled up');
}

/** After the failure: the committed rows are all there, searches agree, deletes and small inserts work. */
async function expectUsable(db: KmerSearch, committed: number): Promise<void> {
  expect((await db.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: committed }]);
  await expectSameOnBothPaths(db, `SELECT i FROM t WHERE seq =% 'CAGGATTACAACGTACGGTCAG' ORDER BY i LIMIT 50`, true);
  expect((await db.query('DELETE FROM t WHERE i % 2 = 0')).affectedRows).toBe(committed / 2);
  await db.query(`INSERT INTO t VALUES (-1, 'ACGTACGTACGT')`);
  expect((await db.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: committed / 2 + 1 }]);
}

describe('a full disk', () => {
  it('a statement that would grow the data file past mapSize fails with 53100; the database stays usable', async () => {
    const path = join(directory, 'db');
    const db = await KmerSearch.open({ path, mapSize: 8 * 1024 * 1024 });
    try {
      const { committed, error } = await fillUntilFull(db);
      expect(committed).toBeGreaterThan(0);
      // The INSERT fails appending its rows, or merging the index's pending list (the index names itself then).
      expect({ code: error.code, message: error.message, detail: error.detail, hint: error.hint }).toEqual({
        code: '53100',
        message: expect.stringMatching(/^(could not build index "t_seq_idx": )?could not extend file ".*\/data\.mdb": database size limit reached$/),
        detail: `The database may grow to at most ${8 * 1024 * 1024} bytes.`,
        hint: 'Delete rows or drop tables, or open the database with a larger mapSize.',
      });
      await expectUsable(db, committed);
    } finally {
      await db.close();
    }
    const reopened = await KmerSearch.open({ path });
    try {
      expect((await reopened.query('SELECT count(*)::int AS n FROM t WHERE i >= 0')).rows.length).toBe(1);
    } finally {
      await reopened.close();
    }
  }, 120_000);

  it('a full file system (6 MB tmpfs) fails the statement with 53100; the database stays usable', async (context) => {
    const mountPoint = join(directory, 'tmpfs');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      context.skip(`cannot mount a tmpfs here (${String(error).split('\n')[0]}); the mapSize case covers 53100`);
    }
    try {
      const path = join(mountPoint, 'db');
      const db = await KmerSearch.open({ path });
      try {
        const { committed, error } = await fillUntilFull(db);
        expect(committed).toBeGreaterThan(0);
        expect({ code: error.code, message: error.message, hint: error.hint }).toEqual({
          code: '53100',
          message: expect.stringMatching(/^(could not build index "t_seq_idx": )?could not extend file ".*\/data\.mdb": No space left on device$/),
          hint: 'Check free disk space.',
        });
        await expectUsable(db, committed);
      } finally {
        await db.close();
      }
      const reopened = await KmerSearch.open({ path });
      try {
        expect((await reopened.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: expect.any(Number) }]);
      } finally {
        await reopened.close();
      }
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  }, 120_000);
});
