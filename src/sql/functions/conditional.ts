/**
 * COALESCE, GREATEST, LEAST and NULLIF. PostgreSQL parses them as special syntax, not as functions: their
 * arguments take a common type (COALESCE/GREATEST/LEAST, select_common_type) or the operand types of the `=`
 * operator (NULLIF), and none of them is strict. Here each is a catalog entry with a CallTyping, bound to a
 * call's types by resolveFunctionCall.
 */
import {
  type SqlType,
  type SqlValue,
  compareValues,
  resolveBinaryOperator,
} from '../types.js';
import type { FunctionContext, ScalarFunction, SqlFunction } from './contract.js';
import { resolveCommonType } from './common-type.js';
import { anyElementPseudoType, scalar, unboundCallError, withCallBinder } from './define.js';

type Evaluate = (args: readonly SqlValue[], context: FunctionContext) => SqlValue;

function bound(
  entry: ScalarFunction,
  argumentTypes: readonly SqlType[],
  resultType: SqlType,
  evaluate: Evaluate,
): ScalarFunction {
  return Object.freeze({ ...entry, argumentTypes: Object.freeze([...argumentTypes]), resultType, evaluate });
}

function unbound(name: string): Evaluate {
  return () => {
    throw unboundCallError(name);
  };
}

/** GREATEST / LEAST: NULLs are ignored; NULL only when every argument is NULL. */
function extremum(type: SqlType, greatest: boolean): Evaluate {
  return (args) => {
    let best: SqlValue = null;
    for (const value of args) {
      if (value === null) continue;
      if (best === null) best = value;
      else {
        const order = compareValues(value, best, type);
        if (greatest ? order > 0 : order < 0) best = value;
      }
    }
    return best;
  };
}

function commonTypeEntry(name: 'coalesce' | 'greatest' | 'least'): SqlFunction {
  const entry = scalar(name, [anyElementPseudoType], anyElementPseudoType, unbound(name), {
    strict: false,
    variadic: true,
    callTyping: name === 'coalesce' ? 'coalesce' : 'common',
  });
  const construct = name.toUpperCase();
  return withCallBinder(entry, (inputTypes, positions) => {
    const common = resolveCommonType(inputTypes, construct, positions);
    const argumentTypes = inputTypes.map(() => common);
    // Eager evaluation for callers that computed every argument; the executor short-circuits COALESCE itself.
    const evaluate: Evaluate =
      name === 'coalesce' ? (args) => args.find((value) => value !== null) ?? null : extremum(common, name === 'greatest');
    return { function: bound(entry, argumentTypes, common, evaluate), argumentTypes, resultType: common };
  });
}

/**
 * NULLIF(a, b): `a = b` resolved as an operator (its errors are the operator's, e.g. `operator does not exist:
 * integer = dna2`), NULL when it is true, else a — with the type of the operator's left operand.
 */
function nullIfEntry(): SqlFunction {
  const entry = scalar('nullif', [anyElementPseudoType, anyElementPseudoType], anyElementPseudoType, unbound('nullif'), {
    strict: false,
    callTyping: 'nullif',
  });
  return withCallBinder(entry, (inputTypes) => {
    const [left, right] = inputTypes;
    if (left === undefined || right === undefined || inputTypes.length !== 2) throw unboundCallError('nullif');
    const equality = resolveBinaryOperator('=', left, right);
    const argumentTypes = [equality.leftType, equality.rightType];
    const evaluate: Evaluate = ([first = null, second = null]) => {
      if (first === null) return null;
      if (second === null) return first;
      return equality.evaluate(first, second) === true ? null : first;
    };
    return {
      function: bound(entry, argumentTypes, equality.leftType, evaluate),
      argumentTypes,
      resultType: equality.leftType,
    };
  });
}

export function conditionalFunctions(): SqlFunction[] {
  return [commonTypeEntry('coalesce'), commonTypeEntry('greatest'), commonTypeEntry('least'), nullIfEntry()];
}
