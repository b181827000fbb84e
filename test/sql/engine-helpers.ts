/** Shared helpers of the engine tests: temporary databases, error expectations, notice capture. */
import { afterEach, expect } from 'vitest';
import { KmerSearch, KmerSearchError, type Notice, type OpenOptions, type QueryOptions } from '../../src/index.js';

const openHandles: KmerSearch[] = [];

afterEach(async () => {
  await Promise.all(openHandles.splice(0).map((handle) => handle.close()));
});

/** A database closed after the test (temporary unless a path is given). */
export async function openDatabase(options: OpenOptions = {}): Promise<KmerSearch> {
  const database = await KmerSearch.open(options);
  openHandles.push(database);
  return database;
}

export interface ExpectedError {
  readonly code: string;
  readonly message: string;
  readonly position?: number | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
}

/** The error a promise rejects with (asserting it is a KmerSearchError). */
export async function rejection(promise: Promise<unknown>): Promise<KmerSearchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KmerSearchError);
    return error as KmerSearchError;
  }
  throw new Error('expected the statement to fail');
}

/** Asserts that `sql` fails with exactly these fields (position, detail and hint undefined unless given). */
export async function expectError(database: KmerSearch, sql: string, expected: ExpectedError, params?: unknown[]): Promise<void> {
  const error = await rejection(database.query(sql, params));
  expect({ code: error.code, message: error.message, position: error.position, detail: error.detail, hint: error.hint }).toEqual({
    position: undefined,
    detail: undefined,
    hint: undefined,
    ...expected,
  });
}

/** Options that collect the notices a statement raises. */
export function noticeCollector(): { readonly notices: Notice[]; readonly options: QueryOptions } {
  const notices: Notice[] = [];
  return { notices, options: { onNotice: (notice) => notices.push(notice) } };
}

/** The text form of a query's rows (what psql prints). */
export async function textRows(database: KmerSearch, sql: string): Promise<(string | null)[][]> {
  const result = await database.queryText(sql);
  return result.rows.map((row) => [...row]);
}
