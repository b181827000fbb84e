/**
 * The bound tree: what the binder makes of the syntax tree once names, types and operators are resolved. Every
 * node has its result `type`; column references are positions in the row of the query level they belong to;
 * operators and casts carry the evaluation function the type system chose, so the executor only has to wire
 * closures together (expression.ts). Nodes are frozen plain objects, like the syntax tree.
 *
 * A query is bound into a BoundQuery (SELECT, VALUES or a set operation) that the planner turns into a plan.
 */
import type * as ast from '../ast.js';
import type { ScalarFunction, SetReturningFunction } from '../functions/contract.js';
import type { AggregateSignature, SqlType, SqlValue } from '../types.js';
import type { TableRecord } from '../../storage/index.js';

/** One row flowing through the executor: the values of the columns of the current query level, in order. */
export type Row = SqlValue[];

export type BoundExpression =
  | BoundConstant
  | BoundColumn
  | BoundCast
  | BoundOperator
  | BoundFunction
  | BoundSessionFunction
  | BoundLogical
  | BoundNot
  | BoundNullTest
  | BoundBooleanTest
  | BoundDistinctFrom
  | BoundCase
  | BoundIn
  | BoundLike
  | BoundFieldSelect
  | BoundRow
  | BoundSubquery
  | BoundAggregate
  | BoundSetFunction
  | BoundClock;

/** A literal, a folded cast of a literal, or a parameter value. */
export interface BoundConstant {
  readonly kind: 'constant';
  readonly type: SqlType;
  readonly value: SqlValue;
  /** The literal or parameter it came from: folded coercions keep it, so EXPLAIN can print the typed constant. */
  readonly syntax: ast.Expression | undefined;
}

/** A column of the row of the query `levelsUp` levels out (0 = this level). */
export interface BoundColumn {
  readonly kind: 'column';
  readonly type: SqlType;
  readonly index: number;
  readonly levelsUp: number;
  /** Column and range-entry names, for errors (`column "t.x" must appear in the GROUP BY clause …`). */
  readonly name: string;
  readonly relationName: string;
  readonly location: number;
  /** The base-table column it reads, when it reads one directly (not through a subquery or function). */
  readonly tableColumn?: TableColumn | undefined;
}

/** A column of a stored table, by the table's stable id and the column's name. */
export interface TableColumn {
  readonly tableId: number;
  readonly columnName: string;
}

export interface BoundCast {
  readonly kind: 'cast';
  readonly type: SqlType;
  readonly operand: BoundExpression;
  /** Converts a non-null value of the operand's type (castValue with the context and I/O options bound). */
  readonly convert: (value: SqlValue) => SqlValue;
}

/** A built-in operator of types/operators.ts (strict: NULL in, NULL out). */
export interface BoundOperator {
  readonly kind: 'operator';
  readonly type: SqlType;
  readonly name: string;
  /** Absent for a prefix operator. */
  readonly left: BoundExpression | undefined;
  readonly right: BoundExpression;
  readonly evaluate: (left: SqlValue, right: SqlValue) => SqlValue;
}

/** A scalar function of the catalog, also the implementation of a catalog operator such as `=%`. */
export interface BoundFunction {
  readonly kind: 'function';
  readonly type: SqlType;
  readonly function: ScalarFunction;
  readonly arguments: readonly BoundExpression[];
  /** Set when the call stands for an operator (`seq =% 'ACGT'`): what the planner looks for to use an index. */
  readonly operatorName: string | undefined;
  /**
   * For a function that reads it (ScalarFunction.readsArgumentColumn): the base-table column its first argument
   * is, when it is one. `seq =% 'ACGT'` needs it for high-frequency exclusion (SPEC §4: a query on column C of
   * table T); any other first argument leaves it undefined.
   */
  readonly argumentColumn?: TableColumn | undefined;
}

/**
 * Functions that reach what catalog functions cannot: the write transaction (nextval, currval, setval) and the
 * session's settings with their transaction semantics (current_setting, set_config).
 */
export interface BoundSessionFunction {
  readonly kind: 'sessionFunction';
  readonly type: SqlType;
  readonly name: SessionFunctionName;
  readonly arguments: readonly BoundExpression[];
}

export interface BoundLogical {
  readonly kind: 'and' | 'or';
  readonly type: SqlType;
  readonly arguments: readonly BoundExpression[];
}

export interface BoundNot {
  readonly kind: 'not';
  readonly type: SqlType;
  readonly operand: BoundExpression;
}

export interface BoundNullTest {
  readonly kind: 'nullTest';
  readonly type: SqlType;
  readonly operand: BoundExpression;
  readonly negated: boolean;
}

export interface BoundBooleanTest {
  readonly kind: 'booleanTest';
  readonly type: SqlType;
  readonly operand: BoundExpression;
  readonly test: 'true' | 'false' | 'unknown';
  readonly negated: boolean;
}

export interface BoundDistinctFrom {
  readonly kind: 'distinctFrom';
  readonly type: SqlType;
  readonly left: BoundExpression;
  readonly right: BoundExpression;
  /** The `=` operator's function on non-null operands. */
  readonly equals: (left: SqlValue, right: SqlValue) => SqlValue;
  readonly negated: boolean;
}

export interface BoundCase {
  readonly kind: 'case';
  readonly type: SqlType;
  readonly whens: readonly { readonly condition: BoundExpression; readonly result: BoundExpression }[];
  readonly elseResult: BoundExpression;
}

/** `x [NOT] IN (a, b, …)`: one `=` per item, each resolved for its own types, as an OR chain would be. */
export interface BoundIn {
  readonly kind: 'in';
  readonly type: SqlType;
  readonly operand: BoundExpression;
  readonly items: readonly {
    readonly value: BoundExpression;
    /** Converts the operand's value to the `=` operator's left type. */
    readonly convertOperand: (value: SqlValue) => SqlValue;
    readonly equals: (left: SqlValue, right: SqlValue) => SqlValue;
  }[];
  readonly negated: boolean;
}

export interface BoundLike {
  readonly kind: 'like';
  readonly type: SqlType;
  readonly operand: BoundExpression;
  readonly pattern: BoundExpression;
  readonly escape: BoundExpression | undefined;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
}

/** `(composite).field`. */
export interface BoundFieldSelect {
  readonly kind: 'fieldSelect';
  readonly type: SqlType;
  readonly operand: BoundExpression;
  readonly fieldIndex: number;
}

export interface BoundRow {
  readonly kind: 'row';
  readonly type: SqlType;
  readonly fields: readonly BoundExpression[];
}

/**
 * A subquery used as a value: scalar `(SELECT …)`, `EXISTS (…)`, or `x op ANY|ALL (SELECT …)` (IN is `= ANY`).
 * Correlated subqueries see the rows of the enclosing levels through BoundColumn.levelsUp.
 */
export interface BoundSubquery {
  readonly kind: 'subquery';
  readonly type: SqlType;
  readonly mode: 'scalar' | 'exists' | 'any' | 'all';
  readonly query: BoundQuery;
  /** For ANY/ALL: the left operand (already of the operator's type) and the comparison. */
  readonly comparison:
    | {
        readonly left: BoundExpression;
        readonly convertRight: (value: SqlValue) => SqlValue;
        readonly compare: (left: SqlValue, right: SqlValue) => SqlValue;
      }
    | undefined;
  /** For `NOT IN`: the result is negated (`<> ALL` would need the negator operator). */
  readonly negated: boolean;
}

export type SessionFunctionName = 'nextval' | 'currval' | 'setval' | 'current_setting' | 'set_config';

export type BoundAggregateName = AggregateSignature['name'] | 'string_agg';

/**
 * An aggregate call as written in a target list, HAVING or ORDER BY. After grouping it is replaced by a column
 * of the aggregate node's output (binder/grouping.ts); its argument is evaluated on the input rows.
 */
export interface BoundAggregate {
  readonly kind: 'aggregate';
  readonly type: SqlType;
  readonly name: BoundAggregateName;
  readonly signature: AggregateSignature | undefined;
  /** Absent for count(*). */
  readonly argument: BoundExpression | undefined;
  /** string_agg's delimiter. */
  readonly delimiter: BoundExpression | undefined;
  readonly distinct: boolean;
  readonly filter: BoundExpression | undefined;
  readonly orderBy: readonly BoundOrdering[];
  readonly location: number;
  /** Distinguishes two identical-looking calls only by position; identical calls may share one accumulator. */
  readonly fingerprint: string;
}

/** A sort specification on a value computed per row (aggregate ORDER BY). */
export interface BoundOrdering {
  readonly expression: BoundExpression;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** A set-returning function at the top of a target list (`SELECT generate_series(1, 3)`), run by ProjectSet. */
export interface BoundSetFunction {
  readonly kind: 'setFunction';
  readonly type: SqlType;
  readonly function: SetReturningFunction;
  readonly arguments: readonly BoundExpression[];
}

/** CURRENT_TIMESTAMP and friends: the transaction's or the statement's start time. */
export interface BoundClock {
  readonly kind: 'clock';
  readonly type: SqlType;
  readonly which: 'transaction' | 'statement';
}

// ---------------------------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------------------------

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

export type BoundQuery = BoundSelect | BoundValues | BoundSetOperation;

/** A target-list entry; `resjunk` entries exist only to be sorted on (PostgreSQL's resjunk columns). */
export interface BoundTarget {
  readonly name: string;
  readonly expression: BoundExpression;
  readonly resjunk: boolean;
  /** The expression as written, for EXPLAIN's Sort Key. */
  readonly syntax: ast.Expression | undefined;
}

export interface BoundSortKey {
  /** Position in the (projected) row. */
  readonly index: number;
  readonly type: SqlType;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  readonly syntax: ast.Expression | undefined;
}

export interface BoundGrouping {
  /** GROUP BY expressions, evaluated on the input rows; the aggregate row starts with their values. */
  readonly keys: readonly BoundExpression[];
  readonly keySyntax: readonly (ast.Expression | undefined)[];
  /** Aggregates, evaluated on the input rows; their results follow the keys in the aggregate row. */
  readonly aggregates: readonly BoundAggregate[];
  /** HAVING, on the aggregate row. */
  readonly having: BoundExpression | undefined;
  readonly havingSyntax: ast.Expression | undefined;
}

export interface BoundLimit {
  readonly limit: BoundExpression | undefined;
  readonly offset: BoundExpression | undefined;
}

export interface BoundSelect {
  readonly kind: 'select';
  readonly from: BoundFromItem | undefined;
  readonly where: BoundExpression | undefined;
  readonly whereSyntax: ast.Expression | undefined;
  readonly grouping: BoundGrouping | undefined;
  /** Visible targets first, then resjunk ones. With grouping they are evaluated on the aggregate row. */
  readonly targets: readonly BoundTarget[];
  readonly distinct: boolean;
  readonly sortKeys: readonly BoundSortKey[];
  readonly limit: BoundLimit;
  readonly columns: readonly OutputColumn[];
  /** Number of range entries in FROM (EXPLAIN qualifies column names when there are several). */
  readonly relationCount: number;
}

export interface BoundValues {
  readonly kind: 'values';
  readonly rows: readonly (readonly BoundExpression[])[];
  readonly sortKeys: readonly BoundSortKey[];
  readonly limit: BoundLimit;
  readonly columns: readonly OutputColumn[];
}

export interface BoundSetOperation {
  readonly kind: 'setOperation';
  readonly operator: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: BoundQuery;
  readonly right: BoundQuery;
  readonly sortKeys: readonly BoundSortKey[];
  readonly limit: BoundLimit;
  readonly columns: readonly OutputColumn[];
}

// ---------------------------------------------------------------------------------------------------------------
// FROM
// ---------------------------------------------------------------------------------------------------------------

export type BoundFromItem = BoundTableSource | BoundFunctionSource | BoundSubquerySource | BoundJoin;

export interface BoundTableSource {
  readonly kind: 'table';
  readonly table: TableRecord;
  /** The alias as written, if any (EXPLAIN prints `Seq Scan on t x`). */
  readonly alias: string | undefined;
  readonly width: number;
}

export interface BoundFunctionSource {
  readonly kind: 'function';
  readonly name: string;
  readonly alias: string | undefined;
  readonly function: ScalarFunction | SetReturningFunction;
  readonly arguments: readonly BoundExpression[];
  readonly resultType: SqlType;
  /** The function returns a composite that is spread into one column per field. */
  readonly expandRecord: boolean;
  readonly withOrdinality: boolean;
  readonly width: number;
}

export interface BoundSubquerySource {
  readonly kind: 'subquery';
  readonly query: BoundQuery;
  /** The range entry's name (alias, or `*VALUES*` for VALUES, `unnamed_subquery` otherwise). */
  readonly name: string;
  readonly width: number;
}

export interface BoundJoin {
  readonly kind: 'join';
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly left: BoundFromItem;
  readonly right: BoundFromItem;
  readonly condition: BoundExpression | undefined;
  readonly conditionSyntax: ast.Expression | undefined;
  readonly width: number;
}
