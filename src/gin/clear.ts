/**
 * Emptying an index without dropping it (TRUNCATE of its table, which leaves indexes to their owners): the index
 * gets fresh, empty spaces for its pages and pending list, and the old ones are deleted after the commit.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { IndexRecord, WriteTransaction } from '../storage/index.js';
import { emptyStatistics, ginIndexOptions, type GinIndexOptions } from './index-options.js';

export function clearIndex(write: WriteTransaction, indexId: number): IndexRecord {
  const index = write.getIndex(indexId);
  if (index === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${indexId} does not exist`);
  const options: GinIndexOptions = { ...ginIndexOptions(index), pendingBytes: 0, pendingRows: 0, statistics: emptyStatistics };
  const storageId = write.allocateIndexSpace();
  const rowEntriesId = write.allocateIndexSpace();
  return write.replaceIndexSpaces(indexId, {
    storageId,
    rowEntriesId,
    options: options as unknown as Readonly<Record<string, unknown>>,
  });
}
