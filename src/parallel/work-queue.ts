/**
 * Block work distribution (seed 001): the main thread lists the blocks its view sees; every participant claims
 * the next block index with one `Atomics.add` on a shared counter, so fast workers simply take more blocks and
 * nobody waits for a slow one. The same shared words carry a "cancelled" flag that participants check between
 * blocks.
 *
 * The block list itself lives in a SharedArrayBuffer too (block numbers, visible slot counts, deleted-slot
 * bitmaps), so it reaches every worker without a copy, and workers read only the blocks on it.
 */
import type { BlockReference } from '../storage/index.js';

const nextIndexSlot = 0;
const cancelledSlot = 1;
const controlWords = 2;

export class BlockWorkQueue {
  private readonly control: Int32Array;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer);
  }

  static create(): BlockWorkQueue {
    return new BlockWorkQueue(new SharedArrayBuffer(controlWords * 4));
  }

  /** The queue behind a buffer received from another thread. */
  static attach(buffer: SharedArrayBuffer): BlockWorkQueue {
    return new BlockWorkQueue(buffer);
  }

  /** The next unclaimed index below `count`, or −1 when all are taken or the work was cancelled. */
  claim(count: number): number {
    if (Atomics.load(this.control, cancelledSlot) !== 0) return -1;
    const index = Atomics.add(this.control, nextIndexSlot, 1);
    return index < count ? index : -1;
  }

  cancel(): void {
    Atomics.store(this.control, cancelledSlot, 1);
  }

  get cancelled(): boolean {
    return Atomics.load(this.control, cancelledSlot) !== 0;
  }
}

/** A table's visible blocks in a SharedArrayBuffer: `[count][blocks u32…][slot limits u16…][tombstone index i32…][bitmaps]`. */
export class SharedBlockList {
  readonly count: number;
  private readonly blockNumbers: Uint32Array;
  private readonly slotLimits: Uint16Array;
  private readonly tombstoneIndexes: Int32Array;
  private readonly bitmaps: Uint8Array;

  private constructor(readonly buffer: SharedArrayBuffer) {
    const header = new Int32Array(buffer, 0, 2);
    const count = header[0]!;
    const tombstoneCount = header[1]!;
    this.count = count;
    let offset = 8;
    this.blockNumbers = new Uint32Array(buffer, offset, count);
    offset += count * 4;
    this.slotLimits = new Uint16Array(buffer, offset, count);
    offset += align4(count * 2);
    this.tombstoneIndexes = new Int32Array(buffer, offset, count);
    offset += count * 4;
    this.bitmaps = new Uint8Array(buffer, offset, tombstoneCount * 32);
  }

  /** Lays out `blocks` (from listTableBlocks) in shared memory. */
  static from(blocks: readonly BlockReference[]): SharedBlockList {
    const count = blocks.length;
    let tombstoneCount = 0;
    for (const block of blocks) if (block.tombstones !== null) tombstoneCount++;
    const bytes = 8 + count * 4 + align4(count * 2) + count * 4 + tombstoneCount * 32;
    const buffer = new SharedArrayBuffer(bytes);
    const header = new Int32Array(buffer, 0, 2);
    header[0] = count;
    header[1] = tombstoneCount;
    const list = new SharedBlockList(buffer);
    let tombstoneIndex = 0;
    blocks.forEach((block, index) => {
      list.blockNumbers[index] = block.block;
      list.slotLimits[index] = block.slotLimit;
      if (block.tombstones === null) {
        list.tombstoneIndexes[index] = -1;
      } else {
        list.tombstoneIndexes[index] = tombstoneIndex;
        list.bitmaps.set(block.tombstones.subarray(0, 32), tombstoneIndex * 32);
        tombstoneIndex++;
      }
    });
    return list;
  }

  static attach(buffer: SharedArrayBuffer): SharedBlockList {
    return new SharedBlockList(buffer);
  }

  block(index: number): number {
    return this.blockNumbers[index]!;
  }

  /** Slots at or above this are not visible to the view that listed the blocks. */
  slotLimit(index: number): number {
    return this.slotLimits[index]!;
  }

  /** Deleted-slot bitmap of block `index` (bit set = deleted), or undefined when none is deleted. */
  tombstones(index: number): Uint8Array | undefined {
    const at = this.tombstoneIndexes[index]!;
    return at < 0 ? undefined : this.bitmaps.subarray(at * 32, at * 32 + 32);
  }
}

function align4(bytes: number): number {
  return (bytes + 3) & ~3;
}
