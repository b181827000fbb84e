/**
 * kmersearch_parallel_create_index's schedule (seed 000, SPEC §7.3, F11): one index per partition, built by up
 * to `workers` builds at a time, each claiming the next partition when it is done with one (dynamic assignment,
 * so a large partition does not hold up the rest), and a failure of one partition recorded in its result row
 * without stopping the others. What a build is (the index record with its settings, the worker thread) is the
 * caller's; this file owns the order, the concurrency and the result rows.
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
 * Runs `build` for every partition with at most `concurrency` builds in flight (at least one: with zero workers
 * the builds run one after another in the calling thread), and returns the result rows in partition order.
 */
export async function buildPartitionIndexes(
  partitions: readonly TableRecord[],
  columnName: string,
  concurrency: number,
  build: (partition: TableRecord, indexName: string) => Promise<PartitionIndexBuild>,
): Promise<PartitionIndexResult[]> {
  const results: PartitionIndexResult[] = new Array<PartitionIndexResult>(partitions.length);
  let next = 0;
  const participant = async (): Promise<void> => {
    for (let claimed = next++; claimed < partitions.length; claimed = next++) {
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
    }
  };
  const participants = Math.max(1, Math.min(concurrency, partitions.length));
  await Promise.all(Array.from({ length: participants }, participant));
  return results;
}
