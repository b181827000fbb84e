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
import type { TableRecord } from '../storage/index.js';

export type PlanNode =
  | SeqScanNode
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

/** One empty row (SELECT without FROM); a filter here is PostgreSQL's One-Time Filter. */
export interface ResultNode {
  readonly kind: 'result';
  readonly filter: PlanFilter | undefined;
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
