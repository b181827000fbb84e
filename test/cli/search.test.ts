/** `kmersearch search` end to end: reads searched against an imported table, answers equal to the SQL's. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmersearch, randomDna, temporaryDirectory, withDatabase } from './subcommand-helpers.js';

let directory: { path: string; remove(): void };
let database: string;
let queries: string;
/** Ten references of 600 bases; each read is a stretch of one of them with a few substitutions. */
const references = Array.from({ length: 10 }, (_, index) => randomDna(600, 100 + index));

function mutated(sequence: string, seed: number): string {
  const letters = sequence.split('');
  for (let position = 7 + (seed % 5); position < letters.length; position += 37) letters[position] = letters[position] === 'A' ? 'C' : 'A';
  return letters.join('');
}

beforeAll(async () => {
  directory = temporaryDirectory('search');
  database = join(directory.path, 'db');
  const refs = join(directory.path, 'refs.fa');
  writeFileSync(refs, references.map((sequence, index) => `>ref${index}\n${sequence}\n`).join(''));
  const imported = await kmersearch(['import', '-q', '-d', database, '-t', 'refs', refs]);
  expect(imported.status).toBe(0);
  queries = join(directory.path, 'reads.fq');
  const reads = [
    ['read_a', mutated(references[3]!.slice(100, 300), 1)],
    ['read_b', mutated(references[7]!.slice(250, 450), 2).toLowerCase()],
    ['read_c', randomDna(200, 999)],
    ['tiny', 'ACGTACG'],
  ];
  writeFileSync(queries, reads.map(([name, sequence]) => `@${name}\n${sequence}\n+\n${'I'.repeat(sequence!.length)}\n`).join(''));
});
afterAll(() => directory.remove());

describe('kmersearch search', () => {
  it('prints query, row name and score per hit, best first, as the SQL ranks them', async () => {
    const result = await kmersearch(['search', '-d', database, '--table', 'refs', '--min-shared-kmer-rate', '0.2', '--header', queries]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('query\trow\tscore');
    const hits = lines.slice(1).map((line) => line.split('\t'));
    expect(hits.find((hit) => hit[0] === 'read_a')?.[1]).toBe('ref3');
    expect(hits.find((hit) => hit[0] === 'read_b')?.[1]).toBe('ref7');
    expect(hits.some((hit) => hit[0] === 'read_c')).toBe(false);
    expect(result.stderr).toContain('kmersearch search: warning: query "tiny" (' + queries + ', record 4) skipped: Query sequence must be at least 16 bases long\n');
    expect(result.stderr).toMatch(/reads\.fq: 4 queries, \d+ hits in \d+\.\d s/u);
    // The same answers through SQL.
    await withDatabase(database, async (engine) => {
      await engine.query("SET kmersearch.min_shared_kmer_rate = '0.2'");
      const expected: string[][] = [];
      for (const [name, sequence] of [
        ['read_a', mutated(references[3]!.slice(100, 300), 1)],
        ['read_b', mutated(references[7]!.slice(250, 450), 2)],
      ] as const) {
        const rows = await engine.query<{ name: string; score: number }>(
          'SELECT name, kmersearch_matchscore(seq, $1) AS score FROM refs WHERE seq =% $1 ORDER BY score DESC, name LIMIT 10',
          [sequence],
        );
        expected.push(...rows.rows.map((row) => [name, row.name, String(row.score)]));
      }
      expect(hits).toEqual(expected);
    });
  });

  it('applies --limit, --min-score and --kmer-size, and reads standard input', async () => {
    const read = `>q\n${references[5]!.slice(0, 300)}\n`;
    const limited = await kmersearch(['search', '-q', '-d', database, '-t', 'refs', '--limit', '1', '--min-shared-kmer-rate', '0', '-'], { input: read });
    expect(limited).toEqual({ status: 0, stdout: expect.stringMatching(/^q\tref5\t\d+\n$/u) as unknown as string, stderr: '' });
    const strict = await kmersearch(['search', '-q', '-d', database, '-t', 'refs', '--min-score', '100000', '-'], { input: read });
    expect(strict).toEqual({ status: 0, stdout: '', stderr: '' });
    const shortK = await kmersearch(['search', '-q', '-d', database, '-t', 'refs', '-k', '8', '--occur-bitlen', '4', '-n', '1', '-'], { input: read });
    expect(shortK.stdout).toMatch(/^q\tref5\t\d+\n$/u);
  });

  it('answers --help, usage errors and missing databases with the documented statuses', async () => {
    const help = await kmersearch(['search', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:\n  kmersearch search -d DBDIR --table TABLE [OPTION]... QUERIES...');
    const missing = await kmersearch(['search', '-d', join(directory.path, 'nowhere'), '-t', 'refs', queries]);
    expect(missing).toEqual({ status: 2, stdout: '', stderr: `kmersearch search: error: database directory "${join(directory.path, 'nowhere')}" does not exist\n` });
    const badRate = await kmersearch(['search', '-d', database, '-t', 'refs', '--min-shared-kmer-rate', '2', queries]);
    expect(badRate.status).toBe(1);
    expect(badRate.stderr).toContain('invalid value "2" for option --min-shared-kmer-rate: must be a number from 0 to 1');
    const noTable = await kmersearch(['search', '-d', database, '-t', 'nope', queries]);
    expect(noTable).toEqual({ status: 1, stdout: '', stderr: 'kmersearch search: ERROR:  relation "nope" does not exist\n' });
  });
});
