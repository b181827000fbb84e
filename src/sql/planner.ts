/**
 * The planner: bound queries to plan trees. There is no cost model — the shape follows the query: FROM items
 * joined by nested loops in the written order, then aggregation, projection, DISTINCT, sort and limit. WHERE goes
 * to the scan of a single FROM item; with joins each condition goes where PostgreSQL evaluates it
 * (join-restrictions.ts: a condition on one item alone to its scan, outer joins permitting, the others to the
 * lowest join that has their columns), and conditions on a subquery in FROM go into it where they may
 * (subquery-pushdown.ts). So a partitioned table is pruned by its own conditions wherever it is read.
 *
 * Access paths are chosen in one place, `planTableAccess`: a table is read by a sequential scan that evaluates
 * the filter (`seq =% 'ACGT'` calls the catalog's match function per row), or through a kmersearch GIN index when
 * a conjunct is `column =% query` on an indexed column whose index may answer it (index-paths.ts: SPEC §4, F4,
 * F7). When a SELECT reads through an index, its `kmersearch_matchscore(column, query)` calls take the scores
 * from the index's counts (index-paths.ts `rewriteScores`).
 */
import type * as ast from './ast.js';
import type {
  BoundExpression,
  BoundFromItem,
  BoundQuery,
  BoundSelect,
  BoundSetOperation,
  BoundSubquerySource,
  BoundTableSource,
  BoundValues,
  OutputColumn,
} from './binder/bound.js';
import { type PlanningContext, columnsRead, planKmersearchAccess, rewriteScores } from './index-paths.js';
import { type Conjunct, filterConjuncts, filterOfConjuncts, foldsToFalse } from './conjuncts.js';
import { type PlacedFrom, placeRestrictions } from './join-restrictions.js';
import { type AppendNode, type BitmapHeapScanNode, type PlanFilter, type PlanNode, type SeqScanNode, isEmptyPlan, rangeEntryCount } from './plan.js';
import { pushIntoSubquery } from './subquery-pushdown.js';
import { partitionSchemeOf } from '../partition/index.js';
import type { TableRecord } from '../storage/index.js';
import { prunedRemainders } from './partition-pruning.js';
import { type SqlType, type SqlValue, castValue } from './types.js';

export type { PlanningContext } from './index-paths.js';
export { sequentialPlanning } from './index-paths.js';

export function planQuery(query: BoundQuery, planning: PlanningContext): PlanNode {
  switch (query.kind) {
    case 'select':
      return planSelect(query, planning);
    case 'values':
      return planValues(query);
    case 'setOperation':
      return planSetOperation(query, planning);
  }
}

function filterOf(condition: BoundExpression | undefined, syntax: ast.Expression | undefined): PlanFilter | undefined {
  return condition === undefined ? undefined : Object.freeze({ condition, syntax });
}

function planSelect(select: BoundSelect, planning: PlanningContext): PlanNode {
  const where = filterOf(select.where, select.whereSyntax);
  let node: PlanNode = select.from === undefined ? Object.freeze({ kind: 'result', filter: where }) : planFrom(select.from, where, planning);
  const grouping = select.grouping;
  let targets: readonly BoundExpression[] = select.targets.map((target) => target.expression);
  if (node.kind === 'bitmapHeapScan' && grouping === undefined) {
    const scored = withIndexScores(node, targets);
    targets = scored.targets;
    node = scored.scan;
  } else if (node.kind === 'append' && grouping === undefined) {
    const planned = planAppendScores(node, targets);
    targets = planned.targets;
    node = planned.node;
  }
  if (grouping !== undefined) {
    node = Object.freeze({
      kind: 'aggregate',
      strategy: grouping.keys.length > 0 ? 'hashed' : 'plain',
      keys: grouping.keys,
      keySyntax: grouping.keySyntax,
      aggregates: grouping.aggregates,
      having: filterOf(grouping.having, grouping.havingSyntax),
      input: node,
    });
  }
  const hasSetFunction = targets.some((target) => target.kind === 'setFunction');
  node = Object.freeze({ kind: hasSetFunction ? 'projectSet' : 'project', targets: Object.freeze(targets), input: node });
  if (select.distinct) {
    node = Object.freeze({
      kind: 'distinct',
      width: select.columns.length,
      types: Object.freeze(select.columns.map((column) => column.type)),
      keySyntax: Object.freeze(select.targets.slice(0, select.columns.length).map((target) => target.syntax)),
      input: node,
    });
  }
  return planSortAndLimit(node, select);
}

/**
 * Scores from the index's counts, in the target list and in the scan's own filter; then only the columns the
 * query still reads are fetched from the rows the index returns.
 */
function withIndexScores(
  node: BitmapHeapScanNode,
  targets: readonly BoundExpression[],
): { readonly scan: BitmapHeapScanNode; readonly targets: readonly BoundExpression[]; readonly changed: boolean } {
  let scan = node;
  let scanTargets = targets;
  const filter = scan.filter;
  const rewritten = rewriteScores(scan, filter === undefined ? targets : [...targets, filter.condition]);
  if (rewritten.changed) {
    scanTargets = rewritten.expressions.slice(0, targets.length);
    const condition = rewritten.expressions[targets.length];
    scan = {
      ...scan,
      withScores: true,
      filter: filter === undefined || condition === undefined ? filter : Object.freeze({ ...filter, condition }),
    };
  }
  const read = scan.filter === undefined ? scanTargets : [...scanTargets, scan.filter.condition];
  return { scan: Object.freeze({ ...scan, fetchColumns: columnsRead(scan, read) }), targets: scanTargets, changed: rewritten.changed };
}

/**
 * The score rewrite over the partitions of an Append: the target list can read the score column only when every
 * partition answers through an index for the same condition with exact counts; otherwise matchscore is
 * computed row by row everywhere (the same numbers, SPEC §4) and index scans only narrow their fetches.
 */
function planAppendScores(node: AppendNode, targets: readonly BoundExpression[]): { readonly node: AppendNode; readonly targets: readonly BoundExpression[] } {
  const first = node.children[0];
  const uniform =
    first?.kind === 'bitmapHeapScan' &&
    node.children.every((child) => child.kind === 'bitmapHeapScan' && child.indexCondition.syntax === first.indexCondition.syntax);
  if (uniform) {
    const scored = node.children.map((child) => withIndexScores(child as BitmapHeapScanNode, targets));
    if (scored.every((result) => result.changed)) {
      return { node: Object.freeze({ ...node, children: Object.freeze(scored.map((result) => result.scan)) }), targets: (scored[0] as (typeof scored)[0]).targets };
    }
  }
  const children = node.children.map((child) => {
    if (child.kind !== 'bitmapHeapScan') return child;
    const read = child.filter === undefined ? targets : [...targets, child.filter.condition];
    return Object.freeze({ ...child, fetchColumns: columnsRead(child, read) });
  });
  return { node: Object.freeze({ ...node, children: Object.freeze(children) }), targets };
}

function planSortAndLimit(input: PlanNode, query: BoundQuery): PlanNode {
  let node = input;
  if (query.sortKeys.length > 0) node = Object.freeze({ kind: 'sort', keys: query.sortKeys, input: node });
  if (query.limit.limit !== undefined || query.limit.offset !== undefined) {
    node = Object.freeze({ kind: 'limit', limit: query.limit.limit, offset: query.limit.offset, input: node });
  }
  return node;
}

/**
 * A FROM tree. A single table reads the whole WHERE clause; a subquery takes the conditions it may
 * (subquery-pushdown.ts); in a tree with joins each condition goes where PostgreSQL evaluates it
 * (join-restrictions.ts), so that a FROM item's own conditions restrict — and prune — its scan.
 */
function planFrom(item: BoundFromItem, where: PlanFilter | undefined, planning: PlanningContext): PlanNode {
  switch (item.kind) {
    case 'table':
      return planTableAccess(item, where, false, planning);
    case 'function': {
      const scan: PlanNode = Object.freeze({ kind: 'functionScan', source: item, filter: where });
      return dummyIfRuledOut(filterConjuncts(where), scan);
    }
    case 'subquery': {
      const conjuncts = filterConjuncts(where);
      const scan = planSubqueryScan(item, conjuncts, planning);
      return dummyIfRuledOut(conjuncts, scan);
    }
    case 'join':
      return planPlaced(placeRestrictions(item, filterConjuncts(where)), planning);
  }
}

/**
 * `scan`, or a dummy relation in its place when one of its conditions folds to FALSE or NULL (PostgreSQL's
 * relation_excluded_by_constraints checks that first, whatever constraint_exclusion says).
 */
function dummyIfRuledOut(conjuncts: readonly Conjunct[], scan: PlanNode): PlanNode {
  return conjuncts.some((conjunct) => foldsToFalse(conjunct.condition)) ? emptyRelation(scan) : scan;
}

/** PostgreSQL's dummy relation in place of `replaced`: no row, `Result` / `One-Time Filter: false`. */
function emptyRelation(replaced: PlanNode): PlanNode {
  return Object.freeze({ kind: 'result', filter: undefined, empty: Object.freeze({ rangeEntries: rangeEntryCount(replaced) }) });
}

/** A subquery in FROM with the restrictions it takes pushed in and the others on its scan. */
function planSubqueryScan(item: BoundSubquerySource, restrictions: readonly Conjunct[], planning: PlanningContext): PlanNode {
  const pushed = pushIntoSubquery(item.query, restrictions);
  const input = planQuery(pushed.query, planning);
  const scan: PlanNode = Object.freeze({ kind: 'subqueryScan', name: item.name, input, width: item.width, filter: filterOfConjuncts(pushed.remaining) });
  // A subquery whose rows are all ruled out is a dummy relation itself (set_subquery_pathlist).
  return isEmptyPlan(input) ? emptyRelation(scan) : scan;
}

function planPlaced(placed: PlacedFrom, planning: PlanningContext): PlanNode {
  switch (placed.kind) {
    case 'leaf': {
      const item = placed.item;
      const filter = filterOfConjuncts(placed.restrictions);
      if (item.kind === 'table') return planTableAccess(item, filter, false, planning);
      if (item.kind === 'function') return Object.freeze({ kind: 'functionScan', source: item, filter });
      return planSubqueryScan(item, placed.restrictions, planning);
    }
    case 'empty':
      return emptyRelation(planPlaced(placed.replaced, planning));
    case 'join': {
      const join = placed.join;
      const outer = planPlaced(placed.left, planning);
      const inner = planPlaced(placed.right, planning);
      const node: PlanNode = Object.freeze({
        kind: 'nestedLoop',
        joinType: placed.joinType,
        outer,
        inner,
        outerWidth: join.left.width,
        innerWidth: join.right.width,
        joinCondition: filterOfConjuncts(placed.joinConditions),
        filter: filterOfConjuncts(placed.filters),
      });
      // populate_joinrel_with_paths: a join is empty when a side it keeps every row of is.
      const outerEmpty = isEmptyPlan(outer);
      const innerEmpty = isEmptyPlan(inner);
      const empty =
        placed.joinType === 'left' ? outerEmpty : placed.joinType === 'right' ? innerEmpty : placed.joinType === 'full' ? outerEmpty && innerEmpty : outerEmpty || innerEmpty;
      return empty ? emptyRelation(node) : node;
    }
  }
}

/**
 * How to read a table for a filter: through a kmersearch index when one may answer, else sequentially. A
 * partitioned table is read by an Append over the partitions the filter may reach (partition-pruning.ts), unless
 * `enable_partition_pruning` is off.
 */
export function planTableAccess(
  source: BoundTableSource,
  filter: PlanFilter | undefined,
  withRowIds: boolean,
  planning: PlanningContext,
): PlanNode {
  const access = planTableRead(source, filter, withRowIds, planning);
  // Partitioned or not, and whatever enable_partition_pruning says.
  return dummyIfRuledOut(filterConjuncts(filter), access);
}

function planTableRead(source: BoundTableSource, filter: PlanFilter | undefined, withRowIds: boolean, planning: PlanningContext): PlanNode {
  const scheme = partitionSchemeOf(source.table);
  if (scheme === undefined) return planKmersearchAccess(source, filter, withRowIds, planning);
  const partitions = planning.partitionsOf(source.table);
  const pruning = filter !== undefined && (planning.settings?.enablePartitionPruning ?? true);
  // (A planning context without the catalog's partitions, sequentialPlanning, has nothing to prune.)
  const pruned = pruning && partitions.length === scheme.partitionIds.length ? prunedRemainders(filter.condition, scheme) : undefined;
  const remainders = pruned ?? partitions.map((_, remainder) => remainder);
  // PostgreSQL names the partitions' range entries after the parent's, numbered among the partitions left:
  // t_1, t_2, … (EXPLAIN `Seq Scan on t_0 t_1`).
  const alias = source.alias ?? source.table.name;
  const children = remainders.map((remainder, position) =>
    planKmersearchAccess(
      { kind: 'table', table: partitions[remainder] as TableRecord, alias: `${alias}_${position + 1}`, width: source.width },
      filter,
      withRowIds,
      planning,
    ),
  ) as (SeqScanNode | BitmapHeapScanNode)[];
  return Object.freeze({
    kind: 'append',
    table: source.table,
    alias,
    children: Object.freeze(children),
    remainders: Object.freeze(remainders),
    modulus: scheme.partitionIds.length,
    withRowIds,
  });
}

function planValues(values: BoundValues): PlanNode {
  return planSortAndLimit(Object.freeze({ kind: 'valuesScan', rows: values.rows, filter: undefined }), values);
}

/** A side of a set operation, with its columns converted to the operation's common types where they differ. */
function planSetOperand(query: BoundQuery, columns: readonly OutputColumn[], planning: PlanningContext): PlanNode {
  const input = planQuery(query, planning);
  const needsCast = query.columns.some((column, index) => column.type.id !== columns[index]?.type.id);
  if (!needsCast) return input;
  const targets: BoundExpression[] = query.columns.map((column, index) => {
    const reference: BoundExpression = Object.freeze({
      kind: 'column',
      type: column.type,
      index,
      levelsUp: 0,
      name: column.name,
      relationName: '',
      location: -1,
    });
    const target = (columns[index] as OutputColumn).type;
    if (target.id === column.type.id) return reference;
    return Object.freeze({ kind: 'cast', type: target, operand: reference, convert: implicitCast(column.type, target) });
  });
  return Object.freeze({ kind: 'project', targets: Object.freeze(targets), input });
}

function implicitCast(source: SqlType, target: SqlType): (value: SqlValue) => SqlValue {
  return (value) => castValue(value, source, target, 'implicit');
}

function planSetOperation(operation: BoundSetOperation, planning: PlanningContext): PlanNode {
  const node: PlanNode = Object.freeze({
    kind: 'setOperation',
    operator: operation.operator,
    all: operation.all,
    left: planSetOperand(operation.left, operation.columns, planning),
    right: planSetOperand(operation.right, operation.columns, planning),
    types: Object.freeze(operation.columns.map((column) => column.type)),
  });
  return planSortAndLimit(node, operation);
}
