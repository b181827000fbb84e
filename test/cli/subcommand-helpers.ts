/** Helpers of the subcommand tests: the real `kmersearch` command in a child process, on temporary directories. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KmerSearch } from '../../src/index.js';

export const mainPath = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const dataDirectory = fileURLToPath(new URL('../../data/', import.meta.url));

export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kmersearch ARGS…` (node --import tsx src/cli/main.ts), feeding `input` to its stdin. */
export function kmersearch(args: readonly string[], options: { input?: string | Buffer; cwd?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', mainPath, ...args], {
      cwd: options.cwd ?? process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary directory and its removal. */
export function temporaryDirectory(prefix: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `kmersearch-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs `action` on the database in `path` (the engine in this process), closing it afterwards. */
export async function withDatabase<Result>(path: string, action: (db: KmerSearch) => Promise<Result>): Promise<Result> {
  const db = await KmerSearch.open({ path });
  try {
    return await action(db);
  } finally {
    await db.close();
  }
}

/** A deterministic pseudo-random DNA string (mulberry32), so tests need no data files. */
export function randomDna(length: number, seed: number, letters = 'ACGT'): string {
  let state = seed >>> 0;
  let text = '';
  for (let index = 0; index < length; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    text += letters[((mixed ^ (mixed >>> 14)) >>> 0) % letters.length];
  }
  return text;
}
