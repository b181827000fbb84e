/**
 * COPY text/CSV over streams: rows out of a byte stream (COPY FROM), bytes out of rows (COPY TO), and writing a
 * file. Batching (rows per chunk in, 64 KiB per buffer out) keeps per-item overhead off the hot path.
 */
import { open } from 'node:fs/promises';
import { CopyParser, type CopyParserOptions, type CopyRow } from './copy-decode.js';
import { encodeCopyHeader, encodeCopyRow, type CopyRowValues } from './copy-encode.js';
import { resolveCopyOptions, type CopyFormatOptions } from './copy-options.js';
import { fileOpenError, fileWriteError } from './format-errors.js';
import { KmerSearchError, SqlState } from '../errors.js';

/**
 * Parses COPY text/CSV from a byte stream (e.g. `openInputFile(path, { decompress: 'none' })`), yielding the
 * rows of each chunk. Stops at the end-of-data marker `\.` and then releases the source.
 */
export async function* readCopyRows(
  source: AsyncIterable<Uint8Array>,
  options: CopyFormatOptions,
  parserOptions: CopyParserOptions = {},
): AsyncGenerator<CopyRow[], void, undefined> {
  const parser = new CopyParser(options, parserOptions);
  for await (const chunk of source) {
    const rows = parser.push(chunk);
    if (rows.length > 0) yield rows;
    if (parser.ended) break;
  }
  // After `\.` the rest of the input is ignored, but an error deferred behind the last rows still counts.
  const rest = parser.finish();
  if (rest.length > 0) yield rest;
}

const outputChunkCharacters = 64 * 1024;

/** Serialises rows (with the HEADER line if asked, which needs `columnNames`) into UTF-8 buffers of ~64 KiB. */
export async function* encodeCopyRows(
  rows: Iterable<CopyRowValues> | AsyncIterable<CopyRowValues>,
  options: CopyFormatOptions,
  columnNames?: readonly string[],
): AsyncGenerator<Buffer, void, undefined> {
  const resolved = resolveCopyOptions(options, 'to');
  let pending: string[] = [];
  let pendingCharacters = 0;
  if (resolved.header === true) {
    if (columnNames === undefined) {
      throw new KmerSearchError(SqlState.invalidParameterValue, 'COPY TO with HEADER needs the column names');
    }
    const header = encodeCopyHeader(columnNames, resolved);
    pending.push(header);
    pendingCharacters += header.length;
  }
  for await (const row of rows) {
    const line = encodeCopyRow(row, resolved);
    pending.push(line);
    pendingCharacters += line.length;
    if (pendingCharacters >= outputChunkCharacters) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingCharacters = 0;
    }
  }
  if (pending.length > 0) yield Buffer.from(pending.join(''), 'utf8');
}

/**
 * COPY … TO 'path': writes the rows to a file (created or truncated) and returns how many were written.
 * Opening fails as PostgreSQL's does: `could not open file "x" for writing: …`.
 */
export async function writeCopyFile(
  path: string,
  rows: Iterable<CopyRowValues> | AsyncIterable<CopyRowValues>,
  options: CopyFormatOptions,
  columnNames?: readonly string[],
): Promise<number> {
  resolveCopyOptions(options, 'to');
  let handle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    throw fileOpenError(path, error, 'writing');
  }
  let count = 0;
  async function* counted(): AsyncGenerator<CopyRowValues, void, undefined> {
    for await (const row of rows) {
      count++;
      yield row;
    }
  }
  try {
    for await (const bytes of encodeCopyRows(counted(), options, columnNames)) {
      try {
        await handle.write(bytes);
      } catch (error) {
        throw fileWriteError(path, error);
      }
    }
  } finally {
    await handle.close();
  }
  return count;
}
