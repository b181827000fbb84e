/**
 * Calls catalog functions the way the executor will: resolve the call (resolveFunctionCall), cast each
 * argument implicitly to the resolved type, honour STRICT, then evaluate (or collect a set's rows). The
 * context is a small fake around a real Session wired to src/kmer, as the engine wires it.
 */
import { KmerSearchError, SqlState } from '../../src/errors.js';
import { KeyExtractor, keyLayout, queryKeysOf } from '../../src/kmer/index.js';
import { Session } from '../../src/settings/index.js';
import {
  type FunctionCatalog,
  type FunctionContext,
  createFunctionCatalog,
  resolveFunctionCall,
} from '../../src/sql/functions/index.js';
import type { Notice } from '../../src/sql/result.js';
import { type RelationCatalog, type SqlType, type SqlValue, castValue, lookupType, parseValue, sqlTypes } from '../../src/sql/types.js';

export const catalog: FunctionCatalog = createFunctionCatalog();

const relations: RelationCatalog = {
  relationId: (name) => (name === 'sequences' ? 16400 : undefined),
  relationName: (id) => (id === 16400 ? 'sequences' : undefined),
};

export interface TestContext extends FunctionContext {
  readonly session: Session;
  readonly notices: Notice[];
  /** Set to make the next checkCancelled() throw 57014. */
  cancelled: boolean;
  cancellationChecks: number;
}

/** A fresh session (its own caches) with `settings` applied through SET, as a user would. */
export function createContext(settings: Record<string, string | number | boolean> = {}): TestContext {
  const session = new Session({
    extractQueryKeys: (text, layout) => queryKeysOf(layout, text),
    keyLayout,
  });
  for (const [name, value] of Object.entries(settings)) session.settings.set(name, value);
  const notices: Notice[] = [];
  const context: TestContext = {
    session,
    extractor: new KeyExtractor(),
    relations,
    transactionTimestamp: new Date('2024-01-02T03:04:05.000Z'),
    statementTimestamp: new Date('2024-01-02T03:04:06.000Z'),
    notices,
    cancelled: false,
    cancellationChecks: 0,
    notice(notice) {
      notices.push(notice);
    },
    checkCancelled() {
      context.cancellationChecks++;
      if (context.cancelled) {
        throw new KmerSearchError(SqlState.queryCanceled, 'canceling statement due to user request');
      }
    },
  };
  return context;
}

/** A typed argument: [type, value]. */
export type Argument = readonly [SqlType, SqlValue];

export const unknownLiteral = (text: string | null): Argument => [sqlTypes.unknown, text];
export const text = (value: string | null): Argument => [sqlTypes.text, value];
export const int4 = (value: number | null): Argument => [sqlTypes.int4, value];
export const int8 = (value: bigint | null): Argument => [sqlTypes.int8, value];
export const float8 = (value: number | null): Argument => [sqlTypes.float8, value];
/** A DNA value from its text form, like `'ACGT'::dna2`. */
export const dna2 = (bases: string): Argument => [sqlTypes.dna2, parseValue(bases, sqlTypes.dna2)];
export const dna4 = (bases: string): Argument => [sqlTypes.dna4, parseValue(bases, sqlTypes.dna4)];

/** `[type name, text]` as in the generated cases: 'unknown' is an untyped literal, null text is NULL. */
export function argumentFromText(typeName: string, value: string | null): Argument {
  const type = typeName === 'unknown' ? sqlTypes.unknown : lookupType(typeName);
  if (value === null) return [type, null];
  return [type, typeName === 'unknown' ? value : parseValue(value, type)];
}

export interface CallResult {
  readonly value: SqlValue;
  readonly type: SqlType;
  /** Set-returning calls: every row. */
  readonly rows?: readonly SqlValue[];
}

/** Resolves and runs `name(args…)` in `context`. */
export function call(context: FunctionContext, name: string, ...args: readonly Argument[]): CallResult {
  const resolved = resolveFunctionCall(
    catalog,
    name,
    args.map(([type]) => type),
  );
  const values = args.map(([type, value], index) =>
    castValue(value, type, resolved.argumentTypes[index] as SqlType, 'implicit', { relations: context.relations }),
  );
  const fn = resolved.function;
  if (fn.returnsSet) {
    if (fn.strict && values.includes(null)) return { value: null, type: resolved.resultType, rows: [] };
    const rows = Array.from(fn.rows(values, context));
    return { value: rows[0] ?? null, type: resolved.resultType, rows };
  }
  if (fn.strict && values.includes(null)) return { value: null, type: resolved.resultType };
  return { value: fn.evaluate(values, context), type: resolved.resultType };
}

/** The value of `name(args…)`. */
export function value(context: FunctionContext, name: string, ...args: readonly Argument[]): SqlValue {
  return call(context, name, ...args).value;
}
