/** Statement atomicity: a failing statement leaves nothing behind, also when the process is killed mid-way. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, openDatabase } from './engine-helpers.js';

const directories: string[] = [];

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('statement atomicity', () => {
  it('inserts nothing when one row of a multi-row INSERT is bad, and reports that row', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id int PRIMARY KEY, seq dna2)');
    const sql = "INSERT INTO t VALUES (1, 'ACGT'), (2, 'ACGT'), (3, 'ACNT'), (4, 'ACGT')";
    await expectError(db, sql, {
      code: '22P02',
      message: "invalid character 'N' for DNA2 type",
      hint: 'DNA2 type accepts only A, C, G, T, U characters',
      position: sql.indexOf("'ACNT'") + 1,
    });
    await expectError(db, "INSERT INTO t SELECT i, 'ACGT'::dna2 FROM generate_series(1, 3000) AS g(i) UNION ALL SELECT 7, 'A'::dna2", {
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_pkey"',
      detail: 'Key (id)=(7) already exists.',
    });
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('reads and writes the same table in one statement without seeing its own new rows', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (i int, seq dna2)');
    await db.query("INSERT INTO t SELECT i, 'ACGTACGT' FROM generate_series(1, 3000) AS g(i)");
    expect((await db.query('INSERT INTO t SELECT i + 3000, seq FROM t')).commandTag).toBe('INSERT 0 3000');
    expect((await db.query('UPDATE t SET i = i + 1')).commandTag).toBe('UPDATE 6000');
    expect((await db.query('SELECT count(*) AS n, min(i) AS lo, max(i) AS hi FROM t')).rows).toEqual([{ n: 6000, lo: 2, hi: 6001 }]);
    expect((await db.query('DELETE FROM t WHERE i % 2 = 0')).commandTag).toBe('DELETE 3000');
  });

  it('keeps exactly the committed statements when the process is killed during an INSERT', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmersearch-kill-'));
    directories.push(directory);
    const path = join(directory, 'db');
    const script = fileURLToPath(new URL('./fixtures/insert-until-killed.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = -1;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) reported = Number(line.replace('committed ', ''));
        if (reported >= 2 && !child.killed) {
          // Somewhere inside the next INSERT.
          setTimeout(() => child.kill('SIGKILL'), 5 + Math.floor(Math.random() * 40));
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(reported).toBeGreaterThanOrEqual(2);
    const db = await openDatabase({ path });
    const batches = (await db.query('SELECT batch, count(*) AS n FROM t GROUP BY batch ORDER BY batch')).rows;
    // The statement after the last report may have committed before the kill, never partly.
    expect(batches.length === reported + 1 || batches.length === reported + 2).toBe(true);
    batches.forEach((row, index) => expect(row).toEqual({ batch: index, n: 20000 }));
  }, 60_000);
});
