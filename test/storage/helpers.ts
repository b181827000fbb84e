import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DnaValue } from '../../src/dna/types.js';
import { scanTable, type StorageView } from '../../src/storage/index.js';

/** A fresh directory under the OS temp dir; removed by the returned cleanup. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'kmersearch-storage-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const dna2Codes: Record<string, number> = { A: 0, C: 1, G: 2, T: 3 };

/** DNA2 value from ACGT text (test helper; the real codec lives in src/dna). */
export function dna2(text: string): DnaValue {
  const data = new Uint8Array(Math.ceil((text.length * 2) / 8));
  for (let index = 0; index < text.length; index += 1) {
    const code = dna2Codes[text[index] as string] ?? 0;
    data[index >> 2] = (data[index >> 2] ?? 0) | (code << (6 - 2 * (index & 3)));
  }
  return { kind: 'dna2', bitLength: text.length * 2, data };
}

/** Deterministic pseudo-random ACGT text. */
export function randomBases(length: number, seed: number): string {
  let state = seed >>> 0 || 1;
  let text = '';
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    text += 'ACGT'[(state >>> 16) & 3];
  }
  return text;
}

/** All live rows of a table as [rowId, ...values]. */
export function allRows(view: StorageView, tableId: number, columns?: readonly number[]): unknown[][] {
  const rows: unknown[][] = [];
  for (const batch of scanTable(view, tableId, columns)) {
    batch.rowIds.forEach((rowId, row) => rows.push([rowId, ...batch.columns.map((column) => column[row])]));
  }
  return rows;
}

export function countRows(view: StorageView, tableId: number): number {
  let count = 0;
  for (const batch of scanTable(view, tableId, [])) count += batch.rowIds.length;
  return count;
}

const fixture = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));

/** A child process running a script (test/storage/fixtures/child.ts by default) through tsx, with line-based stdout. */
export class ChildScript {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  private readonly waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(args: readonly string[], script = fixture) {
    this.process = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: 'pipe',
    });
    let buffered = '';
    this.process.stdout.setEncoding('utf8');
    this.process.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.lines.push(line);
        for (const waiter of [...this.waiters]) {
          if (waiter.predicate(line)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
        newline = buffered.indexOf('\n');
      }
    });
    this.process.stderr.setEncoding('utf8');
    this.process.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first line (already received or future) matching `predicate`. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const seen = this.lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for child output; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void this.exited.then(() => {
        setTimeout(() => reject(new Error(`child exited; lines: ${this.lines.join('|')}; stderr: ${this.stderr}`)), 50);
      });
    });
  }
}
