/**
 * Compiles bound expressions into closures `(row, environment) => value`, once per statement, so that the
 * per-row work is calls between small monomorphic functions rather than a walk over the tree. NULL handling is
 * SQL's: strict operators and functions return NULL for a NULL input, AND/OR/NOT and IN follow three-valued
 * logic, CASE takes the first WHEN that is true (not NULL).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { BoundExpression, BoundQuery, BoundSubquery, Row, TableColumn } from './binder/bound.js';
import type { FunctionContext } from './functions/contract.js';
import { type Environment, environmentWithOuterRow } from './executor/runtime.js';
import { compileLikePattern, type LikeMatcher } from './executor/like.js';
import type { Notice as SettingsNotice } from '../settings/index.js';
import { toResultNotice } from './notices.js';
import type { RecordValue, SqlValue } from './types.js';

export type Evaluator = (row: Row, environment: Environment) => SqlValue;

/** Runs a subquery for the given environment (whose outer rows include the current row) and returns its rows. */
export type SubqueryRunner = (query: BoundQuery) => (environment: Environment) => readonly Row[];

function internal(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.internalError, message);
}

const statementContext = (environment: Environment): FunctionContext => environment.runtime.functionContext;

/**
 * The statement's function context with `argumentColumn` added, one per statement for this call site (its memo
 * lives as long as the statement).
 */
function argumentContext(column: TableColumn): (environment: Environment) => FunctionContext {
  let base: FunctionContext | undefined;
  let derived: FunctionContext | undefined;
  return (environment) => {
    const current = environment.runtime.functionContext;
    if (current !== base || derived === undefined) {
      base = current;
      derived = { ...current, argumentColumn: { tableId: column.tableId, columnName: column.columnName, memo: new Map() } };
    }
    return derived;
  };
}

export function compileExpression(expression: BoundExpression, runSubquery: SubqueryRunner): Evaluator {
  const compile = (child: BoundExpression): Evaluator => compileExpression(child, runSubquery);
  switch (expression.kind) {
    case 'constant': {
      const value = expression.value;
      return () => value;
    }
    case 'column': {
      const index = expression.index;
      if (expression.levelsUp === 0) return (row) => row[index] ?? null;
      const level = expression.levelsUp - 1;
      return (_row, environment) => environment.outer[level]?.[index] ?? null;
    }
    case 'cast': {
      const operand = compile(expression.operand);
      const convert = expression.convert;
      return (row, environment) => {
        const value = operand(row, environment);
        return value === null ? null : convert(value);
      };
    }
    case 'operator': {
      const right = compile(expression.right);
      const evaluate = expression.evaluate;
      if (expression.left === undefined) {
        return (row, environment) => {
          const value = right(row, environment);
          return value === null ? null : evaluate(null, value);
        };
      }
      const left = compile(expression.left);
      return (row, environment) => {
        const leftValue = left(row, environment);
        if (leftValue === null) return null;
        const rightValue = right(row, environment);
        return rightValue === null ? null : evaluate(leftValue, rightValue);
      };
    }
    case 'function': {
      const args = expression.arguments.map(compile);
      const fn = expression.function;
      const strict = fn.strict;
      const contextOf = expression.argumentColumn === undefined ? statementContext : argumentContext(expression.argumentColumn);
      if (fn.callTyping === 'coalesce') {
        // COALESCE evaluates its arguments only until one is not NULL (`COALESCE(1, 1/0)` is 1).
        return (row, environment) => {
          for (const argument of args) {
            const value = argument(row, environment);
            if (value !== null) return value;
          }
          return null;
        };
      }
      return (row, environment) => {
        const values: SqlValue[] = new Array(args.length);
        for (let index = 0; index < args.length; index++) {
          const value = (args[index] as Evaluator)(row, environment);
          if (value === null && strict) return null;
          values[index] = value;
        }
        return fn.evaluate(values, contextOf(environment));
      };
    }
    case 'sessionFunction': {
      const args = expression.arguments.map(compile);
      const name = expression.name;
      return name === 'current_setting' || name === 'set_config' ? compileSettingFunction(name, args) : compileSequenceFunction(name, args);
    }
    case 'and':
    case 'or': {
      const args = expression.arguments.map(compile);
      const decisive = expression.kind === 'or';
      return (row, environment) => {
        let sawNull = false;
        for (const argument of args) {
          const value = argument(row, environment);
          if (value === null) sawNull = true;
          else if (value === decisive) return decisive;
        }
        return sawNull ? null : !decisive;
      };
    }
    case 'not': {
      const operand = compile(expression.operand);
      return (row, environment) => {
        const value = operand(row, environment);
        return value === null ? null : !value;
      };
    }
    case 'nullTest': {
      const operand = compile(expression.operand);
      const negated = expression.negated;
      return (row, environment) => (operand(row, environment) === null) !== negated;
    }
    case 'booleanTest': {
      const operand = compile(expression.operand);
      const expected = expression.test === 'true' ? true : expression.test === 'false' ? false : null;
      const negated = expression.negated;
      return (row, environment) => (operand(row, environment) === expected) !== negated;
    }
    case 'distinctFrom': {
      const left = compile(expression.left);
      const right = compile(expression.right);
      const equals = expression.equals;
      const negated = expression.negated;
      return (row, environment) => {
        const leftValue = left(row, environment);
        const rightValue = right(row, environment);
        let distinct: boolean;
        if (leftValue === null || rightValue === null) distinct = leftValue !== rightValue;
        else distinct = equals(leftValue, rightValue) !== true;
        return distinct !== negated;
      };
    }
    case 'case': {
      const whens = expression.whens.map((when) => ({ condition: compile(when.condition), result: compile(when.result) }));
      const elseResult = compile(expression.elseResult);
      return (row, environment) => {
        for (const when of whens) if (when.condition(row, environment) === true) return when.result(row, environment);
        return elseResult(row, environment);
      };
    }
    case 'in': {
      const operand = compile(expression.operand);
      const items = expression.items.map((item) => ({ value: compile(item.value), convertOperand: item.convertOperand, equals: item.equals }));
      const negated = expression.negated;
      return (row, environment) => {
        const value = operand(row, environment);
        if (value === null) return null;
        let sawNull = false;
        for (const item of items) {
          const candidate = item.value(row, environment);
          if (candidate === null) {
            sawNull = true;
            continue;
          }
          const result = item.equals(item.convertOperand(value), candidate);
          if (result === true) return !negated;
          if (result === null) sawNull = true;
        }
        return sawNull ? null : negated;
      };
    }
    case 'like':
      return compileLike(expression.negated, expression.caseInsensitive, compile(expression.operand), compile(expression.pattern), expression.escape === undefined ? undefined : compile(expression.escape));
    case 'fieldSelect': {
      const operand = compile(expression.operand);
      const fieldIndex = expression.fieldIndex;
      return (row, environment) => {
        const value = operand(row, environment) as RecordValue | null;
        return value === null ? null : (value.values[fieldIndex] ?? null);
      };
    }
    case 'row': {
      const fields = expression.fields.map(compile);
      const recordFields = expression.type.fields ?? [];
      return (row, environment): RecordValue =>
        Object.freeze({ fields: recordFields, values: Object.freeze(fields.map((field) => field(row, environment))) });
    }
    case 'subquery':
      return compileSubquery(expression, runSubquery, compile);
    case 'clock': {
      const which = expression.which;
      return (_row, environment) =>
        which === 'transaction' ? environment.runtime.transactionTimestamp : environment.runtime.statementTimestamp;
    }
    case 'aggregate':
      throw internal('aggregate call outside of an aggregate node');
    case 'setFunction':
      throw internal('set-returning function outside of a ProjectSet node');
  }
}

function compileLike(
  negated: boolean,
  caseInsensitive: boolean,
  operand: Evaluator,
  pattern: Evaluator,
  escape: Evaluator | undefined,
): Evaluator {
  let lastPattern: string | undefined;
  let lastEscape: string | undefined;
  let matcher: LikeMatcher | undefined;
  return (row, environment) => {
    const text = operand(row, environment);
    const patternText = pattern(row, environment);
    if (text === null || patternText === null) return null;
    const escapeText = escape === undefined ? undefined : escape(row, environment);
    if (escapeText === null) return null;
    if (matcher === undefined || patternText !== lastPattern || escapeText !== lastEscape) {
      matcher = compileLikePattern(patternText as string, escapeText as string | undefined, caseInsensitive);
      lastPattern = patternText as string;
      lastEscape = escapeText as string | undefined;
    }
    return matcher(text as string) !== negated;
  };
}

function compileSequenceFunction(name: 'nextval' | 'currval' | 'setval', args: readonly Evaluator[]): Evaluator {
  return (row, environment) => {
    const values = args.map((argument) => argument(row, environment));
    if (values.some((value) => value === null)) return null;
    const runtime = environment.runtime;
    const id = values[0] as number;
    const sequence = runtime.view.getSequence(id);
    if (sequence === undefined) {
      const relationName = runtime.ioOptions.relations?.relationName(id);
      throw new KmerSearchError(SqlState.wrongObjectType, `"${relationName ?? id}" is not a sequence`);
    }
    if (name === 'currval') {
      const value = runtime.sequenceValues.get(id);
      if (value === undefined) {
        throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, `currval of sequence "${sequence.name}" is not yet defined in this session`);
      }
      return value;
    }
    const write = runtime.write;
    if (write === undefined) throw internal(`${name} outside of a write transaction`);
    if (name === 'nextval') {
      const value = write.nextSequenceValue(id);
      runtime.sequenceValues.set(id, value);
      return value;
    }
    const value = values[1] as bigint;
    const isCalled = values[2] === undefined ? true : (values[2] as boolean);
    write.setSequenceValue(id, value, isCalled);
    if (isCalled) runtime.sequenceValues.set(id, value);
    return value;
  };
}

/** current_setting(name [, missing_ok]) and set_config(name, value, is_local), with SET's semantics and notices. */
function compileSettingFunction(name: 'current_setting' | 'set_config', args: readonly Evaluator[]): Evaluator {
  return (row, environment) => {
    const values = args.map((argument) => argument(row, environment));
    const context = environment.runtime.functionContext;
    const settings = context.session.settings;
    const settingName = values[0] ?? null;
    if (settingName === null) return null;
    if (name === 'current_setting') {
      if (values[1] === true) return settings.tryShow(settingName as string) ?? null;
      return settings.show(settingName as string);
    }
    if (values[2] === null) return null;
    const notices: SettingsNotice[] = [];
    try {
      const options = { local: values[2] === true, warnOutsideTransaction: false };
      if (values[1] === null) settings.reset(settingName as string, options, notices);
      else settings.set(settingName as string, values[1] as string, options, notices);
    } finally {
      for (const notice of notices) context.notice(toResultNotice(notice));
    }
    return settings.show(settingName as string);
  };
}

function compileSubquery(expression: BoundSubquery, runSubquery: SubqueryRunner, compile: (child: BoundExpression) => Evaluator): Evaluator {
  const run = runSubquery(expression.query);
  switch (expression.mode) {
    case 'scalar':
      return (row, environment) => {
        const rows = run(environmentWithOuterRow(environment, row));
        if (rows.length > 1) {
          throw new KmerSearchError('21000', 'more than one row returned by a subquery used as an expression');
        }
        return rows[0]?.[0] ?? null;
      };
    case 'exists':
      return (row, environment) => run(environmentWithOuterRow(environment, row)).length > 0;
    case 'any':
    case 'all': {
      const comparison = expression.comparison;
      if (comparison === undefined) throw internal('ANY/ALL subquery without a comparison');
      const left = compile(comparison.left);
      const { convertRight, compare } = comparison;
      const decisive = expression.mode === 'any';
      const negated = expression.negated;
      return (row, environment) => {
        const rows = run(environmentWithOuterRow(environment, row));
        let result: boolean | null = !decisive;
        if (rows.length > 0) {
          const leftValue = left(row, environment);
          let sawNull = false;
          let decided = false;
          for (const subrow of rows) {
            const rightValue = subrow[0] ?? null;
            const outcome = leftValue === null || rightValue === null ? null : compare(leftValue, convertRight(rightValue));
            if (outcome === null) sawNull = true;
            else if (outcome === decisive) {
              decided = true;
              break;
            }
          }
          result = decided ? decisive : sawNull ? null : !decisive;
        }
        return result === null ? null : result !== negated;
      };
    }
  }
}
