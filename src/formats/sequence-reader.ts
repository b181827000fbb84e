/**
 * Reading a FASTA/FASTQ file (plain, gzip or bgzip) as an async iterator of record batches. Batches, not single
 * records, because the loader's per-item cost (a transaction step, a worker message) is paid per batch; the batch
 * closes at whichever limit comes first, bases or records, so memory stays bounded for short reads and long
 * chromosomes alike.
 *
 * On malformed input the iterator throws (a KmerSearchError with SQLSTATE 22P02 naming file, line and record);
 * it does not skip. Whether to keep the rows already handed on is the caller's decision.
 */
import type { Compression, InputOptions, InputProgress, StreamInputOptions } from './input-file.js';
import { InputBytes, openInputFile, streamInput } from './input-file.js';
import { SequenceParser, type SequenceFormat, type SequenceRecord } from './sequence-parser.js';
import { KmerSearchError, SqlState } from '../errors.js';

export interface SequenceReadOptions extends InputOptions {
  /** `auto` (default) decides from the first non-blank byte: '>' FASTA, '@' FASTQ. */
  readonly format?: SequenceFormat | 'auto';
  /** A batch closes once it holds this many bases (default 4 Mi). */
  readonly batchBases?: number;
  /** … or this many records (default 8192), whichever comes first. */
  readonly batchRecords?: number;
}

export interface SequenceStreamReadOptions extends SequenceReadOptions, StreamInputOptions {}

/** Enough to draw a progress bar with rate and ETA: bytes of the stored file, and what was parsed so far. */
export interface SequenceReadProgress extends InputProgress {
  readonly records: number;
  readonly bases: number;
  /** Milliseconds since iteration started. */
  readonly elapsedMilliseconds: number;
}

export const defaultBatchBases = 4 * 1024 * 1024;
export const defaultBatchRecords = 8192;

export class SequenceReader implements AsyncIterable<SequenceRecord[]> {
  readonly #input: InputBytes;
  readonly #parser: SequenceParser;
  readonly #batchBases: number;
  readonly #batchRecords: number;
  #batch: SequenceRecord[] = [];
  #batchBaseCount = 0;
  readonly #ready: SequenceRecord[][] = [];
  #started = false;
  #startTime = 0;

  /** @internal Use openSequenceFile() or readSequenceStream(). */
  constructor(input: InputBytes, options: SequenceReadOptions) {
    this.#input = input;
    this.#batchBases = positiveLimit(options.batchBases, defaultBatchBases, 'batchBases');
    this.#batchRecords = positiveLimit(options.batchRecords, defaultBatchRecords, 'batchRecords');
    this.#parser = new SequenceParser({
      format: options.format ?? 'auto',
      fileName: input.fileName,
      onRecord: (record) => this.#collect(record),
    });
  }

  get fileName(): string {
    return this.#input.fileName;
  }

  /** The format, once known: at once if it was given, else after the first bytes. */
  get format(): SequenceFormat | undefined {
    return this.#parser.format;
  }

  /** Known after the first bytes. */
  get compression(): Compression | undefined {
    return this.#input.compression;
  }

  progress(): SequenceReadProgress {
    return {
      bytesRead: this.#input.bytesRead,
      totalBytes: this.#input.totalBytes,
      records: this.#parser.recordsEmitted,
      bases: this.#parser.basesEmitted,
      elapsedMilliseconds: this.#started ? performance.now() - this.#startTime : 0,
    };
  }

  [Symbol.asyncIterator](): AsyncGenerator<SequenceRecord[], void, undefined> {
    if (this.#started) {
      throw new KmerSearchError(
        SqlState.objectNotInPrerequisiteState,
        `sequence file "${this.fileName}" can be read only once`,
      );
    }
    this.#started = true;
    this.#startTime = performance.now();
    return this.#batches();
  }

  /** Releases the file; needed only when the iteration was never started or finished. */
  close(): Promise<void> {
    return this.#input.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async *#batches(): AsyncGenerator<SequenceRecord[], void, undefined> {
    try {
      for await (const chunk of this.#input) {
        const failure = this.#parse(() => this.#parser.push(chunk));
        while (this.#ready.length > 0) yield this.#ready.shift()!;
        if (failure !== undefined) throw failure;
      }
      const failure = this.#parse(() => this.#parser.finish());
      if (this.#batch.length > 0) this.#closeBatch();
      while (this.#ready.length > 0) yield this.#ready.shift()!;
      if (failure !== undefined) throw failure;
    } finally {
      this.#ready.length = 0;
      this.#batch = [];
      await this.#input.close();
    }
  }

  /**
   * Runs the parser; on an error, the records before it are still handed on first (in a last, short batch), so
   * that errors come in file order even when the caller checks records further.
   */
  #parse(step: () => void): unknown {
    try {
      step();
      return undefined;
    } catch (error) {
      if (this.#batch.length > 0) this.#closeBatch();
      return error;
    }
  }

  #collect(record: SequenceRecord): void {
    this.#batch.push(record);
    this.#batchBaseCount += record.sequence.length;
    if (this.#batchBaseCount >= this.#batchBases || this.#batch.length >= this.#batchRecords) this.#closeBatch();
  }

  #closeBatch(): void {
    this.#ready.push(this.#batch);
    this.#batch = [];
    this.#batchBaseCount = 0;
  }
}

function positiveLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new KmerSearchError(SqlState.invalidParameterValue, `${name} must be a positive integer`);
  }
  return value;
}

/**
 * Opens a FASTA/FASTQ file, plain or gzip (bgzip too). Fails at once if the file cannot be opened
 * (`could not open file "x" for reading: …`, 58P01); reading starts on iteration.
 */
export async function openSequenceFile(path: string, options: SequenceReadOptions = {}): Promise<SequenceReader> {
  positiveLimit(options.batchBases, defaultBatchBases, 'batchBases');
  positiveLimit(options.batchRecords, defaultBatchRecords, 'batchRecords');
  const input = await openInputFile(path, options);
  return new SequenceReader(input, options);
}

/** Reads FASTA/FASTQ from a caller's byte stream (a Readable or any async iterable of bytes). */
export function readSequenceStream(
  source: AsyncIterable<Uint8Array>,
  options: SequenceStreamReadOptions = {},
): SequenceReader {
  return new SequenceReader(streamInput(source, options), options);
}
