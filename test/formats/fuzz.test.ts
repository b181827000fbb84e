/**
 * Hostile input, FASTA/FASTQ files (docs/reliability.md, "Hostile input"): valid files mutated byte by byte,
 * line endings mixed, gzip streams truncated or corrupted, and huge lines. The reader hands on records or throws
 * one KmerSearchError with SQLSTATE 22P02 whose message names the file, the line and the record — never anything
 * else, and never a hang. Random bytes alone are sequence-errors.test.ts ("arbitrary bytes").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { openSequenceFile, type SequenceFormat } from '../../src/formats/index.js';
import { fuzzParameters, fuzzTestTimeout } from '../fuzz-options.js';
import { contentOf, readAll, readText, temporaryDirectory } from './helpers.js';

const directory = temporaryDirectory();
afterAll(() => directory.remove());

interface GeneratedRecord {
  readonly name: string;
  readonly description: string;
  readonly sequence: string;
  readonly quality: string;
}

const record: fc.Arbitrary<GeneratedRecord> = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'abcXYZ019_.|-'.split('')), minLength: 1, maxLength: 10 }),
    fc.string({ unit: fc.constantFrom(...'ab c=1;'.split('')), maxLength: 12 }),
    fc.string({ unit: fc.constantFrom(...'ACGTUNacgtnRYKMSWBDHV'.split('')), maxLength: 150 }),
    fc.nat(),
  )
  .map(([name, description, sequence, qualitySeed]) => ({
    name,
    description: description.trim(),
    sequence,
    quality: Array.from(sequence, (_, index) => String.fromCharCode(33 + ((qualitySeed + index * 7) % 60))).join(''),
  }));

/** A valid file of `records` in `format`, FASTA wrapped at `width`. */
function render(records: readonly GeneratedRecord[], format: SequenceFormat, width: number): string {
  const header = (item: GeneratedRecord): string => (item.description === '' ? item.name : `${item.name} ${item.description}`);
  if (format === 'fastq') return records.map((item) => `@${header(item)}\n${item.sequence}\n+\n${item.quality}\n`).join('');
  return records
    .map((item) => {
      const lines = [`>${header(item)}`];
      for (let start = 0; start < item.sequence.length; start += width) lines.push(item.sequence.slice(start, start + width));
      return `${lines.join('\n')}\n`;
    })
    .join('');
}

const validFile = fc.tuple(fc.array(record, { minLength: 1, maxLength: 6 }), fc.constantFrom<SequenceFormat>('fasta', 'fastq'), fc.integer({ min: 1, max: 80 })).map(
  ([records, format, width]) => ({ records, format, text: render(records, format, width) }),
);

/** The reader's messages (format-errors.ts, sequence-parser.ts); test.fa is readText's file name. */
const messagePattern = /^(?:invalid (?:FASTA|FASTQ) input in file "test\.fa" at line (\d+) \(record (\d+)\): .|could not detect the sequence format of file "test\.fa" at line (\d+)$)/;

/** Reads `bytes`; on failure checks the error is the reader's 22P02 naming file, line and record. */
async function readOrFailCleanly(bytes: Uint8Array, format: SequenceFormat | undefined, chunkSize: number): Promise<object[] | KmerSearchError> {
  try {
    return contentOf(await readText(bytes, format === undefined ? {} : { format }, [chunkSize]));
  } catch (error) {
    if (!(error instanceof KmerSearchError)) throw new Error(`not a KmerSearchError: ${String(error)}`, { cause: error });
    expect(error.code).toBe('22P02');
    if (!error.message.startsWith('invalid gzip data in file "test.fa": ')) {
      const match = messagePattern.exec(error.message);
      expect(match, error.message).not.toBeNull();
      const line = Number(match?.[1] ?? match?.[3]);
      expect(line).toBeGreaterThanOrEqual(1);
      // At most one past the last line (the line an unexpected end of file wanted); compressed input inflates.
      const compressed = bytes[0] === 0x1f && bytes[1] === 0x8b;
      if (!compressed) expect(line).toBeLessThanOrEqual(Buffer.from(bytes).toString('latin1').split('\n').length + 1);
      if (match?.[2] !== undefined) expect(Number(match[2])).toBeGreaterThanOrEqual(1);
    }
    return error;
  }
}

type ByteMutation = (bytes: number[]) => number[];

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]): ByteMutation => (bytes) => bytes.map((old, index) => (index === at % Math.max(bytes.length, 1) ? byte : old))),
  fc.tuple(fc.nat(), fc.constantFrom(...Buffer.from('>@+\n\r \tN-*\0\xff'))).map(([at, byte]): ByteMutation => (bytes) => {
    const index = at % (bytes.length + 1);
    return [...bytes.slice(0, index), byte, ...bytes.slice(index)];
  }),
  fc.nat().map((at): ByteMutation => (bytes) => bytes.filter((_, index) => index !== at % Math.max(bytes.length, 1))),
  fc.nat().map((at): ByteMutation => (bytes) => bytes.slice(0, at % (bytes.length + 1))),
  // A whole line duplicated or dropped.
  fc.tuple(fc.nat(), fc.boolean()).map(([at, duplicate]): ByteMutation => (bytes) => {
    const lines = Buffer.from(bytes).toString('latin1').split('\n');
    const index = at % lines.length;
    const changed = duplicate ? [...lines.slice(0, index + 1), ...lines.slice(index)] : lines.filter((_, line) => line !== index);
    return [...Buffer.from(changed.join('\n'), 'latin1')];
  }),
);

describe('FASTA/FASTQ reader on hostile files', () => {
  it('mutated valid files parse or fail with 22P02 naming file, line and record', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.array(byteMutation, { minLength: 1, maxLength: 4 }), fc.constantFrom(undefined, 'fasta' as const, 'fastq' as const), fc.integer({ min: 1, max: 64 }), async (file, mutations, format, chunkSize) => {
        const bytes = mutations.reduce((current, apply) => apply(current), [...Buffer.from(file.text, 'latin1')]);
        await readOrFailCleanly(Uint8Array.from(bytes), format, chunkSize);
      }),
      fuzzParameters(500, 31),
    );
  });

  it('CRLF line ends, mixed with LF, give the same records; a lone CR is an error or a character, never a crash', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), fc.nat(), fc.integer({ min: 1, max: 64 }), async (file, crlfChoices, loneAt, chunkSize) => {
        const expected = contentOf(await readText(file.text, { format: file.format }, [chunkSize]));
        let line = 0;
        const mixed = file.text.replace(/\n/g, () => ((crlfChoices[line++ % crlfChoices.length] ?? false) ? '\r\n' : '\n'));
        expect(contentOf(await readText(mixed, { format: file.format }, [chunkSize]))).toEqual(expected);
        const newlines = [...mixed.matchAll(/\n/g)].map((match) => match.index);
        const replaced = newlines[loneAt % newlines.length] as number;
        const loneCr = `${mixed.slice(0, replaced)}\r${mixed.slice(replaced + 1)}`;
        await readOrFailCleanly(Buffer.from(loneCr, 'latin1'), file.format, chunkSize);
      }),
      fuzzParameters(300, 32),
    );
  });

  it('gzip data truncated or corrupted anywhere fails with 22P02, and whole it reads as the plain file', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 64 }), async (file, cutAt, flipAt, flip, chunkSize) => {
        const compressed = gzipSync(Buffer.from(file.text, 'latin1'));
        const plain = contentOf(await readText(file.text, { format: file.format }));
        expect(contentOf(await readText(compressed, { format: file.format }, [chunkSize]))).toEqual(plain);
        const cut = cutAt % compressed.length;
        const truncated = await readOrFailCleanly(compressed.subarray(0, cut), file.format, chunkSize);
        // With the two magic bytes present the data is taken as gzip, and the end comes too early.
        if (cut >= 2) {
          expect(truncated).toBeInstanceOf(KmerSearchError);
          expect((truncated as KmerSearchError).message).toBe('invalid gzip data in file "test.fa": unexpected end of file');
          expect((truncated as KmerSearchError).detail).toBe('The compressed stream ends before its last block: the file is truncated.');
        }
        const corrupted = Buffer.from(compressed);
        const at = 2 + (flipAt % (corrupted.length - 2));
        corrupted[at] = (corrupted[at] as number) ^ flip;
        const outcome = await readOrFailCleanly(corrupted, file.format, chunkSize);
        // Some header bytes (flags, time, OS) may change without harm; a changed payload or trailer never goes unnoticed.
        if (!(outcome instanceof KmerSearchError) && at >= 10) expect(outcome).toEqual(plain);
      }),
      fuzzParameters(300, 33),
    );
  });

  it('huge lines: a 4 MiB sequence line and a 256 KiB header are read, a 4 MiB line of junk fails at line 1', async () => {
    const sequence = 'ACGT'.repeat(1 << 20);
    const name = 'n'.repeat(1 << 18);
    const records = await readText(`>${name} d\n${sequence}\n`, {}, [65536]);
    expect(records.map((item) => [item.name.length, item.sequence.length])).toEqual([[name.length, sequence.length]]);
    const junk = await readOrFailCleanly(Buffer.from(`${sequence}\n`), 'fasta', 65536);
    expect((junk as KmerSearchError).message).toBe('invalid FASTA input in file "test.fa" at line 1 (record 1): sequence line before the first header');
  });

  it('a file of random bytes on disk fails naming the file (the path as given)', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const path = join(directory.path, 'random.fa');
        writeFileSync(path, bytes);
        try {
          await readAll(await openSequenceFile(path));
        } catch (error) {
          if (!(error instanceof KmerSearchError)) throw error;
          expect(error.code).toBe('22P02');
          expect(error.message).toContain(`file "${path}"`);
        }
      }),
      fuzzParameters(100, 34),
    );
  });
});
