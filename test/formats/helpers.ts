/** Shared helpers of the src/formats tests. */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readSequenceStream,
  type SequenceReader,
  type SequenceRecord,
  type SequenceStreamReadOptions,
} from '../../src/formats/index.js';

/** The project's sample data (data/, see data/PROVENANCE.md). */
export const dataDirectory = fileURLToPath(new URL('../../data/', import.meta.url));

export function dataFile(name: string): string {
  return join(dataDirectory, name);
}

/** A fresh temporary directory and a function removing it. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'kmersearch-formats-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Splits bytes into chunks of the given sizes (cycled), as a stream delivering them one by one. */
export async function* chunked(bytes: Uint8Array, sizes: readonly number[] = [bytes.length || 1]): AsyncGenerator<Buffer> {
  let position = 0;
  let turn = 0;
  while (position < bytes.length) {
    const size = Math.max(1, sizes[turn++ % sizes.length]!);
    yield Buffer.from(bytes.subarray(position, position + size));
    position += size;
  }
}

/** All records of a reader, flattened. */
export async function readAll(reader: SequenceReader): Promise<SequenceRecord[]> {
  const records: SequenceRecord[] = [];
  for await (const batch of reader) records.push(...batch);
  return records;
}

/** Reads records from text or bytes, delivered in chunks of the given sizes. */
export function readText(
  input: string | Uint8Array,
  options: SequenceStreamReadOptions = {},
  chunkSizes?: readonly number[],
): Promise<SequenceRecord[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return readAll(readSequenceStream(chunked(bytes, chunkSizes), { fileName: 'test.fa', ...options }));
}

/** Records without their position fields, for comparing content. */
export function contentOf(records: readonly SequenceRecord[]): object[] {
  return records.map((record) =>
    record.quality === undefined
      ? { name: record.name, description: record.description, sequence: record.sequence }
      : { name: record.name, description: record.description, sequence: record.sequence, quality: record.quality },
  );
}

/** How many of this process's file descriptors point at the file (Linux only; undefined elsewhere). */
export function openDescriptorsTo(path: string): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const target = resolve(path);
  let count = 0;
  for (const entry of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${entry}`) === target) count++;
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return count;
}

/** Runs `action` and returns the KmerSearchError-like object it throws (fails if it does not throw). */
export async function thrownBy(action: () => Promise<unknown>): Promise<{
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  lineNumber?: number;
}> {
  try {
    await action();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}
