/**
 * src/partition — hash partitioning of a table by its DNA column (analysis §9, Appendix A; SPEC §7.2–7.3; F10,
 * F11, F12): routing of rows, kmersearch_partition_table / kmersearch_unpartition_table on the write
 * transaction, writes to a partitioned table with uniqueness across partitions, the representation of
 * partitioned indexes, the schedule of kmersearch_parallel_create_index, and batched searches fanned out over the
 * partitions' indexes. See README.md.
 */
export { partitionRemainder, partitionRowHash } from './routing.js';
export {
  analysedTableIdOf,
  attachedIndexIds,
  attachedIndexesOf,
  createdIndexIds,
  isPartitionedIndex,
  isPartitionedTable,
  parentIndexOf,
  partitionedIndexOf,
  partitionedIndexOptions,
  partitionMembershipOf,
  partitionSchemeOf,
  partitionsOf,
  type PartitionedIndex,
  type PartitionMembership,
  type PartitionScheme,
} from './scheme.js';
export {
  combinedRowId,
  deletePartitionedRows,
  insertPartitionedRows,
  splitRowId,
  updatePartitionedRows,
  type PartitionWrite,
} from './rows.js';
export { isDnaColumn, migrationBatchSize, partitionTable, unpartitionTable, type MigrationOptions } from './migrate.js';
export {
  buildPartitionIndexes,
  claimInTurn,
  partitionIndexName,
  type PartitionIndexBuild,
  type PartitionIndexResult,
} from './parallel-indexes.js';
export { searchPartitions, type PartitionSearchInput, type PartitionSearchResult } from './fan-out-search.js';
