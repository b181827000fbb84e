/** Helpers of the index tests: running a statement on a forced path and comparing the two paths. */
import { expect } from 'vitest';
import { KmerSearchError, type KmerSearch } from '../../src/index.js';

export type Path = 'index' | 'sequential';

/** A statement's rows in text form, or its error (code and message), for comparing two runs. */
export type Outcome = { readonly rows: (string | null)[][] } | { readonly error: string };

export async function outcomeOf(db: KmerSearch, sql: string): Promise<Outcome> {
  try {
    return { rows: (await db.queryText(sql)).rows.map((row) => [...row]) };
  } catch (error) {
    if (!(error instanceof KmerSearchError)) throw error;
    return { error: `${error.code}: ${error.message}` };
  }
}

/**
 * Steers the planner to one path with PostgreSQL's switches: `enable_bitmapscan = off` makes it scan
 * sequentially, `enable_seqscan = off` makes it use a kmersearch index whenever one may answer.
 */
export async function forcePath(db: KmerSearch, path: Path): Promise<void> {
  await db.exec(
    path === 'index' ? 'SET enable_bitmapscan = on; SET enable_seqscan = off' : 'SET enable_bitmapscan = off; SET enable_seqscan = on',
  );
}

export async function explain(db: KmerSearch, sql: string): Promise<string[]> {
  return (await db.queryText(`EXPLAIN ${sql}`)).rows.map((row) => row[0] ?? '');
}

/** Runs `sql` on both paths; asserts equal outcomes and which path the index run took. Returns the outcome. */
export async function expectSameOnBothPaths(db: KmerSearch, sql: string, indexUsed: boolean): Promise<Outcome> {
  await forcePath(db, 'sequential');
  const sequentialPlan = await explain(db, sql);
  expect(sequentialPlan.some((line) => line.includes('Bitmap Heap Scan'))).toBe(false);
  const sequential = await outcomeOf(db, sql);
  await forcePath(db, 'index');
  const indexPlan = await explain(db, sql);
  expect(indexPlan.some((line) => line.includes('Bitmap Heap Scan')), `${sql}\n${indexPlan.join('\n')}`).toBe(indexUsed);
  const indexed = await outcomeOf(db, sql);
  await db.exec('RESET enable_bitmapscan; RESET enable_seqscan');
  expect(indexed, sql).toEqual(sequential);
  return sequential;
}

/** Files in the database's spill directory (none may be left after a build, whatever happened). */
export function spillDirectory(db: KmerSearch): string {
  return `${db.path}/spill`;
}
