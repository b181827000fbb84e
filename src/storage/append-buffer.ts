/**
 * LMDB writes of a write transaction's appends (finished heap blocks, unique entries of new rows) collected in
 * memory and written in transactions of about a megabyte: one LMDB commit per insert call would cost more than
 * the inserts. Reads of the transaction go through the buffer first. Memory stays bounded by the flush size.
 */
import type { SharedEnvironment } from './environment.js';
import { heapKey } from './keys.js';

/** Buffered bytes that trigger a flush. */
export const appendFlushBytes = 1024 * 1024;

export class AppendBuffer {
  private readonly blocks = new Map<string, { readonly key: Buffer; readonly bytes: Buffer }>();
  private readonly uniqueEntries = new Map<string, { readonly key: Buffer; readonly value: Buffer }>();
  private byteCount = 0;

  constructor(private readonly environment: SharedEnvironment) {}

  get bytes(): number {
    return this.byteCount;
  }

  get isEmpty(): boolean {
    return this.blocks.size === 0 && this.uniqueEntries.size === 0;
  }

  /** A heap block: the buffered version if any, else the stored one. */
  readBlock(storageId: number, block: number): Uint8Array | undefined {
    const key = heapKey(storageId, block);
    return this.blocks.get(key.toString('latin1'))?.bytes ?? this.environment.heap.get(key);
  }

  putBlock(storageId: number, block: number, bytes: Uint8Array): void {
    const key = heapKey(storageId, block);
    const mapKey = key.toString('latin1');
    this.byteCount -= this.blocks.get(mapKey)?.bytes.length ?? 0;
    this.blocks.set(mapKey, { key, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    this.byteCount += bytes.length;
  }

  readUnique(key: Buffer): Buffer | undefined {
    return this.uniqueEntries.get(key.toString('latin1'))?.value ?? this.environment.unique.get(key);
  }

  putUnique(key: Buffer, value: Buffer): void {
    this.uniqueEntries.set(key.toString('latin1'), { key, value });
    this.byteCount += key.length + value.length + 48;
  }

  /** Writes everything buffered; must run inside an LMDB write transaction. */
  writeOut(): void {
    for (const { key, bytes } of this.blocks.values()) this.environment.heap.putSync(key, bytes);
    for (const { key, value } of this.uniqueEntries.values()) this.environment.unique.putSync(key, value);
  }

  clear(): void {
    this.blocks.clear();
    this.uniqueEntries.clear();
    this.byteCount = 0;
  }
}
