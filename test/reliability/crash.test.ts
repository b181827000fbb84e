/**
 * Crash safety (issue 8 §1): for each operation, children running its workload are killed with SIGKILL at
 * seeded points; after each kill the database opens with exactly the committed statements, nothing of the
 * interrupted one, indexes that answer as the sequential path, and no spill file once the cleanup has run.
 * The harness and the model are in crash-harness.ts and workloads.ts.
 *
 * The operations run two at a time (each on its own database, one child at a time each), which keeps both of CI's
 * two cores busy — the parent verifying one database while a child works on the other — without oversubscribing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashRepeatedly, crashSeed, type CrashReport } from './crash-harness.js';
import { operations } from './workloads.js';

const reports = new Map<string, CrashReport>();

const operationsAtOnce = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `task` when fewer than `operationsAtOnce` tasks are running. */
async function bounded<T>(task: () => Promise<T>): Promise<T> {
  if (running >= operationsAtOnce) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  }
}

afterAll(() => {
  const total = [...reports.values()].reduce((sum, report) => sum + report.killPoints, 0);
  // The issue asks for at least 50 kill points across the operations.
  if (reports.size === operations.length) expect(total).toBeGreaterThanOrEqual(50);
});

describe(`SIGKILL during a statement (seed ${crashSeed})`, () => {
  operations.forEach((operation, index) => {
    it.concurrent(`${operation.name}: ${operation.killPoints} kills, each leaving exactly the committed statements`, () =>
      bounded(async () => {
        const directory = mkdtempSync(join(tmpdir(), 'kmersearch-crash-'));
        try {
          const report = await crashRepeatedly(operation, join(directory, 'db'), directory, crashSeed + index);
          reports.set(operation.name, report);
          console.log(`${operation.name}: ${JSON.stringify(report)}`);
          expect(report.killPoints).toBe(operation.killPoints);
          // Some kills must land inside a statement, and some after one committed.
          expect(report.interrupted).toBeGreaterThan(0);
          expect(report.statementsCommitted).toBeGreaterThan(0);
          // Builds that spill leave files behind when killed; the cleanup removed them (checked after each kill).
          if (operation.spills === true) expect(report.leftoverSpillFiles).toBeGreaterThan(0);
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
      }),
    // The timeout counts from the start of all of them, the wait for a turn included.
    240_000);
  });
});
