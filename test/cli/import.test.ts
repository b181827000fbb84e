/** `kmersearch import` end to end: a real process on a temporary database directory. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirectory, kmersearch, randomDna, temporaryDirectory, withDatabase } from './subcommand-helpers.js';

let directory: { path: string; remove(): void };
beforeAll(() => {
  directory = temporaryDirectory('import');
});
afterAll(() => directory.remove());

let counter = 0;
function databasePath(): string {
  return join(directory.path, `db-${++counter}`);
}

function write(name: string, text: string): string {
  const path = join(directory.path, name);
  writeFileSync(path, text);
  return path;
}

describe('kmersearch import', () => {
  it('creates the table and loads FASTA and gzip FASTQ files in one go', async () => {
    const db = databasePath();
    const fasta = write('two.fa', `>chr1 first\n${randomDna(150, 1).toLowerCase()}\n>chr2\n${randomDna(90, 2)}\n`);
    const fastq = join(dataDirectory, 'reads_1.fq.gz');
    const result = await kmersearch(['import', '-d', db, '--table', 'Reads', '--type', 'dna4', fasta, fastq]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${fasta}: 2 records, 2\\d\\d B in \\d+\\.\\d s`));
    expect(lines.at(-2)).toMatch(/reads_1\.fq\.gz: 10000 records, 1\.2 MB in \d+\.\d s, [\d.]+ [kM]B\/s$/u);
    expect(lines.at(-1)).toBe('kmersearch import: loaded 10002 records from 2 files into table "reads"');
    await withDatabase(db, async (engine) => {
      const columns = (await engine.query('SELECT * FROM reads LIMIT 0')).fields.map((field) => [field.name, field.typeName]);
      expect(columns).toEqual([
        ['id', 'bigint'],
        ['name', 'text'],
        ['seq', 'dna4'],
      ]);
      const first = await engine.query('SELECT id, name, seq FROM reads ORDER BY id LIMIT 2');
      expect(first.rows).toEqual([
        { id: 1, name: 'chr1', seq: randomDna(150, 1) },
        { id: 2, name: 'chr2', seq: randomDna(90, 2) },
      ]);
      expect((await engine.query("SELECT name FROM reads WHERE id = 3")).rows).toEqual([{ name: 'r1' }]);
    });
  });

  it('--type auto makes plain genomes dna2 and starts over as dna4 when other IUPAC codes appear', async () => {
    const plain = write('plain.fa', `>a\n${randomDna(100, 3)}\n`);
    const iupac = write('iupac.fa', `>a\n${randomDna(100, 3)}\n>b\nACGTNNRY\n`);
    const first = databasePath();
    expect((await kmersearch(['import', '-d', first, '-t', 'refs', plain])).status).toBe(0);
    const second = databasePath();
    const result = await kmersearch(['import', '-d', second, '-t', 'refs', plain, iupac]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('kmersearch import: sequences hold IUPAC codes other than A, C, G, T and U: loading again as dna4\n');
    expect(result.stderr).toContain('loaded 3 records from 2 files into table "refs"');
    await withDatabase(first, async (engine) => expect((await engine.query('SELECT seq FROM refs')).fields[0]?.typeName).toBe('dna2'));
    await withDatabase(second, async (engine) => {
      expect((await engine.query('SELECT name, seq FROM refs ORDER BY id')).rows).toEqual([
        { name: 'a', seq: randomDna(100, 3) },
        { name: 'a', seq: randomDna(100, 3) },
        { name: 'b', seq: 'ACGTNNRY' },
      ]);
    });
  });

  it('loads nothing when any file is bad, and says where (the table it would have created included)', async () => {
    const db = databasePath();
    const good = write('good.fa', `>a\n${randomDna(50, 4)}\n`);
    const bad = write('bad.fa', `>x\nACGT\n>y\nAC!GT\n`);
    const result = await kmersearch(['import', '-d', db, '-t', 'refs', good, bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`kmersearch import: ERROR:  invalid FASTA input in file "${bad}" at line 4 (record 2): invalid character "!" in sequence\nDETAIL:  `);
    await withDatabase(db, async (engine) => {
      await expect(engine.query('SELECT 1 FROM refs')).rejects.toMatchObject({ code: '42P01' });
    });
    // An explicit dna2 with an N: the error names the record, the file and the column.
    const withN = write('n.fa', `>first\nACGT\n>second\nACNT\n`);
    const typed = await kmersearch(['import', '-d', db, '-t', 'refs', '--type', 'dna2', withN]);
    expect(typed.status).toBe(1);
    expect(typed.stderr).toBe(
      [
        "kmersearch import: ERROR:  invalid character 'N' for DNA2 type",
        `DETAIL:  COPY refs, file "${withN}", record 2 ("second", header at line 3), column seq`,
        'HINT:  DNA2 type accepts only A, C, G, T, U characters',
        '',
      ].join('\n'),
    );
  });

  it('fills an existing table through named columns, and reads standard input', async () => {
    const db = databasePath();
    await withDatabase(db, (engine) => engine.query("CREATE TABLE genes (gene_id serial, label varchar(20), sequence dna2, origin text DEFAULT 'cli')"));
    const fasta = write('genes.fa', `>g1\nACGTACGT\n>g2\nTTTT\n`);
    const named = await kmersearch(['import', '-d', db, '-t', 'genes', '--name-column', 'label', '--seq-column', 'sequence', '-q', fasta]);
    expect(named).toEqual({ status: 0, stdout: '', stderr: '' });
    const piped = await kmersearch(['import', '-d', db, '-t', 'genes', '-q', '-'], { input: '@r1\nGGCC\n+\nIIII\n' });
    expect(piped.status).toBe(0);
    await withDatabase(db, async (engine) => {
      expect((await engine.query('SELECT * FROM genes ORDER BY gene_id')).rows).toEqual([
        { gene_id: 1, label: 'g1', sequence: 'ACGTACGT', origin: 'cli' },
        { gene_id: 2, label: 'g2', sequence: 'TTTT', origin: 'cli' },
        // Without --name-column the first text-like column takes the name.
        { gene_id: 3, label: 'r1', sequence: 'GGCC', origin: 'cli' },
      ]);
    });
    const mismatch = await kmersearch(['import', '-d', db, '-t', 'genes', '--type', 'dna4', fasta]);
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toContain('error: --type dna4 does not match column "sequence" of table "genes", which is dna2');
  });

  it('prints plain progress lines off a terminal', async () => {
    const db = databasePath();
    const records = Array.from({ length: 800 }, (_, index) => `>r${index}\n${randomDna(5000, index)}\n`).join('');
    const big = write('big.fa', records);
    const result = await kmersearch(['import', '-d', db, '-t', 'refs', big]);
    expect(result.status).toBe(0);
    const progressLines = result.stderr.trimEnd().split('\n').slice(0, -2);
    expect(progressLines.length).toBeGreaterThan(0);
    for (const line of progressLines) {
      expect(line).toMatch(new RegExp(`^${big}: \\d+% \\([\\d.]+ [kM]B of 4\\.0 MB(, [\\d.]+ [kM]?B/s(, ETA \\d+:\\d\\d)?)?\\)$`, 'u'));
    }
    expect(result.stderr).not.toContain('\r');
  });

  it('answers --help, usage errors and unusable database directories with the documented statuses', async () => {
    const help = await kmersearch(['import', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:\n  kmersearch import -d DBDIR --table TABLE [OPTION]... FILE...');
    const noTable = await kmersearch(['import', '-d', databasePath(), 'x.fa']);
    expect(noTable).toEqual({
      status: 1,
      stdout: '',
      stderr: 'kmersearch import: error: no table given (--table TABLE)\nkmersearch import: hint: Try "kmersearch import --help" for more information.\n',
    });
    const badOption = await kmersearch(['import', '--colour']);
    expect(badOption.status).toBe(1);
    expect(badOption.stderr).toContain("kmersearch import: error: unrecognized option '--colour'");
    const badType = await kmersearch(['import', '-d', databasePath(), '-t', 'x', '--type', 'rna', 'x.fa']);
    expect(badType.stderr).toContain('invalid value "rna" for option --type: use auto, dna2 or dna4');
    const file = write('not-a-directory', 'x');
    const unopenable = await kmersearch(['import', '-d', file, '-t', 'x', 'x.fa']);
    expect(unopenable.status).toBe(2);
    const missing = await kmersearch(['import', '-d', databasePath(), '-t', 'x', join(directory.path, 'missing.fa')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`could not open file "${join(directory.path, 'missing.fa')}" for reading: No such file or directory`);
  });
});
