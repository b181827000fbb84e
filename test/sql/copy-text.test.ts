/**
 * COPY … TO and COPY … FROM in PostgreSQL's text and CSV formats: a table with awkward values (NULLs, tabs,
 * newlines, backslashes, quotes, unicode, DNA2/DNA4) survives COPY TO then COPY FROM; options, column lists,
 * the errors and their context; STDIN/STDOUT through QueryOptions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { temporaryDirectory } from '../formats/helpers.js';
import { expectError, openDatabase, rejection, textRows } from './engine-helpers.js';

let directory: { path: string; remove: () => void };
beforeAll(() => {
  directory = temporaryDirectory();
});
afterAll(() => directory.remove());

let fileCounter = 0;
function fileName(extension: string): string {
  return join(directory.path, `data-${++fileCounter}${extension}`);
}

const columns = 'id int8, t text, v varchar(12), n int4, f float8, b bool, raw bytea, d2 dna2, d4 dna4, ts timestamptz';
const awkward = fc.constantFrom(...['a', 'Z', ' ', '\t', '\n', '\r', '\\', ',', '"', "'", '|', 'N', '.', 'é', '✓', '😀', '\u0001', '\\N']);
const textArbitrary = fc.option(fc.string({ unit: awkward, maxLength: 12 }), { nil: null, freq: 5 });
const rowArbitrary = fc.record({
  t: textArbitrary,
  v: fc.option(fc.string({ unit: awkward, maxLength: 4 }), { nil: null, freq: 5 }),
  n: fc.option(fc.integer({ min: -2147483648, max: 2147483647 }), { nil: null, freq: 5 }),
  f: fc.option(fc.double(), { nil: null, freq: 5 }),
  b: fc.option(fc.boolean(), { nil: null, freq: 5 }),
  raw: fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null, freq: 5 }),
  d2: fc.option(fc.string({ unit: fc.constantFrom('A', 'C', 'G', 'T'), maxLength: 40 }), { nil: null, freq: 5 }),
  d4: fc.option(fc.string({ unit: fc.constantFrom(...'ACGTMRWSYKVHDBN'.split('')), maxLength: 40 }), { nil: null, freq: 5 }),
  ts: fc.option(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), {
    nil: null,
    freq: 5,
  }),
});
/** [COPY TO options, COPY FROM options]: FORCE_QUOTE exists only for COPY TO. */
const optionsArbitrary = fc.constantFrom(
  ['FORMAT text', 'FORMAT text'],
  ["FORMAT text, DELIMITER '|', NULL 'nil'", "FORMAT text, DELIMITER '|', NULL 'nil'"],
  ['FORMAT text, HEADER', 'FORMAT text, HEADER'],
  ['FORMAT csv', 'FORMAT csv'],
  ['FORMAT csv, HEADER', 'FORMAT csv, HEADER match'],
  ["FORMAT csv, DELIMITER ';', QUOTE '''', NULL 'NULL'", "FORMAT csv, DELIMITER ';', QUOTE '''', NULL 'NULL'"],
  ["FORMAT csv, FORCE_QUOTE *, ESCAPE '\\'", "FORMAT csv, ESCAPE '\\'"],
);

type GeneratedRow = typeof rowArbitrary extends fc.Arbitrary<infer Row> ? Row : never;

async function fill(db: KmerSearch, table: string, rows: readonly GeneratedRow[]): Promise<void> {
  let id = 0;
  for (const row of rows) {
    await db.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      ++id,
      row.t,
      row.v,
      row.n,
      row.f,
      row.b,
      row.raw,
      row.d2,
      row.d4,
      row.ts,
    ]);
  }
}

describe('COPY text and CSV', () => {
  it('round-trips a table through COPY TO and COPY FROM, file and STDOUT/STDIN alike', async () => {
    const db = await openDatabase();
    await db.exec(`CREATE TABLE source (${columns}); CREATE TABLE target (${columns})`);
    await fc.assert(
      fc.asyncProperty(fc.array(rowArbitrary, { maxLength: 8 }), optionsArbitrary, fc.boolean(), async (rows, [toOptions, fromOptions], viaStreams) => {
        await db.exec('TRUNCATE source; TRUNCATE target');
        await fill(db, 'source', rows);
        let copiedOut: number;
        let copiedIn: number;
        if (viaStreams) {
          const chunks: Uint8Array[] = [];
          copiedOut = (await db.query(`COPY source TO STDOUT WITH (${toOptions})`, [], { stdout: (chunk) => void chunks.push(chunk) })).affectedRows;
          // Split the data at arbitrary points: the parser must not care where chunks end.
          const bytes = Buffer.concat(chunks);
          const pieces = [bytes.subarray(0, 3), bytes.subarray(3, 11), bytes.subarray(11)];
          copiedIn = (await db.query(`COPY target FROM STDIN WITH (${fromOptions})`, [], { stdin: pieces })).affectedRows;
        } else {
          const path = fileName('.dat');
          copiedOut = (await db.query(`COPY source TO '${path}' WITH (${toOptions})`)).affectedRows;
          copiedIn = (await db.query(`COPY target FROM '${path}' WITH (${fromOptions})`)).affectedRows;
        }
        expect(copiedOut).toBe(rows.length);
        expect(copiedIn).toBe(rows.length);
        expect(await textRows(db, 'SELECT * FROM target ORDER BY id')).toEqual(await textRows(db, 'SELECT * FROM source ORDER BY id'));
      }),
      { numRuns: 60 },
    );
  });

  it("writes PostgreSQL's text and CSV bytes", async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id serial PRIMARY KEY, name text, seq dna2, n int)');
    await db.query("INSERT INTO t (name, seq, n) VALUES ('a\tb', 'ACGT', NULL), ('back\\slash', 'GG', 2), (NULL, NULL, 3), ('say \"hi\", ok', 'T', 4)");
    const text = fileName('.txt');
    const csv = fileName('.csv');
    expect((await db.query(`COPY t TO '${text}'`)).commandTag).toBe('COPY 4');
    expect(readFileSync(text, 'utf8')).toBe('1\ta\\tb\tACGT\t\\N\n2\tback\\\\slash\tGG\t2\n3\t\\N\t\\N\t3\n4\tsay "hi", ok\tT\t4\n');
    await db.query(`COPY t (seq, name) TO '${csv}' WITH (FORMAT csv, HEADER, FORCE_QUOTE (name))`);
    expect(readFileSync(csv, 'utf8')).toBe('seq,name\nACGT,"a\tb"\nGG,"back\\slash"\n,\nT,"say ""hi"", ok"\n');
    const chunks: Uint8Array[] = [];
    const result = await db.query("COPY (SELECT name, n * 10 AS tens FROM t WHERE n > 2 ORDER BY n DESC) TO STDOUT WITH (FORMAT csv, HEADER)", [], {
      stdout: (chunk) => void chunks.push(chunk),
    });
    expect(result.commandTag).toBe('COPY 2');
    expect(Buffer.concat(chunks).toString()).toBe('name,tens\n"say ""hi"", ok",40\n,30\n');
  });

  it('fills columns outside the list with their defaults, serial ids included', async () => {
    const db = await openDatabase();
    await db.query("CREATE TABLE t (id bigserial PRIMARY KEY, name text NOT NULL, seq dna4, note text DEFAULT 'imported')");
    const path = fileName('.csv');
    writeFileSync(path, 'name,seq\nx,ACGN\ny,\n');
    expect((await db.query(`COPY t (name, seq) FROM '${path}' WITH (FORMAT csv, HEADER match)`)).commandTag).toBe('COPY 2');
    expect(await textRows(db, 'SELECT * FROM t ORDER BY id')).toEqual([
      ['1', 'x', 'ACGN', 'imported'],
      ['2', 'y', null, 'imported'],
    ]);
  });

  it('reports bad input with PostgreSQL\'s message, the context in DETAIL, and loads nothing', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, seq dna2)');
    const cases: [string, string, { code: string; message: string; detail: string; hint?: string }][] = [
      ['1\ta\tACGT\nx\tb\tACGT\n', '', { code: '22P02', message: 'invalid input syntax for type integer: "x"', detail: 'COPY t, line 2, column id: "x"' }],
      ['1\ta\tACGT\n2\tb\n', '', { code: '22P04', message: 'missing data for column "seq"', detail: 'COPY t, line 2' }],
      ['1\ta\tACGT\textra\n', '', { code: '22P04', message: 'extra data after last expected column', detail: 'COPY t, line 1' }],
      [
        '1\ta\tACGT\n2\tb\tACNT\n',
        '',
        { code: '22P02', message: "invalid character 'N' for DNA2 type", detail: 'COPY t, line 2, column seq: "ACNT"', hint: 'DNA2 type accepts only A, C, G, T, U characters' },
      ],
      [
        '1\ta\tACGT\n2\t\\N\tAC\n',
        '',
        { code: '23502', message: 'null value in column "name" of relation "t" violates not-null constraint', detail: 'Failing row contains (2, null, AC).\nCOPY t, line 2' },
      ],
      ['1,"a,ACGT\n', 'FORMAT csv', { code: '22P04', message: 'unterminated CSV quoted field', detail: 'COPY t, line 1' }],
      [
        '1\ta\tACGT\n1\tb\tAC\n',
        '',
        { code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"', detail: 'Key (id)=(1) already exists.\nCOPY t, one of lines 1 to 2' },
      ],
    ];
    for (const [data, options, expected] of cases) {
      const path = fileName('.dat');
      writeFileSync(path, data);
      const error = await rejection(db.query(`COPY t FROM '${path}'${options === '' ? '' : ` WITH (${options})`}`));
      expect({ code: error.code, message: error.message, detail: error.detail, hint: error.hint }).toEqual({ hint: undefined, ...expected });
      expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
    }
  });

  it("checks options and columns as PostgreSQL's COPY does", async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (a int, b text)');
    await expectError(db, "COPY t (a, a) FROM 'x'", { code: '42701', message: 'column "a" specified more than once' });
    await expectError(db, "COPY t (c) TO 'x'", { code: '42703', message: 'column "c" of relation "t" does not exist' });
    await expectError(db, "COPY nope FROM 'x'", { code: '42P01', message: 'relation "nope" does not exist', position: 6 });
    await expectError(db, "COPY t FROM 'x' WITH (FORMAT text, QUOTE '\"')", { code: '0A000', message: 'COPY quote available only in CSV mode' });
    await expectError(db, "COPY t FROM 'x' WITH (DELIMITER 'ab')", { code: '0A000', message: 'COPY delimiter must be a single one-byte character' });
    await expectError(db, "COPY t TO 'x' WITH (FORMAT csv, FORCE_QUOTE (c))", { code: '42P10', message: 'FORCE_QUOTE column "c" not referenced by COPY', position: 1 });
    await expectError(db, "COPY t TO 'x' WITH (HEADER maybe)", { code: '42601', message: 'header requires a Boolean value or "match"', position: 21 });
    await expectError(db, "COPY t TO 'x' WITH (HEADER match)", { code: '0A000', message: 'cannot use "match" with HEADER in COPY TO' });
    await expectError(db, "COPY t TO '/no/such/dir/out.csv'", { code: '58P01', message: 'could not open file "/no/such/dir/out.csv" for writing: No such file or directory' });
    await expectError(db, 'COPY t TO STDOUT', {
      code: '0A000',
      message: 'COPY TO STDOUT needs a receiver as QueryOptions.stdout',
      hint: 'Pass a stdout callback to query() or exec(), or COPY TO a file.',
    });
  });

  it('reads relative paths against the working directory and does not take the writer lock for COPY TO', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (a int)');
    await db.query('INSERT INTO t VALUES (1), (2)');
    const previous = process.cwd();
    process.chdir(directory.path);
    try {
      await db.query("COPY t TO 'relative.txt'");
      expect(readFileSync(join(directory.path, 'relative.txt'), 'utf8')).toBe('1\n2\n');
      await db.query("COPY t FROM 'relative.txt'");
    } finally {
      process.chdir(previous);
    }
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 4 }]);
    // A second handle holding the writer lock does not block a COPY TO.
    const other = await openDatabase({ path: db.path });
    await other.query('BEGIN');
    await other.query('INSERT INTO t VALUES (3)');
    const chunks: Uint8Array[] = [];
    await db.query('COPY t TO STDOUT', [], { stdout: (chunk) => void chunks.push(chunk) });
    expect(Buffer.concat(chunks).toString()).toBe('1\n2\n1\n2\n');
    await other.query('ROLLBACK');
  });
});
