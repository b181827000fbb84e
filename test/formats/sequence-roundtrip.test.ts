import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSequenceWriter,
  type SequenceFormat,
  type SequenceRecordInput,
  type SequenceWriterOptions,
} from '../../src/formats/index.js';
import { contentOf, readText } from './helpers.js';

const iupac = 'ACGTUMRWSYKVHDBNacgtumrwsykvhdbn';
const nameCharacter = fc.constantFrom(...'abcXYZ019_|.:-/>@+=éλ✓'.split(''));
const descriptionCharacter = fc.constantFrom(...'ab Z9 \t,;()>@+éλ'.split(''));
const qualityCharacter = fc.constantFrom(...'!"#+5:?@IJ[]~'.split(''));

const nameArbitrary = fc.string({ unit: nameCharacter, minLength: 1, maxLength: 16, size: 'max' });
/** Leading blanks belong to the separator, not to the description, so they are not generated. */
const descriptionArbitrary = fc
  .string({ unit: descriptionCharacter, maxLength: 24, size: 'max' })
  .map((text) => text.replace(/^[ \t]+/, ''));
const sequenceArbitrary = fc.string({ unit: fc.constantFrom(...iupac.split('')), maxLength: 300, size: 'max' });

const recordArbitrary = (format: SequenceFormat): fc.Arbitrary<SequenceRecordInput> =>
  fc.tuple(nameArbitrary, descriptionArbitrary, sequenceArbitrary).chain(([name, description, sequence]) =>
    format === 'fasta'
      ? fc.constant({ name, description, sequence })
      : fc
          .string({ unit: qualityCharacter, minLength: sequence.length, maxLength: sequence.length })
          .map((quality) => ({ name, description, sequence, quality })),
  );

const gzipArbitrary = fc.oneof(
  fc.constant({}),
  fc.constant({ gzip: true }),
  fc.integer({ min: 16, max: 4000 }).map((gzipMemberBytes) => ({ gzip: true, gzipMemberBytes })),
);

const chunkSizesArbitrary = fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 5 });

/** Writes records with the writer into memory. */
async function writeToBuffer(records: readonly SequenceRecordInput[], options: SequenceWriterOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  const writer = await createSequenceWriter(sink, options);
  for (const record of records) await writer.write(record);
  await writer.close();
  return Buffer.concat(parts);
}

function expectedContent(records: readonly SequenceRecordInput[]): object[] {
  return records.map((record) => ({
    name: record.name,
    description: record.description ?? '',
    sequence: record.sequence,
    ...(record.quality === undefined ? {} : { quality: record.quality }),
  }));
}

describe('written records read back identically', () => {
  for (const format of ['fasta', 'fastq'] as const) {
    it(`${format}: random names, IUPAC sequences in random case, widths, line ends, gzip and chunking`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArbitrary(format), { maxLength: 25, size: 'max' }),
          fc.integer({ min: 0, max: 120 }),
          fc.constantFrom('\n' as const, '\r\n' as const),
          gzipArbitrary,
          chunkSizesArbitrary,
          async (records, lineWidth, lineEnding, gzip, chunkSizes) => {
            const bytes = await writeToBuffer(records, { format, lineWidth, lineEnding, ...gzip });
            const read = await readText(bytes, {}, chunkSizes);
            expect(contentOf(read)).toEqual(expectedContent(records));
            expect(read.map((record) => record.recordNumber)).toEqual(records.map((_, index) => index + 1));
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});

describe('hand-made layouts read as intended', () => {
  const lineEndArbitrary = fc.constantFrom('\n', '\r\n');

  it('fasta: blank lines anywhere, ragged line widths, mixed line ends, optional final newline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            record: recordArbitrary('fasta'),
            blanksBefore: fc.integer({ min: 0, max: 2 }),
            width: fc.integer({ min: 1, max: 90 }),
            blankInside: fc.boolean(),
          }),
          { maxLength: 12, size: 'max' },
        ),
        fc.array(lineEndArbitrary, { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        chunkSizesArbitrary,
        async (entries, lineEnds, finalNewline, chunkSizes) => {
          const lines: string[] = [];
          const expectedLines: number[] = [];
          for (const { record, blanksBefore, width, blankInside } of entries) {
            for (let blank = 0; blank < blanksBefore; blank++) lines.push('');
            expectedLines.push(lines.length + 1);
            lines.push(`>${record.name}${record.description === '' ? '' : ` ${record.description ?? ''}`}`);
            for (let start = 0; start < record.sequence.length; start += width) {
              lines.push(record.sequence.slice(start, start + width));
              if (blankInside) lines.push('');
            }
          }
          const text = lines
            .map((line, index) =>
              index < lines.length - 1 || finalNewline ? line + lineEnds[index % lineEnds.length]! : line,
            )
            .join('');
          const read = await readText(text, {}, chunkSizes);
          const records = entries.map((entry) => entry.record);
          expect(contentOf(read)).toEqual(expectedContent(records));
          expect(read.map((record) => record.line)).toEqual(expectedLines);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('fastq: blank lines between records, mixed line ends, optional final newline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ record: recordArbitrary('fastq'), blanksBefore: fc.integer({ min: 0, max: 2 }), repeatName: fc.boolean() }), {
          maxLength: 12,
          size: 'max',
        }),
        fc.array(lineEndArbitrary, { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        chunkSizesArbitrary,
        async (entries, lineEnds, finalNewline, chunkSizes) => {
          const lines: string[] = [];
          const expectedLines: number[] = [];
          for (const { record, blanksBefore, repeatName } of entries) {
            for (let blank = 0; blank < blanksBefore; blank++) lines.push('');
            expectedLines.push(lines.length + 1);
            const title = `${record.name}${record.description === '' ? '' : ` ${record.description ?? ''}`}`;
            lines.push(`@${title}`, record.sequence, repeatName ? `+${title}` : '+', record.quality ?? '');
          }
          const text = lines
            .map((line, index) =>
              index < lines.length - 1 || finalNewline ? line + lineEnds[index % lineEnds.length]! : line,
            )
            .join('');
          const read = await readText(text, {}, chunkSizes);
          expect(contentOf(read)).toEqual(expectedContent(entries.map((entry) => entry.record)));
          expect(read.map((record) => record.line)).toEqual(expectedLines);
        },
      ),
      { numRuns: 150 },
    );
  });
});
