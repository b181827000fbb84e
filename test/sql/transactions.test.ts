/** Transaction blocks, failed blocks (25P02), SET LOCAL, warnings, snapshots across handles, the call queue. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KmerSearch } from '../../src/index.js';
import { expectError, noticeCollector, openDatabase } from './engine-helpers.js';

const aborted = 'current transaction is aborted, commands ignored until end of transaction block';
const directories: string[] = [];

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function databaseDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kmersearch-sql-'));
  directories.push(directory);
  return join(directory, 'db');
}

describe('transaction blocks', () => {
  it('commits and rolls back data and DDL as one unit, with PostgreSQL tags', async () => {
    const db = await openDatabase();
    expect((await db.query('BEGIN')).commandTag).toBe('BEGIN');
    await db.query('CREATE TABLE t (x int)');
    await db.query('INSERT INTO t VALUES (1), (2)');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 2 }]);
    expect((await db.query('ROLLBACK')).commandTag).toBe('ROLLBACK');
    await expectError(db, 'SELECT * FROM t', { code: '42P01', message: 'relation "t" does not exist', position: 15 });

    expect((await db.query('START TRANSACTION')).commandTag).toBe('START TRANSACTION');
    await db.query('CREATE TABLE t (x int)');
    await db.query('INSERT INTO t VALUES (1)');
    expect((await db.query('COMMIT')).commandTag).toBe('COMMIT');
    expect((await db.query('SELECT x FROM t')).rows).toEqual([{ x: 1 }]);
  });

  it('fails the block after an error until ROLLBACK, and answers COMMIT with ROLLBACK', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (x int PRIMARY KEY)');
    await db.query('BEGIN');
    await db.query('INSERT INTO t VALUES (1)');
    await expectError(db, 'INSERT INTO t VALUES (1)', { code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"', detail: 'Key (x)=(1) already exists.' });
    await expectError(db, 'SELECT 1', { code: '25P02', message: aborted });
    await expectError(db, 'SET kmersearch.kmer_size = 8', { code: '25P02', message: aborted });
    await expectError(db, 'BEGIN', { code: '25P02', message: aborted });
    expect((await db.query('COMMIT')).commandTag).toBe('ROLLBACK');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);

    // A syntax error fails the block too, as in PostgreSQL.
    await db.query('BEGIN');
    await expectError(db, 'SELEC 1', { code: '42601', message: 'syntax error at or near "SELEC"', position: 1 });
    await expectError(db, 'SELECT 1', { code: '25P02', message: aborted });
    expect((await db.query('ROLLBACK')).commandTag).toBe('ROLLBACK');
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('warns about BEGIN inside a block and COMMIT/ROLLBACK outside one', async () => {
    const db = await openDatabase();
    const { notices, options } = noticeCollector();
    expect((await db.query('COMMIT', [], options)).commandTag).toBe('COMMIT');
    expect((await db.query('ROLLBACK', [], options)).commandTag).toBe('ROLLBACK');
    await db.query('BEGIN', [], options);
    expect((await db.query('BEGIN', [], options)).commandTag).toBe('BEGIN');
    await db.query('COMMIT', [], options);
    expect(notices).toEqual([
      { severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' },
      { severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' },
      { severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' },
    ]);
    await expectError(db, 'SAVEPOINT s', { code: '25P01', message: 'SAVEPOINT can only be used in transaction blocks' });
  });

  it('undoes SET LOCAL at the end of the block and SET on ROLLBACK', async () => {
    const db = await openDatabase();
    const show = async (): Promise<unknown> => (await db.query('SHOW kmersearch.kmer_size')).rows[0]?.['kmersearch.kmer_size'];
    await db.query('BEGIN');
    await db.query('SET LOCAL kmersearch.kmer_size = 8');
    expect(await show()).toBe('8');
    await db.query('COMMIT');
    expect(await show()).toBe('16');
    await db.query('BEGIN');
    await db.query('SET kmersearch.kmer_size = 9');
    await db.query('ROLLBACK');
    expect(await show()).toBe('16');
    await db.query('BEGIN');
    await db.query('SET kmersearch.kmer_size = 10');
    await db.query('COMMIT');
    expect(await show()).toBe('10');
    const { notices, options } = noticeCollector();
    await db.query('SET LOCAL kmersearch.kmer_size = 11', [], options);
    expect(await show()).toBe('10');
    expect(notices).toEqual([{ severity: 'WARNING', code: '25P01', message: 'SET LOCAL can only be used in transaction blocks' }]);
  });

  it('keeps now() fixed for the whole block', async () => {
    const db = await openDatabase();
    await db.query('BEGIN');
    const first = (await db.query('SELECT now() AS t')).rows[0]?.['t'];
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await db.query('SELECT now() AS t, CURRENT_TIMESTAMP AS c')).rows[0];
    await db.query('COMMIT');
    expect(second).toEqual({ t: first, c: first });
  });
});

describe('two handles on one database', () => {
  it("keeps a reader's block on its snapshot while another handle commits", async () => {
    const path = databaseDirectory();
    const writer = await openDatabase({ path });
    const reader = await openDatabase({ path });
    await writer.query('CREATE TABLE t (x int)');
    await writer.query('INSERT INTO t VALUES (1)');
    await reader.query('BEGIN');
    expect((await reader.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 1 }]);
    await writer.query('INSERT INTO t VALUES (2), (3)');
    expect((await reader.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 1 }]);
    expect((await writer.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 3 }]);
    await reader.query('COMMIT');
    expect((await reader.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 3 }]);
  });

  it('hides a block’s changes from the other handle until COMMIT', async () => {
    const path = databaseDirectory();
    const first = await openDatabase({ path });
    const second = await openDatabase({ path });
    await first.query('CREATE TABLE t (x int)');
    await first.query('BEGIN');
    await first.query('INSERT INTO t VALUES (1)');
    expect((await second.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
    await first.query('COMMIT');
    expect((await second.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 1 }]);
  });
});

describe('the call queue', () => {
  it('runs concurrent calls of one handle one at a time, in call order', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (x int)');
    const calls = Array.from({ length: 20 }, () => db.query('INSERT INTO t SELECT count(*) FROM t RETURNING x'));
    const results = await Promise.all(calls);
    expect(results.map((result) => result.rows[0]?.['x'])).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('closes idempotently, rolls back an open block, and rejects later calls', async () => {
    const path = databaseDirectory();
    const db = await openDatabase({ path });
    await db.query('CREATE TABLE t (x int)');
    await db.query('BEGIN');
    await db.query('INSERT INTO t VALUES (1)');
    await Promise.all([db.close(), db.close()]);
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: '55000' });
    const reopened = await openDatabase({ path });
    expect((await reopened.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('supports await using', async () => {
    let handle: KmerSearch | undefined;
    {
      await using db = await KmerSearch.open();
      handle = db;
      await db.query('SELECT 1');
    }
    expect(handle?.closed).toBe(true);
  });
});
