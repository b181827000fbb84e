/**
 * Read access to heap blocks (and index data) for worker threads. A worker opens the database directory itself
 * (lmdb-js shares one environment between the threads of a process), receives the block list of a snapshot from
 * the main thread (`listTableBlocks`), and reads and decodes blocks with the pure functions of block-codec.ts.
 * Blocks below a published limit never change except for rows appended after `slotLimit`, so no shared
 * transaction is needed. Index data spaces are likewise immutable once published (a rebuild writes a new space),
 * so a worker may read the space the main thread's view names. Workers never write.
 */
import { defaultMapSize, acquireEnvironment, releaseEnvironment, type SharedEnvironment } from './environment.js';
import { heapKey } from './keys.js';
import { LmdbIndexDataReader, type IndexDataReader, type IndexEntry } from './view.js';

export class HeapBlockReader implements IndexDataReader {
  private closed = false;
  private readonly indexData: LmdbIndexDataReader;

  private constructor(private readonly environment: SharedEnvironment) {
    this.indexData = new LmdbIndexDataReader(environment, undefined);
  }

  static open(path: string): HeapBlockReader {
    return new HeapBlockReader(acquireEnvironment(path, defaultMapSize));
  }

  /**
   * Reads from now on see the latest committed state. lmdb-js renews a thread's implicit read snapshot from a
   * timer, which never runs in a worker that blocks between tasks (piscina waits with Atomics.wait), so such a
   * worker would keep reading the state of its first task: call this at the start of every task.
   */
  refresh(): void {
    this.environment.root.resetReadTxn();
  }

  /** The stored bytes of one block (a copy that stays valid), or undefined when the block does not exist. */
  readBlock(storageId: number, block: number): Uint8Array | undefined {
    return this.environment.heap.get(heapKey(storageId, block));
  }

  get cacheScope(): object {
    return this.indexData.cacheScope;
  }

  /** Index data as last committed (transient bytes, see IndexDataReader). */
  readIndexEntry(key: Uint8Array): Uint8Array | undefined {
    return this.indexData.readIndexEntry(key);
  }

  indexEntries(start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    return this.indexData.indexEntries(start, end);
  }

  indexKeys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array> {
    return this.indexData.indexKeys(start, end);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseEnvironment(this.environment);
  }
}
