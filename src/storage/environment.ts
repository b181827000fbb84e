/**
 * The LMDB environment of one database directory, opened once per process and shared by every handle on that
 * directory (reference counted): LMDB forbids opening the same environment twice in one process, and sharing
 * also lets the in-process writer queue see all handles.
 */
import { realpathSync, mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import { KmerSearchError, SqlState } from '../errors.js';
import { firstObjectId, packRecord, unpackRecord } from './catalog.js';
import { SubDatabaseNames } from './keys.js';
import { AsyncMutex } from './writer-lock.js';

/** On-disk format of this folder; bumped on incompatible changes. */
export const storageFormatVersion = 1;

/**
 * Default upper bound of the data file. lmdb-js grows its memory map on demand, so this is a ceiling, not a
 * reservation; it exists so that a runaway load fails with 53100 instead of filling the disk.
 */
export const defaultMapSize = 2 ** 40;

export type BinaryDatabase = Database<Buffer, Buffer>;
export type CatalogDatabase = Database<Buffer, (string | number)[]>;
export type MetaDatabase = Database<Buffer, string>;

/**
 * lmdb-js transactionSync flags: abortable + synchronous commit. Every transaction is a durable one: skipping
 * the flush (MDB_NOSYNC) would let LMDB reuse pages that the last flushed state still references, which a power
 * loss turns into corruption. With lmdb-js's overlapping sync the flush runs behind the next transaction, so a
 * durable commit costs little; appends are batched into transactions of about a megabyte anyway.
 */
const durableCommit: number = 3;

/** `meta` key of the catalog generation (see SharedEnvironment.catalogRecords). */
const catalogGenerationKey = 'catalog-generation';

export class SharedEnvironment {
  readonly root: RootDatabase;
  readonly catalog: CatalogDatabase;
  readonly heap: BinaryDatabase;
  readonly tombstone: BinaryDatabase;
  readonly gin: BinaryDatabase;
  readonly unique: BinaryDatabase;
  readonly meta: MetaDatabase;
  /** Serialises write transactions of all handles of this process. */
  readonly writerQueue = new AsyncMutex();
  /** Spill files created by this process and not yet removed (never treated as leftovers). */
  readonly activeSpillFiles = new Set<string>();
  referenceCount = 0;
  /** Set once this process has checked for orphans of a crashed writer. */
  orphanCheckDone = false;
  /**
   * Decoded catalog records of one catalog generation, shared by this process's snapshots (view.ts): every
   * commit bumps the generation stored in `meta`, so records decoded under a generation stay right for every
   * snapshot that reads the same generation, whichever process committed.
   */
  readonly catalogRecords: { generation: number; readonly entries: Map<string, unknown> } = { generation: -1, entries: new Map() };

  constructor(
    readonly path: string,
    readonly mapSize: number,
  ) {
    this.root = open({
      path,
      // A database is always a directory, even when its name has a dot (lmdb-js would take `x.db` for a file).
      noSubdir: false,
      maxDbs: 16,
      // lmdb-js starts with this map and doubles it as the file grows; the ceiling is enforced in writeSync.
      mapSize: Math.min(mapSize, 256 * 1024 * 1024),
      encoding: 'binary',
    });
    this.catalog = this.root.openDB({ name: SubDatabaseNames.catalog, encoding: 'binary' });
    const binary = { keyEncoding: 'binary', encoding: 'binary' } as const;
    this.heap = this.root.openDB({ name: SubDatabaseNames.heap, ...binary });
    this.tombstone = this.root.openDB({ name: SubDatabaseNames.tombstone, ...binary });
    this.gin = this.root.openDB({ name: SubDatabaseNames.gin, ...binary });
    this.unique = this.root.openDB({ name: SubDatabaseNames.unique, ...binary });
    this.meta = this.root.openDB({ name: SubDatabaseNames.meta, encoding: 'binary' });
    this.initialise();
  }

  private initialise(): void {
    const stored = this.readMeta<number>('format-version');
    if (stored !== undefined && stored !== storageFormatVersion) {
      throw new KmerSearchError(
        SqlState.objectNotInPrerequisiteState,
        `database "${this.path}" has storage format ${stored}, but this version of kmersearch reads format ${storageFormatVersion}`,
      );
    }
    if (stored === undefined) {
      this.writeSync(() => {
        if (this.meta.get('format-version') === undefined) {
          this.meta.putSync('format-version', packRecord(storageFormatVersion));
          this.meta.putSync('next-object-id', packRecord(firstObjectId));
        }
      });
    }
  }

  /**
   * The catalog generation as `transaction` (or the latest state) sees it: 0 until the first publishing commit.
   * Bumped inside every commit's LMDB transaction (bumpCatalogGeneration), so it moves with the catalog.
   */
  catalogGeneration(transaction?: Transaction): number {
    const bytes = this.meta.get(catalogGenerationKey, transaction === undefined ? undefined : { transaction });
    return bytes === undefined ? 0 : unpackRecord<number>(bytes);
  }

  /** Inside a write transaction: the catalog changes, so snapshots from now on must not reuse older records. */
  bumpCatalogGeneration(): void {
    this.meta.putSync(catalogGenerationKey, packRecord(this.catalogGeneration() + 1));
  }

  readMeta<T>(key: string): T | undefined {
    const bytes = this.meta.get(key);
    return bytes === undefined ? undefined : unpackRecord<T>(bytes);
  }

  /** The committed high-water mark of the data file in bytes. */
  usedBytes(): number {
    const stats = this.root.getStats() as { lastPageNumber: number; pageSize: number };
    return (stats.lastPageNumber + 1) * stats.pageSize;
  }

  /**
   * Runs `action` in one LMDB write transaction. LMDB's "disk full" failures become 53100 and the transaction
   * is aborted.
   *
   * `enforceMapSize` (appends only): lmdb-js grows the map instead of failing, so the ceiling is checked on the
   * committed high-water mark after the fact. That is safe only for appends, whose statement is not published
   * yet: it fails, and its rollback frees the pages. Publishing commits are small and never fail this way.
   */
  writeSync<T>(action: () => T, enforceMapSize = false): T {
    const before = enforceMapSize ? this.usedBytes() : 0;
    let result: T;
    try {
      result = this.root.transactionSync(action, durableCommit) as T;
    } catch (error) {
      throw translateLmdbError(error, this.path);
    }
    if (enforceMapSize) {
      const after = this.usedBytes();
      if (after > before && after > this.mapSize) throw databaseFullError(this.path, this.mapSize);
    }
    return result;
  }

  /** Allocates an id from the never-reused counter, in its own small transaction. */
  allocateIds(count: number): number[] {
    return this.writeSync(() => {
      const bytes = this.meta.get('next-object-id');
      const next = bytes === undefined ? firstObjectId : unpackRecord<number>(bytes);
      this.meta.putSync('next-object-id', packRecord(next + count));
      return Array.from({ length: count }, (_, index) => next + index);
    });
  }
}

export function databaseFullError(path: string, mapSize: number): KmerSearchError {
  return new KmerSearchError(SqlState.diskFull, `could not extend file "${join(path, 'data.mdb')}": database size limit reached`, {
    detail: `The database may grow to at most ${mapSize} bytes.`,
    hint: 'Delete rows or drop tables, or open the database with a larger mapSize.',
  });
}

/** LMDB/OS failures that mean "no room" become 53100; KmerSearchErrors pass through; the rest are XX000. */
export function translateLmdbError(error: unknown, path: string): unknown {
  if (error instanceof KmerSearchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (/MDB_MAP_FULL|ENOSPC|No space left|MDB_TXN_FULL/.test(message) || code === 'ENOSPC' || code === -30792) {
    return new KmerSearchError(SqlState.diskFull, `could not extend file "${join(path, 'data.mdb')}": No space left on device`, {
      hint: 'Check free disk space.',
      cause: error,
    });
  }
  return error;
}

const environments = new Map<string, SharedEnvironment>();

/** Opens (or shares) the environment of `directory`. */
export function acquireEnvironment(directory: string, mapSize: number): SharedEnvironment {
  mkdirSync(directory, { recursive: true });
  const path = realpathSync(resolve(directory));
  let environment = environments.get(path);
  if (environment === undefined) {
    try {
      environment = new SharedEnvironment(path, mapSize);
    } catch (error) {
      if (error instanceof KmerSearchError) throw error;
      throw new KmerSearchError(SqlState.ioError, `could not open database "${path}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    environments.set(path, environment);
  }
  environment.referenceCount += 1;
  return environment;
}

/** Drops one reference; the last one closes the environment. */
export async function releaseEnvironment(environment: SharedEnvironment): Promise<void> {
  environment.referenceCount -= 1;
  if (environment.referenceCount > 0) return;
  environments.delete(environment.path);
  await environment.root.close();
}
