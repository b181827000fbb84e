/**
 * An index stays consistent with its table when the process dies in the middle of a statement (issue 5 §2): a
 * child process changes an indexed table in a loop (INSERT with pending-list merges, UPDATE, DELETE) and is killed
 * with SIGKILL at a random moment; after reopening, the index path and the sequential path give the same rows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './engine-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('an index after a crash', () => {
  it('answers as the table after the process is killed while changing it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmersearch-index-kill-'));
    directories.push(directory);
    const path = join(directory, 'db');
    const script = fileURLToPath(new URL('./fixtures/index-changes-until-killed.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = -1;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) reported = Number(line.replace('committed ', ''));
        if (reported >= 4 && !child.killed) setTimeout(() => child.kill('SIGKILL'), 5 + Math.floor(Math.random() * 60));
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(reported).toBeGreaterThanOrEqual(4);
    const db = await openDatabase({ path });
    await db.query('SET kmersearch.kmer_size = 8');
    let found = 0;
    for (const query of ['ACGGTCAGTTCAGGATTACAACGG', 'TCAGGATTACAACGGTCAG', 'GATTACAACGGTCAGTTCAGGAT']) {
      const outcome = await expectSameOnBothPaths(db, `SELECT batch, i, kmersearch_matchscore(seq, '${query}') FROM t WHERE seq =% '${query}' ORDER BY batch, i`, true);
      if ('rows' in outcome) found += outcome.rows.length;
    }
    expect(found).toBeGreaterThan(1000);
  }, 60_000);
});
