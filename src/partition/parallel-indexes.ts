/**
 * kmersearch_parallel_create_index's schedule (seed 000, SPEC §7.3, F11): one index per partition, built by up
 * to `workers` builds at a time, each claiming the next partition when it is done with one (dynamic assignment,
 * so a large partition does not hold up the rest), and a failure of one partition recorded in its result row
 * without stopping the others. What a build is (the index record with its settings, the worker thread) is the
 * caller's; this file owns the order, the concurrency and the result rows. The claiming itself (claimInTurn) also
 * schedules the partitions' builds of a CREATE INDEX on a partitioned table, which stops at the first failure.
 */
import { asKmerSearchError } from '../errors.js';
import type { TableRecord } from '../storage/index.js';

/** One row of the function's result. */
export interface PartitionIndexResult {
  readonly partitionName: string;
  readonly indexName: string;
  readonly rowsProcessed: number;
  readonly executionTimeMs: number;
  /** The worker thread that extracted the keys (0 when the calling thread did). */
  readonly workerPid: number;
  readonly success: boolean;
  readonly errorMessage: string | null;
}

export interface PartitionIndexBuild {
  readonly rowsProcessed: number;
  readonly workerPid: number;
}

/** `<partition>_<column>_gin_idx`. */
export function partitionIndexName(partition: TableRecord, columnName: string): string {
  return `${partition.name}_${columnName}_gin_idx`;
}

/**
 * Runs `work` for positions 0 … count − 1 with at most `concurrency` calls in flight (at least one: with zero
 * workers one after another), each participant claiming the next position when it is done with one (dynamic
 * assignment, so a large partition does not hold up the rest). Once a call returns false no position is claimed
 * any more; resolves when every participant has ended.
 */
export async function claimInTurn(count: number, concurrency: number, work: (position: number) => Promise<boolean>): Promise<void> {
  let next = 0;
  let stopped = false;
  const participant = async (): Promise<void> => {
    for (let claimed = next++; claimed < count && !stopped; claimed = next++) {
      if (!(await work(claimed))) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, participant));
}

/**
 * Runs `build` for every partition with at most `concurrency` builds in flight (claimInTurn), and returns the
 * result rows in partition order; a failed build is its partition's row, the others go on.
 */
export async function buildPartitionIndexes(
  partitions: readonly TableRecord[],
  columnName: string,
  concurrency: number,
  build: (partition: TableRecord, indexName: string) => Promise<PartitionIndexBuild>,
): Promise<PartitionIndexResult[]> {
  const results: PartitionIndexResult[] = new Array<PartitionIndexResult>(partitions.length);
  await claimInTurn(partitions.length, concurrency, async (claimed) => {
    const partition = partitions[claimed] as TableRecord;
    const indexName = partitionIndexName(partition, columnName);
    const started = performance.now();
    try {
      const outcome = await build(partition, indexName);
      results[claimed] = {
        partitionName: partition.name,
        indexName,
        rowsProcessed: outcome.rowsProcessed,
        executionTimeMs: Math.round(performance.now() - started),
        workerPid: outcome.workerPid,
        success: true,
        errorMessage: null,
      };
    } catch (error) {
      results[claimed] = {
        partitionName: partition.name,
        indexName,
        rowsProcessed: 0,
        executionTimeMs: Math.round(performance.now() - started),
        workerPid: 0,
        success: false,
        errorMessage: asKmerSearchError(error).message,
      };
    }
    return true;
  });
  return results;
}
