/**
 * Turns a CREATE TABLE definition into catalog records the way PostgreSQL does: primary key first, then unique
 * constraints in order (a constraint on the same columns as an earlier one is dropped), key columns and serial
 * columns NOT NULL, serial columns owning a sequence `<table>_<column>_seq` with a `nextval(…)` default, and
 * generated names that avoid every name already taken (`t_pkey`, `t_pkey1`, …).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import {
  chooseRelationName,
  relationExistsError,
  type ColumnRecord,
  type ConstraintRecord,
  type TableRecord,
} from './catalog.js';
import type { TableDefinition } from './definitions.js';
import type { StoredSequence } from './view.js';

export const sequenceTypeBounds = {
  int2: { min: -32768n, max: 32767n },
  int4: { min: -2147483648n, max: 2147483647n },
  int8: { min: -(1n << 63n), max: (1n << 63n) - 1n },
} as const;

/** A name as it must appear inside a SQL string literal that is cast to regclass. */
function quoteRegclassLiteral(name: string): string {
  const identifier = /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
  return `'${identifier.replace(/'/g, "''")}'`;
}

interface RequestedConstraint {
  readonly kind: ConstraintRecord['kind'];
  readonly columnIndexes: readonly number[];
  readonly name: string | undefined;
}

function requestedConstraints(definition: TableDefinition): RequestedConstraint[] {
  const columnIndex = (name: string): number => {
    const index = definition.columns.findIndex((column) => column.name === name);
    if (index < 0) throw new KmerSearchError(SqlState.undefinedColumn, `column "${name}" named in key does not exist`);
    return index;
  };
  const requested: RequestedConstraint[] = [];
  definition.columns.forEach((column, index) => {
    if (column.primaryKey === true) requested.push({ kind: 'primary-key', columnIndexes: [index], name: undefined });
  });
  for (const constraint of definition.constraints ?? []) {
    if (constraint.kind === 'primary-key') {
      requested.push({ kind: 'primary-key', columnIndexes: constraint.columns.map(columnIndex), name: constraint.name });
    }
  }
  if (requested.length > 1) {
    throw new KmerSearchError(SqlState.invalidTableDefinition, `multiple primary keys for table "${definition.name}" are not allowed`);
  }
  definition.columns.forEach((column, index) => {
    if (column.unique === true) requested.push({ kind: 'unique', columnIndexes: [index], name: undefined });
  });
  for (const constraint of definition.constraints ?? []) {
    if (constraint.kind === 'unique') {
      requested.push({ kind: 'unique', columnIndexes: constraint.columns.map(columnIndex), name: constraint.name });
    }
  }
  const sameColumns = (left: RequestedConstraint, right: RequestedConstraint): boolean =>
    left.columnIndexes.join(',') === right.columnIndexes.join(',');
  return requested.filter((candidate, position) => requested.findIndex((other) => sameColumns(other, candidate)) === position);
}

/**
 * The table record and the sequences its serial columns own. `allocateIds` hands out never-reused ids;
 * `isTaken` tells whether a relation name exists already.
 */
export function planTable(
  definition: TableDefinition,
  allocateIds: (count: number) => number[],
  isTaken: (name: string) => boolean,
): { table: TableRecord; sequences: StoredSequence[] } {
  const tableName = definition.name;
  if (isTaken(tableName)) throw relationExistsError(tableName);
  const columnNames = new Set<string>();
  for (const column of definition.columns) {
    if (columnNames.has(column.name)) {
      throw new KmerSearchError(SqlState.duplicateColumn, `column "${column.name}" specified more than once`);
    }
    columnNames.add(column.name);
  }
  const constraintsToCreate = requestedConstraints(definition);
  const primaryKeyColumns = new Set(constraintsToCreate.find((constraint) => constraint.kind === 'primary-key')?.columnIndexes);

  const serialCount = definition.columns.filter((column) => column.serial != null).length;
  const ids = allocateIds(2 + serialCount + 2 * constraintsToCreate.length);
  let nextId = 0;
  const takeId = (): number => ids[nextId++] as number;
  const tableId = takeId();
  const storageId = takeId();
  const chosenNames = new Set<string>([tableName]);
  const nameTaken = (name: string): boolean => chosenNames.has(name) || isTaken(name);

  const sequences: StoredSequence[] = [];
  const columns: ColumnRecord[] = definition.columns.map((column, index) => {
    let defaultExpression = column.defaultExpression ?? null;
    if (column.serial != null) {
      const sequenceName = chooseRelationName(tableName, column.name, 'seq', nameTaken);
      chosenNames.add(sequenceName);
      const dataType = column.serial === 'bigserial' ? 'int8' : 'int4';
      sequences.push({
        kind: 'sequence',
        id: takeId(),
        name: sequenceName,
        dataType,
        startValue: 1n,
        increment: 1n,
        minValue: 1n,
        maxValue: sequenceTypeBounds[dataType].max,
        cycle: false,
        ownedBy: { tableId, columnName: column.name },
      });
      defaultExpression = `nextval(${quoteRegclassLiteral(sequenceName)}::regclass)`;
    }
    return {
      name: column.name,
      attributeNumber: index + 1,
      type: column.type,
      notNull: column.notNull === true || column.serial != null || primaryKeyColumns.has(index),
      defaultExpression,
    };
  });

  const constraints: ConstraintRecord[] = constraintsToCreate.map((constraint) => {
    let name = constraint.name;
    if (name === undefined) {
      const columnsPart = constraint.columnIndexes.map((index) => definition.columns[index]?.name ?? '').join('_');
      name =
        constraint.kind === 'primary-key'
          ? chooseRelationName(tableName, null, 'pkey', nameTaken)
          : chooseRelationName(tableName, columnsPart, 'key', nameTaken);
    } else if (nameTaken(name)) {
      throw relationExistsError(name);
    }
    chosenNames.add(name);
    return { id: takeId(), name, kind: constraint.kind, columnIndexes: constraint.columnIndexes, uniqueSpaceId: takeId() };
  });

  const table: TableRecord = {
    kind: 'table',
    id: tableId,
    name: tableName,
    storageId,
    columns,
    constraints,
    rowIdLimit: 0,
    liveRowCount: 0,
    options: definition.options ?? {},
  };
  return { table, sequences };
}
