/**
 * Telling FASTA from FASTQ for the command line, where users give file names rather than COPY options: by the
 * name first (`.fa`, `.fastq.gz`, …), else by the first non-blank character of the (inflated) data, which is
 * what the formats themselves promise (`>` or `@`).
 */
import { basename } from 'node:path';
import { KmerSearchError, SqlState } from '../errors.js';
import { openInputFile } from '../formats/index.js';

export type SequenceFileFormat = 'fasta' | 'fastq';

const fastaExtensions = ['fa', 'fasta', 'fna', 'ffn', 'faa', 'frn', 'fas', 'mfa', 'seq'];
const fastqExtensions = ['fq', 'fastq'];

/** The format a file name promises, if it promises one (`reads.fq.gz` → fastq). */
export function formatFromName(path: string): SequenceFileFormat | undefined {
  const parts = basename(path).toLowerCase().split('.');
  let extension = parts.pop();
  if (extension === 'gz' || extension === 'bgz' || extension === 'bgzf') extension = parts.pop();
  if (parts.length === 0 || extension === undefined) return undefined;
  if (fastaExtensions.includes(extension)) return 'fasta';
  if (fastqExtensions.includes(extension)) return 'fastq';
  return undefined;
}

/** The format of the data by its first non-blank byte. */
export function formatFromFirstByte(byte: number | undefined): SequenceFileFormat | undefined {
  if (byte === 0x3e) return 'fasta';
  if (byte === 0x40) return 'fastq';
  return undefined;
}

function unknownFormat(path: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, `cannot tell the format of "${path}": it starts with neither ">" (FASTA) nor "@" (FASTQ)`, {
    hint: 'Give the format with --format fasta or --format fastq.',
  });
}

/** The first byte that is not a blank or a line end, or undefined for blank data. */
function firstNonBlank(chunk: Uint8Array): number | undefined {
  for (const byte of chunk) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte;
  return undefined;
}

/** The format of a file: by its name, else by its content (gzip inflated). Opening errors are COPY's. */
export async function detectFileFormat(path: string): Promise<SequenceFileFormat> {
  const byName = formatFromName(path);
  if (byName !== undefined) return byName;
  const input = await openInputFile(path);
  try {
    for await (const chunk of input) {
      const byte = firstNonBlank(chunk);
      if (byte === undefined) continue;
      const format = formatFromFirstByte(byte);
      if (format === undefined) throw unknownFormat(path);
      return format;
    }
  } finally {
    await input.close();
  }
  // An empty file: nothing to load either way.
  return 'fasta';
}

/**
 * The format of a stream (standard input) without losing what was read to decide: returns the format and the
 * whole stream again. Compressed input cannot be sniffed this cheaply, so it needs --format.
 */
export async function detectStreamFormat(
  source: AsyncIterable<Uint8Array>,
  name: string,
): Promise<{ format: SequenceFileFormat; data: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let format: SequenceFileFormat | undefined;
  for (;;) {
    const step = await iterator.next();
    if (step.done === true) break;
    const chunk = typeof step.value === 'string' ? Buffer.from(step.value as string, 'utf8') : step.value;
    head.push(chunk);
    if (head.length === 1 && chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
      throw new KmerSearchError(SqlState.invalidParameterValue, `cannot tell the format of gzip data on ${name}`, {
        hint: 'Give the format with --format fasta or --format fastq.',
      });
    }
    const byte = firstNonBlank(chunk);
    if (byte === undefined) continue;
    format = formatFromFirstByte(byte);
    if (format === undefined) throw unknownFormat(name);
    break;
  }
  const data = (async function* () {
    yield* head;
    for (;;) {
      const step = await iterator.next();
      if (step.done === true) return;
      yield typeof step.value === 'string' ? Buffer.from(step.value as string, 'utf8') : step.value;
    }
  })();
  return { format: format ?? 'fasta', data };
}
