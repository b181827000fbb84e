/**
 * Function-call resolution as PostgreSQL's func_get_detail does it for positional calls: the entries of the
 * name with as many parameters as the call has arguments (a VARIADIC entry needs at least one variadic
 * argument; an entry with DEFAULT parameters may be called with fewer), an exact match first, then the
 * implicit-cast filter and func_select_candidate (types/resolution.ts selectOverload) — so an unknown string
 * literal goes to the string-category overload (`length('abc')` is length(text)). Errors carry PostgreSQL's
 * texts and hints; the binder adds the call's position.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { type SqlType, selectOverload, sqlTypes } from '../types.js';
import type { FunctionCatalog, SqlFunction } from './contract.js';
import { type ResolvedFunctionCall, callBinderOf } from './define.js';

const AMBIGUOUS_FUNCTION = '42725';

/** func_signature_string: `f(integer, unknown)`. */
function signature(name: string, argumentTypes: readonly SqlType[]): string {
  return `${name}(${argumentTypes.map((type) => type.formatName).join(', ')})`;
}

export function functionDoesNotExistError(name: string, argumentTypes: readonly SqlType[]): KmerSearchError {
  return new KmerSearchError(SqlState.undefinedFunction, `function ${signature(name, argumentTypes)} does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

export function functionNotUniqueError(name: string, argumentTypes: readonly SqlType[]): KmerSearchError {
  return new KmerSearchError(AMBIGUOUS_FUNCTION, `function ${signature(name, argumentTypes)} is not unique`, {
    hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
  });
}

interface Candidate {
  readonly entry: SqlFunction;
  /** The entry's parameter types for a call with this many arguments. */
  readonly argumentTypes: readonly SqlType[];
}

/**
 * The entry's parameter list for `argumentCount` arguments, or undefined when it cannot take that many.
 * VARIADIC "any" positions take each argument's own type (an unknown literal becomes text).
 */
function candidateFor(entry: SqlFunction, inputTypes: readonly SqlType[]): Candidate | undefined {
  const declared = entry.argumentTypes;
  const argumentCount = inputTypes.length;
  if (entry.variadic === true && declared.length > 0 && argumentCount >= declared.length) {
    const fixed = declared.slice(0, -1);
    const repeated = declared[declared.length - 1] as SqlType;
    const argumentTypes = inputTypes.map((input, index) => {
      if (index < fixed.length) return fixed[index] as SqlType;
      if (entry.callTyping !== 'variadic-any') return repeated;
      return input.id === 'unknown' ? sqlTypes.text : input;
    });
    return { entry, argumentTypes };
  }
  if (argumentCount === declared.length) return { entry, argumentTypes: declared };
  const optional = entry.optionalArguments ?? 0;
  if (argumentCount < declared.length && argumentCount >= declared.length - optional) {
    return { entry, argumentTypes: declared.slice(0, argumentCount) };
  }
  return undefined;
}

/** Special forms (COALESCE, GREATEST, LEAST, NULLIF) are not overloaded: their one entry decides. */
function isSpecialForm(entry: SqlFunction): boolean {
  return entry.callTyping === 'common' || entry.callTyping === 'coalesce' || entry.callTyping === 'nullif';
}

/**
 * The function a call `name(arguments…)` runs, the types its arguments must be cast to (implicitly) and its
 * result type. Throws 42883 `function f(integer, unknown) does not exist` and 42725 `function f(unknown) is
 * not unique` with PostgreSQL's hints, and for COALESCE/GREATEST/LEAST/NULLIF the errors of their type
 * resolution (placed with `argumentPositions` when given). `name` is the folded (lower-case) name.
 */
export function resolveFunctionCall(
  catalog: FunctionCatalog,
  name: string,
  inputTypes: readonly SqlType[],
  argumentPositions?: readonly (number | undefined)[],
): ResolvedFunctionCall {
  const entries = catalog.lookup(name);
  const special = entries.find(isSpecialForm);
  if (special !== undefined) {
    const binder = callBinderOf(special);
    const enoughArguments =
      special.variadic === true ? inputTypes.length >= 1 : inputTypes.length === special.argumentTypes.length;
    if (binder === undefined || !enoughArguments) throw functionDoesNotExistError(name, inputTypes);
    return binder(inputTypes, argumentPositions);
  }
  const candidates = entries.flatMap((entry) => candidateFor(entry, inputTypes) ?? []);
  const selection = selectOverload(candidates, inputTypes);
  if (selection.kind === 'none') throw functionDoesNotExistError(name, inputTypes);
  if (selection.kind === 'ambiguous') throw functionNotUniqueError(name, inputTypes);
  const { entry, argumentTypes } = selection.candidate;
  const binder = callBinderOf(entry);
  if (binder !== undefined) return binder(argumentTypes, argumentPositions);
  return { function: entry, argumentTypes, resultType: entry.resultType };
}
