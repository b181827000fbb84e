/**
 * Temporary files of long operations (sorted runs of an index build or analysis), kept inside the database
 * directory so they live on the same disk and are found again after a crash. Names carry the creating process
 * (pid and start time), so leftovers of a dead process can be told apart from files still in use:
 * `spill/kmersearch_spill_<pid>-<start>_<n>.<label>`.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { currentProcessStartTime, lockHolderIsAlive } from './writer-lock.js';

export const spillDirectoryName = 'spill';
export const spillFilePrefix = 'kmersearch_spill_';

export interface SpillFile {
  readonly path: string;
  /** Deletes the file (idempotent). */
  remove(): void;
}

export interface SpillCleanupMessage {
  readonly severity: 'INFO' | 'WARNING';
  readonly message: string;
}

/** The row of kmersearch_delete_tempfiles(), plus the INFO/WARNING lines the reference prints. */
export interface SpillCleanupResult {
  readonly deletedCount: number;
  readonly deletedSize: number;
  readonly errorCount: number;
  readonly messages: readonly SpillCleanupMessage[];
}

let spillCounter = 0;

export function spillDirectory(databasePath: string): string {
  return join(databasePath, spillDirectoryName);
}

/** Creates an empty spill file and registers it in `active` until removed. */
export function createSpillFile(databasePath: string, active: Set<string>, label = 'tmp'): SpillFile {
  const directory = spillDirectory(databasePath);
  mkdirSync(directory, { recursive: true });
  const safeLabel = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'tmp';
  spillCounter += 1;
  const owner = `${process.pid}-${currentProcessStartTime() ?? '0'}`;
  const path = join(directory, `${spillFilePrefix}${owner}_${spillCounter}.${safeLabel}`);
  closeSync(openSync(path, 'wx'));
  active.add(path);
  return {
    path,
    remove(): void {
      active.delete(path);
      rmSync(path, { force: true });
    },
  };
}

/** Whether the process named in a spill file's name may still be using it. */
function ownerMayBeAlive(fileName: string, active: ReadonlySet<string>, path: string): boolean {
  const match = /^kmersearch_spill_(\d+)-(\d+)_/.exec(fileName);
  if (match === null) return false;
  const pid = Number(match[1]);
  const startTime = match[2] === '0' ? null : (match[2] ?? null);
  if (pid === process.pid && startTime === currentProcessStartTime()) return active.has(path);
  return lockHolderIsAlive({ pid, processStartTime: startTime, hostname: hostname(), threadId: 0, token: '', since: 0 });
}

/** Deletes spill files whose creator is gone (or is this process and no longer uses them). */
export function deleteLeftoverSpillFiles(databasePath: string, active: ReadonlySet<string>): SpillCleanupResult {
  const directory = spillDirectory(databasePath);
  const messages: SpillCleanupMessage[] = [];
  let deletedCount = 0;
  let deletedSize = 0;
  let errorCount = 0;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return { deletedCount, deletedSize, errorCount, messages };
  }
  for (const name of names.sort()) {
    if (!name.startsWith(spillFilePrefix)) continue;
    const path = join(directory, name);
    if (ownerMayBeAlive(name, active, path)) continue;
    let size: number;
    try {
      const stats = lstatSync(path);
      if (!stats.isFile()) continue;
      size = stats.size;
    } catch (error) {
      errorCount += 1;
      messages.push({ severity: 'WARNING', message: `could not stat file "${path}": ${(error as Error).message}` });
      continue;
    }
    try {
      unlinkSync(path);
      deletedCount += 1;
      deletedSize += size;
      messages.push({ severity: 'INFO', message: `deleted temporary file "${path}" (size: ${size} bytes)` });
    } catch (error) {
      errorCount += 1;
      messages.push({ severity: 'WARNING', message: `could not delete file "${path}": ${(error as Error).message}` });
    }
  }
  return { deletedCount, deletedSize, errorCount, messages };
}
