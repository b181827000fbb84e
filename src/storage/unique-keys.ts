/**
 * Keys of the `unique` sub-database and the check that an entry still describes a live row.
 *
 * Entries are hints, not truth: an entry is believed only if the row it names is visible and still holds the
 * key's value. That makes entries left by an interrupted statement (or pointing at deleted rows) harmless, so
 * appends may write entries eagerly, outside the publishing commit, and a crash never needs an undo log.
 */
import { createHash } from 'node:crypto';
import { KmerSearchError, SqlState } from '../errors.js';
import { decodeBlockCell, readBlockHeader, rowsPerBlock } from './block-codec.js';
import type { ConstraintRecord, TableRecord } from './catalog.js';
import type { ColumnType, ColumnValue } from './column-types.js';
import type { SharedEnvironment } from './environment.js';
import { decodeUniqueEntry, maxInlineUniqueKeyBytes } from './keys.js';
import { defaultValueFormatter, encodeKeyTuple, type ValueFormatter } from './value-codec.js';

/** [constraint unique-space id u32][0][canonical bytes], or [id][1][SHA-256 of canonical] when long. */
export function uniqueKey(uniqueSpaceId: number, canonical: Uint8Array): Buffer {
  const inline = canonical.length <= maxInlineUniqueKeyBytes;
  const body = inline ? canonical : createHash('sha256').update(canonical).digest();
  const key = Buffer.allocUnsafe(5 + body.length);
  key.writeUInt32BE(uniqueSpaceId, 0);
  key[4] = inline ? 0 : 1;
  key.set(body, 5);
  return key;
}

export function constraintTypes(table: TableRecord, constraint: ConstraintRecord): ColumnType[] {
  return constraint.columnIndexes.map((index) => {
    const column = table.columns[index];
    if (column === undefined) throw new KmerSearchError(SqlState.dataCorrupted, `constraint ${constraint.name} names a missing column`);
    return column.type;
  });
}

/** The constraint's values of a row, or null when one is NULL (NULLs never conflict). */
export function constraintValues(constraint: ConstraintRecord, row: readonly ColumnValue[]): ColumnValue[] | null {
  const values: ColumnValue[] = [];
  for (const index of constraint.columnIndexes) {
    const value = row[index] ?? null;
    if (value === null) return null;
    values.push(value);
  }
  return values;
}

export function canonicalKey(table: TableRecord, constraint: ConstraintRecord, values: readonly ColumnValue[]): Uint8Array {
  return encodeKeyTuple(constraintTypes(table, constraint), values);
}

export function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) if (left[index] !== right[index]) return false;
  return true;
}

/** The canonical key of row `slot` of an encoded block, or null when a key column is NULL. */
export function blockRowKey(
  table: TableRecord,
  constraint: ConstraintRecord,
  block: Uint8Array,
  slot: number,
): Uint8Array | null {
  const values: ColumnValue[] = [];
  for (const index of constraint.columnIndexes) {
    const value = decodeBlockCell(block, index, slot);
    if (value === null) return null;
    values.push(value);
  }
  return canonicalKey(table, constraint, values);
}

/** PostgreSQL's 23505 error with `Key (a, b)=(1, x) already exists.` */
export function uniqueViolation(
  table: TableRecord,
  constraint: ConstraintRecord,
  values: readonly ColumnValue[],
  formatValue: ValueFormatter = defaultValueFormatter,
): KmerSearchError {
  const names = constraint.columnIndexes.map((index) => table.columns[index]?.name ?? '?').join(', ');
  const shown = constraint.columnIndexes
    .map((index, position) => {
      const value = values[position] ?? null;
      const type = table.columns[index]?.type;
      return value === null || type === undefined ? 'null' : formatValue(type, value);
    })
    .join(', ');
  return new KmerSearchError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${constraint.name}"`, {
    detail: `Key (${names})=(${shown}) already exists.`,
  });
}

/** PostgreSQL clips each value of a `Failing row contains (…)` detail to 64 bytes. */
const maxDetailFieldBytes = 64;

function clipField(text: string): string {
  if (Buffer.byteLength(text, 'utf8') <= maxDetailFieldBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > maxDetailFieldBytes) break;
    bytes += size;
    end += character.length;
  }
  return `${text.slice(0, end)}...`;
}

/** The row as PostgreSQL shows it in constraint errors: `(1, null, abc)`. */
export function formatFailingRow(
  table: TableRecord,
  row: readonly ColumnValue[],
  formatValue: ValueFormatter = defaultValueFormatter,
): string {
  const fields = table.columns.map((column, index) => {
    const value = row[index] ?? null;
    return value === null ? 'null' : clipField(formatValue(column.type, value));
  });
  return `(${fields.join(', ')})`;
}

/** PostgreSQL's 23502 error. */
export function notNullViolation(
  table: TableRecord,
  columnIndex: number,
  row: readonly ColumnValue[],
  formatValue: ValueFormatter = defaultValueFormatter,
): KmerSearchError {
  const column = table.columns[columnIndex]?.name ?? '?';
  return new KmerSearchError(
    SqlState.notNullViolation,
    `null value in column "${column}" of relation "${table.name}" violates not-null constraint`,
    { detail: `Failing row contains ${formatFailingRow(table, row, formatValue)}.` },
  );
}

/**
 * Removes the entry of `canonical` if it still names (storageId, rowId): a later row may own the key by now.
 * Must run inside an LMDB write transaction.
 */
export function forgetEntry(
  environment: SharedEnvironment,
  constraint: ConstraintRecord,
  canonical: Uint8Array,
  storageId: number,
  rowId: number,
): void {
  const key = uniqueKey(constraint.uniqueSpaceId, canonical);
  const stored = environment.unique.get(key);
  if (stored === undefined) return;
  const entry = decodeUniqueEntry(stored);
  if (entry.storageId === storageId && entry.rowId === rowId) environment.unique.removeSync(key);
}

/** forgetEntry for every constraint and every selected slot of an encoded block. Inside a write transaction. */
export function forgetBlockEntries(
  environment: SharedEnvironment,
  table: TableRecord,
  storageId: number,
  block: number,
  bytes: Uint8Array,
  includeSlot: (slot: number) => boolean,
): void {
  const rowCount = readBlockHeader(bytes).rowCount;
  for (let slot = 0; slot < rowCount; slot += 1) {
    if (!includeSlot(slot)) continue;
    for (const constraint of table.constraints) {
      const canonical = blockRowKey(table, constraint, bytes, slot);
      if (canonical !== null) forgetEntry(environment, constraint, canonical, storageId, block * rowsPerBlock + slot);
    }
  }
}
