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
    throw missingColumn(scope, undefined, columnName);
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
    if (index < 0) throw missingColumn(scope, relationName, columnName);
    return columnOf(entry, index, levelsUp, location);
  }
  throw new KmerSearchError(SqlState.undefinedTable, `missing FROM-clause entry for table "${relationName}"`);
}

/** PostgreSQL's MAX_FUZZY_DISTANCE: suggestions further away than this are not offered. */
const MAX_FUZZY_DISTANCE = 3;

/** Levenshtein distance with unit costs (varstr_levenshtein); names are short, so the full table is cheap. */
function levenshtein(source: string, target: string): number {
  let previous = Array.from({ length: target.length + 1 }, (_, index) => index);
  for (let i = 1; i <= source.length; i++) {
    const current = [i];
    for (let j = 1; j <= target.length; j++) {
      const substitution = (previous[j - 1] as number) + (source[i - 1] === target[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[target.length] as number;
}

interface ColumnSuggestion {
  readonly relationName: string;
  readonly columnName: string;
}

/**
 * errorMissingColumn (parse_relation.c): `column "x" does not exist` or `column t.x does not exist`, with the
 * hint naming the closest column of any range entry at any level — PostgreSQL's searchRangeTableForCol and
 * updateFuzzyAttrMatchState: a candidate must differ in at most half the characters of the name written and be
 * within MAX_FUZZY_DISTANCE (plus the distance between a written qualifier and the entry's name); the closest
 * wins, two equally close ones are both named, and a third at that distance withdraws the suggestion.
 */
function missingColumn(scope: Scope | undefined, relationName: string | undefined, columnName: string): KmerSearchError {
  let bestDistance = MAX_FUZZY_DISTANCE + 1;
  let first: ColumnSuggestion | undefined;
  let second: ColumnSuggestion | undefined;
  for (let level = scope; level !== undefined; level = level.parent) {
    for (const entry of level.entries) {
      const entryPenalty = relationName === undefined ? 0 : levenshtein(relationName, entry.name);
      if (entryPenalty > bestDistance) continue;
      for (const column of entry.columns) {
        if (column.name === '') continue;
        const columnDistance = levenshtein(column.name, columnName);
        if (columnDistance > Math.floor(columnName.length / 2)) continue;
        const distance = columnDistance + entryPenalty;
        const suggestion = { relationName: entry.name, columnName: column.name };
        if (distance < bestDistance) {
          bestDistance = distance;
          first = suggestion;
          second = undefined;
        } else if (distance === bestDistance) {
          if (second !== undefined) {
            first = undefined;
            second = undefined;
          } else if (first !== undefined) {
            second = suggestion;
          }
        }
      }
    }
  }
  const message = relationName === undefined ? `column "${columnName}" does not exist` : `column ${relationName}.${columnName} does not exist`;
  let hint: string | undefined;
  if (first !== undefined && second === undefined) {
    hint = `Perhaps you meant to reference the column "${first.relationName}.${first.columnName}".`;
  } else if (first !== undefined && second !== undefined) {
    hint =
      `Perhaps you meant to reference the column "${first.relationName}.${first.columnName}" ` +
      `or the column "${second.relationName}.${second.columnName}".`;
  }
  return new KmerSearchError(SqlState.undefinedColumn, message, { hint });
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
