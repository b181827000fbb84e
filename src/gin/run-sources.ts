/**
 * Where merge input comes from: sorted runs in memory, sorted runs spilled to a file, and the pages of an
 * existing index (a pending-list merge re-reads them in key order). Every source hands out its pairs in chunks
 * of (high, low, row id) uint32 arrays, so the merge loop is the same for all of them and for both key layouts.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { KmerSearchError, SqlState } from '../errors.js';
import type { IndexDataReader, SpillFile } from '../storage/index.js';
import { spaceEnd, spaceStart } from './directory.js';
import { PageReader } from './page.js';
import { bytesPerPair, type SortedRun } from './sorted-run.js';

const TWO_POW_32 = 4294967296;

/** A sorted stream of pairs. The current chunk's pairs are [position, length) of the three arrays. */
export interface RunSource {
  high: Uint32Array;
  low: Uint32Array;
  rowIds: Uint32Array;
  position: number;
  length: number;
  /** Loads the next chunk (position 0); false when the source is exhausted. */
  refill(): boolean;
}

const empty = new Uint32Array(0);

/** A run held in memory. Narrow keys are split into halves a chunk at a time. */
export class MemoryRunSource implements RunSource {
  high: Uint32Array = empty;
  low: Uint32Array = empty;
  rowIds: Uint32Array = empty;
  position = 0;
  length = 0;
  private next = 0;

  constructor(
    private readonly run: SortedRun,
    private readonly chunkPairs = 16384,
  ) {
    if (run.wide) {
      this.high = run.high;
      this.low = run.low;
      this.rowIds = run.rowIds;
      this.length = run.count;
      this.next = run.count;
    } else {
      this.high = new Uint32Array(Math.min(chunkPairs, run.count));
      this.low = new Uint32Array(Math.min(chunkPairs, run.count));
      this.refill();
    }
  }

  refill(): boolean {
    const run = this.run;
    if (run.wide || this.next >= run.count) return false;
    const from = this.next;
    const to = Math.min(run.count, from + this.chunkPairs);
    const keys = run.keys;
    const high = this.high;
    const low = this.low;
    for (let index = from; index < to; index++) {
      const key = keys[index]!;
      high[index - from] = (key / TWO_POW_32) >>> 0;
      low[index - from] = key >>> 0;
    }
    this.rowIds = run.rowIds.subarray(from, to);
    this.position = 0;
    this.length = to - from;
    this.next = to;
    return true;
  }
}

/** Where a spilled run lies in its file: three arrays of `count` uint32 (host byte order) one after another. */
export interface SpilledRun {
  readonly offset: number;
  readonly count: number;
}

/** An append-only file of spilled runs. Removing it closes it. */
export class SpillArea {
  private readonly descriptor: number;
  private size = 0;
  private closed = false;
  private readonly scratchHigh: Uint32Array;
  private readonly scratchLow: Uint32Array;

  constructor(private readonly file: SpillFile) {
    this.descriptor = openSync(file.path, 'r+');
    this.scratchHigh = new Uint32Array(65536);
    this.scratchLow = new Uint32Array(65536);
  }

  get bytes(): number {
    return this.size;
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends a run; returns where it lies. */
  write(run: SortedRun): SpilledRun {
    const offset = this.size;
    const count = run.count;
    if (run.wide) {
      this.append(run.high, 0, count);
      this.append(run.low, 0, count);
    } else {
      // Halves of narrow keys, converted a slice at a time.
      for (const half of [0, 1]) {
        for (let from = 0; from < count; from += this.scratchHigh.length) {
          const to = Math.min(count, from + this.scratchHigh.length);
          const target = half === 0 ? this.scratchHigh : this.scratchLow;
          for (let index = from; index < to; index++) {
            const key = run.keys[index]!;
            target[index - from] = half === 0 ? (key / TWO_POW_32) >>> 0 : key >>> 0;
          }
          this.append(target, 0, to - from);
        }
      }
    }
    this.append(run.rowIds, 0, count);
    return { offset, count };
  }

  /** Room for a run of `count` pairs at the end of the file, filled later by writeAt (a merge pass). */
  reserve(count: number): SpilledRun {
    const run = { offset: this.size, count };
    this.size += count * bytesPerPair;
    return run;
  }

  /** Writes `count` pairs of a reserved run from pair `from` on. */
  writeAt(run: SpilledRun, from: number, high: Uint32Array, low: Uint32Array, rowIds: Uint32Array, count: number): void {
    this.writeArray(high, count, run.offset + from * 4);
    this.writeArray(low, count, run.offset + run.count * 4 + from * 4);
    this.writeArray(rowIds, count, run.offset + run.count * 8 + from * 4);
  }

  private append(array: Uint32Array, from: number, count: number): void {
    this.writeArray(array.subarray(from), count, this.size);
    this.size += count * 4;
  }

  private writeArray(array: Uint32Array, count: number, position: number): void {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, count * 4);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.descriptor, bytes, written, bytes.length - written, position + written);
    }
  }

  /** Reads `count` uint32 at byte `position` into target[0…]. */
  read(target: Uint32Array, count: number, position: number): void {
    const bytes = new Uint8Array(target.buffer, target.byteOffset, count * 4);
    let done = 0;
    while (done < bytes.length) {
      const read = readSync(this.descriptor, bytes, done, bytes.length - done, position + done);
      if (read === 0) throw new KmerSearchError(SqlState.ioError, `unexpected end of spill file "${this.file.path}"`);
      done += read;
    }
  }

  /** Closes and deletes the file (idempotent). */
  remove(): void {
    if (!this.closed) {
      this.closed = true;
      try {
        closeSync(this.descriptor);
      } catch {
        /* already closed */
      }
    }
    this.file.remove();
  }
}

/** A spilled run read back in chunks. */
export class SpilledRunSource implements RunSource {
  high: Uint32Array;
  low: Uint32Array;
  rowIds: Uint32Array;
  position = 0;
  length = 0;
  private next = 0;

  constructor(
    private readonly area: SpillArea,
    private readonly run: SpilledRun,
    chunkPairs: number,
  ) {
    const capacity = Math.max(1, Math.min(chunkPairs, run.count));
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.rowIds = new Uint32Array(capacity);
    this.refill();
  }

  refill(): boolean {
    const { offset, count } = this.run;
    if (this.next >= count) return false;
    const take = Math.min(this.high.length, count - this.next);
    this.area.read(this.high, take, offset + this.next * 4);
    this.area.read(this.low, take, offset + count * 4 + this.next * 4);
    this.area.read(this.rowIds, take, offset + count * 8 + this.next * 4);
    this.next += take;
    this.position = 0;
    this.length = take;
    return true;
  }
}

/** The pages of an index in key order, decoded a page at a time. */
export class PageRunSource implements RunSource {
  high: Uint32Array = empty;
  low: Uint32Array = empty;
  rowIds: Uint32Array = empty;
  position = 0;
  length = 0;
  private readonly pages: Iterator<{ readonly key: Uint8Array; readonly value: Uint8Array }>;
  private readonly reader = new PageReader();

  constructor(source: IndexDataReader, storageId: number) {
    this.pages = source.indexEntries(spaceStart(storageId), spaceEnd(storageId))[Symbol.iterator]();
    this.refill();
  }

  refill(): boolean {
    for (;;) {
      const next = this.pages.next();
      if (next.done === true) return false;
      // The key filter's entry (the storage id alone) is not a page.
      if (next.value.key.byteLength < 12) continue;
      const page = next.value.value;
      if (this.high.length < page.length) {
        this.high = new Uint32Array(page.length);
        this.low = new Uint32Array(page.length);
        this.rowIds = new Uint32Array(page.length);
      }
      this.length = this.reader.decodeAll(page, this.high, this.low, this.rowIds, 0);
      this.position = 0;
      if (this.length > 0) return true;
    }
  }
}

/**
 * Sorted runs of a build or merge, kept in memory up to a limit and spilled beyond it. Spilled runs go to one
 * spill file in the database directory, removed by `dispose` (also on errors and cancellation).
 */
export class RunCollector {
  private readonly memoryRuns: SortedRun[] = [];
  private spilledRuns: SpilledRun[] = [];
  private area: SpillArea | null = null;
  private memoryBytes = 0;
  private pairs = 0;
  private addedRuns = 0;
  private spilledRunsAdded = 0;

  constructor(
    private readonly memoryLimitBytes: number,
    private readonly createSpillFile: (label: string) => SpillFile,
  ) {}

  get pairCount(): number {
    return this.pairs;
  }

  /** Runs added so far. */
  get runCount(): number {
    return this.addedRuns;
  }

  /** Runs that went to the spill file instead of memory. */
  get spilledRunCount(): number {
    return this.spilledRunsAdded;
  }

  /** Bytes written to the spill file so far. */
  get spilledBytes(): number {
    return this.area?.bytes ?? 0;
  }

  get spillPath(): string | null {
    return this.area?.path ?? null;
  }

  /** Keeps or spills `run`; a `borrowed` run's arrays are reused by the caller, so a kept one is copied. */
  add(run: SortedRun, borrowed = false): void {
    if (run.count === 0) return;
    this.pairs += run.count;
    this.addedRuns++;
    const bytes = run.count * bytesPerPair;
    if (this.memoryBytes + bytes <= this.memoryLimitBytes) {
      this.memoryRuns.push(borrowed ? copyOfRun(run) : run);
      this.memoryBytes += bytes;
      return;
    }
    this.spilledRuns.push(this.spillArea().write(run));
    this.spilledRunsAdded++;
  }

  private spillArea(): SpillArea {
    this.area ??= new SpillArea(this.createSpillFile('gin_build'));
    return this.area;
  }

  /**
   * Merge sources for all runs, with `mergeMemoryBytes` for the read buffers of spilled runs. When there are too
   * many spilled runs for that memory, groups of them are first merged into longer spilled runs (more passes,
   * bounded memory) by `mergeGroup`, which must hand every merged pair, in order, to `write`.
   */
  async sources(
    mergeMemoryBytes: number,
    mergeGroup: (sources: RunSource[], write: (high: Uint32Array, low: Uint32Array, rowIds: Uint32Array, count: number) => void) => Promise<void>,
  ): Promise<RunSource[]> {
    const minimumChunk = 1024;
    const maxFanIn = Math.max(2, Math.floor(mergeMemoryBytes / (minimumChunk * bytesPerPair * 2)));
    while (this.spilledRuns.length > maxFanIn) {
      const area = this.spillArea();
      const group = this.spilledRuns.slice(0, maxFanIn);
      const chunk = Math.max(minimumChunk, Math.floor(mergeMemoryBytes / (2 * group.length * bytesPerPair)));
      let total = 0;
      for (const run of group) total += run.count;
      const merged = area.reserve(total);
      let written = 0;
      await mergeGroup(
        group.map((run) => new SpilledRunSource(area, run, chunk)),
        (high, low, rowIds, count) => {
          area.writeAt(merged, written, high, low, rowIds, count);
          written += count;
        },
      );
      if (written !== total) throw new KmerSearchError(SqlState.internalError, `merge pass wrote ${written} of ${total} pairs`);
      this.spilledRuns = [...this.spilledRuns.slice(maxFanIn), merged];
    }
    const sources: RunSource[] = this.memoryRuns.map((run) => new MemoryRunSource(run));
    if (this.spilledRuns.length > 0) {
      const area = this.spillArea();
      const chunk = Math.max(minimumChunk, Math.floor(mergeMemoryBytes / (this.spilledRuns.length * bytesPerPair)));
      for (const run of this.spilledRuns) sources.push(new SpilledRunSource(area, run, chunk));
    }
    return sources;
  }

  /** Removes the spill file and forgets the runs. Idempotent. */
  dispose(): void {
    this.memoryRuns.length = 0;
    this.spilledRuns = [];
    this.memoryBytes = 0;
    this.area?.remove();
    this.area = null;
  }
}

function copyOfRun(run: SortedRun): SortedRun {
  const count = run.count;
  if (run.wide) {
    return { wide: true, count, high: run.high.slice(0, count), low: run.low.slice(0, count), rowIds: run.rowIds.slice(0, count) };
  }
  return { wide: false, count, keys: run.keys.slice(0, count), rowIds: run.rowIds.slice(0, count) };
}
