/**
 * The SQL front end of kmersearch: lexer.ts (PostgreSQL's scan.l rules and psql's script splitting), parser.ts
 * (a recursive-descent parser for the dialect of SPEC §8 with PostgreSQL's operator precedence and error texts),
 * this file (the syntax tree) and deparse.ts (syntax tree back to SQL: lossless for storage and tests, and in
 * PostgreSQL's EXPLAIN style for `Filter:` lines).
 *
 * What the front end owns: turning text into frozen syntax trees and back, and every error that PostgreSQL's
 * raw parser raises (42601 syntax errors with their 1-based positions, unterminated literals and comments).
 * What it does not own: names and types. A tree is what was written — identifiers folded, type names
 * normalised (`integer` → `int4`, `double precision` → `float8`), literals kept as text — and whether a table,
 * column, function or type exists, or an expression is allowed where it appears (DEFAULT outside VALUES, `*`
 * outside a target list), is decided by the planner and executor, which also report 42704 `type "foo" does not
 * exist` at the type name's `location`.
 *
 * Every node is deeply frozen (Kysely style) and has a `kind` discriminant and a `location`: the 0-based offset
 * (UTF-16 units) of its first token in the statement text, for error positions (see lexer.errorPosition).
 * Parameters are `$n` nodes only: a parameter's value never passes through the lexer.
 */

// ---------------------------------------------------------------------------------------------------------------
// Names and types
// ---------------------------------------------------------------------------------------------------------------

export interface RelationName {
  readonly kind: 'relationName';
  readonly schema?: string;
  readonly name: string;
  readonly location: number;
}

/** `AS alias (column, …)` after a FROM item. */
export interface Alias {
  readonly kind: 'alias';
  readonly name: string;
  readonly columns: readonly string[];
  readonly location: number;
}

/**
 * A type as written, normalised to PostgreSQL's internal names for the SQL-standard spellings: int4, int8, int2,
 * float4, float8, numeric, bool, varchar, bpchar (character), timestamp, timestamptz, time, timetz, interval,
 * bit, varbit. Other names (text, dna2, bytea, serial, regclass, int4, timestamptz, …) are kept as written.
 */
export interface TypeName {
  readonly kind: 'typeName';
  readonly schema?: string;
  readonly name: string;
  /** Type modifiers: `varchar(10)` → [10], `numeric(10, 2)` → [10, 2], `timestamp(3)` → [3]. */
  readonly modifiers: readonly number[];
  /** Number of `[]` suffixes (array dimensions). */
  readonly arrayDimensions: number;
  readonly location: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------------

export type Expression =
  | ColumnReference
  | Star
  | Parameter
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | TypeCast
  | UnaryOperation
  | BinaryOperation
  | AndExpression
  | OrExpression
  | NotExpression
  | NullTest
  | BooleanTest
  | DistinctFrom
  | Between
  | Like
  | InList
  | InSubquery
  | Quantified
  | ArrayConstructor
  | ScalarSubquery
  | Exists
  | FunctionCall
  | NamedArgument
  | CaseExpression
  | FieldSelection
  | FieldStar
  | RowConstructor
  | SqlValueFunction
  | SetToDefault;

/** `col`, `t.col`, `schema.t.col`. */
export interface ColumnReference {
  readonly kind: 'columnReference';
  readonly names: readonly string[];
  readonly location: number;
}

/** `*` or `t.*` (meaningful in target lists; `count(*)` is a FunctionCall with `star`). */
export interface Star {
  readonly kind: 'star';
  readonly qualifier: readonly string[];
  readonly location: number;
}

/** `$n` */
export interface Parameter {
  readonly kind: 'parameter';
  readonly number: number;
  readonly location: number;
}

/**
 * A numeric literal, kept as text so that bigint and numeric values lose nothing. A minus sign directly before a
 * literal is folded into it, as PostgreSQL's doNegate does (`-2` is the literal "-2", `-2::int` is not).
 */
export interface NumberLiteral {
  readonly kind: 'numberLiteral';
  readonly text: string;
  /** Written as an integer: int4 if it fits, else int8 if it fits, else numeric. Otherwise numeric. */
  readonly isInteger: boolean;
  readonly location: number;
}

/** A string literal, of type `unknown` until the planner resolves it from context. */
export interface StringLiteral {
  readonly kind: 'stringLiteral';
  readonly value: string;
  readonly location: number;
}

export interface BooleanLiteral {
  readonly kind: 'booleanLiteral';
  readonly value: boolean;
  readonly location: number;
}

export interface NullLiteral {
  readonly kind: 'nullLiteral';
  readonly location: number;
}

/** `x::type`, `CAST(x AS type)` and typed literals `type 'text'`. */
export interface TypeCast {
  readonly kind: 'typeCast';
  readonly operand: Expression;
  readonly type: TypeName;
  readonly location: number;
}

/** Prefix operators: `-x`, `+x`, and user operators such as `~x`. */
export interface UnaryOperation {
  readonly kind: 'unaryOperation';
  readonly operator: string;
  readonly operand: Expression;
  readonly location: number;
}

/**
 * Every binary operator that is a plain operator in PostgreSQL: comparisons (`!=` is stored as `<>`), arithmetic,
 * `||`, `=%` and any other user operator. `location` is the operator's offset, as in PostgreSQL.
 */
export interface BinaryOperation {
  readonly kind: 'binaryOperation';
  readonly operator: string;
  readonly left: Expression;
  readonly right: Expression;
  readonly location: number;
}

/** `a AND b AND c`: chains are flattened on the left, as PostgreSQL's makeAndExpr does. */
export interface AndExpression {
  readonly kind: 'and';
  readonly arguments: readonly Expression[];
  readonly location: number;
}

export interface OrExpression {
  readonly kind: 'or';
  readonly arguments: readonly Expression[];
  readonly location: number;
}

export interface NotExpression {
  readonly kind: 'not';
  readonly operand: Expression;
  readonly location: number;
}

/** `x IS [NOT] NULL`, `x ISNULL`, `x NOTNULL`. */
export interface NullTest {
  readonly kind: 'nullTest';
  readonly operand: Expression;
  readonly negated: boolean;
  readonly location: number;
}

/** `x IS [NOT] TRUE | FALSE | UNKNOWN`. */
export interface BooleanTest {
  readonly kind: 'booleanTest';
  readonly operand: Expression;
  readonly test: 'true' | 'false' | 'unknown';
  readonly negated: boolean;
  readonly location: number;
}

/** `a IS [NOT] DISTINCT FROM b`. */
export interface DistinctFrom {
  readonly kind: 'distinctFrom';
  readonly left: Expression;
  readonly right: Expression;
  readonly negated: boolean;
  readonly location: number;
}

/** `x [NOT] BETWEEN [SYMMETRIC] low AND high`. */
export interface Between {
  readonly kind: 'between';
  readonly operand: Expression;
  readonly low: Expression;
  readonly high: Expression;
  readonly negated: boolean;
  readonly symmetric: boolean;
  readonly location: number;
}

/** `x [NOT] LIKE | ILIKE pattern [ESCAPE e]`. */
export interface Like {
  readonly kind: 'like';
  readonly operand: Expression;
  readonly pattern: Expression;
  readonly escape?: Expression;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  readonly location: number;
}

/** `x [NOT] IN (a, b, …)`. */
export interface InList {
  readonly kind: 'inList';
  readonly operand: Expression;
  readonly values: readonly Expression[];
  readonly negated: boolean;
  readonly location: number;
}

/** `x [NOT] IN (SELECT …)`. */
export interface InSubquery {
  readonly kind: 'inSubquery';
  readonly operand: Expression;
  readonly query: Query;
  readonly negated: boolean;
  readonly location: number;
}

/** `x op ANY | SOME | ALL (array)` or `(SELECT …)` (ANY and SOME are the same). */
export interface Quantified {
  readonly kind: 'quantified';
  readonly operator: string;
  readonly quantifier: 'any' | 'all';
  readonly left: Expression;
  readonly right: Expression | Query;
  readonly location: number;
}

/** `ARRAY[a, b]` (an inner `[…]` of a multi-dimensional constructor is an ArrayConstructor too). */
export interface ArrayConstructor {
  readonly kind: 'arrayConstructor';
  readonly elements: readonly Expression[];
  readonly location: number;
}

/** `(SELECT …)` used as a value. */
export interface ScalarSubquery {
  readonly kind: 'scalarSubquery';
  readonly query: Query;
  readonly location: number;
}

export interface Exists {
  readonly kind: 'exists';
  readonly query: Query;
  readonly location: number;
}

/**
 * `f(args)`, `schema.f(args)`, aggregates (`count(*)`, `count(DISTINCT x)`, `string_agg(x, ',' ORDER BY y)`,
 * `FILTER (WHERE …)`), and the SQL-syntax functions PostgreSQL turns into calls: COALESCE, GREATEST, LEAST,
 * NULLIF, EXTRACT(f FROM x) → extract('f', x), SUBSTRING(x FROM a FOR b) → substring(x, a, b),
 * POSITION(a IN b) → position(b, a), TRIM([BOTH|LEADING|TRAILING] [c] FROM x) → btrim/ltrim/rtrim(x[, c]).
 */
export interface FunctionCall {
  readonly kind: 'functionCall';
  /** Lower-cased unless quoted; the last element is the function name. */
  readonly name: readonly string[];
  readonly arguments: readonly Expression[];
  /** `f(*)`. */
  readonly star: boolean;
  readonly distinct: boolean;
  readonly orderBy: readonly SortKey[];
  readonly filter?: Expression;
  readonly location: number;
}

/** `name => value` (or `name := value`) inside a function call. */
export interface NamedArgument {
  readonly kind: 'namedArgument';
  readonly name: string;
  readonly value: Expression;
  readonly location: number;
}

export interface CaseExpression {
  readonly kind: 'case';
  /** Present for the simple form `CASE x WHEN v THEN …`. */
  readonly operand?: Expression;
  readonly whens: readonly CaseWhen[];
  readonly elseResult?: Expression;
  readonly location: number;
}

export interface CaseWhen {
  readonly kind: 'caseWhen';
  readonly condition: Expression;
  readonly result: Expression;
  readonly location: number;
}

/** `(expr).field`, e.g. `(kmersearch_perform_highfreq_analysis('t', 'seq')).total_rows`. */
export interface FieldSelection {
  readonly kind: 'fieldSelection';
  readonly operand: Expression;
  readonly field: string;
  readonly location: number;
}

/** `(expr).*`: every field of a composite, as separate output columns. */
export interface FieldStar {
  readonly kind: 'fieldStar';
  readonly operand: Expression;
  readonly location: number;
}

/** `ROW(a, b)` (explicit) or `(a, b)` (implicit). */
export interface RowConstructor {
  readonly kind: 'row';
  readonly fields: readonly Expression[];
  readonly explicit: boolean;
  readonly location: number;
}

/** The keyword functions without parentheses: CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP, CURRENT_USER, … */
export interface SqlValueFunction {
  readonly kind: 'sqlValueFunction';
  /** Lower case, e.g. `current_timestamp`. */
  readonly name: string;
  /** `CURRENT_TIMESTAMP(3)`. */
  readonly precision?: number;
  readonly location: number;
}

/** `DEFAULT` in a VALUES row or an UPDATE assignment (elsewhere the executor rejects it, as PostgreSQL). */
export interface SetToDefault {
  readonly kind: 'setToDefault';
  readonly location: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------------------------

export type Query = SelectStatement | ValuesStatement | SetOperationStatement;

/** One output column: `expr [AS alias]`, `*` or `t.*` (a Star expression). */
export interface Target {
  readonly kind: 'target';
  readonly expression: Expression;
  readonly alias?: string;
  readonly location: number;
}

export interface SortKey {
  readonly kind: 'sortKey';
  readonly expression: Expression;
  readonly direction: 'default' | 'asc' | 'desc';
  readonly nulls: 'default' | 'first' | 'last';
  readonly location: number;
}

export interface SelectStatement {
  readonly kind: 'select';
  readonly distinct: boolean;
  /** `DISTINCT ON (…)` expressions (then `distinct` is true too). */
  readonly distinctOn: readonly Expression[];
  readonly targets: readonly Target[];
  readonly from: readonly FromItem[];
  readonly where?: Expression;
  readonly groupBy: readonly Expression[];
  readonly having?: Expression;
  readonly orderBy: readonly SortKey[];
  /** Absent for no LIMIT and for LIMIT ALL. */
  readonly limit?: Expression;
  readonly offset?: Expression;
  readonly location: number;
}

/** `VALUES (…), (…)` as a query (in INSERT, in FROM, or on its own). */
export interface ValuesStatement {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expression[])[];
  readonly orderBy: readonly SortKey[];
  readonly limit?: Expression;
  readonly offset?: Expression;
  readonly location: number;
}

export interface SetOperationStatement {
  readonly kind: 'setOperation';
  readonly operator: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly orderBy: readonly SortKey[];
  readonly limit?: Expression;
  readonly offset?: Expression;
  readonly location: number;
}

export type FromItem = TableReference | FunctionReference | SubqueryReference | JoinExpression;

export interface TableReference {
  readonly kind: 'tableReference';
  readonly relation: RelationName;
  readonly alias?: Alias;
  /** `ONLY t`: without the partitions of t. */
  readonly only: boolean;
  readonly location: number;
}

/** `f(args) [AS] alias[(columns)]`, e.g. `generate_series(1, 10) AS g(i)`, `kmersearch_parallel_create_index(…)`. */
export interface FunctionReference {
  readonly kind: 'functionReference';
  readonly call: FunctionCall;
  readonly alias?: Alias;
  readonly withOrdinality: boolean;
  readonly location: number;
}

/** `(SELECT …) [AS] alias` (PostgreSQL 16 allows the alias to be left out). */
export interface SubqueryReference {
  readonly kind: 'subqueryReference';
  readonly query: Query;
  readonly alias?: Alias;
  readonly location: number;
}

export interface JoinExpression {
  readonly kind: 'join';
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly natural: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on?: Expression;
  readonly using: readonly string[];
  /** `(a JOIN b) AS j`. */
  readonly alias?: Alias;
  readonly location: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Data-changing statements
// ---------------------------------------------------------------------------------------------------------------

/** `column = value` in UPDATE and ON CONFLICT DO UPDATE. */
export interface Assignment {
  readonly kind: 'assignment';
  readonly column: string;
  readonly value: Expression;
  readonly location: number;
}

export interface OnConflict {
  readonly kind: 'onConflict';
  /** `ON CONFLICT (a, b)`; empty when no target is given. */
  readonly targetColumns: readonly string[];
  /** `ON CONFLICT ON CONSTRAINT name`. */
  readonly constraintName?: string;
  readonly action: 'nothing' | 'update';
  readonly assignments: readonly Assignment[];
  readonly where?: Expression;
  readonly location: number;
}

export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: RelationName;
  readonly alias?: string;
  readonly columns: readonly string[];
  /** The rows to insert; null for `DEFAULT VALUES`. */
  readonly source: Query | null;
  readonly onConflict?: OnConflict;
  readonly returning: readonly Target[];
  readonly location: number;
}

export interface UpdateStatement {
  readonly kind: 'update';
  readonly table: RelationName;
  readonly alias?: string;
  readonly only: boolean;
  readonly assignments: readonly Assignment[];
  readonly from: readonly FromItem[];
  readonly where?: Expression;
  readonly returning: readonly Target[];
  readonly location: number;
}

export interface DeleteStatement {
  readonly kind: 'delete';
  readonly table: RelationName;
  readonly alias?: string;
  readonly only: boolean;
  readonly using: readonly FromItem[];
  readonly where?: Expression;
  readonly returning: readonly Target[];
  readonly location: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------------------------

export type ColumnConstraint =
  | PrimaryKeyConstraint
  | UniqueConstraint
  | NotNullConstraint
  | NullConstraint
  | DefaultConstraint
  | CheckConstraint;

export type TableConstraint = PrimaryKeyConstraint | UniqueConstraint | CheckConstraint;

/** In a column definition `columns` is empty; as a table constraint it lists the key columns. */
export interface PrimaryKeyConstraint {
  readonly kind: 'primaryKeyConstraint';
  readonly name?: string;
  readonly columns: readonly string[];
  readonly location: number;
}

export interface UniqueConstraint {
  readonly kind: 'uniqueConstraint';
  readonly name?: string;
  readonly columns: readonly string[];
  readonly location: number;
}

export interface NotNullConstraint {
  readonly kind: 'notNullConstraint';
  readonly name?: string;
  readonly location: number;
}

export interface NullConstraint {
  readonly kind: 'nullConstraint';
  readonly name?: string;
  readonly location: number;
}

export interface DefaultConstraint {
  readonly kind: 'defaultConstraint';
  readonly expression: Expression;
  readonly location: number;
}

export interface CheckConstraint {
  readonly kind: 'checkConstraint';
  readonly name?: string;
  readonly expression: Expression;
  readonly location: number;
}

export interface ColumnDefinition {
  readonly kind: 'columnDefinition';
  readonly name: string;
  readonly type: TypeName;
  readonly constraints: readonly ColumnConstraint[];
  readonly location: number;
}

export interface CreateTableStatement {
  readonly kind: 'createTable';
  readonly table: RelationName;
  readonly ifNotExists: boolean;
  /** `CREATE TEMP TABLE` (accepted; the executor decides what it means). */
  readonly temporary: boolean;
  readonly columns: readonly ColumnDefinition[];
  readonly constraints: readonly TableConstraint[];
  readonly location: number;
}

export interface DropTableStatement {
  readonly kind: 'dropTable';
  readonly tables: readonly RelationName[];
  readonly ifExists: boolean;
  readonly cascade: boolean;
  readonly location: number;
}

export interface IndexElement {
  readonly kind: 'indexElement';
  /** The indexed column, or absent for an expression index. */
  readonly column?: string;
  readonly expression?: Expression;
  /** e.g. `kmersearch_dna2_gin_ops_int4` (lower-cased unless quoted; a schema prefix is dropped). */
  readonly operatorClass?: string;
  readonly direction: 'default' | 'asc' | 'desc';
  readonly nulls: 'default' | 'first' | 'last';
  readonly location: number;
}

export interface CreateIndexStatement {
  readonly kind: 'createIndex';
  readonly name?: string;
  readonly table: RelationName;
  readonly unique: boolean;
  readonly concurrently: boolean;
  readonly ifNotExists: boolean;
  /** `USING gin` → 'gin'; absent means PostgreSQL's default (btree). */
  readonly method?: string;
  readonly elements: readonly IndexElement[];
  /** `WITH (fastupdate = off)`. */
  readonly storageOptions: readonly GenericOption[];
  readonly tablespace?: string;
  readonly where?: Expression;
  readonly location: number;
}

export interface DropIndexStatement {
  readonly kind: 'dropIndex';
  readonly indexes: readonly RelationName[];
  readonly ifExists: boolean;
  readonly cascade: boolean;
  readonly concurrently: boolean;
  readonly location: number;
}

export interface ReindexStatement {
  readonly kind: 'reindex';
  readonly target: 'index' | 'table';
  readonly name: RelationName;
  readonly concurrently: boolean;
  readonly location: number;
}

export interface TruncateStatement {
  readonly kind: 'truncate';
  readonly tables: readonly RelationName[];
  readonly restartIdentity: boolean;
  readonly cascade: boolean;
  readonly location: number;
}

export interface CreateExtensionStatement {
  readonly kind: 'createExtension';
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly cascade: boolean;
  readonly schema?: string;
  readonly version?: string;
  readonly location: number;
}

export interface DropExtensionStatement {
  readonly kind: 'dropExtension';
  readonly names: readonly string[];
  readonly ifExists: boolean;
  readonly cascade: boolean;
  readonly location: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Utility statements
// ---------------------------------------------------------------------------------------------------------------

/** A value in SET, EXPLAIN/COPY/VACUUM option lists and index storage options. */
export type OptionValue = StringValue | NumberValue | WordValue | StarValue | DefaultValue | ListValue;

export interface StringValue {
  readonly kind: 'stringValue';
  readonly value: string;
  readonly location: number;
}

/** A signed number as written, e.g. `-1`, `0.25`. */
export interface NumberValue {
  readonly kind: 'numberValue';
  readonly text: string;
  readonly location: number;
}

/** A bare word: `on`, `off`, `true` (TRUE/FALSE/ON become lower case), `csv`, `fasta`, … */
export interface WordValue {
  readonly kind: 'wordValue';
  readonly value: string;
  readonly location: number;
}

export interface StarValue {
  readonly kind: 'starValue';
  readonly location: number;
}

export interface DefaultValue {
  readonly kind: 'defaultValue';
  readonly location: number;
}

export interface ListValue {
  readonly kind: 'listValue';
  readonly items: readonly OptionValue[];
  readonly location: number;
}

/** `name [value]` in an option list; old-style COPY options are normalised to this form (`CSV` → format csv). */
export interface GenericOption {
  readonly kind: 'option';
  /** Lower case, e.g. `format`, `header`, `delimiter`, `null`, `analyze`, `costs`. */
  readonly name: string;
  readonly value?: OptionValue;
  readonly location: number;
}

/**
 * `SET [SESSION | LOCAL] name {= | TO} value[, …] | DEFAULT`; `SET TIME ZONE x` is stored as name `timezone`.
 * Dotted names are joined: `kmersearch.kmer_size`.
 */
export interface SetStatement {
  readonly kind: 'set';
  readonly local: boolean;
  readonly name: string;
  /** Empty when `toDefault`. */
  readonly values: readonly OptionValue[];
  readonly toDefault: boolean;
  readonly location: number;
}

/** `SHOW name`; `SHOW ALL` has name `all`, `SHOW TIME ZONE` has name `timezone`. */
export interface ShowStatement {
  readonly kind: 'show';
  readonly name: string;
  readonly location: number;
}

/** `RESET name` / `RESET ALL`. */
export interface ResetStatement {
  readonly kind: 'reset';
  readonly all: boolean;
  /** Empty string for RESET ALL. */
  readonly name: string;
  readonly location: number;
}

/**
 * BEGIN / START TRANSACTION (`begin`, `start`: their command tags differ), COMMIT / END (`commit`),
 * ROLLBACK / ABORT (`rollback`), SAVEPOINT, RELEASE [SAVEPOINT], ROLLBACK TO [SAVEPOINT].
 */
export interface TransactionStatement {
  readonly kind: 'transaction';
  readonly action: 'begin' | 'start' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint';
  /** Transaction modes, e.g. ['isolation level serializable', 'read only']. */
  readonly modes: readonly string[];
  readonly savepoint?: string;
  /** `COMMIT AND CHAIN`. */
  readonly chain: boolean;
  readonly location: number;
}

/** `EXPLAIN [ANALYZE] [VERBOSE] stmt` or `EXPLAIN (option [value], …) stmt`; legacy keywords become options. */
export interface ExplainStatement {
  readonly kind: 'explain';
  readonly options: readonly GenericOption[];
  readonly statement: Query | InsertStatement | UpdateStatement | DeleteStatement;
  readonly location: number;
}

/**
 * COPY in both directions. `relation` or `query` is set (a query only with TO). `file` is the path for
 * `'path'`, absent for STDIN/STDOUT.
 */
export interface CopyStatement {
  readonly kind: 'copy';
  readonly relation?: RelationName;
  readonly columns: readonly string[];
  readonly query?: Query | InsertStatement | UpdateStatement | DeleteStatement;
  readonly direction: 'from' | 'to';
  readonly file?: string;
  readonly options: readonly GenericOption[];
  readonly where?: Expression;
  readonly location: number;
}

/** `VACUUM [options] [tables]` and `ANALYZE [tables]` (accepted; the engine has nothing to vacuum). */
export interface VacuumStatement {
  readonly kind: 'vacuum';
  /** True for the ANALYZE statement, false for VACUUM. */
  readonly analyzeOnly: boolean;
  readonly options: readonly GenericOption[];
  readonly tables: readonly RelationName[];
  readonly location: number;
}

export type Statement =
  | SelectStatement
  | ValuesStatement
  | SetOperationStatement
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | CreateTableStatement
  | DropTableStatement
  | CreateIndexStatement
  | DropIndexStatement
  | ReindexStatement
  | TruncateStatement
  | CreateExtensionStatement
  | DropExtensionStatement
  | SetStatement
  | ShowStatement
  | ResetStatement
  | TransactionStatement
  | ExplainStatement
  | CopyStatement
  | VacuumStatement;

/** A statement with its extent in the source text (PostgreSQL's RawStmt). */
export interface RawStatement {
  readonly kind: 'rawStatement';
  readonly statement: Statement;
  /** 0-based offset of the statement's first token. */
  readonly location: number;
  /** Length up to (not including) the terminating `;` or the end of the text. */
  readonly length: number;
}

export type Node =
  | Expression
  | Statement
  | RelationName
  | Alias
  | TypeName
  | CaseWhen
  | Target
  | SortKey
  | FromItem
  | Assignment
  | OnConflict
  | ColumnConstraint
  | ColumnDefinition
  | IndexElement
  | GenericOption
  | OptionValue
  | RawStatement;

// ---------------------------------------------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------------------------------------------

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** The fields of a node as a builder passes them: optional fields may be given as `undefined`. */
export type NodeFields<T> = { [K in Exclude<keyof T, OptionalKeys<T>>]: T[K] } & {
  [K in OptionalKeys<T>]?: T[K] | undefined;
};

/**
 * Builds a frozen node. Undefined optional fields are left out (exactOptionalPropertyTypes), and arrays are
 * frozen too; children were frozen when they were built, so the whole tree is immutable.
 */
export function freezeNode<T extends { readonly kind: string }>(fields: NodeFields<T>): T {
  const node: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    node[key] = Array.isArray(value) ? freezeArray(value) : value;
  }
  return Object.freeze(node) as T;
}

function freezeArray(array: readonly unknown[]): readonly unknown[] {
  for (const item of array) if (Array.isArray(item)) freezeArray(item);
  return Object.freeze(array);
}

/**
 * The expression with every column reference replaced by `replace(reference)`. Nodes without a replaced reference
 * below them are kept as they are (the binder finds folded constants by node identity).
 */
export function mapColumnReferences(expression: Expression, replace: (reference: ColumnReference) => Expression): Expression {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      const mapped = node.map(visit);
      return mapped.every((item, index) => item === node[index]) ? node : Object.freeze(mapped);
    }
    if (typeof node !== 'object' || node === null || !('kind' in node)) return node;
    if (node.kind === 'columnReference') return replace(node as ColumnReference);
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const mapped = visit(value);
      if (mapped !== value) changed = true;
      copy[key] = mapped;
    }
    return changed ? Object.freeze(copy) : node;
  };
  return visit(expression) as Expression;
}
