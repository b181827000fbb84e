/**
 * What every block-scanning worker task does with a block it has claimed: honour the test hooks, read the block
 * from the heap, decode its DNA column and clip it to the slots the main thread's snapshot can see. The tasks then
 * differ only in what they do with each visible row (extract-keys.ts, count-keys.ts).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { readRawDnaColumn, type HeapBlockReader, type RawDnaColumn } from '../storage/index.js';
import type { ExtractKeysTestHooks } from './extract-keys.js';
import type { SharedBlockList } from './work-queue.js';

export interface ClaimedBlock {
  /** The block number in the table's heap. */
  readonly block: number;
  readonly column: RawDnaColumn;
  /** Slots below this are visible in the snapshot the task was started from. */
  readonly slotLimit: number;
  /** Deleted-slot bitmap of the snapshot, if any slot is deleted. */
  readonly tombstones: Uint8Array | undefined;
}

export interface ClaimedBlockSource {
  readonly storageId: number;
  readonly columnIndex: number;
  readonly testHooks?: ExtractKeysTestHooks | undefined;
}

/** Reads and decodes entry `index` of the block list; throws XX001 if the block is missing. */
export function readClaimedBlock(
  reader: Pick<HeapBlockReader, 'readBlock'>,
  blocks: SharedBlockList,
  index: number,
  source: ClaimedBlockSource,
): ClaimedBlock {
  const block = blocks.block(index);
  const hooks = source.testHooks;
  if (hooks?.failAtBlock === block) {
    if (hooks.foreignError === true) throw new Error(`test hook: failure at block ${block}`);
    throw new KmerSearchError(SqlState.dataCorrupted, `test hook: failure at block ${block}`, { detail: 'injected', hint: 'none' });
  }
  let bytes = reader.readBlock(source.storageId, block);
  if (bytes === undefined) {
    throw new KmerSearchError(SqlState.dataCorrupted, `heap block ${block} of storage ${source.storageId} is missing`);
  }
  if (hooks?.corruptBlocks?.includes(block) === true) bytes = new Uint8Array(bytes.length).fill(0xee);
  const column = readRawDnaColumn(bytes, source.columnIndex);
  return { block, column, slotLimit: Math.min(column.rowCount, blocks.slotLimit(index)), tombstones: blocks.tombstones(index) };
}

/** Whether `slot` is deleted in a tombstone bitmap. */
export function isDeletedSlot(tombstones: Uint8Array | undefined, slot: number): boolean {
  return tombstones !== undefined && (tombstones[slot >> 3]! & (1 << (slot & 7))) !== 0;
}
