/**
 * The kmersearch index path of the planner (SPEC §4, deviations F4 and F7): when a top-level AND conjunct of a
 * table's WHERE clause is `column =% query` with a query that does not depend on the row, and a kmersearch index
 * on that column may answer it, the table is read through the index (a Bitmap Heap Scan) instead of sequentially.
 *
 * An index may answer only when it returns exactly the rows of the sequential evaluation:
 *  - its recorded settings equal the session's (kmersearch-index.ts), so its keys are the keys `=%` compares;
 *  - built with preclude_highfreq_kmer, it left out the keys of the analysis `=%` now excludes (the current
 *    analysis of (table, column, k, b), or none both then and now): an index whose analysis was replaced or
 *    undone is stale until REINDEX (F7);
 *  - the threshold ams is at least 1: with `min_score = 0` and `min_shared_kmer_rate = 0` and no exclusion every
 *    row matches, also rows sharing no key, which an index cannot return (F4). Both settings are known when
 *    planning, and ams ≥ 1 follows from either being positive for any query with keys (a query without keys
 *    matches nothing on either path); with exclusion ams = max(1, …) always. Planning evaluates nothing and
 *    touches no cache (F14); it reads which analysis is current from the catalog.
 * There is no cost model: an index that may answer is used, unless `enable_bitmapscan` is off while
 * `enable_seqscan` is on (PostgreSQL then prefers the enabled path; GIN has no plain index scans, so
 * `enable_indexscan` changes nothing). When no index may answer, the sequential scan carries notes that EXPLAIN
 * prints, saying why each candidate index was left out.
 *
 * `kmersearch_matchscore(column, query)` over the rows of an index path is the row's count of matched posting
 * lists (every key of a row is distinct, so the count is exactly |S ∩ Q|): `rewriteScores` makes such calls read
 * the scan's score column instead of extracting the stored sequence again — for indexes built without
 * high-frequency exclusion, whose counts are the full intersection.
 */
import type * as ast from './ast.js';
import type { BoundColumn, BoundExpression, BoundTableSource } from './binder/bound.js';
import { childrenOf, mapChildren } from './binder/walk.js';
import { type Conjunct, conjunctsOf, filterOfConjuncts } from './conjuncts.js';
import { analysisDifference, isKmersearchIndex, recordedSettingsOf, settingDifferences } from './kmersearch-index.js';
import type { BitmapHeapScanNode, IndexCondition, PlanFilter, PlanNode, SeqScanNode } from './plan.js';
import type { Settings } from '../settings/index.js';
import type { IndexRecord, TableRecord } from '../storage/index.js';
import { sqlTypes } from './types.js';

/** What the planner may consult: the indexes the statement's view sees, and the session's settings. */
export interface PlanningContext {
  /** Indexes of a table (any method; the planner picks the kmersearch ones). */
  indexesOf(tableId: number): readonly IndexRecord[];
  /** The partitions of a partitioned table in remainder order (src/partition). */
  partitionsOf(table: TableRecord): readonly TableRecord[];
  /**
   * The analysis whose keys `=%` on (table, column) excludes under the current settings (SPEC §4: preclude on and
   * an analysis of (table, column, k, b)), or undefined for no exclusion. Reads the catalog only, no cache.
   */
  excludingAnalysisId(tableId: number, columnName: string): number | undefined;
  readonly settings: Settings | undefined;
}

/** Planning without indexes (e.g. for statements that only ever read everything). */
export const sequentialPlanning: PlanningContext = Object.freeze({
  indexesOf: () => [],
  partitionsOf: () => [],
  excludingAnalysisId: () => undefined,
  settings: undefined,
});

/** True when an expression gives the same value for every row of the scan (and may be evaluated once). */
function isRowIndependent(expression: BoundExpression): boolean {
  switch (expression.kind) {
    case 'column':
      return expression.levelsUp > 0;
    case 'function':
      if (expression.function.volatility === 'volatile') return false;
      break;
    case 'sessionFunction':
    case 'subquery':
    case 'aggregate':
    case 'setFunction':
      return false;
    default:
      break;
  }
  return childrenOf(expression).every(isRowIndependent);
}

/** `column =% query` on a column of this scan with a row-independent query, or undefined. */
function matchCondition(conjunct: Conjunct): IndexCondition | undefined {
  const condition = conjunct.condition;
  if (condition.kind !== 'function' || condition.operatorName !== '=%' || condition.arguments.length !== 2) return undefined;
  const [column, query] = condition.arguments as [BoundExpression, BoundExpression];
  if (column.kind !== 'column' || column.levelsUp !== 0 || !isRowIndependent(query)) return undefined;
  return Object.freeze({ columnIndex: column.index, query, syntax: conjunct.syntax });
}

/** The note EXPLAIN prints for an index left out because of the threshold rule (F4). */
export function zeroThresholdNote(indexName: string): string {
  return `Index ${indexName} not used: kmersearch.min_score = 0 and kmersearch.min_shared_kmer_rate = 0 also match rows sharing no k-mer`;
}

/**
 * The note EXPLAIN prints for an index whose recorded settings differ from the session's, or that left out the keys
 * of another high-frequency analysis than the current one (F7).
 */
export function settingsNote(indexName: string, differences: readonly string[]): string {
  return `Index ${indexName} not used: built with ${differences.join(', ')}`;
}

/** How to read `source` for `filter`: a kmersearch index path if one may answer, else a sequential scan. */
export function planKmersearchAccess(
  source: BoundTableSource,
  filter: PlanFilter | undefined,
  withRowIds: boolean,
  planning: PlanningContext,
): PlanNode {
  const seqScan: SeqScanNode = Object.freeze({ kind: 'seqScan', table: source.table, alias: source.alias, filter, withRowIds });
  const settings = planning.settings;
  if (filter === undefined || settings === undefined) return seqScan;
  const conjuncts = conjunctsOf(filter.condition, filter.syntax);
  const matches = conjuncts.map(matchCondition);
  // The catalog is read only for a filter an index could answer.
  if (matches.every((match) => match === undefined)) return seqScan;
  const indexes = planning.indexesOf(source.table.id).filter(isKmersearchIndex);
  const notes = new Map<string, string>();
  for (const [position, match] of matches.entries()) {
    if (match === undefined) continue;
    const columnName = source.table.columns[match.columnIndex]?.name ?? '';
    let excluding: { readonly analysisId: number | undefined } | undefined;
    for (const index of indexes) {
      if (index.columnIndex !== match.columnIndex) continue;
      const recorded = recordedSettingsOf(index);
      const differences = settingDifferences(recorded, settings);
      if (differences.length > 0) {
        notes.set(index.name, settingsNote(index.name, differences));
        continue;
      }
      excluding ??= { analysisId: planning.excludingAnalysisId(source.table.id, columnName) };
      const analysis = analysisDifference(recorded, excluding.analysisId);
      if (analysis !== undefined) {
        notes.set(index.name, settingsNote(index.name, [analysis]));
        continue;
      }
      // With exclusion ams = max(1, …) ≥ 1, so the index answers even with both thresholds 0.
      if (excluding.analysisId === undefined && settings.minScore === 0 && settings.minSharedKmerRate === 0) {
        notes.set(index.name, zeroThresholdNote(index.name));
        continue;
      }
      if (!settings.enableBitmapScan && settings.enableSequentialScan) return seqScan;
      const node: BitmapHeapScanNode = {
        kind: 'bitmapHeapScan',
        table: source.table,
        alias: source.alias,
        index,
        indexCondition: match,
        filter: filterOfConjuncts(conjuncts.filter((_, other) => other !== position)),
        withRowIds,
        withScores: false,
        fetchColumns: undefined,
        fallback: seqScan,
      };
      return Object.freeze(node);
    }
  }
  return notes.size === 0 ? seqScan : Object.freeze({ ...seqScan, notes: Object.freeze([...notes.values()]) });
}

// ---------------------------------------------------------------------------------------------------------------
// Scores from the index

const matchscoreFunctions: ReadonlySet<string> = new Set([
  'kmersearch_matchscore',
  'kmersearch_matchscore_dna2',
  'kmersearch_matchscore_dna4',
]);

/** Two query expressions known to give the same text: equal constants (literals and parameters bind to those). */
function sameQuery(left: BoundExpression, right: BoundExpression): boolean {
  return left.kind === 'constant' && right.kind === 'constant' && left.type.id === right.type.id && left.value === right.value;
}

/** The column the scan's score is in: after the table's columns and the row id. */
export function scoreColumnIndex(scan: BitmapHeapScanNode): number {
  return scan.table.columns.length + (scan.withRowIds ? 1 : 0);
}

/**
 * `expressions` with every `kmersearch_matchscore(column, query)` of the scan's index condition replaced by the
 * scan's score column, or undefined when none was found or the index's counts are not the full intersection.
 */
export function rewriteScores(
  scan: BitmapHeapScanNode,
  expressions: readonly BoundExpression[],
): { readonly expressions: readonly BoundExpression[]; readonly changed: boolean } {
  // An index built with high-frequency exclusion lacks keys the score counts.
  if (recordedSettingsOf(scan.index).precludeHighfreqKmer) return { expressions, changed: false };
  const condition = scan.indexCondition;
  const scoreColumn: BoundColumn = Object.freeze({
    kind: 'column',
    type: sqlTypes.int4,
    index: scoreColumnIndex(scan),
    levelsUp: 0,
    name: 'kmersearch_matchscore',
    relationName: scan.alias ?? scan.table.name,
    location: -1,
  });
  let changed = false;
  const rewrite = (expression: BoundExpression): BoundExpression => {
    if (
      expression.kind === 'function' &&
      matchscoreFunctions.has(expression.function.name) &&
      expression.arguments.length === 2
    ) {
      const [column, query] = expression.arguments as [BoundExpression, BoundExpression];
      if (column.kind === 'column' && column.levelsUp === 0 && column.index === condition.columnIndex && sameQuery(query, condition.query)) {
        changed = true;
        return scoreColumn;
      }
    }
    return mapChildren(expression, rewrite);
  };
  const rewritten = expressions.map(rewrite);
  return { expressions: changed ? rewritten : expressions, changed };
}

/**
 * The table columns `expressions` read from the scan's rows (level 0), or undefined when that cannot be known
 * cheaply (a subquery may read the row from inside): then every column is fetched.
 */
export function columnsRead(scan: BitmapHeapScanNode, expressions: readonly BoundExpression[]): readonly number[] | undefined {
  const width = scan.table.columns.length;
  const read = new Set<number>();
  let opaque = false;
  const visit = (expression: BoundExpression): void => {
    if (expression.kind === 'subquery') opaque = true;
    else if (expression.kind === 'column' && expression.levelsUp === 0 && expression.index < width) read.add(expression.index);
    for (const child of childrenOf(expression)) visit(child);
  };
  for (const expression of expressions) visit(expression);
  return opaque ? undefined : [...read].sort((a, b) => a - b);
}
