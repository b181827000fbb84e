/**
 * Read access to heap blocks for worker threads. A worker opens the database directory itself (lmdb-js shares
 * one environment between the threads of a process), receives the block list of a snapshot from the main thread
 * (`listTableBlocks`), and reads and decodes blocks with the pure functions of block-codec.ts. Blocks below a
 * published limit never change except for rows appended after `slotLimit`, so no shared transaction is needed.
 * Workers never write.
 */
import { defaultMapSize, acquireEnvironment, releaseEnvironment, type SharedEnvironment } from './environment.js';
import { heapKey } from './keys.js';

export class HeapBlockReader {
  private closed = false;

  private constructor(private readonly environment: SharedEnvironment) {}

  static open(path: string): HeapBlockReader {
    return new HeapBlockReader(acquireEnvironment(path, defaultMapSize));
  }

  /** The stored bytes of one block (a copy that stays valid), or undefined when the block does not exist. */
  readBlock(storageId: number, block: number): Uint8Array | undefined {
    return this.environment.heap.get(heapKey(storageId, block));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseEnvironment(this.environment);
  }
}
