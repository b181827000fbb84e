/**
 * Batched searches over the partitions of a partitioned table (SPEC §7.2: "a search fans out over its
 * partitions in parallel"): every partition's kmersearch index is searched for every query on the worker pool
 * (src/parallel searchQueries), up to `workers` partitions at a time, each claiming the next partition when it
 * is done, and the per-query results are merged: best shared count first, then partition, then row id, `limit`
 * rows per query. Rows are named by combined row ids (rows.ts), so the caller can fetch them from their
 * partition. Workers read the committed state of the database directory.
 */
import { searchQueries, type IndexSearchDescriptor, type SearchBatchInput, type SearchBatchResult, type WorkerPool } from '../parallel/index.js';
import { combinedRowId } from './rows.js';

/** A batch search (src/parallel's SearchBatchInput) over several partitions' indexes instead of one index. */
export interface PartitionSearchInput extends Omit<SearchBatchInput, 'index'> {
  /** One descriptor per partition, in remainder order (src/parallel describeIndexSearch of its index). */
  readonly partitions: readonly IndexSearchDescriptor[];
}

/** As src/parallel's SearchBatchResult, with combined row ids (which may exceed 32 bits: doubles hold them exactly). */
export interface PartitionSearchResult {
  readonly offsets: Uint32Array;
  readonly rowIds: Float64Array;
  readonly shared: Uint32Array;
}

export async function searchPartitions(
  pool: WorkerPool | null,
  workers: number,
  input: PartitionSearchInput,
  options: { readonly signal?: AbortSignal } = {},
): Promise<PartitionSearchResult> {
  const count = input.partitions.length;
  const results = new Array<SearchBatchResult>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let claimed = next++; claimed < count; claimed = next++) {
      const { partitions, ...batch } = input;
      results[claimed] = await searchQueries(
        pool,
        workers === 0 ? 0 : 1,
        { ...batch, index: partitions[claimed] as IndexSearchDescriptor },
        // One batch per partition: the partitions are the unit of parallel work here.
        { batchSize: Math.max(1, input.queries.length), ...(options.signal === undefined ? {} : { signal: options.signal }) },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, count)) }, lane));
  return mergeByQuery(results, input.queries.length, input.limit);
}

function mergeByQuery(results: readonly SearchBatchResult[], queryCount: number, limit: number): PartitionSearchResult {
  const count = results.length;
  const offsets = new Uint32Array(queryCount + 1);
  const rowIds: number[] = [];
  const shared: number[] = [];
  const candidates: { rowId: number; shared: number }[] = [];
  for (let query = 0; query < queryCount; query++) {
    candidates.length = 0;
    results.forEach((result, remainder) => {
      for (let position = result.offsets[query] as number; position < (result.offsets[query + 1] as number); position++) {
        candidates.push({ rowId: combinedRowId(result.rowIds[position] as number, remainder, count), shared: result.shared[position] as number });
      }
    });
    candidates.sort((left, right) => right.shared - left.shared || (left.rowId % count) - (right.rowId % count) || left.rowId - right.rowId);
    for (const candidate of candidates.slice(0, limit)) {
      rowIds.push(candidate.rowId);
      shared.push(candidate.shared);
    }
    offsets[query + 1] = rowIds.length;
  }
  return { offsets, rowIds: Float64Array.from(rowIds), shared: Uint32Array.from(shared) };
}
