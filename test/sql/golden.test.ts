/**
 * Golden SQL scripts (test/sql/golden/*.sql) run through the real shell and engine exactly as pg_regress runs
 * psql (`-a -q -X`, script on stdin, stdout and stderr merged), compared with test/sql/golden/expected/*.out.
 * Every expected file was checked by hand against the reference's documented values and texts (reference core
 * and SPEC); regenerate with `UPDATE_GOLDEN=1 npx vitest run test/sql/golden` only after such a review.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ShellDatabase } from '../../src/cli/shell-database.js';
import { KmerSearch } from '../../src/index.js';
import { runGolden } from '../cli/golden.js';

const goldenDirectory = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const scripts = readdirSync(goldenDirectory).filter((name) => name.endsWith('.sql')).sort();

async function openTemporaryDatabase(): Promise<ShellDatabase> {
  const db = await KmerSearch.open();
  return { runText: (sql, options) => db.queryText(sql, options), close: () => db.close() };
}

describe('golden SQL scripts', () => {
  for (const script of scripts) {
    it(script, async () => {
      const output = await runGolden(readFileSync(join(goldenDirectory, script), 'utf8'), openTemporaryDatabase);
      const expectedPath = join(goldenDirectory, 'expected', script.replace(/\.sql$/, '.out'));
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(expectedPath, output);
      expect(output).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }
});
