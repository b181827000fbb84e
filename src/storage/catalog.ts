/**
 * Catalog records and their keys. Records are immutable plain objects (msgpack on disk); a write transaction
 * replaces whole records. Every table, index, sequence and unique constraint has a numeric id from one counter
 * that is never reused, so ids can stand in for PostgreSQL OIDs (regclass).
 */
import { Packr } from 'msgpackr';
import { KmerSearchError, SqlState } from '../errors.js';
import type { ColumnType } from './column-types.js';

/** First id handed out, as PostgreSQL's FirstNormalObjectId, so ids look like the OIDs users know. */
export const firstObjectId = 16384;

export interface ColumnRecord {
  readonly name: string;
  /** 1-based position (PostgreSQL's attnum). */
  readonly attributeNumber: number;
  readonly type: ColumnType;
  readonly notNull: boolean;
  /** The DEFAULT expression as SQL text (e.g. `nextval('t_id_seq'::regclass)`), evaluated by the SQL layer. */
  readonly defaultExpression: string | null;
}

export type ConstraintKind = 'primary-key' | 'unique';

export interface ConstraintRecord {
  readonly id: number;
  /** Name in the relation namespace, e.g. `t_pkey`, `t_name_key`. */
  readonly name: string;
  readonly kind: ConstraintKind;
  /** 0-based column positions, in key order. */
  readonly columnIndexes: readonly number[];
  /**
   * Key prefix of the constraint's entries in the `unique` sub-database. TRUNCATE gives it a fresh one (like the
   * table's storageId), so reloading a truncated table never meets its old entries.
   */
  readonly uniqueSpaceId: number;
}

export interface TableRecord {
  readonly kind: 'table';
  readonly id: number;
  readonly name: string;
  /** Key prefix of the table's heap and tombstones; replaced by TRUNCATE (like PostgreSQL's relfilenode). */
  readonly storageId: number;
  readonly columns: readonly ColumnRecord[];
  readonly constraints: readonly ConstraintRecord[];
  /** Committed row ids are below this; everything at or above it is invisible (an unpublished append). */
  readonly rowIdLimit: number;
  readonly liveRowCount: number;
  /** Opaque table-level settings owned by upper layers (e.g. partitioning). */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface IndexRecord {
  readonly kind: 'index';
  readonly id: number;
  readonly name: string;
  readonly tableId: number;
  readonly columnIndex: number;
  readonly method: string;
  readonly operatorClass: string;
  /** Opaque settings owned by upper layers: src/gin's (k, b, analysis identity, …), src/partition's partitioned-index entry. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * Key prefix (`gin` sub-database) of the index's bulk data, e.g. pages of posting lists. Written before the
   * record that names it is published, replaced by a rebuild (like a table's storageId), never changed in place.
   */
  readonly storageId: number;
  /**
   * Key prefix (`gin`) of per-row entries `[rowEntriesId][row id]` (e.g. a pending list). They follow heap
   * visibility: an entry at or above the table's published rowIdLimit is unpublished and is removed by rollback
   * and by the crash sweep, exactly like an unpublished heap row.
   */
  readonly rowEntriesId: number;
}

export interface SequenceRecord {
  readonly kind: 'sequence';
  readonly id: number;
  readonly name: string;
  readonly dataType: 'int2' | 'int4' | 'int8';
  readonly startValue: bigint;
  readonly increment: bigint;
  readonly minValue: bigint;
  readonly maxValue: bigint;
  readonly cycle: boolean;
  /** serial columns own their sequence; it is dropped with the table. */
  readonly ownedBy: { readonly tableId: number; readonly columnName: string } | null;
  /** Current state (PostgreSQL's last_value / is_called), kept apart from the definition on disk. */
  readonly lastValue: bigint;
  readonly isCalled: boolean;
}

export type RelationKind = 'table' | 'index' | 'sequence' | 'constraint';

export interface RelationEntry {
  readonly kind: RelationKind;
  readonly id: number;
  /** For constraints: the table they belong to. */
  readonly tableId?: number;
}

export interface SequenceState {
  readonly lastValue: bigint;
  readonly isCalled: boolean;
}

// ---- keys (lmdb-js ordered-binary arrays) ----

export type CatalogKey = readonly (string | number)[];

export const CatalogKeys = {
  relation: (name: string): CatalogKey => ['relation', name],
  table: (id: number): CatalogKey => ['table', id],
  index: (id: number): CatalogKey => ['index', id],
  sequence: (id: number): CatalogKey => ['sequence', id],
  sequenceState: (id: number): CatalogKey => ['sequence-state', id],
  entry: (namespace: string, key: string): CatalogKey => ['entry', namespace, key],
  /** The `gin` data spaces a generic entry owns (kept by commit and the sweep, deleted when the entry goes). */
  entrySpaces: (namespace: string, key: string): CatalogKey => ['entry-spaces', namespace, key],
};

/** [start, end) of the keys of one record kind, for listing. */
export function catalogKindRange(kind: 'table' | 'index' | 'sequence'): { start: CatalogKey; end: CatalogKey } {
  return { start: [kind, 0], end: [kind, Number.MAX_SAFE_INTEGER] };
}

export function catalogEntryRange(namespace: string): { start: CatalogKey; end: CatalogKey } {
  return { start: ['entry', namespace, ''], end: ['entry', namespace, '\uffff'] };
}

/** [start, end) of the data-space ownership records of every generic entry. */
export function catalogEntrySpacesRange(): { start: CatalogKey; end: CatalogKey } {
  return { start: ['entry-spaces', ''], end: ['entry-spaces', '\uffff'] };
}

/** Map key of a catalog key for overlays (keys are short arrays of strings and numbers). */
export function catalogKeyString(key: CatalogKey): string {
  return JSON.stringify(key);
}

export const recordPacker = new Packr({ useRecords: false, mapsAsObjects: true });

export function packRecord(value: unknown): Buffer {
  return recordPacker.pack(value);
}

export function unpackRecord<T>(bytes: Uint8Array): T {
  return recordPacker.unpack(bytes) as T;
}

// ---- names (PostgreSQL's makeObjectName / ChooseRelationName) ----

/** PostgreSQL's NAMEDATALEN − 1: identifiers are at most 63 bytes. */
export const maxIdentifierBytes = 63;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` with at most `maxBytes` UTF-8 bytes, cut at a character boundary. */
function clipUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = utf8Length(character);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end);
}

/** name1_name2_label shortened to 63 bytes by trimming the longer of name1/name2 first. */
export function makeObjectName(name1: string, name2: string | null, label: string | null): string {
  let overhead = 0;
  if (name2 !== null) overhead += utf8Length(name2) + 1;
  if (label !== null) overhead += utf8Length(label) + 1;
  const available = maxIdentifierBytes - overhead;
  let name1Bytes = utf8Length(name1);
  let name2Bytes = name2 === null ? 0 : utf8Length(name2);
  while (name1Bytes + name2Bytes > available) {
    if (name1Bytes > name2Bytes) name1Bytes -= 1;
    else name2Bytes -= 1;
  }
  let name = clipUtf8(name1, name1Bytes);
  if (name2 !== null) name += `_${clipUtf8(name2, name2Bytes)}`;
  if (label !== null) name += `_${label}`;
  return name;
}

/** First of name1_name2_label, name1_name2_label1, … that `isTaken` rejects. */
export function chooseRelationName(
  name1: string,
  name2: string | null,
  label: string,
  isTaken: (name: string) => boolean,
): string {
  for (let attempt = 0; ; attempt += 1) {
    const name = makeObjectName(name1, name2, attempt === 0 ? label : `${label}${attempt}`);
    if (!isTaken(name)) return name;
  }
}

export function relationExistsError(name: string): KmerSearchError {
  return new KmerSearchError(SqlState.duplicateTable, `relation "${name}" already exists`);
}

export function missingObjectError(kind: string, id: number | string): KmerSearchError {
  return new KmerSearchError(SqlState.undefinedObject, `${kind} ${JSON.stringify(id)} does not exist`);
}
