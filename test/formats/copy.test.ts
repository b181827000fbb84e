import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import {
  CopyInputError,
  CopyParser,
  checkCopyFieldCount,
  encodeCopyRow,
  encodeCopyRows,
  openInputFile,
  readCopyRows,
  resolveCopyOptions,
  writeCopyFile,
  type CopyFormatOptions,
  type CopyRow,
  type CopyRowValues,
} from '../../src/formats/index.js';
import { chunked, temporaryDirectory, thrownBy } from './helpers.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

const columns = ['a', 'b', 'c'] as const;

/** Parses bytes pushed in chunks of the given sizes, checking field counts as COPY t(a, b, c) does. */
function parse(
  bytes: Uint8Array,
  options: CopyFormatOptions,
  sizes: readonly number[] = [Math.max(1, bytes.length)],
  columnNames: readonly string[] = columns,
): (string | null)[][] {
  const parser = new CopyParser(options, { columnNames });
  const rows: (string | null)[][] = [];
  const take = (completed: CopyRow[]): void => {
    for (const row of completed) {
      checkCopyFieldCount(row, columnNames);
      rows.push(row.fields);
    }
  };
  let position = 0;
  let turn = 0;
  while (position < bytes.length) {
    const size = sizes[turn++ % sizes.length]!;
    take(parser.push(bytes.subarray(position, position + size)));
    position += size;
  }
  take(parser.finish());
  return rows;
}

interface DecodeCase {
  readonly options: CopyFormatOptions;
  readonly postgresOptions: string;
  readonly input: string;
  readonly expected:
    | { readonly rows: (string | null)[][] }
    | { readonly code: string; readonly message: string; readonly hint: string | null; readonly line: number | null };
}

interface EncodeCase {
  readonly options: CopyFormatOptions;
  readonly columns: string[];
  readonly rows: (string | null)[][];
  readonly output: string;
}

function fixture<T>(name: string): T[] {
  const path = new URL(`./fixtures/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: T[] }).cases;
}

describe('COPY FROM agrees with PostgreSQL 15', () => {
  const cases = fixture<DecodeCase>('copy-from-postgresql15.json');

  it(`on ${cases.length} recorded inputs (rows, or SQLSTATE, message, hint and line), in any chunking`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(700);
    for (const [index, testCase] of cases.entries()) {
      const bytes = Buffer.from(testCase.input, 'base64');
      for (const sizes of [undefined, [1], [3, 1, 7]]) {
        const label = `case ${index} (${testCase.postgresOptions}) ${JSON.stringify(bytes.toString('latin1'))} sizes ${String(sizes)}`;
        let outcome: object;
        try {
          outcome = { rows: parse(bytes, testCase.options, sizes) };
        } catch (error) {
          expect(error, label).toBeInstanceOf(CopyInputError);
          const copyError = error as CopyInputError;
          outcome = { code: copyError.code, message: copyError.message, hint: copyError.hint ?? null, line: copyError.lineNumber };
        }
        expect(outcome, label).toEqual(testCase.expected);
      }
    }
  });
});

describe('COPY TO agrees with PostgreSQL 15', () => {
  const cases = fixture<EncodeCase>('copy-to-postgresql15.json');

  it(`byte for byte on ${cases.length} recorded tables`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const [index, testCase] of cases.entries()) {
      const parts: Buffer[] = [];
      for await (const bytes of encodeCopyRows(testCase.rows, testCase.options, testCase.columns)) parts.push(bytes);
      expect(Buffer.concat(parts).toString('base64'), `case ${index}`).toBe(testCase.output);
    }
  });
});

describe('the PostgreSQL examples', () => {
  it('text: escapes, octal and hex, backslash-newline, NULL only as raw \\N', () => {
    expect(parse(Buffer.from('x\\101\\x41\\x4g\\xZ\\q\tb\\\n\t\\\\N\n'), { format: 'text' })).toEqual([
      ['xAA\x04gxZq', 'b\n', '\\N'],
    ]);
    expect(parse(Buffer.from('\\N\t\\\\N\t\\Nx\n'), { format: 'text' })).toEqual([[null, '\\N', 'Nx']]);
  });

  it('text: `\\.` ends the data; what follows is ignored', () => {
    expect(parse(Buffer.from('a\tb\tc\n\\.\nnot\tread\n'), { format: 'text' })).toEqual([['a', 'b', 'c']]);
    expect(parse(Buffer.from('a\tb\tc\r\n\\.\r\n'), { format: 'text' })).toEqual([['a', 'b', 'c']]);
  });

  it('CSV: quotes, doubled quotes, embedded line ends, empty unquoted is NULL and quoted empty is not', () => {
    expect(parse(Buffer.from('a,"b\nc",""\n,"x""y", s \n'), { format: 'csv' })).toEqual([
      ['a', 'b\nc', ''],
      [null, 'x"y', ' s '],
    ]);
  });

  it('CSV: FORCE_NOT_NULL and FORCE_NULL', () => {
    const options: CopyFormatOptions = { format: 'csv', forceNotNull: [0], forceNull: [1] };
    expect(parse(Buffer.from(',"",\n'), options)).toEqual([['', null, null]]);
  });

  it('HEADER skips the first line; HEADER MATCH checks it', () => {
    expect(parse(Buffer.from('x,y,z\n1,2,3\n'), { format: 'csv', header: true })).toEqual([['1', '2', '3']]);
    expect(parse(Buffer.from('a\tb\tc\n1\t2\t3\n'), { format: 'text', header: 'match' })).toEqual([['1', '2', '3']]);
    expect(() => parse(Buffer.from('a,c,b\n'), { format: 'csv', header: 'match' })).toThrow(
      'column name mismatch in header line field 2: got "c", expected "b"',
    );
    expect(() => parse(Buffer.from('\\N\tb\tc\n'), { format: 'text', header: 'match' })).toThrow(
      'column name mismatch in header line field 1: got null value ("\\N"), expected "a"',
    );
    expect(() => parse(Buffer.from('a\n'), { format: 'csv', header: 'match' })).toThrow(
      'wrong number of fields in header line: got 1, expected 3',
    );
  });

  it('errors carry SQLSTATE 22P04, the hint and the line', () => {
    const error = (() => {
      try {
        parse(Buffer.from('a\tb\tc\r\nd\te\tf\n'), { format: 'text' });
      } catch (caught) {
        return caught as CopyInputError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(KmerSearchError);
    expect(error).toMatchObject({
      code: '22P04',
      message: 'literal newline found in data',
      hint: 'Use "\\n" to represent newline.',
      lineNumber: 2,
    });
  });

  it('checks field counts as NextCopyFrom does', () => {
    const row = { fields: ['1', '2'], lineNumber: 7 };
    expect(() => checkCopyFieldCount(row, ['a', 'b', 'c'])).toThrow('missing data for column "c"');
    expect(() => checkCopyFieldCount(row, ['a'])).toThrow('extra data after last expected column');
    expect(() => checkCopyFieldCount(row, ['a', 'b'])).not.toThrow();
  });
});

describe('options', () => {
  it.each<[CopyFormatOptions, 'from' | 'to', string, string]>([
    [{ delimiter: 'ab' }, 'from', '0A000', 'COPY delimiter must be a single one-byte character'],
    [{ delimiter: 'é' }, 'from', '0A000', 'COPY delimiter must be a single one-byte character'],
    [{ delimiter: '\n' }, 'from', '22023', 'COPY delimiter cannot be newline or carriage return'],
    [{ nullString: '\r' }, 'from', '22023', 'COPY null representation cannot use newline or carriage return'],
    [{ delimiter: 'a' }, 'from', '22023', 'COPY delimiter cannot be "a"'],
    [{ delimiter: '\\' }, 'from', '22023', 'COPY delimiter cannot be "\\"'],
    [{ quote: '"' }, 'from', '0A000', 'COPY quote available only in CSV mode'],
    [{ format: 'csv', quote: 'ab' }, 'from', '0A000', 'COPY quote must be a single one-byte character'],
    [{ format: 'csv', quote: ',' }, 'from', '22023', 'COPY delimiter and quote must be different'],
    [{ escape: '"' }, 'from', '0A000', 'COPY escape available only in CSV mode'],
    [{ format: 'csv', escape: 'ab' }, 'from', '0A000', 'COPY escape must be a single one-byte character'],
    [{ format: 'csv', forceQuote: [0] }, 'from', '0A000', 'COPY force quote only available using COPY TO'],
    [{ forceQuote: 'all' }, 'to', '0A000', 'COPY force quote available only in CSV mode'],
    [{ forceNotNull: [0] }, 'from', '0A000', 'COPY force not null available only in CSV mode'],
    [{ format: 'csv', forceNotNull: [0] }, 'to', '0A000', 'COPY force not null only available using COPY FROM'],
    [{ forceNull: [0] }, 'from', '0A000', 'COPY force null available only in CSV mode'],
    [{ format: 'csv', forceNull: [0] }, 'to', '0A000', 'COPY force null only available using COPY FROM'],
    [{ nullString: 'a\tb' }, 'from', '0A000', 'COPY delimiter must not appear in the NULL specification'],
    [{ format: 'csv', nullString: 'a"b' }, 'from', '0A000', 'CSV quote character must not appear in the NULL specification'],
    [{ header: 'match' }, 'to', '0A000', 'cannot use "match" with HEADER in COPY TO'],
  ])('%j (COPY %s) is refused as PostgreSQL refuses it', (options, direction, code, message) => {
    expect(() => resolveCopyOptions(options, direction)).toThrow(message);
    try {
      resolveCopyOptions(options, direction);
    } catch (error) {
      expect((error as KmerSearchError).code).toBe(code);
    }
  });

  it('fills in the defaults of each format', () => {
    expect(resolveCopyOptions({}, 'from')).toMatchObject({ format: 'text', delimiter: '\t', nullString: '\\N', header: false });
    expect(resolveCopyOptions({ format: 'csv' }, 'to')).toMatchObject({
      delimiter: ',',
      nullString: '',
      quote: '"',
      escape: '"',
    });
  });
});

/** Text values a table can hold: anything but NUL, and no lone surrogates (not representable in UTF-8). */
const valueArbitrary = fc.oneof(
  fc.string({ unit: fc.constantFrom(...[...'a,;|"\'\\\t\n\r\b\f\v\x01.N é😀']), maxLength: 12, size: 'max' }),
  fc
    .string({ unit: 'grapheme', maxLength: 6 })
    .map((text) => text.replace(/\0/g, ''))
    .filter((text) => Buffer.from(text, 'utf8').toString('utf8') === text),
  fc.constantFrom('\\.', '\\N', '', ' ', '"', '\r\n'),
);
const rowsArbitrary = fc.integer({ min: 1, max: 4 }).chain((width) =>
  fc.array(fc.array(fc.option(valueArbitrary, { freq: 4 }), { minLength: width, maxLength: width }), {
    maxLength: 12,
  }),
);

async function encodeAll(rows: readonly CopyRowValues[], options: CopyFormatOptions, names?: string[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const bytes of encodeCopyRows(rows, options, names)) parts.push(bytes);
  return Buffer.concat(parts);
}

describe('encode → decode round trip', () => {
  it('text format, with its delimiters and a backslashed NULL marker', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.constantFrom('\t', ',', '|', ';', '\x01', 'Z'),
        fc.constantFrom('\\N', '\\null', 'N\\N'),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        async (rows, delimiter, nullString, sizes) => {
          // A NULL marker without a backslash could equal a value, and one ending in a backslash would escape the
          // delimiter after it: PostgreSQL's text format cannot round-trip either, so neither is generated.
          const options: CopyFormatOptions = { format: 'text', delimiter, nullString };
          const bytes = await encodeAll(rows, options);
          const width = rows[0]?.length ?? 1;
          expect(parse(bytes, options, sizes, ['a', 'b', 'c', 'd'].slice(0, width))).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('CSV format, with quote, escape, delimiter and NULL marker chosen at random', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.constantFrom(
          { delimiter: ',' },
          { delimiter: ';', quote: "'" },
          { delimiter: '\t', escape: '\\' },
          { delimiter: '|', quote: "'", escape: '\\' },
        ),
        fc.constantFrom('', 'NULL', '\\N'),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        async (rows, characters, nullString, forceQuote, sizes) => {
          const options: CopyFormatOptions = { format: 'csv', nullString, ...characters };
          const bytes = await encodeAll(rows, forceQuote ? { ...options, forceQuote: 'all' } : options);
          const width = rows[0]?.length ?? 1;
          expect(parse(bytes, options, sizes, ['a', 'b', 'c', 'd'].slice(0, width))).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with a HEADER line', async () => {
    const rows = [['1', null, 'x\ty']];
    for (const format of ['text', 'csv'] as const) {
      const bytes = await encodeAll(rows, { format, header: true }, ['a', 'b', 'c']);
      expect(parse(bytes, { format, header: 'match' })).toEqual(rows);
    }
  });
});

describe('files and streams', () => {
  it('writes a COPY file and reads it back through openInputFile and readCopyRows', async () => {
    const path = join(scratch.path, 'table.csv');
    const rows: (string | null)[][] = Array.from({ length: 5000 }, (_, index) => [
      String(index),
      index % 7 === 0 ? null : `value, "${index}"\n`,
      'λ',
    ]);
    expect(await writeCopyFile(path, rows, { format: 'csv', header: true }, ['a', 'b', 'c'])).toBe(5000);
    const input = await openInputFile(path, { decompress: 'none', chunkBytes: 4096 });
    const back: (string | null)[][] = [];
    for await (const batch of readCopyRows(input, { format: 'csv', header: 'match' }, { columnNames: ['a', 'b', 'c'] })) {
      for (const row of batch) back.push(row.fields);
    }
    expect(back).toEqual(rows);
    expect(input.compression).toBe('none');
  });

  it('stops reading at `\\.` and releases the source', async () => {
    const source = chunked(Buffer.from('1\t2\t3\n\\.\n4\t5\t6\n'), [3]);
    const rows: CopyRow[] = [];
    for await (const batch of readCopyRows(source, {})) rows.push(...batch);
    expect(rows).toEqual([{ fields: ['1', '2', '3'], lineNumber: 1 }]);
  });

  it('encodes one row at a time too', () => {
    const options = resolveCopyOptions({ format: 'csv' }, 'to');
    expect(encodeCopyRow(['a', null, '', 'x,y', '\\.'], options)).toBe('a,,"","x,y",\\.\n');
    expect(encodeCopyRow(['\\.'], options)).toBe('"\\."\n');
  });

  it('fails like COPY TO when the file cannot be created', async () => {
    const path = join(scratch.path, 'missing', 'out.csv');
    const error = await thrownBy(() => writeCopyFile(path, [], { format: 'csv' }));
    expect(error).toMatchObject({
      code: '58P01',
      message: `could not open file "${path}" for writing: No such file or directory`,
    });
  });
});
