/**
 * The handle's transaction state, as PostgreSQL's: idle (every statement is its own transaction), in a
 * BEGIN…COMMIT block, or in a failed block (everything but COMMIT/ROLLBACK raises 25P02).
 *
 * Storage access per statement:
 * - idle: a reader gets a fresh snapshot, closed after the statement; a writer gets the write transaction,
 *   committed after the statement (rolled back on error), so every statement is atomic;
 * - in a block: reads use one snapshot, taken at the block's first statement, until the block's first
 *   data-changing statement; that one takes the write transaction (and the writer lock) for the rest of the
 *   block, and later reads see the latest committed state plus the block's own changes. COMMIT publishes it.
 *   An error rolls the storage transaction back at once (releasing the writer lock early); the block stays
 *   failed until COMMIT or ROLLBACK.
 */
import type { Snapshot, StorageEngine, StorageView, WriteTransaction } from '../storage/index.js';
import type { AccessMode } from './access.js';

export interface StatementAccess {
  readonly view: StorageView;
  readonly write: WriteTransaction | undefined;
  /** Ends the statement: commits or rolls back an idle statement's transaction, or fails the block. */
  finish(success: boolean): void;
}

export type TransactionMode = 'idle' | 'block' | 'failed';

export class TransactionState {
  private currentMode: TransactionMode = 'idle';
  private snapshot: Snapshot | undefined;
  private write: WriteTransaction | undefined;
  private startedAt = new Date();

  constructor(private readonly storage: StorageEngine) {}

  get mode(): TransactionMode {
    return this.currentMode;
  }

  /** The block's start time (now() inside BEGIN…COMMIT), or undefined when idle. */
  get blockTimestamp(): Date | undefined {
    return this.currentMode === 'idle' ? undefined : this.startedAt;
  }

  async acquire(mode: AccessMode): Promise<StatementAccess> {
    if (this.currentMode === 'idle') return this.acquireIdle(mode);
    const failOnError = (success: boolean): void => {
      if (!success) this.fail();
    };
    if (mode === 'write') {
      this.write ??= await this.storage.beginWrite();
      return { view: this.write, write: this.write, finish: failOnError };
    }
    if (mode === 'read') {
      const view = this.write ?? (this.snapshot ??= this.storage.beginRead());
      return { view, write: this.write, finish: failOnError };
    }
    // Utility statements do not fix the block's snapshot.
    const existing = this.write ?? this.snapshot;
    if (existing !== undefined) return { view: existing, write: this.write, finish: failOnError };
    const temporary = this.storage.beginRead();
    return {
      view: temporary,
      write: undefined,
      finish: (success) => {
        temporary.close();
        failOnError(success);
      },
    };
  }

  private async acquireIdle(mode: AccessMode): Promise<StatementAccess> {
    if (mode === 'write') {
      const write = await this.storage.beginWrite();
      return {
        view: write,
        write,
        finish: (success) => {
          if (success) write.commit();
          else write.rollback();
        },
      };
    }
    const snapshot = this.storage.beginRead();
    return { view: snapshot, write: undefined, finish: () => snapshot.close() };
  }

  /** BEGIN: false when a block is already open (PostgreSQL warns and carries on). */
  begin(): boolean {
    if (this.currentMode !== 'idle') return false;
    this.currentMode = 'block';
    this.startedAt = new Date();
    return true;
  }

  /**
   * COMMIT: 'committed', 'rolled back' for a failed block (PostgreSQL answers ROLLBACK), or 'idle' when no block
   * was open. A failing storage commit leaves the handle idle and throws.
   */
  commit(): 'committed' | 'rolled back' | 'idle' {
    if (this.currentMode === 'idle') return 'idle';
    if (this.currentMode === 'failed') {
      this.end();
      return 'rolled back';
    }
    const write = this.write;
    this.write = undefined;
    try {
      write?.commit();
    } finally {
      this.end();
    }
    return 'committed';
  }

  /** ROLLBACK: false when no block was open. */
  rollback(): boolean {
    if (this.currentMode === 'idle') return false;
    this.end();
    return true;
  }

  /** An error inside a block: storage is rolled back now, the block is failed until COMMIT or ROLLBACK. */
  fail(): void {
    if (this.currentMode === 'idle') return;
    this.currentMode = 'failed';
    this.release();
  }

  /** Closing the handle: an open block is rolled back. */
  close(): void {
    this.end();
  }

  private end(): void {
    this.currentMode = 'idle';
    this.release();
  }

  private release(): void {
    this.write?.rollback();
    this.write = undefined;
    this.snapshot?.close();
    this.snapshot = undefined;
  }
}
