/**
 * `kmersearch_perform_highfreq_analysis` without SQL: count, for every full key (k-mer << b | occurrence), the rows
 * of a table's DNA column that contain it, on worker threads claiming heap blocks from a shared queue (seed 001),
 * and return the keys above the reference's threshold with their counts, total_rows (NULL rows included), the
 * effective threshold and the number of worker threads that actually scanned blocks.
 *
 * Counting variants (DESIGN §4), all kept because the benchmark measures them side by side:
 * - 'sorted' (the default for keys of 25–52 bits): participants bucket their keys by key range, then count the
 *   ranges in parallel by sorting each (src/parallel/key-partitions.ts); 1.9× from 1 to 2 workers on 20 Mbp.
 * - 'shared' (the default for other layouts): all participants add into one open-addressing table in a SharedArrayBuffer with
 *   Atomics; nothing is merged afterwards. Its size comes from `maintenance_work_mem`; an overflow is an error.
 * - 'per-worker': every participant counts into its own table, handed back without a copy and merged on the main
 *   thread — the merge is serial and touches every distinct key again, which is what makes it the slower one.
 *
 * A table given as several sources (the partitions of a partitioned table) is counted as one: the counts and
 * total_rows add up across sources. Nothing is written: the SQL side stores the result.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { throwIfCancelled } from '../gin/index.js';
import { emptySortedKeys, keyLayout, toSortedKeys, type KeyLayout, type SortedKeys } from '../kmer/index.js';
import {
  KeyCountTable,
  SharedBlockList,
  type KeyCountSlots,
  SharedKeyCountTable,
  runKeyCounting,
  type CountKeysInput,
  type CountKeysResult,
  type ExtractKeysTestHooks,
  type KeyCountingTarget,
  type WorkerPool,
} from '../parallel/index.js';
import { DEFAULT_PARTITION_BITS, type MergeCountResult } from '../parallel/key-partitions.js';
import { listTableBlocks, type StorageView } from '../storage/index.js';
import { highFrequencyThreshold } from './threshold.js';

export type KeyCountingVariant = 'sorted' | 'shared' | 'per-worker';

/** One table (or partition) and the DNA column to analyse. */
export interface AnalysisSource {
  readonly tableId: number;
  /** Index of the column in the table's column list. */
  readonly columnIndex: number;
}

export interface AnalysisProgress {
  readonly blocksDone: number;
  readonly blocksTotal: number;
}

export interface HighFrequencyAnalysisOptions {
  /** The database directory (workers open it read-only). */
  readonly databasePath: string;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** `kmersearch.max_appearance_rate`. */
  readonly maxAppearanceRate: number;
  /** `kmersearch.max_appearance_nrow` (0: no cap). */
  readonly maxAppearanceNrow: number;
  /** The database's pool; absent (or workers = 0) counts in the calling thread (deviation F12). */
  readonly pool?: WorkerPool | null | undefined;
  /** Worker threads wanted (`max_parallel_maintenance_workers`), capped by the pool's size and the block count. */
  readonly workers: number;
  /** `maintenance_work_mem` in bytes: bounds the count tables. */
  readonly memoryBudgetBytes: number;
  readonly variant?: KeyCountingVariant | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Deviation F13: progress as blocks done of blocks total, instead of the reference's INFO batches. */
  readonly onProgress?: ((progress: AnalysisProgress) => void) | undefined;
  readonly progressIntervalMs?: number | undefined;
  /** Test-only failure injection for the participants. */
  readonly testHooks?: ExtractKeysTestHooks | undefined;
}

export interface HighFrequencyAnalysis {
  readonly layout: KeyLayout;
  /** COUNT(*) of the analysed rows, NULL rows included. */
  readonly totalRows: number;
  readonly maxAppearanceRate: number;
  readonly maxAppearanceNrow: number;
  /** The effective threshold (`max_appearance_nrow_used`): keys counted in more rows are high-frequency. */
  readonly threshold: number;
  /** The high-frequency keys, ascending (`highfreq_kmers_count` = `keys.count`). */
  readonly keys: SortedKeys;
  /** `appearance_nrow` of `keys[i]`. */
  readonly appearanceNrows: Uint32Array;
  /** Worker threads that scanned at least one block (0: the calling thread did the work). */
  readonly parallelWorkersUsed: number;
  readonly variant: KeyCountingVariant;
  /** Rows with a non-NULL sequence, keys counted, distinct keys, blocks scanned. */
  readonly sequences: number;
  readonly keysCounted: number;
  readonly distinctKeys: number;
  readonly blocks: number;
}

/**
 * Runs the analysis over `sources` as `view` sees them. Rejects with 57014 when `signal` aborts (workers stop
 * within a second), 53200 when the count tables outgrow the memory budget, or the first worker's error.
 */
export async function analyzeHighFrequencyKeys(
  view: StorageView,
  sources: readonly AnalysisSource[],
  options: HighFrequencyAnalysisOptions,
): Promise<HighFrequencyAnalysis> {
  const layout = keyLayout(options.kmerSize, options.occurrenceBits);
  // 'sorted' needs keys that fit a float64 exactly (≤ 52 bits), and its buffers grow with the keys counted, so
  // small key spaces (≤ 2^24 keys: a table that holds every key and stays cache-friendly) count in the shared table.
  const sortable = layout.totalBits > 24 && layout.totalBits <= 52;
  const variant: KeyCountingVariant = options.variant ?? (sortable ? 'sorted' : 'shared');
  if (variant === 'sorted' && !sortable) throw new KmerSearchError(SqlState.invalidParameterValue, `sorted counting needs keys of 25 to 52 bits, not ${layout.totalBits}`);
  throwIfCancelled(options.signal);
  const listed = sources.map((source) => {
    const table = view.getTable(source.tableId);
    const column = table?.columns[source.columnIndex];
    if (table === undefined || column === undefined) {
      throw new KmerSearchError(SqlState.undefinedTable, `table ${source.tableId} or its column ${source.columnIndex} does not exist`);
    }
    if (column.type.name !== 'dna2' && column.type.name !== 'dna4') {
      throw new KmerSearchError(SqlState.datatypeMismatch, 'Column must be DNA2 or DNA4 type');
    }
    return { source, ...listTableBlocks(view, table.id) };
  });
  const blocksTotal = listed.reduce((sum, entry) => sum + entry.blocks.length, 0);
  const pool = options.pool ?? null;
  const shared = variant === 'shared' ? SharedKeyCountTable.create(layout.totalBits, options.memoryBudgetBytes) : null;

  const results: CountKeysResult[] = [];
  let blocksBefore = 0;
  let lastInput: Omit<CountKeysInput, 'queue' | 'progress'> | undefined;
  for (const entry of listed) {
    const workers = pool === null || pool.maxThreads === 0 ? 0 : Math.max(0, Math.min(options.workers, pool.maxThreads, entry.blocks.length));
    const share = Math.floor(options.memoryBudgetBytes / Math.max(1, workers));
    const target: KeyCountingTarget =
      shared !== null
        ? { variant: 'shared', table: shared.state() }
        : variant === 'sorted'
          ? { variant: 'sorted', partitionBits: DEFAULT_PARTITION_BITS, maxBytes: share }
          : { variant: 'per-worker', maxTableBytes: share };
    const input: Omit<CountKeysInput, 'queue' | 'progress'> = {
      databasePath: options.databasePath,
      storageId: entry.storageId,
      columnIndex: entry.source.columnIndex,
      kmerSize: layout.kmerSize,
      occurrenceBits: layout.occurrenceBits,
      blockList: SharedBlockList.from(entry.blocks).buffer,
      target,
      testHooks: options.testHooks,
    };
    const onProgress = options.onProgress;
    const before = blocksBefore;
    const participants = await runKeyCounting(pool, workers, input, {
      signal: options.signal,
      progressIntervalMs: options.progressIntervalMs,
      onBlocksDone: onProgress === undefined ? undefined : (done) => onProgress({ blocksDone: before + done, blocksTotal }),
    });
    results.push(...participants);
    blocksBefore += entry.blocks.length;
    lastInput = input;
  }
  throwIfCancelled(options.signal);

  let totalRows = 0;
  let sequences = 0;
  let keysCounted = 0;
  let blocks = 0;
  const threads = new Set<number>();
  for (const result of results) {
    totalRows += result.rows;
    sequences += result.sequences;
    keysCounted += result.keys;
    blocks += result.blocks;
    if (result.blocks > 0 && result.threadId !== 0) threads.add(result.threadId);
  }
  const threshold = highFrequencyThreshold(totalRows, options.maxAppearanceRate, options.maxAppearanceNrow);
  let selection: { keys: SortedKeys; appearanceNrows: Uint32Array; distinctKeys: number };
  if (variant === 'sorted') {
    const participants = results.map((result) => result.partitions).filter((state) => state !== null);
    if (participants.length === 0 || lastInput === undefined) selection = { keys: emptySortedKeys(layout), appearanceNrows: new Uint32Array(0), distinctKeys: 0 };
    else {
      const workers = pool === null || pool.maxThreads === 0 ? 0 : Math.max(0, Math.min(options.workers, pool.maxThreads));
      const merged = await runKeyCounting(pool, workers, { ...lastInput, merge: { participants, claim: new SharedArrayBuffer(4), threshold } }, { signal: options.signal });
      throwIfCancelled(options.signal);
      selection = keysFromRanges(merged.map((result) => result.merged!), layout);
    }
  } else {
    const counts: KeyCountSlots = shared ?? mergeTables(results, layout.totalBits, options.memoryBudgetBytes);
    selection = keysAbove(counts, layout, threshold);
  }
  const { keys, appearanceNrows, distinctKeys } = selection;
  return {
    layout,
    totalRows,
    maxAppearanceRate: options.maxAppearanceRate,
    maxAppearanceNrow: options.maxAppearanceNrow,
    threshold,
    keys,
    appearanceNrows,
    parallelWorkersUsed: threads.size,
    variant,
    sequences,
    keysCounted,
    distinctKeys,
    blocks,
  };
}

/** Variant (a): the largest participant table absorbs the others (adopted in place, not copied). */
function mergeTables(results: readonly CountKeysResult[], totalBits: number, memoryBudgetBytes: number): KeyCountSlots {
  const states = results.map((result) => result.table).filter((state) => state !== null);
  if (states.length === 0) return KeyCountTable.create(totalBits, memoryBudgetBytes);
  states.sort((a, b) => b.size - a.size);
  const merged = KeyCountTable.adopt(states[0]!, memoryBudgetBytes);
  for (let index = 1; index < states.length; index++) merged.addTable(KeyCountTable.adopt(states[index]!, memoryBudgetBytes));
  return merged;
}

const TWO_POW_32 = 4294967296;

/** Variant 'sorted': the ranges' selected keys, concatenated in range order (which is key order). */
function keysFromRanges(
  merged: readonly MergeCountResult[],
  layout: KeyLayout,
): { keys: SortedKeys; appearanceNrows: Uint32Array; distinctKeys: number } {
  const ranges = merged.flatMap((result) => result.ranges).sort((a, b) => a.partition - b.partition);
  let distinctKeys = 0;
  let selected = 0;
  for (const range of ranges) {
    distinctKeys += range.distinct;
    selected += range.keys.length;
  }
  if (selected === 0) return { keys: emptySortedKeys(layout), appearanceNrows: new Uint32Array(0), distinctKeys };
  const values = new Float64Array(selected);
  const appearanceNrows = new Uint32Array(selected);
  let at = 0;
  for (const range of ranges) {
    values.set(range.keys, at);
    appearanceNrows.set(range.counts, at);
    at += range.keys.length;
  }
  return { keys: toSortedKeys({ layout, wide: false, count: selected, values }), appearanceNrows, distinctKeys };
}

/** The keys counted in more than `threshold` rows, sorted, with their counts; and the number of distinct keys. */
function keysAbove(
  counts: KeyCountSlots,
  layout: KeyLayout,
  threshold: number,
): { keys: SortedKeys; appearanceNrows: Uint32Array; distinctKeys: number } {
  const words = counts.rawWords;
  const stride = counts.stride;
  const end = counts.slotCount * stride;
  let selected = 0;
  let distinctKeys = 0;
  for (let at = stride - 1; at < end; at += stride) {
    const count = words[at]!;
    if (count === 0) continue;
    distinctKeys++;
    if (count > threshold) selected++;
  }
  if (selected === 0) return { keys: emptySortedKeys(layout), appearanceNrows: new Uint32Array(0), distinctKeys };
  const high = new Uint32Array(selected);
  const low = new Uint32Array(selected);
  let next = 0;
  for (let at = 0; at < end; at += stride) {
    const count = words[at + stride - 1]!;
    if (count === 0 || count <= threshold) continue;
    high[next] = stride === 2 ? 0 : words[at]!;
    low[next++] = words[at + stride - 2]!;
  }
  const keys = layout.wide
    ? toSortedKeys({ layout, wide: true, count: selected, high, low })
    : toSortedKeys({ layout, wide: false, count: selected, values: Float64Array.from(low, (value, index) => high[index]! * TWO_POW_32 + value) });
  // Counts follow the sorted order: looked up again rather than sorted along (the native sort takes keys only).
  const appearanceNrows = new Uint32Array(selected);
  for (let index = 0; index < selected; index++) {
    if (keys.wide) appearanceNrows[index] = counts.countOf(keys.high[index]!, keys.low[index]!);
    else {
      const key = keys.values[index]!;
      appearanceNrows[index] = counts.countOf((key / TWO_POW_32) >>> 0, key >>> 0);
    }
  }
  return { keys, appearanceNrows, distinctKeys };
}
