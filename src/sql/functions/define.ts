/**
 * Small constructors for catalog entries, so that each builtin reads as its pg_proc line: name, argument
 * types, result type, and only the attributes that differ from PostgreSQL's most common ones (STRICT,
 * IMMUTABLE). Entries are frozen: the catalog is shared by every statement of every handle.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { type SqlType, type SqlValue, sqlTypes } from '../types.js';
import type {
  CallTyping,
  FunctionContext,
  ScalarFunction,
  SetReturningFunction,
  SqlFunction,
  Volatility,
} from './contract.js';

export interface EntryOptions {
  /** Default true: PostgreSQL builtins and every kmersearch function are STRICT unless said otherwise. */
  readonly strict?: boolean;
  /** Default 'immutable'. */
  readonly volatility?: Volatility;
  readonly variadic?: boolean;
  readonly optionalArguments?: number;
  readonly callTyping?: CallTyping;
  /** The implementation reads FunctionContext.argumentColumn (see FunctionBase.readsArgumentColumn). */
  readonly readsArgumentColumn?: boolean;
}

type Evaluate = (args: readonly SqlValue[], context: FunctionContext) => SqlValue;
type Rows = (args: readonly SqlValue[], context: FunctionContext) => Iterable<SqlValue>;

function attributes(options: EntryOptions): {
  strict: boolean;
  volatility: Volatility;
  variadic?: boolean;
  optionalArguments?: number;
  callTyping?: CallTyping;
  readsArgumentColumn?: boolean;
} {
  return {
    strict: options.strict ?? true,
    volatility: options.volatility ?? 'immutable',
    ...(options.variadic === undefined ? {} : { variadic: options.variadic }),
    ...(options.optionalArguments === undefined ? {} : { optionalArguments: options.optionalArguments }),
    ...(options.callTyping === undefined ? {} : { callTyping: options.callTyping }),
    ...(options.readsArgumentColumn === true ? { readsArgumentColumn: true } : {}),
  };
}

export function scalar(
  name: string,
  argumentTypes: readonly SqlType[],
  resultType: SqlType,
  evaluate: Evaluate,
  options: EntryOptions = {},
): ScalarFunction {
  return Object.freeze({
    name,
    argumentTypes: Object.freeze([...argumentTypes]),
    resultType,
    returnsSet: false as const,
    evaluate,
    ...attributes(options),
  });
}

export function setReturning(
  name: string,
  argumentTypes: readonly SqlType[],
  resultType: SqlType,
  rows: Rows,
  options: EntryOptions = {},
): SetReturningFunction {
  return Object.freeze({
    name,
    argumentTypes: Object.freeze([...argumentTypes]),
    resultType,
    returnsSet: true as const,
    rows,
    ...attributes(options),
  });
}

/**
 * Declared type of a VARIADIC "any" position (pg_type `any`, OID 2276). It is a pseudo-type: no value has it,
 * so it is built on `void` and never matches a real argument type by itself; resolveFunctionCall replaces it
 * with each argument's own type.
 */
export const anyPseudoType: SqlType = Object.freeze({
  ...sqlTypes.void,
  typeName: 'any',
  formatName: '"any"',
  oid: 2276,
});

/** Declared type of the arguments of COALESCE, GREATEST, LEAST and NULLIF (PostgreSQL's `anyelement`, OID 2283). */
export const anyElementPseudoType: SqlType = Object.freeze({
  ...sqlTypes.void,
  typeName: 'anyelement',
  formatName: 'anyelement',
  oid: 2283,
});

/** A call resolved to the function to run, the types to cast its arguments to, and the type of its result. */
export interface ResolvedFunctionCall {
  /** The catalog entry, or for call-typed entries (CallTyping) a copy bound to this call's types. */
  readonly function: SqlFunction;
  /** One per argument of the call: cast argument i to argumentTypes[i] (implicitly) before calling. */
  readonly argumentTypes: readonly SqlType[];
  readonly resultType: SqlType;
}

/**
 * Completes the resolution of a call-typed entry. For 'variadic-any' it receives the argument types already
 * chosen (each argument's own); for the special forms ('common', 'coalesce', 'nullif') the call's input types,
 * with their 1-based statement positions when the binder knows them (errors point at the offending argument).
 */
export type CallBinder = (
  argumentTypes: readonly SqlType[],
  argumentPositions: readonly (number | undefined)[] | undefined,
) => ResolvedFunctionCall;

const callBinders = new WeakMap<SqlFunction, CallBinder>();

/** Registers how a call-typed entry is bound to a call; returns the entry. */
export function withCallBinder<Entry extends SqlFunction>(entry: Entry, binder: CallBinder): Entry {
  callBinders.set(entry, binder);
  return entry;
}

export function callBinderOf(entry: SqlFunction): CallBinder | undefined {
  return callBinders.get(entry);
}

/** An internal error for a call that bypassed resolveFunctionCall where the call's types are needed. */
export function unboundCallError(name: string): KmerSearchError {
  return new KmerSearchError(
    SqlState.internalError,
    `function ${name} must be resolved with resolveFunctionCall before it is called`,
  );
}

/** The entries of one catalog, grouped by name (several overloads per name). */
export class FunctionRegistry {
  private readonly byName = new Map<string, SqlFunction[]>();

  add(...entries: readonly SqlFunction[]): void {
    for (const entry of entries) {
      const list = this.byName.get(entry.name);
      if (list === undefined) this.byName.set(entry.name, [entry]);
      else list.push(entry);
    }
  }

  lookup(name: string): readonly SqlFunction[] {
    return this.byName.get(name) ?? [];
  }
}
