/**
 * Opening an input file (or taking a caller's byte stream) and handing its bytes on in chunks, inflated when the
 * data is gzip — single- or multi-member (bgzip) alike, told apart by the magic bytes rather than the file name,
 * because sequence archives are often named `.fa` while compressed and vice versa.
 *
 * Progress is counted on the raw side (bytes of the file as stored), since that is what the file size is known
 * in and so what a progress bar with rate and ETA can be computed from.
 */
import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { KmerSearchError, SqlState } from '../errors.js';
import {
  fileOpenError,
  fileReadError,
  gzipDataError,
  isDirectoryError,
  isZlibError,
} from './format-errors.js';

export type Compression = 'gzip' | 'none';

/** How far reading has got, in bytes of the file as stored (compressed or not). */
export interface InputProgress {
  readonly bytesRead: number;
  /** The file's size when known (always for files, for streams only if the caller said). */
  readonly totalBytes: number | undefined;
}

export interface InputOptions {
  /** `auto` (default) inflates gzip data found by its magic bytes; `none` hands the bytes on as stored. */
  readonly decompress?: 'auto' | 'none';
  /** Size of the reads from disk; larger chunks cost memory, smaller ones per-chunk overhead. */
  readonly chunkBytes?: number;
}

export interface StreamInputOptions extends InputOptions {
  /** The name errors use for this input (PostgreSQL names the file in every message). */
  readonly fileName?: string;
  /** The stream's size in bytes, if known, for progress. */
  readonly totalBytes?: number;
}

const defaultChunkBytes = 256 * 1024;
const gzipMagic0 = 0x1f;
const gzipMagic1 = 0x8b;

/**
 * One input, read once from start to end. Iterating it yields the (inflated) bytes; `close()` releases the file
 * whether or not iteration finished, and is safe to call more than once.
 */
export class InputBytes implements AsyncIterable<Buffer> {
  readonly fileName: string;
  readonly totalBytes: number | undefined;
  readonly #raw: AsyncIterable<Uint8Array>;
  readonly #decompress: 'auto' | 'none';
  readonly #fileHandle: FileHandle | undefined;
  readonly #fileStream: ReadStream | undefined;
  #bytesRead = 0;
  #compression: Compression | undefined;
  #started = false;
  #closed = false;

  /** @internal Use openInputFile() or streamInput(). */
  constructor(
    fileName: string,
    totalBytes: number | undefined,
    raw: AsyncIterable<Uint8Array>,
    decompress: 'auto' | 'none',
    fileHandle?: FileHandle,
    fileStream?: ReadStream,
  ) {
    this.fileName = fileName;
    this.totalBytes = totalBytes;
    this.#raw = raw;
    this.#decompress = decompress;
    this.#fileHandle = fileHandle;
    this.#fileStream = fileStream;
  }

  /** Bytes read so far from the file as stored. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Known once the first bytes were read. */
  get compression(): Compression | undefined {
    return this.#compression;
  }

  progress(): InputProgress {
    return { bytesRead: this.#bytesRead, totalBytes: this.totalBytes };
  }

  [Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    if (this.#started) {
      throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, `input "${this.fileName}" can be read only once`);
    }
    this.#started = true;
    return this.#chunks();
  }

  /** Releases the file. Iteration ending (normally, by error, or by `return()`) also calls this. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stream = this.#fileStream;
    if (stream !== undefined) {
      if (!stream.closed) {
        const closed = once(stream, 'close').catch(() => undefined);
        stream.destroy();
        await closed;
      }
    } else if (this.#fileHandle !== undefined) {
      await this.#fileHandle.close().catch(() => undefined);
    } else {
      const raw = this.#raw as Partial<Readable>;
      if (typeof raw.destroy === 'function') raw.destroy();
    }
  }

  async *#rawChunks(): AsyncGenerator<Buffer, void, undefined> {
    const iterator = this.#raw[Symbol.asyncIterator]();
    try {
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await iterator.next();
        } catch (error) {
          throw error instanceof KmerSearchError ? error : fileReadError(this.fileName, error);
        }
        if (step.done === true) return;
        const chunk = toBuffer(step.value);
        if (chunk.length === 0) continue;
        this.#bytesRead += chunk.length;
        yield chunk;
      }
    } finally {
      await iterator.return?.();
    }
  }

  async *#chunks(): AsyncGenerator<Buffer, void, undefined> {
    const raw = this.#rawChunks();
    try {
      // Two bytes decide the compression; a caller's stream may deliver them one at a time.
      const head: Buffer[] = [];
      let headBytes = 0;
      let rawDone = false;
      while (headBytes < 2) {
        const step = await raw.next();
        if (step.done === true) {
          rawDone = true;
          break;
        }
        head.push(step.value);
        headBytes += step.value.length;
      }
      const first = head.length === 1 ? head[0]! : Buffer.concat(head);
      const gzip = this.#decompress === 'auto' && first.length >= 2 && first[0] === gzipMagic0 && first[1] === gzipMagic1;
      this.#compression = gzip ? 'gzip' : 'none';
      if (!gzip) {
        if (first.length > 0) yield first;
        if (!rawDone) yield* raw;
        return;
      }
      yield* this.#inflate(first, rawDone ? undefined : raw);
    } finally {
      // Close first: a read still pending on the file ends when the file does, so return() cannot wait forever.
      await this.close();
      await raw.return();
    }
  }

  async *#inflate(
    first: Buffer,
    rest: AsyncGenerator<Buffer, void, undefined> | undefined,
  ): AsyncGenerator<Buffer, void, undefined> {
    const compressed = (async function* () {
      yield first;
      if (rest !== undefined) yield* rest;
    })();
    // createGunzip goes on to the next member after each member's trailer, which is what makes bgzip and
    // `cat a.gz b.gz` files read whole (tested).
    const gunzip = createGunzip({ chunkSize: defaultChunkBytes });
    // Errors surface through the iteration below; the callback only keeps them from being unhandled.
    pipeline(Readable.from(compressed, { objectMode: false }), gunzip, () => undefined);
    try {
      for await (const inflated of gunzip as AsyncIterable<Buffer>) yield inflated;
    } catch (error) {
      if (error instanceof KmerSearchError) throw error;
      if (isZlibError(error)) throw gzipDataError(this.fileName, error);
      throw fileReadError(this.fileName, error);
    } finally {
      gunzip.destroy();
    }
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Opens a file for reading. Fails at once — before any row is read — with PostgreSQL's COPY messages:
 * `could not open file "x" for reading: No such file or directory` (58P01), permission denied (42501),
 * `"x" is a directory` (42809).
 */
export async function openInputFile(path: string, options: InputOptions = {}): Promise<InputBytes> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileOpenError(path, error, 'reading');
  }
  let size: number;
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw isDirectoryError(path);
    size = stats.size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof KmerSearchError ? error : fileReadError(path, error);
  }
  const stream = handle.createReadStream({ highWaterMark: options.chunkBytes ?? defaultChunkBytes, autoClose: true });
  return new InputBytes(path, size, stream, options.decompress ?? 'auto', handle, stream);
}

/** Wraps a caller's byte stream (a Readable, or any async iterable of bytes) as an input. */
export function streamInput(source: AsyncIterable<Uint8Array>, options: StreamInputOptions = {}): InputBytes {
  return new InputBytes(options.fileName ?? '<stream>', options.totalBytes, source, options.decompress ?? 'auto');
}
