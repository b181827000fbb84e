/**
 * Writing FASTA and FASTQ: the record formatters, and a streaming writer to a file or any Writable, plain or
 * gzip. The gzip output can be one member or many (`gzipMemberBytes`, like bgzip's 64 KiB blocks), because
 * multi-member files are what genome archives ship and the reader must be tested against them.
 */
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzip as gzipCallback, type ZlibOptions } from 'node:zlib';
import { KmerSearchError, SqlState } from '../errors.js';
import { fileOpenError, fileWriteError } from './format-errors.js';
import { iupacNucleotideLetters, type SequenceFormat } from './sequence-parser.js';

const gzipAsync = promisify(gzipCallback) as (data: Buffer, options: ZlibOptions) => Promise<Buffer>;

/** What a writer needs of a record; the reader's SequenceRecord fits. */
export interface SequenceRecordInput {
  readonly name: string;
  readonly description?: string;
  readonly sequence: string;
  /** Required for FASTQ, as long as the sequence. */
  readonly quality?: string;
}

export type LineEnding = '\n' | '\r\n';

export interface SequenceFormatOptions {
  /** FASTA: bases per line; 0 writes each sequence on one line. Default 60 (samtools faidx, Biopython, seqkit). */
  readonly lineWidth?: number;
  /** Default LF. */
  readonly lineEnding?: LineEnding;
}

export const defaultFastaLineWidth = 60;

const sequencePattern = new RegExp(`^[${iupacNucleotideLetters}${iupacNucleotideLetters.toLowerCase()}]*$`);
const qualityPattern = /^[!-~]*$/;
const namePattern = /^[^\s]+$/;
const lineBreakPattern = /[\r\n]/;

function invalidRecord(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, message);
}

/** Rejects what could not be read back as the same record. */
function checkRecord(record: SequenceRecordInput, format: SequenceFormat): void {
  if (!namePattern.test(record.name)) {
    throw invalidRecord(`invalid ${format.toUpperCase()} record name "${record.name}": it must be one word`);
  }
  if (record.description !== undefined && lineBreakPattern.test(record.description)) {
    throw invalidRecord(`the description of record "${record.name}" contains a line break`);
  }
  if (!sequencePattern.test(record.sequence)) {
    throw invalidRecord(`the sequence of record "${record.name}" contains a character that is not an IUPAC code`);
  }
  if (format === 'fastq') {
    if (record.quality === undefined || record.quality.length !== record.sequence.length) {
      throw invalidRecord(`record "${record.name}" needs a quality string as long as its sequence`);
    }
    if (!qualityPattern.test(record.quality)) {
      throw invalidRecord(`the quality of record "${record.name}" contains a character outside "!" … "~"`);
    }
  }
}

function titleOf(record: SequenceRecordInput): string {
  return record.description === undefined || record.description === ''
    ? record.name
    : `${record.name} ${record.description}`;
}

function checkLineWidth(lineWidth: number): void {
  if (!Number.isInteger(lineWidth) || lineWidth < 0) {
    throw invalidRecord(`FASTA line width must be a non-negative integer, not ${lineWidth}`);
  }
}

/** One FASTA record, its last line ended too. */
export function formatFastaRecord(record: SequenceRecordInput, options: SequenceFormatOptions = {}): string {
  const lineWidth = options.lineWidth ?? defaultFastaLineWidth;
  const lineEnding = options.lineEnding ?? '\n';
  checkLineWidth(lineWidth);
  checkRecord(record, 'fasta');
  const sequence = record.sequence;
  const parts = [`>${titleOf(record)}`];
  if (lineWidth === 0 || sequence.length <= lineWidth) {
    if (sequence.length > 0) parts.push(sequence);
  } else {
    for (let start = 0; start < sequence.length; start += lineWidth) parts.push(sequence.slice(start, start + lineWidth));
  }
  return parts.join(lineEnding) + lineEnding;
}

/** One four-line FASTQ record; the '+' line is left bare, as most tools write it now. */
export function formatFastqRecord(record: SequenceRecordInput, options: SequenceFormatOptions = {}): string {
  const lineEnding = options.lineEnding ?? '\n';
  checkRecord(record, 'fastq');
  return `@${titleOf(record)}${lineEnding}${record.sequence}${lineEnding}+${lineEnding}${record.quality ?? ''}${lineEnding}`;
}

export interface SequenceWriterOptions extends SequenceFormatOptions {
  readonly format: SequenceFormat;
  /** Compress the output with gzip. */
  readonly gzip?: boolean;
  /** With gzip: start a new gzip member every this many uncompressed bytes (bgzip-like). Default: one member. */
  readonly gzipMemberBytes?: number;
  /** zlib level 0–9 (default 6). */
  readonly gzipLevel?: number;
  /** The name errors use when the target is a stream. */
  readonly fileName?: string;
}

const flushBytes = 64 * 1024;

/** A streaming FASTA/FASTQ writer. `write` waits when the target is slow, so memory stays bounded. */
export class SequenceWriter {
  readonly fileName: string;
  readonly #format: SequenceFormat;
  readonly #formatOptions: SequenceFormatOptions;
  readonly #target: Writable;
  /** The stream written to: the target, or a gzip stream piped into it. */
  readonly #sink: Writable;
  readonly #piped: Promise<void> | undefined;
  readonly #memberBytes: number | undefined;
  readonly #gzipLevel: number;
  #pending: string[] = [];
  /** UTF-8 bytes of #pending plus #memberRest. */
  #pendingBytes = 0;
  /** Text left over after the last whole gzip member. */
  #memberRest: Buffer | undefined;
  #records = 0;
  #failure: unknown;
  #closed = false;

  /** @internal Use createSequenceWriter(). */
  constructor(target: Writable, options: SequenceWriterOptions) {
    this.fileName = options.fileName ?? '<stream>';
    this.#format = options.format;
    this.#formatOptions = {
      lineWidth: options.lineWidth ?? defaultFastaLineWidth,
      lineEnding: options.lineEnding ?? '\n',
    };
    checkLineWidth(this.#formatOptions.lineWidth ?? defaultFastaLineWidth);
    this.#target = target;
    this.#gzipLevel = options.gzipLevel ?? 6;
    const multiMember = options.gzip === true && options.gzipMemberBytes !== undefined;
    this.#memberBytes = multiMember ? options.gzipMemberBytes : undefined;
    if (options.gzip === true && !multiMember) {
      const gzip = createGzip({ level: this.#gzipLevel });
      this.#sink = gzip;
      this.#piped = pipeline(gzip, target);
      this.#piped.catch((error: unknown) => {
        this.#failure ??= error;
      });
    } else {
      this.#sink = target;
      this.#piped = undefined;
      target.on('error', (error: unknown) => {
        this.#failure ??= error;
      });
    }
  }

  get recordsWritten(): number {
    return this.#records;
  }

  async write(record: SequenceRecordInput): Promise<void> {
    if (this.#closed) throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'the sequence writer is closed');
    const text =
      this.#format === 'fasta'
        ? formatFastaRecord(record, this.#formatOptions)
        : formatFastqRecord(record, this.#formatOptions);
    this.#pending.push(text);
    this.#pendingBytes += Buffer.byteLength(text, 'utf8');
    this.#records++;
    if (this.#pendingBytes >= (this.#memberBytes ?? flushBytes)) await this.#flush();
  }

  /** Writes what is pending, ends the output and waits until it is on disk (or in the target stream). */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#flush(true);
    this.#closed = true;
    try {
      this.#sink.end();
      // Both wait for 'close' where the stream emits it, so a file is closed (and complete) when this resolves.
      if (this.#piped !== undefined) await this.#piped;
      else await finished(this.#target);
    } catch (error) {
      throw fileWriteError(this.fileName, error);
    }
    this.#throwIfFailed();
  }

  /** Writes the pending text; with `gzipMemberBytes`, as members of exactly that many bytes (bar the last). */
  async #flush(final = false): Promise<void> {
    this.#throwIfFailed();
    if (this.#pendingBytes === 0) return;
    const encoded = Buffer.from(this.#pending.join(''), 'utf8');
    const text = this.#memberRest === undefined ? encoded : Buffer.concat([this.#memberRest, encoded]);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#memberRest = undefined;
    if (this.#memberBytes === undefined) {
      await this.#send(text);
      return;
    }
    let start = 0;
    while (text.length - start >= this.#memberBytes || (final && start < text.length)) {
      const end = Math.min(text.length, start + this.#memberBytes);
      await this.#send(await gzipAsync(text.subarray(start, end), { level: this.#gzipLevel }));
      start = end;
    }
    if (start < text.length) {
      // Members are cut at byte counts, mid-line (or mid-character) as bgzip cuts its blocks; the rest waits.
      this.#memberRest = Buffer.from(text.subarray(start));
      this.#pendingBytes = this.#memberRest.length;
    }
  }

  async #send(bytes: Buffer): Promise<void> {
    try {
      if (!this.#sink.write(bytes)) await once(this.#sink, 'drain');
    } catch (error) {
      throw fileWriteError(this.fileName, error);
    }
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw fileWriteError(this.fileName, this.#failure);
  }
}

/**
 * Creates a writer to a file path (created or truncated; fails at once with PostgreSQL's COPY TO message
 * `could not open file "x" for writing: …`) or to a Writable.
 */
export async function createSequenceWriter(
  target: string | Writable,
  options: SequenceWriterOptions,
): Promise<SequenceWriter> {
  if (typeof target !== 'string') return new SequenceWriter(target, options);
  let handle;
  try {
    handle = await open(target, 'w');
  } catch (error) {
    throw fileOpenError(target, error, 'writing');
  }
  return new SequenceWriter(handle.createWriteStream(), { ...options, fileName: options.fileName ?? target });
}

/** Writes all records to a file (or stream) and closes it; returns the number of records. */
export async function writeSequenceFile(
  target: string | Writable,
  records: Iterable<SequenceRecordInput> | AsyncIterable<SequenceRecordInput>,
  options: SequenceWriterOptions,
): Promise<number> {
  const writer = await createSequenceWriter(target, options);
  for await (const record of records) await writer.write(record);
  await writer.close();
  return writer.recordsWritten;
}
