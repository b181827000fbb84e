/**
 * Name resolution for column references: the range entries of a query level (tables, functions, subqueries in
 * FROM, each with its columns at an offset in the level's row) and the enclosing levels, searched with
 * PostgreSQL's rules and error texts (parse_relation.c): an unqualified name must match exactly one column of
 * the innermost level that has it; `t.x` needs a range entry called t.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { SqlType } from '../types.js';
import type { BoundColumn, TableColumn } from './bound.js';

export interface ScopeColumn {
  readonly name: string;
  readonly type: SqlType;
  /** The right-hand copy of a `JOIN … USING` column: reachable only qualified, not expanded by `*`. */
  readonly mergedAway?: boolean;
  /** Set for a column of a base table (FROM t, UPDATE t, DELETE FROM t): which table column it reads. */
  readonly tableColumn?: TableColumn | undefined;
}

export interface RangeEntry {
  /** The alias, or the table / function name. */
  readonly name: string;
  readonly columns: readonly ScopeColumn[];
  /** Position of the first column in the level's row. */
  readonly offset: number;
}

export class Scope {
  constructor(
    readonly entries: readonly RangeEntry[],
    readonly parent: Scope | undefined,
  ) {}

  /** A scope with no range entries (a SELECT without FROM, VALUES, DEFAULT expressions) nested in `parent`. */
  static empty(parent?: Scope): Scope {
    return new Scope([], parent);
  }

  findEntry(name: string): RangeEntry[] {
    return this.entries.filter((entry) => entry.name === name);
  }
}

function columnOf(entry: RangeEntry, columnIndex: number, levelsUp: number, location: number): BoundColumn {
  const column = entry.columns[columnIndex] as ScopeColumn;
  return Object.freeze({
    kind: 'column',
    type: column.type,
    index: entry.offset + columnIndex,
    levelsUp,
    name: column.name,
    relationName: entry.name,
    location,
    ...(column.tableColumn === undefined ? {} : { tableColumn: column.tableColumn }),
  });
}

/**
 * The column a reference names (`x`, `t.x`, `public.t.x`), searching outwards level by level. Errors carry no
 * position; the caller adds the reference's.
 */
export function resolveColumn(scope: Scope | undefined, names: readonly string[], location: number): BoundColumn {
  const columnName = names[names.length - 1] as string;
  if (names.length === 1) {
    let levelsUp = 0;
    for (let level = scope; level !== undefined; level = level.parent, levelsUp++) {
      let found: BoundColumn | undefined;
      for (const entry of level.entries) {
        entry.columns.forEach((column, index) => {
          if (column.name !== columnName || column.mergedAway === true) return;
          if (found !== undefined) {
            throw new KmerSearchError(SqlState.ambiguousColumn, `column reference "${columnName}" is ambiguous`);
          }
          found = columnOf(entry, index, levelsUp, location);
        });
      }
      if (found !== undefined) return found;
    }
    throw new KmerSearchError(SqlState.undefinedColumn, `column "${columnName}" does not exist`);
  }
  if (names.length > 3) {
    throw new KmerSearchError(SqlState.syntaxError, `improper qualified name (too many dotted names): ${names.join('.')}`);
  }
  const relationName = names[names.length - 2] as string;
  if (names.length === 3 && names[0] !== 'public') {
    throw new KmerSearchError(SqlState.undefinedTable, `missing FROM-clause entry for table "${relationName}"`);
  }
  let levelsUp = 0;
  for (let level = scope; level !== undefined; level = level.parent, levelsUp++) {
    const entries = level.findEntry(relationName);
    if (entries.length > 1) {
      throw new KmerSearchError('42P09', `table reference "${relationName}" is ambiguous`);
    }
    const entry = entries[0];
    if (entry === undefined) continue;
    const index = entry.columns.findIndex((column) => column.name === columnName);
    if (index < 0) {
      throw new KmerSearchError(SqlState.undefinedColumn, `column ${relationName}.${columnName} does not exist`);
    }
    return columnOf(entry, index, levelsUp, location);
  }
  throw new KmerSearchError(SqlState.undefinedTable, `missing FROM-clause entry for table "${relationName}"`);
}

/** The columns `*` (all entries) or `t.*` (one entry) expands to, in order. */
export function expandStar(scope: Scope, qualifier: readonly string[], location: number): BoundColumn[] {
  if (qualifier.length === 0) {
    if (scope.entries.length === 0) {
      throw new KmerSearchError(SqlState.syntaxError, 'SELECT * with no tables specified is not valid');
    }
    return scope.entries.flatMap((entry) => starColumns(entry, location));
  }
  const relationName = qualifier[qualifier.length - 1] as string;
  const entries = scope.findEntry(relationName);
  if (entries.length > 1) throw new KmerSearchError('42P09', `table reference "${relationName}" is ambiguous`);
  const entry = entries[0];
  if (entry === undefined) {
    throw new KmerSearchError(SqlState.undefinedTable, `missing FROM-clause entry for table "${relationName}"`);
  }
  return entry.columns.map((_, index) => columnOf(entry, index, 0, location));
}

function starColumns(entry: RangeEntry, location: number): BoundColumn[] {
  const columns: BoundColumn[] = [];
  entry.columns.forEach((column, index) => {
    if (column.mergedAway !== true) columns.push(columnOf(entry, index, 0, location));
  });
  return columns;
}
