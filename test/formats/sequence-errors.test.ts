import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { readSequenceStream, type SequenceFormat, type SequenceRecord } from '../../src/formats/index.js';
import { chunked, thrownBy } from './helpers.js';

interface MalformedCase {
  readonly title: string;
  readonly input: string | Buffer;
  readonly format?: SequenceFormat;
  readonly message: string;
  readonly detail: RegExp;
  readonly hint?: RegExp;
}

/** Each malformed input, and the error naming file, line and record that it must give. */
const malformedCases: readonly MalformedCase[] = [
  {
    title: 'a sequence line before the first header',
    input: '\nACGT\n>a\nAC\n',
    format: 'fasta',
    message: 'invalid FASTA input in file "x.fa" at line 2 (record 1): sequence line before the first header',
    detail: /must follow a ">name" header line; this line starts with "A"/,
  },
  {
    title: 'FASTQ read as FASTA',
    input: '@r1\nACGT\n+\nIIII\n',
    format: 'fasta',
    message: 'invalid FASTA input in file "x.fa" at line 1 (record 1): sequence line before the first header',
    detail: /header line/,
    hint: /may be FASTQ/,
  },
  {
    title: 'a bad character in a sequence',
    input: '>a\nACGT\n>b\nACGT\nAC-T\n',
    message: 'invalid FASTA input in file "x.fa" at line 5 (record 2): invalid character "-" in sequence',
    detail: /only the IUPAC nucleotide codes A C G T U M R W S Y K V H D B N, in either case/,
  },
  {
    title: 'a space inside a sequence line',
    input: '>a\nACGT ACGT\n',
    message: 'invalid FASTA input in file "x.fa" at line 2 (record 1): invalid character space (0x20) in sequence',
    detail: /IUPAC/,
  },
  {
    title: 'a carriage return inside a line',
    input: '>a\nAC\rGT\n',
    message:
      'invalid FASTA input in file "x.fa" at line 2 (record 1): invalid character carriage return (0x0d) in sequence',
    detail: /IUPAC/,
  },
  {
    title: 'a non-ASCII byte in a sequence',
    input: '>a\nACGT\n>b\nACÉ\n',
    message: 'invalid FASTA input in file "x.fa" at line 4 (record 2): invalid character byte 0xc3 in sequence',
    detail: /IUPAC/,
  },
  {
    title: 'an empty record name',
    input: '>a\nAC\n>\nACGT\n',
    message: 'invalid FASTA input in file "x.fa" at line 3 (record 2): empty record name',
    detail: /The header line is ">"/,
  },
  {
    title: 'a blank before the record name',
    input: '> name\nACGT\n',
    message: 'invalid FASTA input in file "x.fa" at line 1 (record 1): empty record name',
    detail: /The header line is "> name"; a name must follow ">" directly/,
  },
  {
    title: 'a header that is not UTF-8',
    input: Buffer.from([...Buffer.from('>a\nA\n>b'), 0xff, 0x0a, 0x41]),
    message:
      'invalid FASTA input in file "x.fa" at line 3 (record 2): invalid byte sequence for encoding "UTF8" in the header line',
    detail: /UTF-8/,
  },
  {
    title: 'FASTQ quality shorter than the sequence',
    input: '@r1\nACGT\n+\nIIII\n@r2\nACGT\n+\nIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 8 (record 2): quality length differs from sequence length',
    detail: /Record "r2" has 4 bases but 3 quality characters/,
  },
  {
    title: 'FASTQ quality longer than the sequence, at the end of the file',
    input: '@r1\nACGT\n+\nIIIII',
    message: 'invalid FASTQ input in file "x.fa" at line 4 (record 1): quality length differs from sequence length',
    detail: /4 bases but 5 quality characters/,
  },
  {
    title: 'a FASTQ record without its "+" line',
    input: '@r1\nACGT\nIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 3 (record 1): missing "+" line',
    detail: /The line after the sequence line of record "r1" starts with "I", not "\+"/,
    hint: /Multi-line FASTQ is not supported/,
  },
  {
    title: 'multi-line FASTQ',
    input: '@r1\nACGT\nACGT\n+\nIIIIIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 3 (record 1): missing "+" line',
    detail: /starts with "A"/,
    hint: /four lines/,
  },
  {
    title: 'a FASTQ file ending after the sequence line',
    input: '@r1\nACGT\n+\nIIII\n@r2\nACGT\n',
    message: 'invalid FASTQ input in file "x.fa" at line 7 (record 2): missing "+" line',
    detail: /The file ends after the sequence line of record "r2"/,
  },
  {
    title: 'a FASTQ file ending after the "+" line',
    input: '@r1\nACGT\n+\n',
    message: 'invalid FASTQ input in file "x.fa" at line 4 (record 1): unexpected end of file: the record has no quality line',
    detail: /after the "\+" line of record "r1"/,
  },
  {
    title: 'a FASTQ file ending after a header',
    input: '@r1\n',
    message:
      'invalid FASTQ input in file "x.fa" at line 2 (record 1): unexpected end of file: the record has no sequence line',
    detail: /after the header of record "r1"/,
  },
  {
    title: 'a FASTQ record without its sequence line',
    input: '@r1\n+\nIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 2 (record 1): missing sequence line',
    detail: /The "\+" line follows the header of record "r1" directly/,
  },
  {
    title: 'a bad character in a FASTQ sequence',
    input: '@r1\nACGT\n+\nIIII\n@r2\nACXT\n+\nIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 6 (record 2): invalid character "X" in sequence',
    detail: /IUPAC/,
  },
  {
    title: 'a blank inside a quality line',
    input: '@r1\nACGT\n+\nII I\n',
    message: 'invalid FASTQ input in file "x.fa" at line 4 (record 1): invalid character space (0x20) in quality',
    detail: /"!" to "~"/,
  },
  {
    title: 'a "+" line naming another record',
    input: '@r1 first\nACGT\n+r2\nIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 3 (record 1): the "+" line names a different record',
    detail: /The header names "r1" but the "\+" line repeats "r2"/,
  },
  {
    title: 'a FASTQ record not starting with "@"',
    input: '@r1\nACGT\n+\nIIII\nr2\nACGT\n+\nIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 5 (record 2): expected a header line starting with "@"',
    detail: /The line starts with "r"/,
  },
  {
    title: 'FASTA read as FASTQ',
    input: '>a\nACGT\n',
    format: 'fastq',
    message: 'invalid FASTQ input in file "x.fa" at line 1 (record 1): expected a header line starting with "@"',
    detail: /starts with ">"/,
    hint: /may be FASTA/,
  },
  {
    title: 'an empty FASTQ name',
    input: '@ r1\nACGT\n+\nIIII\n',
    message: 'invalid FASTQ input in file "x.fa" at line 1 (record 1): empty record name',
    detail: /"@ r1"/,
  },
];

function read(input: string | Buffer, format: SequenceFormat | undefined, sizes?: number[]): Promise<SequenceRecord[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const reader = readSequenceStream(chunked(bytes, sizes), format === undefined ? { fileName: 'x.fa' } : { fileName: 'x.fa', format });
  return (async () => {
    const records: SequenceRecord[] = [];
    for await (const batch of reader) records.push(...batch);
    return records;
  })();
}

describe('malformed input names file, line and record', () => {
  it.each(malformedCases.map((malformed) => [malformed.title, malformed] as const))('%s', async (_title, malformed) => {
    for (const sizes of [undefined, [1], [2, 5]]) {
      const error = await thrownBy(() => read(malformed.input, malformed.format, sizes));
      expect(error).toBeInstanceOf(KmerSearchError);
      expect(error.code).toBe('22P02');
      expect(error.message).toBe(malformed.message);
      expect(error.detail).toMatch(malformed.detail);
      if (malformed.hint !== undefined) expect(error.hint).toMatch(malformed.hint);
    }
  });
});

describe('error order', () => {
  it('hands on the records before the bad one, then throws', async () => {
    const reader = readSequenceStream(chunked(Buffer.from('>a\nAC\n>b\nGT\n>c\nA*\n')), {
      fileName: 'x.fa',
      batchRecords: 100,
    });
    const seen: string[] = [];
    const error = await thrownBy(async () => {
      for await (const batch of reader) seen.push(...batch.map((record) => record.name));
    });
    expect(seen).toEqual(['a', 'b']);
    expect(error.message).toMatch(/at line 6 \(record 3\): invalid character "\*" in sequence/);
  });
});

describe('arbitrary bytes', () => {
  it('either parse or fail with a 22P02 KmerSearchError, never anything else', async () => {
    const byte = fc.oneof(
      fc.constantFrom(...Buffer.from('>@+\n\r\n ACGTacgtN!I\t')),
      fc.integer({ min: 0, max: 255 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(byte, { maxLength: 200, size: 'max' }),
        fc.constantFrom(undefined, 'fasta' as const, 'fastq' as const),
        fc.integer({ min: 1, max: 50 }),
        async (bytes, format, chunkSize) => {
          try {
            await read(Buffer.from(bytes), format, [chunkSize]);
          } catch (error) {
            expect(error).toBeInstanceOf(KmerSearchError);
            expect((error as KmerSearchError).code).toBe('22P02');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
