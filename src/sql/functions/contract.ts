/**
 * The function catalog's contract: what a SQL-callable function is, and what it may reach while it runs.
 *
 * Every function the dialect knows — PostgreSQL builtins (`repeat`, `length`, `now`, `generate_series`, …) and the
 * reference's `kmersearch_*` functions — is one `SqlFunction` entry: name, argument types, result type, strictness,
 * volatility and an implementation. The binder resolves a call with PostgreSQL's overload rules
 * (types/resolution.ts `selectOverload`) over the entries of that name; the executor calls `evaluate` (scalar) or
 * `rows` (set-returning) with arguments already cast to the declared types.
 */
import type { KmerSearchError } from '../../errors.js';
import type { KeyExtractor } from '../../kmer/index.js';
import type { Session } from '../../settings/index.js';
import type { StorageView, WriteTransaction } from '../../storage/index.js';
import type { TableColumn } from '../binder/bound.js';
import type { HighFrequencyState } from '../high-frequency.js';
import type { Notice } from '../result.js';
import type { RelationCatalog, SqlType, SqlValue } from '../types.js';

export type Volatility = 'immutable' | 'stable' | 'volatile';

/** What a running function may reach. One context serves a whole statement. */
export interface FunctionContext {
  /** The handle's settings and its query-k-mer / actual-min-score caches. */
  readonly session: Session;
  /** The statement's view of the catalog (the system views over it); absent where no database is open. */
  readonly view?: StorageView | undefined;
  /** The statement's write transaction, for the functions that change tables (the partition helpers). */
  readonly write?: WriteTransaction | undefined;
  /** Scratch buffers for key extraction, reused across calls within the statement. */
  readonly extractor: KeyExtractor;
  /** Table names ↔ stable ids, for regclass and the functions that take a table. */
  readonly relations: RelationCatalog;
  /** Start time of the current transaction (PostgreSQL's now()). */
  readonly transactionTimestamp: Date;
  /** Start time of the current statement (statement_timestamp()). */
  readonly statementTimestamp: Date;
  /** Sends a NOTICE/WARNING/INFO to the client (filtered by client_min_messages by the receiver). */
  notice(notice: Notice): void;
  /** Throws the statement's cancellation error (57014) if it was cancelled; long functions call it now and then. */
  checkCancelled(): void;
  /** `current_database()`; `kmersearch` when the handle does not name its database. */
  readonly databaseName?: string | undefined;
  /** The handle's high-frequency state: loaded caches, the once-per-handle WARNING (absent without a database). */
  readonly highFrequency?: HighFrequencyState | undefined;
  /**
   * For a call of a function with `readsArgumentColumn` whose first argument is a base-table column: that column,
   * with a memo private to this call site and statement (what the function derived from the column, so that it is
   * not looked up again for every row).
   */
  readonly argumentColumn?: ArgumentColumn | undefined;
  /**
   * Results of the statement's asynchronous calls (the analysis, undo, spill-file cleanup), computed before its
   * rows are produced (executor/statement-actions.ts) and keyed by actionCallKey (functions/actions.ts).
   */
  readonly actionResults?: Map<string, SqlValue | readonly SqlValue[]> | undefined;
}

export interface ArgumentColumn extends TableColumn {
  readonly memo: Map<string, unknown>;
}

/**
 * Calls whose argument and result types depend on the call rather than on `argumentTypes` alone. The binder
 * resolves every call with resolveFunctionCall (index.ts), which returns an entry bound to the call's types:
 * - 'variadic-any': VARIADIC "any" (concat, concat_ws): each variadic argument keeps its own type, an unknown
 *   literal becomes text;
 * - 'common': GREATEST, LEAST: every argument is cast to select_common_type's type, which is the result type;
 * - 'coalesce': as 'common', and the executor evaluates the arguments left to right only until one is not NULL
 *   (`COALESCE(1, 1/0)` is 1), so it must not evaluate them all before calling `evaluate`;
 * - 'nullif': NULLIF(a, b): the operands are cast to the `=` operator resolved for them; the result has a's type.
 */
export type CallTyping = 'variadic-any' | 'common' | 'coalesce' | 'nullif';

interface FunctionBase {
  /** Lower-case SQL name. */
  readonly name: string;
  readonly argumentTypes: readonly SqlType[];
  /** STRICT: called only when no argument is NULL; otherwise the result is NULL (or no rows). */
  readonly strict: boolean;
  readonly volatility: Volatility;
  /** The last argument type may repeat (`VARIADIC`); used by concat/greatest/least-style builtins. */
  readonly variadic?: boolean;
  /** Number of trailing arguments that may be left out (PostgreSQL DEFAULT arguments). */
  readonly optionalArguments?: number;
  /** Set when the call, not `argumentTypes`, decides the types (see CallTyping). */
  readonly callTyping?: CallTyping;
  /**
   * The implementation depends on which base-table column its first argument reads (`seq =% 'ACGT'`: the
   * high-frequency analysis of that column): the binder records it and the call gets FunctionContext.argumentColumn.
   */
  readonly readsArgumentColumn?: boolean;
}

/**
 * A scalar function. When its result type is a record (e.g. `kmersearch_query_kmer_cache_stats()`), `SELECT f()`
 * prints the composite as `(0,0,0,0)` and `SELECT * FROM f()` expands it into one column per field, as in
 * PostgreSQL.
 */
export interface ScalarFunction extends FunctionBase {
  readonly returnsSet: false;
  readonly resultType: SqlType;
  evaluate(args: readonly SqlValue[], context: FunctionContext): SqlValue;
}

/** A function used in FROM (`SELECT * FROM f()`) or in a target list, returning zero or more rows. */
export interface SetReturningFunction extends FunctionBase {
  readonly returnsSet: true;
  /**
   * The row type: a scalar type for `generate_series` (one column named after the function or its alias), or a
   * record type with named fields for composite results (`SELECT * FROM kmersearch_query_kmer_cache_stats()`
   * prints one column per field).
   */
  readonly resultType: SqlType;
  rows(args: readonly SqlValue[], context: FunctionContext): Iterable<SqlValue>;
}

export type SqlFunction = ScalarFunction | SetReturningFunction;

/**
 * An operator implemented by a catalog function, as PostgreSQL's pg_operator.oprcode: `dna2 =% text` calls
 * `kmersearch_dna2_match`. Operators on builtin types without session state live in types/operators.ts; these are
 * the ones that need the FunctionContext (caches, settings). The binder looks here first.
 */
export interface FunctionOperator {
  readonly name: string;
  readonly leftType: SqlType;
  readonly rightType: SqlType;
  /** Name of the ScalarFunction (with argument types [leftType, rightType]) that implements it. */
  readonly functionName: string;
}

/** Registry of functions by name (several overloads per name) and of function-backed operators. */
export interface FunctionCatalog {
  lookup(name: string): readonly SqlFunction[];
  operators(name: string): readonly FunctionOperator[];
}

export type { KmerSearchError };
