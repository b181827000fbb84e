/**
 * One writer at a time, in a process and across processes.
 *
 * LMDB's own writer mutex only covers one LMDB transaction, and lmdb-js cannot keep a write transaction open
 * across `await`, so a statement that writes in several LMDB transactions needs a lock of its own: a record in
 * the `meta` sub-database naming the holder (pid, process start time, host, token). Taking it is an ordinary LMDB
 * write transaction, so two processes cannot both succeed. A holder that died (SIGKILL, crash) is recognised by
 * its pid no longer running — or running as a different process (start time differs, PID reuse) — and its lock
 * is taken over; that is also the signal that unpublished blocks it may have left must be swept.
 * Handles in the same process are serialised first by an in-process queue, because they share the pid.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';

export interface WriterLockRecord {
  readonly pid: number;
  readonly processStartTime: string | null;
  readonly hostname: string;
  /** Worker thread id of the holder (0 = main thread): threads of one process share the pid. */
  readonly threadId: number;
  readonly token: string;
  /** Milliseconds since the epoch when the lock was taken. */
  readonly since: number;
}

export const writerLockKey = 'writer-lock';
export const sweepNeededKey = 'sweep-needed';

/** Linux /proc/<pid>/stat fields: state (3rd) and start time (22nd); null elsewhere or if unreadable. */
function readProcessStat(pid: number): { state: string; startTime: string } | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; fields after the last ')' are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return null;
  }
}

let ownStartTime: string | null | undefined;
export function currentProcessStartTime(): string | null {
  if (ownStartTime === undefined) ownStartTime = readProcessStat(process.pid)?.startTime ?? null;
  return ownStartTime;
}

export function newLockRecord(): WriterLockRecord {
  return {
    pid: process.pid,
    processStartTime: currentProcessStartTime(),
    hostname: hostname(),
    threadId,
    token: randomUUID(),
    since: Date.now(),
  };
}

/**
 * Whether `record` was written by this very thread of this process. Only possible for a record that outlived
 * its transaction (the in-process queue admits one writer at a time), so such a record is stale.
 */
export function lockHeldByThisThread(record: WriterLockRecord): boolean {
  return (
    record.pid === process.pid &&
    record.processStartTime === currentProcessStartTime() &&
    record.hostname === hostname() &&
    record.threadId === threadId
  );
}

/** Whether the process that wrote `record` may still be running (unknown → assume it is). */
export function lockHolderIsAlive(record: WriterLockRecord): boolean {
  // Another host (shared file system): its processes cannot be checked, so never steal its lock.
  if (record.hostname !== hostname()) return true;
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = readProcessStat(record.pid);
  if (process.platform === 'linux') {
    if (stat === null) return false;
    // A zombie has exited; it only waits for its parent to reap it.
    if (stat.state === 'Z' || stat.state === 'X') return false;
    if (record.processStartTime !== null && stat.startTime !== record.processStartTime) return false;
  }
  return true;
}

/** FIFO mutex for handles of one environment within this process. */
export class AsyncMutex {
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  /** Resolves when the mutex is ours; rejects with `onTimeout()` after `timeoutMs`. */
  acquire(timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(onTimeout());
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}
