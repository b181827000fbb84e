/**
 * Hostile input, COPY (docs/reliability.md, "Hostile input"): random and mutated data through COPY FROM STDIN in
 * the FASTA, FASTQ, text and CSV formats, into tables with DNA, text, integer and NOT NULL columns. A COPY either
 * loads every row or fails with a KmerSearchError (never XX000), loads nothing, and says where: a FASTA/FASTQ error
 * names the file, the line and the record; a text/CSV error's DETAIL names the table and the line.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmerSearch, KmerSearchError } from '../../src/index.js';
import { fuzzParameters, fuzzTestTimeout } from '../fuzz-options.js';

let database: KmerSearch;

beforeAll(async () => {
  database = await KmerSearch.open();
  await database.exec(`
    CREATE TABLE s (id serial PRIMARY KEY, name text NOT NULL, seq dna2);
    CREATE TABLE s4 (name varchar(8), seq dna4);
    CREATE TABLE rows (n int PRIMARY KEY, label text, seq dna4, flag boolean);
    INSERT INTO rows VALUES (1, 'kept', 'ACGT', true);
  `);
});

afterAll(async () => {
  await database.close();
});

async function contents(): Promise<string> {
  const parts: unknown[] = [];
  for (const table of ['s', 's4', 'rows']) parts.push((await database.queryText(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows);
  return JSON.stringify(parts);
}

const line = fc.oneof(
  fc.constantFrom('>r1', '>r2 description', '@q1', '+', '+q1', 'ACGT', 'acgtn', 'NNNN', 'IIII', '!!!!', '', 'AC-GT', '>', '@', '\\.', '\\N', '1\tx\tACGT\tt', '2,"a,b",ACGT,f', '3\t\\N\t\\N\t\\N', '"unterminated', 'ACGT\r'),
  fc.string({ unit: fc.constantFrom(...'ACGTNacgt>@+!I\t,"\\\r \0'.split('')), maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const data = fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, end, finalEnd]) => lines.join(end) + (finalEnd ? end : ''));

const copyStatement = fc.constantFrom(
  'COPY s (name, seq) FROM STDIN WITH (FORMAT fasta)',
  'COPY s (name, seq) FROM STDIN WITH (FORMAT fastq)',
  'COPY s4 FROM STDIN WITH (FORMAT fasta)',
  'COPY s4 (seq) FROM STDIN WITH (FORMAT fastq)',
  'COPY rows FROM STDIN',
  'COPY rows FROM STDIN WITH (FORMAT csv)',
  'COPY rows FROM STDIN WITH (FORMAT csv, HEADER true)',
  "COPY rows (n, seq) FROM STDIN WITH (FORMAT text, DELIMITER ',', NULL 'x')",
);

describe('COPY FROM STDIN with hostile data', () => {
  it('loads all rows or none, and says where the data is bad', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(copyStatement, data, fc.integer({ min: 1, max: 16 }), async (sql, text, chunkSize) => {
        const before = await contents();
        const bytes = Buffer.from(text, 'utf8');
        const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, index) => bytes.subarray(index * chunkSize, (index + 1) * chunkSize));
        try {
          await database.query(sql, [], { stdin: chunks });
        } catch (error) {
          if (!(error instanceof KmerSearchError)) throw new Error(`${String(error)} for ${sql} with ${JSON.stringify(text)}`, { cause: error });
          const where = `${error.code} ${error.message} / ${error.detail ?? ''} for ${sql} with ${JSON.stringify(text)}`;
          expect(error.code, where).toMatch(/^[0-9A-Z]{5}$/);
          expect(error.code, where).not.toBe('XX000');
          if (/FORMAT fast[aq]/.test(sql)) {
            // The reader's errors name file, line and record; a value a column refuses is placed by the DETAIL.
            const located = /in file "STDIN" at line \d+ \(record \d+\)|could not detect the sequence format of file "STDIN" at line \d+/.test(error.message) || /file "STDIN", record \d+/.test(error.detail ?? '');
            expect(located, where).toBe(true);
          } else if (error.code !== '23505') {
            expect(error.detail ?? '', where).toMatch(/^(.*\n)?COPY rows, line \d+/);
          }
          expect(await contents(), `a failed COPY changed the tables: ${where}`).toBe(before);
          return;
        }
        // A COPY that succeeded is undone, so that every run starts from the same tables.
        await database.exec("DELETE FROM s; DELETE FROM s4; DELETE FROM rows WHERE label IS DISTINCT FROM 'kept' OR n <> 1;");
      }),
      fuzzParameters(200, 51),
    );
  });
});
