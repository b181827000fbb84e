/**
 * Reclaiming space that no committed catalog record refers to: storage of dropped/truncated tables, entries of
 * dropped constraints and indexes, and blocks appended by a statement that never published them (rolled back,
 * or its process was killed). Nothing here changes what a reader sees, so it may run in many small LMDB
 * transactions; it runs only while holding the writer lock, so it never mistakes another writer's unpublished
 * blocks for orphans.
 */
import { rowsPerBlock } from './block-codec.js';
import { CatalogKeys, catalogEntrySpacesRange, catalogKindRange, type IndexRecord, type TableRecord } from './catalog.js';
import type { CatalogLayer } from './view.js';
import type { BinaryDatabase, SharedEnvironment } from './environment.js';
import { heapKey, indexRowEntryKey, relationPrefix, relationRangeStart } from './keys.js';
import { forgetBlockEntries } from './unique-keys.js';
import { CommittedCatalog } from './view.js';

/** Keys deleted per LMDB transaction: bounds the memory of one transaction. */
const keysPerTransaction = 2000;

/** Deletes every key of `database` in [start, end), in bounded transactions. Returns the number deleted. */
export function deleteKeyRange(
  environment: SharedEnvironment,
  database: BinaryDatabase,
  start: Buffer,
  end: Buffer | undefined,
): number {
  let deleted = 0;
  for (;;) {
    const keys: Buffer[] = [];
    for (const key of database.getKeys(end === undefined ? { start, limit: keysPerTransaction } : { start, end, limit: keysPerTransaction })) {
      keys.push(Buffer.from(key));
    }
    if (keys.length === 0) return deleted;
    environment.writeSync(() => {
      for (const key of keys) database.removeSync(key);
    });
    deleted += keys.length;
    if (keys.length < keysPerTransaction) return deleted;
  }
}

/** Deletes everything under the u32 prefix `relationId`. */
export function deleteRelation(environment: SharedEnvironment, database: BinaryDatabase, relationId: number): number {
  return deleteKeyRange(environment, database, relationRangeStart(relationId), prefixEnd(relationId));
}

function prefixEnd(relationId: number): Buffer | undefined {
  return relationId >= 0xffffffff ? undefined : relationRangeStart(relationId + 1);
}

/** The gin prefixes an index owns: its id (kept for records of older builds) and its two data spaces. */
export function indexSpaces(index: IndexRecord): number[] {
  const spaces = [index.id];
  if (index.storageId !== undefined) spaces.push(index.storageId);
  if (index.rowEntriesId !== undefined) spaces.push(index.rowEntriesId);
  return spaces;
}

/** Deletes the per-row entries of `spaceId` at or above `rowIdLimit` (unpublished ones). */
export function deleteRowEntriesFrom(environment: SharedEnvironment, spaceId: number, rowIdLimit: number): number {
  return deleteKeyRange(environment, environment.gin, indexRowEntryKey(spaceId, rowIdLimit), prefixEnd(spaceId));
}

/** End (exclusive) of the heap/tombstone keys of one storage. */
export function storageEnd(storageId: number): Buffer | undefined {
  return prefixEnd(storageId);
}

/** Every stored block of a storage from `fromBlock` on, whatever the published limit (for cleanup). */
export function* storageBlocks(
  environment: SharedEnvironment,
  storageId: number,
  fromBlock: number,
): Iterable<{ block: number; bytes: Buffer }> {
  const end = prefixEnd(storageId);
  const start = heapKey(storageId, fromBlock);
  for (const { key, value } of environment.heap.getRange(end === undefined ? { start } : { start, end })) {
    yield { block: key.readUInt32BE(4), bytes: value };
  }
}

/** The distinct u32 prefixes present in `database`, found by skipping from prefix to prefix. */
export function distinctPrefixes(database: BinaryDatabase): number[] {
  const prefixes: number[] = [];
  let start = relationRangeStart(0);
  for (;;) {
    let found: number | undefined;
    for (const key of database.getKeys({ start, limit: 1 })) found = relationPrefix(key);
    if (found === undefined) return prefixes;
    prefixes.push(found);
    if (found >= 0xffffffff) return prefixes;
    start = relationRangeStart(found + 1);
  }
}

/** Every `gin` space that a generic catalog entry owns (putCatalogEntry's `ownedSpaces`). */
export function entryOwnedSpaces(catalog: CatalogLayer): number[] {
  const { start, end } = catalogEntrySpacesRange();
  return catalog.range(start, end).flatMap(({ value }) => value as number[]);
}

export interface ReclaimReport {
  readonly deletedHeapKeys: number;
  readonly deletedTombstoneKeys: number;
  readonly deletedUniqueKeys: number;
  readonly deletedGinKeys: number;
}

/** Removes everything the committed catalog does not reach. Caller holds the writer lock. */
export function reclaimOrphans(environment: SharedEnvironment): ReclaimReport {
  const catalog = new CommittedCatalog(environment);
  const tables = catalog.range(catalogKindRange('table').start, catalogKindRange('table').end).map(
    ({ value }) => value as TableRecord,
  );
  const indexes = catalog.range(catalogKindRange('index').start, catalogKindRange('index').end).map(
    ({ value }) => value as IndexRecord,
  );
  const rowIdLimits = new Map<number, number>();
  const tablesByStorage = new Map(tables.map((table) => [table.storageId, table]));
  const uniqueSpaces = new Set<number>();
  for (const table of tables) {
    rowIdLimits.set(table.storageId, table.rowIdLimit);
    for (const constraint of table.constraints) uniqueSpaces.add(constraint.uniqueSpaceId);
  }
  const indexSpaceIds = new Set([...indexes.flatMap(indexSpaces), ...entryOwnedSpaces(catalog)]);

  let deletedHeapKeys = 0;
  for (const storageId of distinctPrefixes(environment.heap)) {
    const limit = rowIdLimits.get(storageId);
    if (limit === undefined) {
      deletedHeapKeys += deleteRelation(environment, environment.heap, storageId);
    } else {
      // Rows at or above the published limit belong to an append that never committed: forget their unique
      // entries (harmless, but they take space), then delete the blocks that hold nothing else.
      const table = tablesByStorage.get(storageId);
      if (table !== undefined && table.constraints.length > 0) {
        for (const { block, bytes } of storageBlocks(environment, storageId, Math.floor(limit / rowsPerBlock))) {
          environment.writeSync(() => {
            forgetBlockEntries(environment, table, storageId, block, bytes, (slot) => block * rowsPerBlock + slot >= limit);
          });
        }
      }
      const firstOrphanBlock = Math.ceil(limit / rowsPerBlock);
      deletedHeapKeys += deleteKeyRange(environment, environment.heap, heapKey(storageId, firstOrphanBlock), prefixEnd(storageId));
    }
  }
  let deletedTombstoneKeys = 0;
  for (const storageId of distinctPrefixes(environment.tombstone)) {
    if (!rowIdLimits.has(storageId)) deletedTombstoneKeys += deleteRelation(environment, environment.tombstone, storageId);
  }
  let deletedUniqueKeys = 0;
  for (const spaceId of distinctPrefixes(environment.unique)) {
    if (!uniqueSpaces.has(spaceId)) deletedUniqueKeys += deleteRelation(environment, environment.unique, spaceId);
  }
  let deletedGinKeys = 0;
  for (const spaceId of distinctPrefixes(environment.gin)) {
    if (!indexSpaceIds.has(spaceId)) deletedGinKeys += deleteRelation(environment, environment.gin, spaceId);
  }
  // Per-row entries of rows that were never published (like heap rows at or above the limit).
  for (const index of indexes) {
    if (index.rowEntriesId === undefined) continue;
    const table = catalog.get(CatalogKeys.table(index.tableId)) as TableRecord | undefined;
    deletedGinKeys += deleteRowEntriesFrom(environment, index.rowEntriesId, table?.rowIdLimit ?? 0);
  }
  // Sequence states whose sequence was created by a transaction that never committed.
  const states = catalog.range(['sequence-state', 0], ['sequence-state', Number.MAX_SAFE_INTEGER]);
  const orphanStates = states.filter(({ key }) => catalog.get(CatalogKeys.sequence(Number(key[1]))) === undefined);
  if (orphanStates.length > 0) {
    environment.writeSync(() => {
      for (const { key } of orphanStates) environment.catalog.removeSync(key as (string | number)[]);
    });
  }
  return { deletedHeapKeys, deletedTombstoneKeys, deletedUniqueKeys, deletedGinKeys };
}
