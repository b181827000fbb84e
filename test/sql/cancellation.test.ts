/** Cancellation by AbortSignal and statement_timeout: SQLSTATE 57014, and the statement rolls back. */
import { describe, expect, it } from 'vitest';
import { expectError, openDatabase, rejection } from './engine-helpers.js';

describe('cancellation', () => {
  it('cancels a statement whose signal is already aborted', async () => {
    const db = await openDatabase();
    const error = await rejection(db.query('SELECT 1', [], { signal: AbortSignal.abort() }));
    expect({ code: error.code, message: error.message }).toEqual({ code: '57014', message: 'canceling statement due to user request' });
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('cancels a running statement at the next check when its signal fires', async () => {
    const db = await openDatabase();
    const controller = new AbortController();
    const running = db.query('SELECT count(*) FROM generate_series(1, 2000000000)', [], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(running);
    expect(error.message).toBe('canceling statement due to user request');
  });

  it('cancels after statement_timeout milliseconds and rolls the statement back', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (x int)');
    await db.query('SET statement_timeout = 100');
    await expectError(db, 'INSERT INTO t SELECT * FROM generate_series(1, 2000000000)', {
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    await db.query('SET statement_timeout = 0');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('fails an open block when a statement in it is cancelled', async () => {
    const db = await openDatabase();
    await db.query('BEGIN');
    await rejection(db.query('SELECT 1', [], { signal: AbortSignal.abort() }));
    await expectError(db, 'SELECT 1', { code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' });
    await db.query('ROLLBACK');
  });
});
