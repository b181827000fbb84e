import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { openSequenceFile, readSequenceStream, type SequenceRecord } from '../../src/formats/index.js';
import {
  chunked,
  contentOf,
  dataFile,
  openDescriptorsTo,
  readAll,
  readText,
  temporaryDirectory,
  thrownBy,
} from './helpers.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

/** An independent, naive FASTA parser over the whole text, to check the streaming one against. */
function naiveFasta(text: string): { name: string; description: string; sequence: string }[] {
  const records: { name: string; description: string; sequence: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('>')) {
      const title = line.slice(1);
      const space = title.search(/[ \t]/);
      records.push({
        name: space < 0 ? title : title.slice(0, space),
        description: space < 0 ? '' : title.slice(space).replace(/^[ \t]+/, ''),
        sequence: '',
      });
    } else if (line.length > 0) {
      records[records.length - 1]!.sequence += line;
    }
  }
  return records;
}

describe('the sample files', () => {
  it('reads the lambda phage genome: one gzip record of 48,502 bp', async () => {
    const reader = await openSequenceFile(dataFile('lambda_virus.fa.gz'));
    const records = await readAll(reader);
    expect(reader.format).toBe('fasta');
    expect(reader.compression).toBe('gzip');
    expect(records).toHaveLength(1);
    const lambda = records[0]!;
    expect(lambda.name).toBe('gi|9626243|ref|NC_001416.1|');
    expect(lambda.description).toBe('Enterobacteria phage lambda, complete genome');
    expect(lambda.sequence).toHaveLength(48_502);
    expect(lambda.sequence.startsWith('GGGCGGCGACCTCGCGGGTTTTCGCTATTTATGAAAATTTTCCGGTTTAAGGCGTTTCCGTTCTTCTTCG')).toBe(true);
    expect(lambda).toMatchObject({ recordNumber: 1, line: 1 });
    expect('quality' in lambda).toBe(false);
    const expected = naiveFasta(gunzipSync(readFileSync(dataFile('lambda_virus.fa.gz'))).toString('latin1'));
    expect(contentOf(records)).toEqual(expected);
    const progress = reader.progress();
    expect(progress.bytesRead).toBe(15_404);
    expect(progress.totalBytes).toBe(15_404);
    expect(progress.records).toBe(1);
    expect(progress.bases).toBe(48_502);
  });

  it('reads the 10,000 simulated reads of reads_1.fq.gz as FASTQ', async () => {
    const reader = await openSequenceFile(dataFile('reads_1.fq.gz'));
    const records = await readAll(reader);
    expect(reader.format).toBe('fastq');
    expect(records).toHaveLength(10_000);
    const lines = gunzipSync(readFileSync(dataFile('reads_1.fq.gz'))).toString('latin1').split('\n');
    records.forEach((record, index) => {
      expect(record.name).toBe(lines[index * 4]!.slice(1));
      expect(record.sequence).toBe(lines[index * 4 + 1]);
      expect(record.quality).toBe(lines[index * 4 + 3]);
      expect(record.recordNumber).toBe(index + 1);
      expect(record.line).toBe(index * 4 + 1);
    });
    const lengths = records.map((record) => record.sequence.length);
    expect(Math.min(...lengths)).toBe(40);
    expect(Math.max(...lengths)).toBe(354);
    expect(records.some((record) => record.sequence.includes('N'))).toBe(true);
  });

  it('reads the 30 ESTs of ESTs.fasta with their IUPAC codes', async () => {
    const records = await readAll(await openSequenceFile(dataFile('ESTs.fasta')));
    expect(records).toHaveLength(30);
    expect(contentOf(records)).toEqual(naiveFasta(readFileSync(dataFile('ESTs.fasta'), 'latin1')));
    const codes = new Set(records.flatMap((record) => [...record.sequence]));
    for (const code of ['R', 'Y', 'S', 'W', 'K', 'M', 'D', 'N']) expect(codes.has(code)).toBe(true);
    const lengths = records.map((record) => record.sequence.length);
    expect(Math.min(...lengths)).toBe(120);
    expect(Math.max(...lengths)).toBe(372);
  });

  it.each([
    ['dwv.fasta.gz', 10_140],
    ['vdv1.fasta.gz', 10_112],
    ['vdv1dwv5.fasta.gz', 10_149],
  ])('reads %s (%i bp)', async (file, bases) => {
    const records = await readAll(await openSequenceFile(dataFile(file)));
    expect(records).toHaveLength(1);
    expect(records[0]!.sequence).toHaveLength(bases);
  });
});

describe('FASTA details', () => {
  const tricky =
    '\r\n\n>first  a description\twith tabs \r\nacgtn\r\nRYKM\r\n\r\n>second\nAC\n\n\nGT\n>third\tdesc\n>fourth x\nuuuu';

  it('keeps case, joins lines, accepts CRLF, blank lines, empty records and a missing final newline', async () => {
    const records = await readText(tricky);
    expect(records).toEqual<SequenceRecord[]>([
      { name: 'first', description: 'a description\twith tabs ', sequence: 'acgtnRYKM', recordNumber: 1, line: 3 },
      { name: 'second', description: '', sequence: 'ACGT', recordNumber: 2, line: 7 },
      { name: 'third', description: 'desc', sequence: '', recordNumber: 3, line: 12 },
      { name: 'fourth', description: 'x', sequence: 'uuuu', recordNumber: 4, line: 13 },
    ]);
  });

  it('gives the same records whatever the chunk sizes, down to one byte', async () => {
    const whole = await readText(tricky);
    for (const sizes of [[1], [2], [3], [5, 1, 7], [64]]) expect(await readText(tricky, {}, sizes)).toEqual(whole);
  });

  it('accepts every IUPAC code in both cases', async () => {
    const letters = 'ACGTUMRWSYKVHDBNacgtumrwsykvhdbn';
    expect((await readText(`>all\n${letters}\n`))[0]!.sequence).toBe(letters);
  });

  it('keeps UTF-8 in names and descriptions', async () => {
    const [record] = await readText('>λ-phage ünïcode ✓\nACGT\n');
    expect(record).toMatchObject({ name: 'λ-phage', description: 'ünïcode ✓' });
  });

  it('reads nothing from an empty or blank input', async () => {
    expect(await readText('')).toEqual([]);
    expect(await readText('\n\r\n\n')).toEqual([]);
  });
});

describe('FASTQ details', () => {
  it('reads four-line records with CRLF, a repeated name on the "+" line, an empty read and blank lines', async () => {
    const text = '@r1 first read\r\nACGTN\r\n+r1 first read\r\nIIII#\r\n\r\n@r2\nac\n+r2\n!~\n@empty\n\n+\n\n@last\nG\n+\nI';
    const records = await readText(text);
    expect(records).toEqual<SequenceRecord[]>([
      { name: 'r1', description: 'first read', sequence: 'ACGTN', quality: 'IIII#', recordNumber: 1, line: 1 },
      { name: 'r2', description: '', sequence: 'ac', quality: '!~', recordNumber: 2, line: 6 },
      { name: 'empty', description: '', sequence: '', quality: '', recordNumber: 3, line: 10 },
      { name: 'last', description: '', sequence: 'G', quality: 'I', recordNumber: 4, line: 14 },
    ]);
    expect(await readText(text, {}, [1])).toEqual(records);
  });

  it('accepts quality lines that begin with "@" or ">"', async () => {
    const records = await readText('@a\nACG\n+\n@>@\n@b\nT\n+\n>\n');
    expect(records.map((record) => record.quality)).toEqual(['@>@', '>']);
  });
});

describe('format detection', () => {
  it('decides from the first non-blank byte', async () => {
    const fasta = readSequenceStream(chunked(Buffer.from('\n\n>a\nAC\n')));
    expect(fasta.format).toBeUndefined();
    await readAll(fasta);
    expect(fasta.format).toBe('fasta');
    const fastq = readSequenceStream(chunked(Buffer.from('\r\n@a\nAC\n+\nII\n')));
    await readAll(fastq);
    expect(fastq.format).toBe('fastq');
  });

  it('takes an explicit format', async () => {
    const reader = readSequenceStream(chunked(Buffer.from('@a\nAC\n+\nII\n')), { format: 'fastq' });
    expect(reader.format).toBe('fastq');
    expect(await readAll(reader)).toHaveLength(1);
  });

  it('refuses input that is neither', async () => {
    const error = await thrownBy(() => readText('\nname,sequence\n'));
    expect(error).toBeInstanceOf(KmerSearchError);
    expect(error.code).toBe('22P02');
    expect(error.message).toBe('could not detect the sequence format of file "test.fa" at line 2');
  });
});

describe('batches', () => {
  it('closes a batch at the record limit', async () => {
    const reader = await openSequenceFile(dataFile('ESTs.fasta'), { batchRecords: 7 });
    const sizes: number[] = [];
    for await (const batch of reader) sizes.push(batch.length);
    expect(sizes).toEqual([7, 7, 7, 7, 2]);
  });

  it('closes a batch at the base limit, one record at least', async () => {
    const reader = await openSequenceFile(dataFile('reads_1.fq.gz'), { batchBases: 10_000 });
    let count = 0;
    for await (const batch of reader) {
      const bases = batch.reduce((sum, record) => sum + record.sequence.length, 0);
      expect(bases - batch[batch.length - 1]!.sequence.length).toBeLessThan(10_000);
      count += batch.length;
    }
    expect(count).toBe(10_000);
    const lambda = await openSequenceFile(dataFile('lambda_virus.fa.gz'), { batchBases: 1 });
    expect((await readAll(lambda))[0]!.sequence).toHaveLength(48_502);
  });

  it('refuses limits that are not positive integers', async () => {
    const error = await thrownBy(() => openSequenceFile(dataFile('ESTs.fasta'), { batchRecords: 0 }));
    expect(error.code).toBe('22023');
  });
});

describe('compression', () => {
  const text = readFileSync(dataFile('ESTs.fasta'));

  it('reads multi-member gzip (concatenated members, as bgzip writes)', async () => {
    const members = Buffer.concat([
      gzipSync(text.subarray(0, 1000)),
      gzipSync(text.subarray(1000, 1001)),
      gzipSync(text.subarray(1001, 7777)),
      gzipSync(text.subarray(7777)),
    ]);
    const path = join(scratch.path, 'members.fa.gz');
    writeFileSync(path, members);
    const reader = await openSequenceFile(path);
    const records = await readAll(reader);
    expect(reader.compression).toBe('gzip');
    expect(contentOf(records)).toEqual(naiveFasta(text.toString('latin1')));
    // The magic bytes decide, not the name; and a stream split anywhere (even inside the magic) works.
    expect(contentOf(await readText(members, {}, [1, 3, 1000]))).toEqual(contentOf(records));
  });

  it('reads gzip whatever the file is called, and plain text called .gz', async () => {
    const gzipped = join(scratch.path, 'looks-plain.fasta');
    writeFileSync(gzipped, gzipSync(text));
    expect(await readAll(await openSequenceFile(gzipped))).toHaveLength(30);
    const plain = join(scratch.path, 'looks-compressed.fa.gz');
    writeFileSync(plain, text);
    expect(await readAll(await openSequenceFile(plain))).toHaveLength(30);
  });

  it('reports a truncated gzip file as bad data naming the file', async () => {
    const path = join(scratch.path, 'truncated.fa.gz');
    const whole = readFileSync(dataFile('lambda_virus.fa.gz'));
    writeFileSync(path, whole.subarray(0, whole.length - 100));
    const error = await thrownBy(async () => readAll(await openSequenceFile(path)));
    expect(error).toBeInstanceOf(KmerSearchError);
    expect(error.code).toBe('22P02');
    expect(error.message).toBe(`invalid gzip data in file "${path}": unexpected end of file`);
    expect(error.detail).toMatch(/truncated/);
    expect(openDescriptorsTo(path) ?? 0).toBe(0);
  });

  it('reports corrupt gzip data', async () => {
    const path = join(scratch.path, 'corrupt.fa.gz');
    const whole = Buffer.from(readFileSync(dataFile('lambda_virus.fa.gz')));
    for (let index = 100; index < 400; index++) whole[index] = 0xff;
    writeFileSync(path, whole);
    const error = await thrownBy(async () => readAll(await openSequenceFile(path)));
    expect(error.code).toBe('22P02');
    expect(error.message).toMatch(new RegExp(`^invalid gzip data in file "${path}": `));
  });
});

describe('files', () => {
  it('fails at open with PostgreSQL COPY message for a missing file', async () => {
    const path = join(scratch.path, 'missing.fa');
    const error = await thrownBy(() => openSequenceFile(path));
    expect(error).toBeInstanceOf(KmerSearchError);
    expect(error.code).toBe('58P01');
    expect(error.message).toBe(`could not open file "${path}" for reading: No such file or directory`);
  });

  it('refuses a directory as PostgreSQL does', async () => {
    const path = join(scratch.path, 'a-directory');
    mkdirSync(path);
    const error = await thrownBy(() => openSequenceFile(path));
    expect(error.code).toBe('42809');
    expect(error.message).toBe(`"${path}" is a directory`);
  });

  it.runIf(process.platform === 'linux')('closes the file at the end, on error, on early return and on close()', async () => {
    const path = dataFile('reads_1.fq.gz');
    const complete = await openSequenceFile(path, { batchRecords: 100 });
    expect(openDescriptorsTo(path)).toBe(1);
    await readAll(complete);
    expect(openDescriptorsTo(path)).toBe(0);

    const early = await openSequenceFile(path, { batchRecords: 100 });
    for await (const batch of early) {
      expect(batch).toHaveLength(100);
      break;
    }
    expect(openDescriptorsTo(path)).toBe(0);

    const bad = join(scratch.path, 'bad-late.fa');
    writeFileSync(bad, `${'>a\nACGT\n'.repeat(100_000)}>b\nAC!GT\n`);
    await thrownBy(async () => readAll(await openSequenceFile(bad)));
    expect(openDescriptorsTo(bad)).toBe(0);

    const unread = await openSequenceFile(path);
    expect(openDescriptorsTo(path)).toBe(1);
    await unread.close();
    expect(openDescriptorsTo(path)).toBe(0);
  });

  it('can be read only once', async () => {
    const reader = await openSequenceFile(dataFile('ESTs.fasta'));
    await readAll(reader);
    expect(() => reader[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});

describe('progress', () => {
  it('counts stored bytes towards the file size as batches go by', async () => {
    const path = dataFile('reads_1.fq.gz');
    const reader = await openSequenceFile(path, { batchRecords: 500, chunkBytes: 64 * 1024 });
    expect(reader.progress()).toMatchObject({ bytesRead: 0, totalBytes: 1_202_290, records: 0, bases: 0 });
    let previous = 0;
    let steps = 0;
    for await (const batch of reader) {
      const progress = reader.progress();
      expect(progress.bytesRead).toBeGreaterThanOrEqual(previous);
      expect(progress.bytesRead).toBeLessThanOrEqual(progress.totalBytes!);
      expect(progress.records).toBeGreaterThanOrEqual(batch.length);
      expect(progress.elapsedMilliseconds).toBeGreaterThanOrEqual(0);
      previous = progress.bytesRead;
      steps++;
    }
    expect(steps).toBe(20);
    expect(reader.progress()).toMatchObject({ bytesRead: 1_202_290, records: 10_000, bases: 1_088_399 });
  });

  it('uses the total a caller gives for a stream', async () => {
    const bytes = readFileSync(dataFile('ESTs.fasta'));
    const reader = readSequenceStream(chunked(bytes, [4096]), { totalBytes: bytes.length, fileName: 'ests' });
    await readAll(reader);
    expect(reader.progress()).toMatchObject({ bytesRead: bytes.length, totalBytes: bytes.length, records: 30 });
    expect(reader.fileName).toBe('ests');
  });
});
