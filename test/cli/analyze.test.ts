/** `kmersearch analyze` end to end: a real process on a temporary database directory. */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShellDatabase } from '../../src/cli/engine-adapter.js';
import { runCommandLine } from '../../src/cli/main.js';
import { analysisTestHooks } from '../../src/sql/executor/analysis.js';
import { CapturedOutput } from './fake-database.js';
import { kmersearch, temporaryDirectory, withDatabase } from './subcommand-helpers.js';

let directory: { path: string; remove(): void };
let database: string;
beforeAll(async () => {
  directory = temporaryDirectory('analyze');
  database = join(directory.path, 'db');
  await withDatabase(database, async (db) => {
    await db.exec(`CREATE TABLE refs (id int, name text, seq dna2);
      INSERT INTO refs SELECT i, 'r' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'ACGTTGCAAGC'::dna2 END FROM generate_series(1, 14) AS g(i);
      CREATE TABLE "Mixed" (id int, "Seq" dna4); INSERT INTO "Mixed" VALUES (1, 'ACGTNACGT')`);
  });
});
afterAll(() => directory.remove());

describe('kmersearch analyze', () => {
  it('runs the analysis with the settings given and prints the result fields', async () => {
    const result = await kmersearch(['analyze', '-d', database, '--table', 'refs', '-k', '4', '--max-appearance-rate', '0.25', '--workers', '0']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'total_rows\t14\nhighfreq_kmers_count\t8\nparallel_workers_used\t0\nmax_appearance_rate_used\t0.25\nmax_appearance_nrow_used\t3\n',
    );
    expect(result.stderr).toMatch(/^refs\.seq: 8 high-frequency k-mers in 14 rows, \d+\.\d s\n$/u);
    await withDatabase(database, async (db) => {
      expect((await db.queryText('SELECT kmer_size, occur_bitlen, max_appearance_rate, max_appearance_nrow FROM kmersearch_highfreq_kmer_meta')).rows).toEqual([
        ['4', '8', '0.25', '0'],
      ]);
    });
    // A re-run with other settings replaces that analysis; --quiet prints the result only.
    const again = await kmersearch(['analyze', '-d', database, '-t', 'refs', '--column', 'seq', '-k', '4', '--max-appearance-rate', '0.5',
      '--max-appearance-nrow', '2', '--occur-bitlen', '2', '-j', '1', '-q']);
    expect(again).toEqual({
      status: 0,
      stdout: 'total_rows\t14\nhighfreq_kmers_count\t8\nparallel_workers_used\t1\nmax_appearance_rate_used\t0.5\nmax_appearance_nrow_used\t2\n',
      stderr: '',
    });
    await withDatabase(database, async (db) => {
      expect((await db.queryText('SELECT occur_bitlen, max_appearance_nrow FROM kmersearch_highfreq_kmer_meta ORDER BY occur_bitlen')).rows).toEqual([
        ['2', '2'],
        ['8', '0'],
      ]);
    });
  });

  it('takes quoted names verbatim and folds the others', async () => {
    const result = await kmersearch(['analyze', '-d', database, '--table', '"Mixed"', '--column', '"Seq"', '-k', '4', '--max-appearance-rate', '0', '-q', '-j', '0']);
    expect(result.stdout).toBe(
      'total_rows\t1\nhighfreq_kmers_count\t2\nparallel_workers_used\t0\nmax_appearance_rate_used\t0\nmax_appearance_nrow_used\t0\n',
    );
    const folded = await kmersearch(['analyze', '-d', database, '--table', 'REFS', '--column', 'Name', '-q']);
    expect(folded).toEqual({ status: 1, stdout: '', stderr: 'kmersearch analyze: ERROR:  Column must be DNA2 or DNA4 type\n' });
  });

  it('reports usage errors, a missing database, and analysis errors with exit statuses 1 and 2', async () => {
    expect(await kmersearch(['analyze', '-d', database])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'kmersearch analyze: error: no table given (--table TABLE)\nkmersearch analyze: hint: Try "kmersearch analyze --help" for more information.\n',
    });
    const rate = await kmersearch(['analyze', '-d', database, '-t', 'refs', '--max-appearance-rate', '2']);
    expect(rate.stderr).toBe(
      'kmersearch analyze: error: invalid value "2" for option --max-appearance-rate: must be a number from 0 to 1\nkmersearch analyze: hint: Try "kmersearch analyze --help" for more information.\n',
    );
    const missing = await kmersearch(['analyze', '-d', join(directory.path, 'nothing'), '-t', 'refs']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`kmersearch analyze: error: database directory "${join(directory.path, 'nothing')}" does not exist\n`);
    const table = await kmersearch(['analyze', '-d', database, '-t', 'absent']);
    expect(table).toEqual({ status: 1, stdout: '', stderr: 'kmersearch analyze: ERROR:  relation "absent" does not exist\n' });
    const help = await kmersearch(['analyze', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:\n  kmersearch analyze -d DBDIR --table TABLE [OPTION]...\n');
  });

  it('stops at an interrupt with status 130 and keeps the earlier analysis', async () => {
    const path = join(directory.path, 'interrupted');
    await withDatabase(path, async (db) => {
      await db.exec(`CREATE TABLE big (seq dna2);
        INSERT INTO big SELECT repeat('ACGTTGCAAGCA', 1 + i % 5)::dna2 FROM generate_series(1, 3000) AS g(i);
        SET kmersearch.kmer_size = 8; SET max_parallel_maintenance_workers = 0;
        SELECT kmersearch_perform_highfreq_analysis('big', 'seq')`);
    });
    const captured = new CapturedOutput();
    analysisTestHooks.current = { delayPerBlockMs: 300 };
    try {
      const status = await runCommandLine(['analyze', '-d', path, '-t', 'big', '-k', '8', '--max-appearance-rate', '0', '-j', '1', '-q'], {
        stdin: Readable.from([]),
        stdout: captured.stdout,
        stderr: captured.stderr,
        isTTY: false,
        env: {},
        createDatabase: createShellDatabase,
        interrupts: (listener) => {
          const timer = setTimeout(listener, 200);
          return () => clearTimeout(timer);
        },
      });
      expect({ status, stdout: captured.stdoutText, stderr: captured.stderrText }).toEqual({
        status: 130,
        stdout: '',
        stderr: 'kmersearch analyze: cancelled\n',
      });
    } finally {
      analysisTestHooks.current = undefined;
    }
    await withDatabase(path, async (db) => {
      expect((await db.queryText('SELECT max_appearance_rate FROM kmersearch_highfreq_kmer_meta')).rows).toEqual([['0.5']]);
    });
  });
});
