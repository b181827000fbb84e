/**
 * Plan nodes: the executor's tree of row sources and transformations, built by planner.ts and shown by EXPLAIN
 * (executor/explain.ts) in PostgreSQL's node vocabulary. Nodes are frozen; expressions in them are bound
 * expressions, compiled when the plan runs. The `…Syntax` fields keep the expressions as written, which EXPLAIN
 * deparses in ruleutils' style.
 */
import type * as ast from './ast.js';
import type {
  BoundAggregate,
  BoundExpression,
  BoundFunctionSource,
  BoundSortKey,
  BoundJoin,
} from './binder/bound.js';
import type { SqlType } from './types.js';
import type { IndexRecord, TableRecord } from '../storage/index.js';

export type PlanNode =
  | SeqScanNode
  | BitmapHeapScanNode
  | AppendNode
  | FunctionScanNode
  | SubqueryScanNode
  | ValuesScanNode
  | ResultNode
  | NestedLoopNode
  | AggregateNode
  | ProjectNode
  | ProjectSetNode
  | DistinctNode
  | SortNode
  | LimitNode
  | SetOperationNode;

/** A filter as evaluated (`condition`) and as written (`syntax`, for EXPLAIN's `Filter:` line). */
export interface PlanFilter {
  readonly condition: BoundExpression;
  readonly syntax: ast.Expression | undefined;
}

export interface SeqScanNode {
  readonly kind: 'seqScan';
  readonly table: TableRecord;
  readonly alias: string | undefined;
  readonly filter: PlanFilter | undefined;
  /** Append each row's id as an extra last column (UPDATE and DELETE need it). */
  readonly withRowIds: boolean;
  /** Why a kmersearch index of the table was not used (EXPLAIN prints them after the Filter, deviation F7). */
  readonly notes?: readonly string[] | undefined;
}

/** `column =% query` answered by a kmersearch index; `query` does not depend on the scanned row. */
export interface IndexCondition {
  readonly columnIndex: number;
  readonly query: BoundExpression;
  /** The conjunct as written (EXPLAIN's Recheck Cond and Index Cond). */
  readonly syntax: ast.Expression | undefined;
}

/**
 * A kmersearch index search and the fetch of its rows, PostgreSQL's Bitmap Heap Scan over a Bitmap Index Scan.
 * Rows come in row id order with the table's columns, then the row id (`withRowIds`), then the row's shared count
 * (`withScores`: the index's exact kmersearch_matchscore(column, query), SPEC §4).
 */
export interface BitmapHeapScanNode {
  readonly kind: 'bitmapHeapScan';
  readonly table: TableRecord;
  readonly alias: string | undefined;
  readonly index: IndexRecord;
  readonly indexCondition: IndexCondition;
  /** The other conjuncts of the WHERE clause, evaluated on the rows the index returns. */
  readonly filter: PlanFilter | undefined;
  readonly withRowIds: boolean;
  readonly withScores: boolean;
  /**
   * The table columns the plan reads from these rows (the others stay NULL and are not decoded), or undefined
   * for all of them.
   */
  readonly fetchColumns: readonly number[] | undefined;
  /**
   * The sequential scan with the whole WHERE clause, run instead when the query text is invalid, so that the
   * statement fails (or not) exactly as it would without the index.
   */
  readonly fallback: SeqScanNode;
}

/**
 * A partitioned table read partition by partition (PostgreSQL's Append over the partitions' scans, in remainder
 * order). Each child is the access path its partition's own indexes allow; with `withRowIds` a row carries its
 * combined row id (src/partition `combinedRowId`), so UPDATE and DELETE know its partition. Partitions that the
 * WHERE clause rules out are pruned (partition-pruning.ts): one child left prints as its scan alone, none as
 * `Result` with `One-Time Filter: false`, as PostgreSQL prints them.
 */
export interface AppendNode {
  readonly kind: 'append';
  /** The partitioned table. */
  readonly table: TableRecord;
  /** The parent's range-entry name (its alias, else its name): EXPLAIN's name for a lone remaining partition. */
  readonly alias: string;
  readonly children: readonly (SeqScanNode | BitmapHeapScanNode)[];
  /** The remainder (partition number) of each child: the children left after pruning. */
  readonly remainders: readonly number[];
  /** The partition count, the modulus of combined row ids. */
  readonly modulus: number;
  readonly withRowIds: boolean;
}

export interface FunctionScanNode {
  readonly kind: 'functionScan';
  readonly source: BoundFunctionSource;
  readonly filter: PlanFilter | undefined;
}

export interface SubqueryScanNode {
  readonly kind: 'subqueryScan';
  readonly name: string;
  readonly input: PlanNode;
  /** Visible columns of the subquery (its rows may carry resjunk sort columns after them). */
  readonly width: number;
  readonly filter: PlanFilter | undefined;
}

export interface ValuesScanNode {
  readonly kind: 'valuesScan';
  readonly rows: readonly (readonly BoundExpression[])[];
  readonly filter: PlanFilter | undefined;
}

/**
 * One empty row (SELECT without FROM); a filter here is PostgreSQL's One-Time Filter. With `empty` it stands for
 * PostgreSQL's dummy relation instead: a FROM item or join that a condition rules out whole (every partition
 * pruned, a condition folded to FALSE), which returns no row and prints as `Result` / `One-Time Filter: false`.
 */
export interface ResultNode {
  readonly kind: 'result';
  readonly filter: PlanFilter | undefined;
  /** For a dummy relation: the range entries of the plan it replaces (EXPLAIN's prefixing counts them). */
  readonly empty?: { readonly rangeEntries: number } | undefined;
}

export interface NestedLoopNode {
  readonly kind: 'nestedLoop';
  readonly joinType: BoundJoin['joinType'];
  readonly outer: PlanNode;
  readonly inner: PlanNode;
  readonly outerWidth: number;
  readonly innerWidth: number;
  /** The ON condition: decides which pairs match (and which rows an outer join pads with NULLs). */
  readonly joinCondition: PlanFilter | undefined;
  /** WHERE conditions applied to the joined rows. */
  readonly filter: PlanFilter | undefined;
}

export interface AggregateNode {
  readonly kind: 'aggregate';
  /** 'plain' without GROUP BY (one row even for no input), 'hashed' with it. */
  readonly strategy: 'plain' | 'hashed';
  readonly keys: readonly BoundExpression[];
  readonly keySyntax: readonly (ast.Expression | undefined)[];
  readonly aggregates: readonly BoundAggregate[];
  readonly having: PlanFilter | undefined;
  readonly input: PlanNode;
}

/** Computes the target list (not shown by EXPLAIN, as PostgreSQL shows no node for projection). */
export interface ProjectNode {
  readonly kind: 'project';
  readonly targets: readonly BoundExpression[];
  readonly input: PlanNode;
}

/** A target list with set-returning functions: one output row per row they produce (PostgreSQL 10 semantics). */
export interface ProjectSetNode {
  readonly kind: 'projectSet';
  readonly targets: readonly BoundExpression[];
  readonly input: PlanNode;
}

/** SELECT DISTINCT: keeps the first row of each distinct value of the first `width` columns. */
export interface DistinctNode {
  readonly kind: 'distinct';
  readonly width: number;
  readonly types: readonly SqlType[];
  readonly keySyntax: readonly (ast.Expression | undefined)[];
  readonly input: PlanNode;
}

export interface SortNode {
  readonly kind: 'sort';
  readonly keys: readonly BoundSortKey[];
  readonly input: PlanNode;
}

export interface LimitNode {
  readonly kind: 'limit';
  readonly limit: BoundExpression | undefined;
  readonly offset: BoundExpression | undefined;
  readonly input: PlanNode;
}

export interface SetOperationNode {
  readonly kind: 'setOperation';
  readonly operator: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly types: readonly SqlType[];
}

/** Range entries a plan reads (PostgreSQL prefixes column names with their relation when there are several). */
export function rangeEntryCount(node: PlanNode): number {
  switch (node.kind) {
    case 'seqScan':
    case 'bitmapHeapScan':
    case 'functionScan':
    case 'valuesScan':
      return 1;
    case 'append':
      // The parent's range entry and one per partition: PostgreSQL then prefixes sort and group keys.
      return 1 + node.children.length;
    case 'subqueryScan':
      return 1 + rangeEntryCount(node.input);
    case 'result':
      return node.empty?.rangeEntries ?? 0;
    case 'nestedLoop':
      return rangeEntryCount(node.outer) + rangeEntryCount(node.inner);
    case 'setOperation':
      return rangeEntryCount(node.left) + rangeEntryCount(node.right);
    default:
      return rangeEntryCount(node.input);
  }
}

/** True for a plan that returns no row whatever the data: an Append left without partitions, a dummy Result. */
export function isEmptyPlan(node: PlanNode): boolean {
  switch (node.kind) {
    case 'append':
      return node.children.length === 0;
    case 'result':
      return node.empty !== undefined;
    case 'project':
    case 'projectSet':
      // PostgreSQL's is_dummy_rel looks through projections only.
      return isEmptyPlan(node.input);
    default:
      return false;
  }
}
