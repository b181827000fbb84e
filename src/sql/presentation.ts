/**
 * Statement outcomes as the library returns them: PGlite / node-postgres shaped rows (plain objects keyed by
 * column name, the last of duplicate names winning), or PostgreSQL's text forms for the shell. JavaScript values
 * follow the clients: int2/int4/float as number, int8 as number when it is a safe integer and bigint otherwise
 * (PGlite), numeric as its text (node-postgres), bool, bytea as Uint8Array, timestamptz as Date; DNA values,
 * composites and regclass as their text forms.
 */
import type { OutputColumn, Row } from './binder/bound.js';
import type { StatementOutcome } from './executor/context.js';
import type { QueryField, QueryResult, TextQueryResult } from './result.js';
import { type RelationCatalog, type SqlType, type SqlValue, formatValue } from './types.js';

export function fieldsOf(columns: readonly OutputColumn[]): QueryField[] {
  return columns.map((column) =>
    Object.freeze({ name: column.name, dataTypeID: column.type.oid, typeName: column.type.formatName, alignRight: column.type.alignRight }),
  );
}

function javaScriptValue(value: SqlValue, type: SqlType, relations: RelationCatalog | undefined): unknown {
  if (value === null) return null;
  switch (type.id) {
    case 'int8': {
      const integer = value as bigint;
      return integer >= BigInt(Number.MIN_SAFE_INTEGER) && integer <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(integer) : integer;
    }
    case 'int2':
    case 'int4':
    case 'oid':
    case 'float4':
    case 'float8':
    case 'bool':
    case 'text':
    case 'varchar':
    case 'name':
    case 'unknown':
      return value;
    case 'bytea':
      return new Uint8Array(value as Uint8Array);
    case 'timestamptz':
      return new Date((value as Date).getTime());
    default:
      return formatValue(value, type, { relations });
  }
}

function assignField(row: Record<string, unknown>, name: string, value: unknown): void {
  // A column called __proto__ must become a property, not replace the object's prototype.
  if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
  else row[name] = value;
}

export function toQueryResult<Result>(outcome: StatementOutcome, relations: RelationCatalog | undefined): QueryResult<Result> {
  const columns = outcome.columns;
  const rows = outcome.rows.map((values: Row) => {
    const row: Record<string, unknown> = {};
    columns.forEach((column, index) => assignField(row, column.name, javaScriptValue(values[index] ?? null, column.type, relations)));
    return row as Result;
  });
  return {
    rows,
    fields: fieldsOf(columns),
    affectedRows: outcome.affectedRows,
    commandTag: outcome.commandTag,
    returnsRows: outcome.returnsRows,
  };
}

export function toTextResult(outcome: StatementOutcome, relations: RelationCatalog | undefined): TextQueryResult {
  const columns = outcome.columns;
  const rows = outcome.rows.map((values: Row) =>
    columns.map((column, index) => {
      const value = values[index] ?? null;
      return value === null ? null : formatValue(value, column.type, { relations });
    }),
  );
  return { fields: fieldsOf(columns), rows, commandTag: outcome.commandTag, returnsRows: outcome.returnsRows };
}
