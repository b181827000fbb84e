/**
 * A handle on one database directory: snapshots for reading, one write transaction at a time, spill files.
 * Handles of the same directory in one process share the LMDB environment (environment.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KmerSearchError, SqlState } from '../errors.js';
import { packRecord, unpackRecord } from './catalog.js';
import {
  acquireEnvironment,
  defaultMapSize,
  releaseEnvironment,
  type SharedEnvironment,
} from './environment.js';
import { reclaimOrphans, type ReclaimReport } from './reclaim.js';
import {
  createSpillFile,
  deleteLeftoverSpillFiles,
  type SpillCleanupResult,
  type SpillFile,
} from './spill-files.js';
import { defaultValueFormatter, type ValueFormatter } from './value-codec.js';
import { Snapshot } from './view.js';
import { WriteTransaction } from './write-transaction.js';
import {
  lockHeldByThisThread,
  lockHolderIsAlive,
  newLockRecord,
  sweepNeededKey,
  writerLockKey,
  type WriterLockRecord,
} from './writer-lock.js';

export interface StorageOptions {
  /**
   * Ceiling of the data file in bytes (default 1 TiB). A statement that would grow the file past it fails
   * with 53100 and is rolled back. The first handle of a directory in a process sets it.
   */
  readonly mapSize?: number;
  /** How long beginWrite waits for another writer (another handle or process) before 55P03. Default 30 s. */
  readonly lockTimeoutMs?: number;
  /** Renders values in constraint error details; the SQL layer installs PostgreSQL's output functions. */
  readonly formatValue?: ValueFormatter;
}

const defaultLockTimeoutMs = 30_000;

/** Temporary databases still open: removed at process exit if the application never closed them. */
const openTemporaryDirectories = new Set<string>();
let exitHookInstalled = false;

function removeTemporaryDirectoriesAtExit(directory: string): void {
  openTemporaryDirectories.add(directory);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const path of openTemporaryDirectories) rmSync(path, { recursive: true, force: true });
  });
}

type LockAttempt =
  | { readonly acquired: true; readonly mustSweep: boolean }
  | { readonly acquired: false; readonly holder: WriterLockRecord };

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export class StorageEngine implements AsyncDisposable {
  private closed = false;
  private writeTransaction: WriteTransaction | null = null;
  private readonly snapshots = new Set<Snapshot>();
  private readonly spillFiles = new Set<SpillFile>();
  private readonly lockTimeoutMs: number;
  /** Renders values in constraint error details. */
  formatValue: ValueFormatter;

  private constructor(
    private readonly environment: SharedEnvironment,
    /** True when the directory was created by open() and is deleted by close(). */
    readonly temporary: boolean,
    options: StorageOptions,
  ) {
    this.lockTimeoutMs = options.lockTimeoutMs ?? defaultLockTimeoutMs;
    this.formatValue = options.formatValue ?? defaultValueFormatter;
  }

  /** Opens (creating if needed) the database in `path`; without a path, a temporary database removed on close. */
  static async open(path?: string, options: StorageOptions = {}): Promise<StorageEngine> {
    const temporary = path === undefined;
    const directory = path ?? mkdtempSync(join(tmpdir(), 'kmersearch-'));
    let environment: SharedEnvironment;
    try {
      environment = acquireEnvironment(directory, options.mapSize ?? defaultMapSize);
    } catch (error) {
      if (temporary) rmSync(directory, { recursive: true, force: true });
      throw error;
    }
    const engine = new StorageEngine(environment, temporary, options);
    if (temporary) removeTemporaryDirectoriesAtExit(environment.path);
    if (!environment.orphanCheckDone) {
      environment.orphanCheckDone = true;
      await engine.reclaimIfAbandoned();
    }
    return engine;
  }

  /** Absolute path of the database directory. */
  get path(): string {
    return this.environment.path;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The write transaction of this handle, if one is open. */
  get activeWrite(): WriteTransaction | null {
    return this.writeTransaction;
  }

  /** A consistent read-only view of the committed state as of now. */
  beginRead(): Snapshot {
    this.assertOpen();
    const snapshot = new Snapshot(this.environment, this.environment.root.useReadTransaction(), (closed) =>
      this.snapshots.delete(closed),
    );
    this.snapshots.add(snapshot);
    return snapshot;
  }

  /**
   * Starts the write transaction of this handle, waiting up to lockTimeoutMs for writers of other handles and
   * processes. If the previous writer died, its unpublished blocks are reclaimed first.
   */
  async beginWrite(): Promise<WriteTransaction> {
    this.assertOpen();
    if (this.writeTransaction !== null) {
      throw new KmerSearchError(SqlState.activeSqlTransaction, 'a write transaction is already in progress on this handle');
    }
    const deadline = Date.now() + this.lockTimeoutMs;
    await this.environment.writerQueue.acquire(this.lockTimeoutMs, () =>
      this.lockTimeoutError('Another handle of this process is writing to it.'),
    );
    try {
      this.assertOpen();
      const lock = newLockRecord();
      let waitMs = 5;
      for (;;) {
        const attempt = this.tryLock(lock);
        if (attempt.acquired) {
          if (attempt.mustSweep) this.sweep();
          break;
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          const since = new Date(attempt.holder.since).toISOString();
          throw this.lockTimeoutError(`Process ${attempt.holder.pid} has been writing to it since ${since}.`);
        }
        await sleep(Math.min(waitMs, remaining));
        waitMs = Math.min(waitMs * 2, 100);
      }
      const transaction: WriteTransaction = new WriteTransaction(this.environment, {
        onEnd: (ended) => {
          if (this.writeTransaction === ended) this.writeTransaction = null;
          this.environment.writerQueue.release();
        },
        releaseLockRecord: () => this.releaseLockRecord(lock),
        requestSweep: () => this.requestSweep(),
        formatValue: (type, value) => this.formatValue(type, value),
      });
      this.writeTransaction = transaction;
      return transaction;
    } catch (error) {
      this.environment.writerQueue.release();
      throw error;
    }
  }

  /** Creates an empty temporary file in the database's spill directory. */
  createSpillFile(label?: string): SpillFile {
    this.assertOpen();
    const file = createSpillFile(this.environment.path, this.environment.activeSpillFiles, label);
    const tracked: SpillFile = {
      path: file.path,
      remove: () => {
        this.spillFiles.delete(tracked);
        file.remove();
      },
    };
    this.spillFiles.add(tracked);
    return tracked;
  }

  /**
   * Entries and bytes of LMDB pages (branch, leaf and overflow) of each sub-database: what the data occupies in
   * the file, e.g. an index's size per key (the `gin` sub-database).
   */
  spaceUsage(): Record<'catalog' | 'heap' | 'tombstone' | 'gin' | 'unique' | 'meta', { entries: number; bytes: number }> {
    this.assertOpen();
    const usage = (database: { getStats(): unknown }): { entries: number; bytes: number } => {
      const stats = database.getStats() as {
        pageSize: number;
        entryCount: number;
        treeBranchPageCount: number;
        treeLeafPageCount: number;
        overflowPages: number;
      };
      const pages = stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages;
      return { entries: stats.entryCount, bytes: pages * stats.pageSize };
    };
    const { catalog, heap, tombstone, gin, unique, meta } = this.environment;
    return {
      catalog: usage(catalog),
      heap: usage(heap),
      tombstone: usage(tombstone),
      gin: usage(gin),
      unique: usage(unique),
      meta: usage(meta),
    };
  }

  /** kmersearch_delete_tempfiles(): removes spill files left by dead processes (or unused ones of this process). */
  deleteLeftoverSpillFiles(): SpillCleanupResult {
    this.assertOpen();
    return deleteLeftoverSpillFiles(this.environment.path, this.environment.activeSpillFiles);
  }

  /** Takes the writer lock and removes every unreachable heap block and index entry. */
  async reclaimSpace(): Promise<ReclaimReport> {
    const transaction = await this.beginWrite();
    try {
      return reclaimOrphans(this.environment);
    } finally {
      transaction.rollback();
    }
  }

  /** Rolls back an open write transaction, closes snapshots, and deletes a temporary database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.writeTransaction?.rollback();
      for (const snapshot of [...this.snapshots]) snapshot.close();
      for (const file of [...this.spillFiles]) file.remove();
    } finally {
      await releaseEnvironment(this.environment);
      if (this.temporary) {
        rmSync(this.environment.path, { recursive: true, force: true });
        openTemporaryDirectories.delete(this.environment.path);
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'the database has been closed');
  }

  private lockTimeoutError(detail: string): KmerSearchError {
    return new KmerSearchError(SqlState.lockNotAvailable, `could not obtain the write lock of database "${this.path}"`, {
      detail,
      hint: 'Only one writer at a time is possible; retry when it has finished, or raise lockTimeoutMs.',
    });
  }

  /** One attempt at the lock record; a record of a dead process (or of this thread: we hold the queue) is stale. */
  private tryLock(lock: WriterLockRecord): LockAttempt {
    const { meta } = this.environment;
    return this.environment.writeSync((): LockAttempt => {
      const bytes = meta.get(writerLockKey);
      let stale = false;
      if (bytes !== undefined) {
        const holder = unpackRecord<WriterLockRecord>(bytes);
        if (!lockHeldByThisThread(holder) && lockHolderIsAlive(holder)) return { acquired: false, holder };
        stale = true;
      }
      meta.putSync(writerLockKey, packRecord(lock));
      return { acquired: true, mustSweep: stale || meta.get(sweepNeededKey) !== undefined };
    });
  }

  /** Must run inside an LMDB write transaction. */
  private releaseLockRecord(lock: WriterLockRecord): void {
    const { meta } = this.environment;
    const bytes = meta.get(writerLockKey);
    if (bytes !== undefined && unpackRecord<WriterLockRecord>(bytes).token === lock.token) meta.removeSync(writerLockKey);
  }

  private requestSweep(): void {
    try {
      this.environment.writeSync(() => this.environment.meta.putSync(sweepNeededKey, packRecord(true)));
    } catch {
      /* Nothing more can be done; a crash-free database only wastes space. */
    }
  }

  /** Reclaims orphans; the caller holds the writer lock. A failure leaves the flag set for the next writer. */
  private sweep(): void {
    try {
      reclaimOrphans(this.environment);
      this.environment.writeSync(() => this.environment.meta.removeSync(sweepNeededKey));
    } catch {
      this.requestSweep();
    }
  }

  /** At the first open in this process: if the last writer died, reclaim what it left (skipped when busy). */
  private async reclaimIfAbandoned(): Promise<void> {
    try {
      await this.environment.writerQueue.acquire(0, () => new Error('busy'));
    } catch {
      return;
    }
    try {
      const lock = newLockRecord();
      const attempt = this.tryLock(lock);
      if (!attempt.acquired) return;
      if (attempt.mustSweep) this.sweep();
      this.environment.writeSync(() => this.releaseLockRecord(lock));
    } finally {
      this.environment.writerQueue.release();
    }
  }
}
