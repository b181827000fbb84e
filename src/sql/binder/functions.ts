/**
 * Binding of function calls: aggregates (count, sum, avg, min, max of types/aggregates.ts, and string_agg), the
 * sequence functions (they reach the write transaction, which catalog functions cannot), and every other name —
 * COALESCE, GREATEST, LEAST and NULLIF included — through the function catalog's resolveFunctionCall, with
 * PostgreSQL's overload rules and its 42883 / 42725 errors.
 */
import { SqlState } from '../../errors.js';
import type * as ast from '../ast.js';
import type { ScalarFunction, SqlFunction } from '../functions/contract.js';
import { resolveFunctionCall } from '../functions/index.js';
import { type AggregateName, type SqlType, resolveAggregate, sqlTypes } from '../types.js';
import { leftmostLocation } from './locations.js';
import type { Binder, ExpressionState } from './binder.js';
import type { BoundAggregate, BoundExpression, BoundOrdering, SessionFunctionName, TableColumn } from './bound.js';
import { bindExpression } from './expressions.js';
import { fingerprint } from './fingerprint.js';

const aggregateNames: ReadonlySet<string> = new Set(['count', 'sum', 'avg', 'min', 'max', 'string_agg']);
const noFunctionHint = 'No function matches the given name and argument types. You might need to add explicit type casts.';

/** The function name without an allowed schema (`pg_catalog.`, `public.`); other schemas do not exist. */
function functionName(binder: Binder, call: ast.FunctionCall): string {
  const name = call.name[call.name.length - 1] as string;
  if (call.name.length > 1) {
    const schema = call.name[call.name.length - 2];
    if (schema !== 'pg_catalog' && schema !== 'public') {
      throw binder.error('3F000', `schema "${schema}" does not exist`, call.location);
    }
  }
  return name;
}

export function isAggregateName(name: string): boolean {
  return aggregateNames.has(name);
}

export function bindFunctionCall(binder: Binder, call: ast.FunctionCall, state: ExpressionState): BoundExpression {
  const name = functionName(binder, call);
  if (aggregateNames.has(name)) return bindAggregate(binder, call, name, state);
  rejectAggregateSyntax(binder, call, name);
  const inner: ExpressionState = { ...state, topOfTarget: false };
  const args = call.arguments.map((argument) => {
    if (argument.kind === 'namedArgument') {
      throw binder.error(SqlState.featureNotSupported, 'named arguments are not supported', argument.location);
    }
    return bindExpression(binder, argument, inner);
  });
  const locations = call.arguments.map(leftmostLocation);
  switch (name) {
    case 'nextval':
    case 'currval':
    case 'setval':
    case 'current_setting':
    case 'set_config': {
      // Settings functions belong to the catalog once it has them; sequences always need the write transaction.
      if ((name === 'current_setting' || name === 'set_config') && binder.catalog.lookup(name).length > 0) {
        return bindCatalogCall(binder, name, args, locations, call, state);
      }
      const signatures = sessionFunctionSignatures[name];
      const signature = signatures.find((candidate) => candidate.argumentTypes.length === args.length);
      if (signature === undefined) break;
      const coerced = args.map((argument, index) => binder.tryCoerce(argument, signature.argumentTypes[index] as SqlType, 'implicit', locations[index] ?? call.location));
      if (!coerced.every((argument) => argument !== undefined)) break;
      return Object.freeze({ kind: 'sessionFunction', type: signature.resultType, name, arguments: Object.freeze(coerced as BoundExpression[]) });
    }
    default:
      return bindCatalogCall(binder, name, args, locations, call, state);
  }
  throw functionDoesNotExist(binder, name, args.map((argument) => argument.type), call.location);
}

/** `{ argumentColumn }` for a function that reads it and a first argument that is a base-table column. */
export function argumentColumnOf(fn: ScalarFunction, args: readonly BoundExpression[]): { argumentColumn?: TableColumn } {
  const first = args[0];
  if (fn.readsArgumentColumn !== true || first?.kind !== 'column' || first.tableColumn === undefined) return {};
  return { argumentColumn: first.tableColumn };
}

function bindCatalogCall(
  binder: Binder,
  name: string,
  args: readonly BoundExpression[],
  locations: readonly number[],
  call: ast.FunctionCall,
  state: ExpressionState,
): BoundExpression {
  const resolved = resolveCatalogFunction(binder, name, args, locations, call.location);
  const fn = resolved.function;
  if (!fn.returnsSet) {
    return Object.freeze({
      kind: 'function',
      type: resolved.resultType,
      function: fn,
      arguments: resolved.arguments,
      operatorName: undefined,
      ...argumentColumnOf(fn, resolved.arguments),
    });
  }
  if (!state.topOfTarget) {
    throw binder.error(
      SqlState.featureNotSupported,
      state.clause === 'select list'
        ? 'set-returning functions are only supported at the top level of a select list'
        : `set-returning functions are not allowed in ${state.clause}`,
      call.location,
    );
  }
  return Object.freeze({ kind: 'setFunction', type: resolved.resultType, function: fn, arguments: resolved.arguments });
}

interface SessionFunctionSignature {
  readonly argumentTypes: readonly SqlType[];
  readonly resultType: SqlType;
}

const sessionFunctionSignatures: Readonly<Record<SessionFunctionName, readonly SessionFunctionSignature[]>> = {
  nextval: [{ argumentTypes: [sqlTypes.regclass], resultType: sqlTypes.int8 }],
  currval: [{ argumentTypes: [sqlTypes.regclass], resultType: sqlTypes.int8 }],
  setval: [
    { argumentTypes: [sqlTypes.regclass, sqlTypes.int8], resultType: sqlTypes.int8 },
    { argumentTypes: [sqlTypes.regclass, sqlTypes.int8, sqlTypes.bool], resultType: sqlTypes.int8 },
  ],
  current_setting: [
    { argumentTypes: [sqlTypes.text], resultType: sqlTypes.text },
    { argumentTypes: [sqlTypes.text, sqlTypes.bool], resultType: sqlTypes.text },
  ],
  set_config: [{ argumentTypes: [sqlTypes.text, sqlTypes.text, sqlTypes.bool], resultType: sqlTypes.text }],
};

function functionDoesNotExist(binder: Binder, name: string, types: readonly SqlType[], location: number) {
  return binder.error(
    SqlState.undefinedFunction,
    `function ${name}(${types.map((type) => type.formatName).join(', ')}) does not exist`,
    location,
    { hint: noFunctionHint },
  );
}

function rejectAggregateSyntax(binder: Binder, call: ast.FunctionCall, name: string): void {
  const problem = call.star ? `${name}(*)` : call.distinct ? 'DISTINCT' : call.orderBy.length > 0 ? 'ORDER BY' : call.filter !== undefined ? 'FILTER' : undefined;
  if (problem === undefined) return;
  throw binder.error(SqlState.wrongObjectType, `${problem} specified, but ${name} is not an aggregate function`, call.location);
}

/** The catalog function `name(args)` denotes (functions/resolution.ts), with the arguments coerced to its types. */
export function resolveCatalogFunction(
  binder: Binder,
  name: string,
  args: readonly BoundExpression[],
  locations: readonly number[],
  location: number,
): { readonly function: SqlFunction; readonly arguments: readonly BoundExpression[]; readonly resultType: SqlType } {
  const inputTypes = args.map((argument) => argument.type);
  const positions = locations.map((argumentLocation) => binder.position(argumentLocation));
  const resolved = binder.at(location, () => resolveFunctionCall(binder.catalog, name, inputTypes, positions));
  const coerced = args.map((argument, index) =>
    binder.coerce(argument, resolved.argumentTypes[index] ?? argument.type, locations[index] ?? location),
  );
  return { function: resolved.function, arguments: Object.freeze(coerced), resultType: resolved.resultType };
}

function bindAggregate(binder: Binder, call: ast.FunctionCall, name: string, state: ExpressionState): BoundExpression {
  if (state.insideAggregate) {
    throw binder.error(SqlState.groupingError, 'aggregate function calls cannot be nested', call.location);
  }
  if (state.aggregates === undefined) {
    throw binder.error(SqlState.groupingError, `aggregate functions are not allowed in ${state.clause}`, call.location);
  }
  const inner: ExpressionState = { ...state, insideAggregate: true, topOfTarget: false };
  const args = call.arguments.map((argument) => {
    if (argument.kind === 'namedArgument') {
      throw binder.error(SqlState.featureNotSupported, 'named arguments are not supported', argument.location);
    }
    return bindExpression(binder, argument, inner);
  });
  const locations = call.arguments.map(leftmostLocation);
  const types = args.map((argument) => argument.type);
  let argument: BoundExpression | undefined;
  let delimiter: BoundExpression | undefined;
  let signature: BoundAggregate['signature'];
  let type: SqlType;
  if (name === 'string_agg') {
    const [value, separator] = args;
    const coercedValue = value === undefined ? undefined : binder.tryCoerce(value, sqlTypes.text, 'implicit', locations[0] ?? call.location);
    const coercedSeparator = separator === undefined ? undefined : binder.tryCoerce(separator, sqlTypes.text, 'implicit', locations[1] ?? call.location);
    if (call.star || args.length !== 2 || coercedValue === undefined || coercedSeparator === undefined) {
      throw functionDoesNotExist(binder, name, types, call.location);
    }
    argument = coercedValue;
    delimiter = coercedSeparator;
    type = sqlTypes.text;
  } else {
    if (call.star ? args.length !== 0 : args.length !== 1) {
      if (call.star) {
        throw binder.error(SqlState.undefinedFunction, `function ${name}(*) does not exist`, call.location, { hint: noFunctionHint });
      }
      throw functionDoesNotExist(binder, name, types, call.location);
    }
    const argumentType = call.star ? undefined : types[0];
    signature = binder.at(call.location, () => resolveAggregate(name as AggregateName, argumentType));
    const value = args[0];
    if (value !== undefined && signature.argumentType !== undefined) {
      argument = binder.coerce(value, signature.argumentType, locations[0] ?? call.location);
    } else if (value !== undefined) {
      argument = value;
    }
    type = signature.resultType;
  }
  const filter =
    call.filter === undefined
      ? undefined
      : binder.requireBoolean(bindExpression(binder, call.filter, { ...inner, clause: state.clause }), 'FILTER', leftmostLocation(call.filter));
  const orderBy: BoundOrdering[] = call.orderBy.map((key) => {
    const expression = bindExpression(binder, key.expression, inner);
    const descending = key.direction === 'desc';
    return Object.freeze({ expression, descending, nullsFirst: key.nulls === 'default' ? descending : key.nulls === 'first' });
  });
  const partial = {
    kind: 'aggregate' as const,
    type,
    name: name as BoundAggregate['name'],
    signature,
    argument,
    delimiter,
    distinct: call.distinct,
    filter,
    orderBy: Object.freeze(orderBy),
    location: call.location,
  };
  const aggregate: BoundAggregate = Object.freeze({ ...partial, fingerprint: fingerprint({ ...partial, fingerprint: '' }) });
  state.aggregates.push(aggregate);
  return aggregate;
}
