import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSequenceWriter,
  defaultFastaLineWidth,
  formatFastaRecord,
  formatFastqRecord,
  openSequenceFile,
  writeSequenceFile,
} from '../../src/formats/index.js';
import { contentOf, dataFile, readAll, temporaryDirectory, thrownBy } from './helpers.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

/** Counts gzip members by walking the member headers (each member here has the 10-byte header of zlib). */
function gzipMemberStarts(bytes: Buffer): number {
  let count = 0;
  for (let index = 0; index + 2 < bytes.length; index++) {
    if (bytes[index] === 0x1f && bytes[index + 1] === 0x8b && bytes[index + 2] === 0x08) count++;
  }
  return count;
}

describe('formatting', () => {
  it('wraps FASTA at 60 by default, at any width, or not at all', () => {
    expect(defaultFastaLineWidth).toBe(60);
    const record = { name: 'r1', description: 'two words', sequence: 'A'.repeat(130) };
    expect(formatFastaRecord(record)).toBe(`>r1 two words\n${'A'.repeat(60)}\n${'A'.repeat(60)}\n${'A'.repeat(10)}\n`);
    expect(formatFastaRecord(record, { lineWidth: 100, lineEnding: '\r\n' })).toBe(
      `>r1 two words\r\n${'A'.repeat(100)}\r\n${'A'.repeat(30)}\r\n`,
    );
    expect(formatFastaRecord(record, { lineWidth: 0 })).toBe(`>r1 two words\n${'A'.repeat(130)}\n`);
    expect(formatFastaRecord({ name: 'empty', sequence: '' })).toBe('>empty\n');
    expect(formatFastaRecord({ name: 'exact', sequence: 'acgt' }, { lineWidth: 4 })).toBe('>exact\nacgt\n');
  });

  it('writes four-line FASTQ', () => {
    expect(formatFastqRecord({ name: 'r1', sequence: 'ACGT', quality: 'II#I' })).toBe('@r1\nACGT\n+\nII#I\n');
    expect(formatFastqRecord({ name: 'r1', description: 'd', sequence: '', quality: '' }, { lineEnding: '\r\n' })).toBe(
      '@r1 d\r\n\r\n+\r\n\r\n',
    );
  });

  it.each([
    ['a name with a blank', () => formatFastaRecord({ name: 'a b', sequence: 'A' }), /must be one word/],
    ['an empty name', () => formatFastaRecord({ name: '', sequence: 'A' }), /must be one word/],
    ['a line break in a description', () => formatFastaRecord({ name: 'a', description: 'x\ny', sequence: 'A' }), /line break/],
    ['a non-IUPAC sequence', () => formatFastaRecord({ name: 'a', sequence: 'ACXT' }), /IUPAC/],
    ['a FASTQ record without quality', () => formatFastqRecord({ name: 'a', sequence: 'ACGT' }), /quality string as long/],
    ['a short quality', () => formatFastqRecord({ name: 'a', sequence: 'ACGT', quality: 'III' }), /quality string as long/],
    ['a bad quality character', () => formatFastqRecord({ name: 'a', sequence: 'A', quality: ' ' }), /outside/],
    ['a negative width', () => formatFastaRecord({ name: 'a', sequence: 'A' }, { lineWidth: -1 }), /line width/],
  ])('refuses %s', (_title, write, message) => {
    expect(write).toThrow(message);
    try {
      write();
    } catch (error) {
      expect((error as { code: string }).code).toBe('22023');
    }
  });
});

describe('files', () => {
  it('writes the ESTs back as plain, gzip and multi-member gzip, each reading back the same', async () => {
    const records = await readAll(await openSequenceFile(dataFile('ESTs.fasta')));
    for (const [name, options] of [
      ['plain.fa', {}],
      ['single.fa.gz', { gzip: true }],
      ['members.fa.gz', { gzip: true, gzipMemberBytes: 1000 }],
    ] as const) {
      const path = join(scratch.path, name);
      expect(await writeSequenceFile(path, records, { format: 'fasta', lineWidth: 70, ...options })).toBe(30);
      const back = await readAll(await openSequenceFile(path));
      expect(contentOf(back)).toEqual(contentOf(records));
      const bytes = readFileSync(path);
      if (name === 'plain.fa') expect(bytes.toString('latin1')).toBe(readFileSync(dataFile('ESTs.fasta'), 'latin1'));
      if (name === 'single.fa.gz') expect(gzipMemberStarts(bytes)).toBe(1);
      if (name === 'members.fa.gz') {
        // Members split the text every 1000 bytes, mid-line like bgzip's blocks: 13 members for 12,024 bytes.
        expect(gzipMemberStarts(bytes)).toBe(13);
        expect(gunzipSync(bytes).toString('latin1')).toBe(readFileSync(dataFile('ESTs.fasta'), 'latin1'));
      }
    }
  });

  it('writes the reads back as FASTQ from an async source', async () => {
    const reader = await openSequenceFile(dataFile('reads_1.fq.gz'), { batchRecords: 1000 });
    const path = join(scratch.path, 'reads.fq.gz');
    const writer = await createSequenceWriter(path, { format: 'fastq', gzip: true });
    for await (const batch of reader) for (const record of batch) await writer.write(record);
    await writer.close();
    expect(writer.recordsWritten).toBe(10_000);
    const written = gunzipSync(readFileSync(path));
    expect(written.equals(gunzipSync(readFileSync(dataFile('reads_1.fq.gz'))))).toBe(true);
  });

  it('fails at once, as COPY TO does, when the file cannot be created', async () => {
    const path = join(scratch.path, 'no-such-directory', 'out.fa');
    const error = await thrownBy(() => createSequenceWriter(path, { format: 'fasta' }));
    expect(error.code).toBe('58P01');
    expect(error.message).toBe(`could not open file "${path}" for writing: No such file or directory`);
  });

  it('refuses writes after close', async () => {
    const writer = await createSequenceWriter(join(scratch.path, 'closed.fa'), { format: 'fasta' });
    await writer.close();
    await expect(writer.write({ name: 'a', sequence: 'A' })).rejects.toThrow(/closed/);
  });
});
