/**
 * The index machinery of one database handle (DESIGN §4): the worker pool, created on first use with
 * `max_parallel_workers` threads and closed with the handle, so that the process can exit; the searcher whose
 * scratch memory (and page cache, OpenOptions.indexCacheSize) every index scan of the handle reuses, created on
 * the first scan; and the storage services builds need (the directory workers open, spill files). A handle runs
 * one statement at a time, so none of this is shared between statements running at once.
 */
import { GinSearcher } from '../../gin/index.js';
import { WorkerPool } from '../../parallel/index.js';
import type { SpillCleanupResult, SpillFile } from '../../storage/index.js';

/** What index builds and the analysis need from the open database. */
export interface IndexDatabase {
  readonly path: string;
  createSpillFile(label?: string): SpillFile;
  /** kmersearch_delete_tempfiles(). */
  deleteLeftoverSpillFiles(): SpillCleanupResult;
}

export class IndexWorkspace {
  private pool: WorkerPool | null = null;
  private searcherInstance: GinSearcher | undefined;
  private closed = false;

  /** `pageCacheBytes`: index pages kept in memory across searches (OpenOptions.indexCacheSize). */
  constructor(
    readonly database: IndexDatabase,
    readonly pageCacheBytes: number,
  ) {}

  /** The handle's searcher; its page cache is allocated here, on the first index scan. */
  get searcher(): GinSearcher {
    this.searcherInstance ??= new GinSearcher({ pageCacheBytes: this.pageCacheBytes });
    return this.searcherInstance;
  }

  /**
   * The pool with `threads` threads (`max_parallel_workers`), or null for 0. A pool of another size is replaced:
   * the setting may change between statements, and no task runs between statements.
   */
  async workerPool(threads: number): Promise<WorkerPool | null> {
    if (this.closed) throw new Error('the index workspace has been closed');
    if (this.pool !== null && this.pool.maxThreads !== threads) {
      const previous = this.pool;
      this.pool = null;
      await previous.close();
    }
    if (threads === 0) return null;
    this.pool ??= new WorkerPool({ maxThreads: threads });
    return this.pool;
  }

  /** Ends the worker threads. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.searcherInstance = undefined;
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.close();
  }
}
