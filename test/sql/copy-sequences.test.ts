/**
 * COPY … FROM a FASTA/FASTQ file: records written by src/formats' writers (random widths, case, gzip) read back
 * identically; column mapping; atomicity (a bad record anywhere loads nothing, and the error says where);
 * unreadable files; progress; cancellation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSequenceFile, type SequenceRecordInput } from '../../src/formats/index.js';
import type { Progress } from '../../src/index.js';
import { temporaryDirectory } from '../formats/helpers.js';
import { expectError, openDatabase, rejection } from './engine-helpers.js';

let directory: { path: string; remove: () => void };
beforeAll(() => {
  directory = temporaryDirectory();
});
afterAll(() => directory.remove());

let fileCounter = 0;
function fileName(extension: string): string {
  return join(directory.path, `input-${++fileCounter}${extension}`);
}

const nameCharacter = fc.constantFrom(...'abcXYZ019_|.:-/>@+=éλ✓'.split(''));
const nameArbitrary = fc.string({ unit: nameCharacter, minLength: 1, maxLength: 12, size: 'max' });
const sequenceOf = (letters: string): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...letters.split('')), maxLength: 400, size: 'max' });
const qualityCharacter = fc.constantFrom(...'!#+5:?@IJ~'.split(''));

/** What a DNA column prints for a sequence as written: upper case, U as T. */
function printed(sequence: string): string {
  return sequence.toUpperCase().replace(/U/gu, 'T');
}

/** A big FASTA file (records × bases) with, optionally, one bad base in one record. */
function writeLargeFasta(records: number, bases: number, bad?: { readonly record: number; readonly letter: string }): string {
  const path = fileName('.fa');
  const line = 'ACGTTGCA'.repeat(10);
  const parts: string[] = [];
  for (let record = 1; record <= records; record++) {
    parts.push(`>r${record} some description\n`);
    for (let written = 0; written < bases; written += line.length) {
      let text = line.slice(0, Math.min(line.length, bases - written));
      if (bad?.record === record && written === line.length * 2) text = bad.letter + text.slice(1);
      parts.push(text + '\n');
    }
  }
  writeFileSync(path, parts.join(''));
  return path;
}

describe('COPY FROM FASTA/FASTQ', () => {
  it('reads back random FASTA and FASTQ records (random widths, case, gzip) identically', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE r2 (id bigserial PRIMARY KEY, name text, seq dna2); CREATE TABLE r4 (id serial, name text, seq dna4)');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fasta' as const, 'fastq' as const),
        fc.constantFrom('r2', 'r4'),
        fc.integer({ min: 0, max: 120 }),
        fc.boolean(),
        fc.array(fc.tuple(nameArbitrary, fc.nat()), { maxLength: 12 }),
        async (format, table, lineWidth, gzip, seeds) => {
          const letters = table === 'r2' ? 'ACGTUacgtu' : 'ACGTUMRWSYKVHDBNacgtumrwsykvhdbn';
          // Sequences come from the seeds deterministically, so fast-check can still shrink the record list.
          const records: SequenceRecordInput[] = seeds.map(([name, seed]) => {
            const sequence = fc.sample(sequenceOf(letters), { seed, numRuns: 1 })[0] as string;
            const quality = fc.sample(fc.string({ unit: qualityCharacter, minLength: sequence.length, maxLength: sequence.length }), {
              seed,
              numRuns: 1,
            })[0] as string;
            return format === 'fasta' ? { name, description: 'd e', sequence } : { name, sequence, quality };
          });
          const path = fileName(format === 'fasta' ? '.fa' : '.fq');
          await writeSequenceFile(path, records, { format, lineWidth, gzip });
          await db.query(`TRUNCATE ${table}`);
          const result = await db.query(`COPY ${table} (name, seq) FROM '${path}' WITH (FORMAT ${format})`);
          expect(result.commandTag).toBe(`COPY ${records.length}`);
          expect(result.affectedRows).toBe(records.length);
          const rows = await db.query<{ name: string; seq: string }>(`SELECT name, seq FROM ${table} ORDER BY id`);
          expect(rows.rows).toEqual(records.map((record) => ({ name: record.name, seq: printed(record.sequence) })));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('maps the name to the first text column and the sequence to the first DNA column, with defaults elsewhere', async () => {
    const db = await openDatabase();
    const path = fileName('.fa');
    writeFileSync(path, '>a first\nACGT\n>b\nacgg\ntt\n');
    await db.query("CREATE TABLE t (id bigserial, note text DEFAULT 'none', label varchar(5), seq dna4, n int DEFAULT 7)");
    expect((await db.query(`COPY t FROM '${path}' WITH (FORMAT fasta)`)).commandTag).toBe('COPY 2');
    expect((await db.query('SELECT * FROM t ORDER BY id')).rows).toEqual([
      { id: 1, note: 'a', label: null, seq: 'ACGT', n: 7 },
      { id: 2, note: 'b', label: null, seq: 'ACGGTT', n: 7 },
    ]);
    // An explicit list is (name, sequence); a single DNA column takes the sequence, any other the name.
    await db.query(`COPY t (label, seq) FROM '${path}' WITH (FORMAT fasta)`);
    await db.query(`COPY t (seq) FROM '${path}' WITH (FORMAT fasta)`);
    await db.query(`COPY t (label) FROM '${path}' WITH (FORMAT fasta)`);
    const later = await db.query('SELECT note, label, seq FROM t WHERE id > 2 ORDER BY id');
    expect(later.rows).toEqual([
      { note: 'none', label: 'a', seq: 'ACGT' },
      { note: 'none', label: 'b', seq: 'ACGGTT' },
      { note: 'none', label: null, seq: 'ACGT' },
      { note: 'none', label: null, seq: 'ACGGTT' },
      { note: 'none', label: 'a', seq: null },
      { note: 'none', label: 'b', seq: null },
    ]);
    // A text column receiving the sequence gets it upper-cased, as a DNA column would print it.
    await db.query('CREATE TABLE plain (name text, sequence text)');
    await db.query(`COPY plain (name, sequence) FROM '${path}' WITH (FORMAT fasta)`);
    expect((await db.query('SELECT * FROM plain')).rows).toEqual([
      { name: 'a', sequence: 'ACGT' },
      { name: 'b', sequence: 'ACGGTT' },
    ]);
    // WHERE filters the records after defaults are filled in.
    await db.query('TRUNCATE t');
    expect((await db.query(`COPY t FROM '${path}' WITH (FORMAT fasta) WHERE length(seq) > 4`)).commandTag).toBe('COPY 1');
  });

  it('refuses tables and column lists that cannot take records, and text/CSV options', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (name text, seq dna2, other text)');
    await db.query('CREATE TABLE words (name text)');
    await expectError(db, "COPY words FROM 'x.fa' WITH (FORMAT fasta)", {
      code: '42P10',
      message: 'relation "words" has no dna2 or dna4 column for the FASTA sequences',
      hint: 'Name the columns that receive the record\'s name and sequence: COPY words (name_column, sequence_column) FROM …',
    });
    await expectError(db, "COPY t (name, seq, other) FROM 'x.fa' WITH (FORMAT fasta)", {
      code: '42601',
      message: "COPY FORMAT fasta takes at most two columns: the record's name and its sequence",
    });
    await expectError(db, "COPY t (name, nope) FROM 'x.fa' WITH (FORMAT fasta)", {
      code: '42703',
      message: 'column "nope" of relation "t" does not exist',
    });
    await expectError(db, "COPY t FROM 'x.fq' WITH (FORMAT fastq, HEADER)", {
      code: '42601',
      message: 'cannot specify HEADER in FASTQ mode',
      position: 40,
    });
    await expectError(db, "COPY t FROM 'x.fa' WITH (FORMAT genbank)", { code: '22023', message: 'COPY format "genbank" not recognized', position: 26 });
    await expectError(db, "COPY t FROM 'x.fa' WITH (FORMAT fasta, FORMAT fasta)", { code: '42601', message: 'conflicting or redundant options', position: 40 });
    await expectError(db, "COPY t FROM 'x.fa' WITH (FORMAT fasta, colour 'red')", { code: '42601', message: 'option "colour" not recognized', position: 40 });
  });

  it('loads nothing when a record in the middle is malformed, and says where', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id bigserial PRIMARY KEY, name text, seq dna2)');
    // 3,000 records of 2,000 bases: the reader hands over 4 Mi-base batches, so rows reach storage before the error.
    const badLetter = writeLargeFasta(3000, 2000, { record: 2500, letter: '!' });
    const error = await rejection(db.query(`COPY t FROM '${badLetter}' WITH (FORMAT fasta)`));
    expect(error.code).toBe('22P02');
    expect(error.message).toBe(`invalid FASTA input in file "${badLetter}" at line ${2499 * 26 + 4} (record 2500): invalid character "!" in sequence`);
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);

    // A base the column type refuses (N in DNA2) names the record, its header line and the column.
    const badBase = writeLargeFasta(3000, 2000, { record: 2999, letter: 'N' });
    const dnaError = await rejection(db.query(`COPY t (name, seq) FROM '${badBase}' WITH (FORMAT fasta)`));
    expect({ code: dnaError.code, message: dnaError.message, detail: dnaError.detail, hint: dnaError.hint }).toEqual({
      code: '22P02',
      message: "invalid character 'N' for DNA2 type",
      detail: `COPY t, file "${badBase}", record 2999 ("r2999", header at line ${2998 * 26 + 1}), column seq`,
      hint: 'DNA2 type accepts only A, C, G, T, U characters',
    });
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);

    // The sequence survives: the failed statement's nextval calls are not rolled back (as in PostgreSQL), and
    // a good load afterwards works.
    const good = writeLargeFasta(10, 100);
    expect((await db.query(`COPY t FROM '${good}' WITH (FORMAT fasta)`)).commandTag).toBe('COPY 10');
  });

  it('fails an open transaction block and keeps the block\'s earlier work out when it rolls back', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (name text, seq dna2)');
    const good = writeLargeFasta(3, 50);
    const bad = writeLargeFasta(3, 200, { record: 3, letter: 'N' });
    await db.query('BEGIN');
    await db.query(`COPY t FROM '${good}' WITH (FORMAT fasta)`);
    await rejection(db.query(`COPY t FROM '${bad}' WITH (FORMAT fasta)`));
    await expectError(db, 'SELECT 1', { code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' });
    expect((await db.query('COMMIT')).commandTag).toBe('ROLLBACK');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('names an unreadable file as PostgreSQL does', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (name text, seq dna2)');
    await expectError(db, "COPY t FROM 'no/such/file.fa' WITH (FORMAT fasta)", {
      code: '58P01',
      message: 'could not open file "no/such/file.fa" for reading: No such file or directory',
    });
    const folder = join(directory.path, 'a-directory');
    mkdirSync(folder, { recursive: true });
    await expectError(db, `COPY t FROM '${folder}' WITH (FORMAT fasta)`, { code: '42809', message: `"${folder}" is a directory` });
    await expectError(db, "COPY t FROM 'no/such/file.csv' WITH (FORMAT csv)", {
      code: '58P01',
      message: 'could not open file "no/such/file.csv" for reading: No such file or directory',
    });
  });

  it('reports progress in bytes of the file up to its size', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (name text, seq dna2)');
    const path = writeLargeFasta(2000, 3000);
    const reports: Progress[] = [];
    await db.query(`COPY t FROM '${path}' WITH (FORMAT fasta)`, [], { onProgress: (progress) => reports.push(progress) });
    const size = (await import('node:fs')).statSync(path).size;
    expect(reports.length).toBeGreaterThan(2);
    expect(reports.every((report) => report.operation === 'COPY' && report.unit === 'bytes' && report.total === size)).toBe(true);
    expect(reports.map((report) => report.done)).toEqual([...reports.map((report) => report.done)].sort((a, b) => a - b));
    expect(reports.at(-1)?.done).toBe(size);
  });

  it('is cancelled by its signal or statement_timeout and leaves nothing behind', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (name text, seq dna2)');
    const path = writeLargeFasta(4000, 4000);
    const controller = new AbortController();
    const cancelled = rejection(
      db.query(`COPY t FROM '${path}' WITH (FORMAT fasta)`, [], {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.done > 0) controller.abort();
        },
      }),
    );
    expect((await cancelled).message).toBe('canceling statement due to user request');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
    await db.query('SET statement_timeout = 1');
    const timedOut = await rejection(db.query(`COPY t FROM '${path}' WITH (FORMAT fasta)`));
    expect({ code: timedOut.code, message: timedOut.message }).toEqual({ code: '57014', message: 'canceling statement due to statement timeout' });
    await db.query('RESET statement_timeout');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('reads FASTA from STDIN through QueryOptions.stdin and writes FASTA to STDOUT', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (name text, seq dna4)');
    const result = await db.query('COPY t FROM STDIN WITH (FORMAT fasta)', [], { stdin: ['>x\nACGN', 'RY\n>y\n', 'TT\n'] });
    expect(result.commandTag).toBe('COPY 2');
    const chunks: Uint8Array[] = [];
    await db.query('COPY t TO STDOUT WITH (FORMAT fasta)', [], { stdout: (chunk) => void chunks.push(chunk) });
    expect(Buffer.concat(chunks).toString()).toBe('>x\nACGNRY\n>y\nTT\n');
    await expectError(db, 'COPY t FROM STDIN WITH (FORMAT fasta)', {
      code: '0A000',
      message: 'COPY FROM STDIN needs the data as QueryOptions.stdin',
      hint: 'Pass the data as the stdin option of query() or exec(), or COPY FROM a file.',
    });
    await expectError(db, 'COPY t TO STDOUT WITH (FORMAT fastq)', {
      code: '0A000',
      message: 'COPY TO in FASTQ format is not supported',
      position: 1,
      hint: 'COPY TO writes FASTA, text or CSV.',
    });
  });
});
