/**
 * Runs a query's statement actions (functions/actions.ts) before its rows are produced: every call of an action
 * function anywhere in the bound query (target list, FROM, WHERE, subqueries, …) whose arguments are constants is
 * run once per distinct argument list, awaited, and its result stored in the statement's FunctionContext, where
 * the synchronous catalog entry finds it. A STRICT call with a NULL argument is not run (its value is NULL).
 */
import type {
  BoundExpression,
  BoundFromItem,
  BoundFunctionSource,
  BoundQuery,
} from '../binder/bound.js';
import { childrenOf } from '../binder/walk.js';
import { actionCallKey, actionFunctionNames, type ScalarFunction, type SetReturningFunction } from '../functions/index.js';
import type { SqlValue } from '../types.js';
import { deleteTemporaryFiles, performHighFrequencyAnalysis, undoHighFrequencyAnalysis } from './analysis.js';
import type { StatementContext } from './context.js';
import { parallelCreateIndex } from './partition-actions.js';

type Action = (args: readonly SqlValue[], context: StatementContext) => Promise<SqlValue | readonly SqlValue[]>;

const actions: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['kmersearch_perform_highfreq_analysis', performHighFrequencyAnalysis],
  ['kmersearch_undo_highfreq_analysis', undoHighFrequencyAnalysis],
  ['kmersearch_delete_tempfiles', deleteTemporaryFiles],
  ['kmersearch_parallel_create_index', parallelCreateIndex],
]);

interface ActionCall {
  readonly function: ScalarFunction | SetReturningFunction;
  readonly arguments: readonly BoundExpression[];
}

function collectFromItem(item: BoundFromItem | undefined, calls: ActionCall[]): void {
  if (item === undefined) return;
  switch (item.kind) {
    case 'table':
      return;
    case 'function':
      collectFunctionSource(item, calls);
      return;
    case 'subquery':
      collectQuery(item.query, calls);
      return;
    case 'join':
      collectFromItem(item.left, calls);
      collectFromItem(item.right, calls);
      collectExpression(item.condition, calls);
      return;
  }
}

function collectFunctionSource(source: BoundFunctionSource, calls: ActionCall[]): void {
  for (const argument of source.arguments) collectExpression(argument, calls);
  if (actionFunctionNames.has(source.function.name)) calls.push({ function: source.function, arguments: source.arguments });
}

function collectExpression(expression: BoundExpression | undefined, calls: ActionCall[]): void {
  if (expression === undefined) return;
  for (const child of childrenOf(expression)) collectExpression(child, calls);
  if (expression.kind === 'subquery') collectQuery(expression.query, calls);
  if ((expression.kind === 'function' || expression.kind === 'setFunction') && actionFunctionNames.has(expression.function.name)) {
    calls.push({ function: expression.function, arguments: expression.arguments });
  }
}

function collectQuery(query: BoundQuery, calls: ActionCall[]): void {
  switch (query.kind) {
    case 'select':
      collectFromItem(query.from, calls);
      collectExpression(query.where, calls);
      if (query.grouping !== undefined) {
        for (const key of query.grouping.keys) collectExpression(key, calls);
        for (const aggregate of query.grouping.aggregates) collectExpression(aggregate, calls);
        collectExpression(query.grouping.having, calls);
      }
      for (const target of query.targets) collectExpression(target.expression, calls);
      break;
    case 'values':
      for (const row of query.rows) for (const value of row) collectExpression(value, calls);
      break;
    case 'setOperation':
      collectQuery(query.left, calls);
      collectQuery(query.right, calls);
      break;
  }
  collectExpression(query.limit.limit, calls);
  collectExpression(query.limit.offset, calls);
}

/** The value of a constant argument (a literal, a parameter, or a cast of one); undefined otherwise. */
function constantValue(expression: BoundExpression): { value: SqlValue } | undefined {
  if (expression.kind === 'constant') return { value: expression.value };
  if (expression.kind === 'cast') {
    const operand = constantValue(expression.operand);
    if (operand === undefined) return undefined;
    return { value: operand.value === null ? null : expression.convert(operand.value) };
  }
  return undefined;
}

/** Runs the query's action calls in the order they appear, each distinct call once. */
export async function runStatementActions(context: StatementContext, query: BoundQuery): Promise<void> {
  const calls: ActionCall[] = [];
  collectQuery(query, calls);
  if (calls.length === 0) return;
  const results = context.runtime.functionContext.actionResults;
  if (results === undefined) return;
  for (const call of calls) {
    const values: SqlValue[] = [];
    for (const argument of call.arguments) {
      const constant = constantValue(argument);
      if (constant === undefined) break;
      values.push(constant.value);
    }
    // Not constant: the entry's evaluate reports it. NULL into a STRICT function: never called.
    if (values.length !== call.arguments.length) continue;
    if (call.function.strict && values.includes(null)) continue;
    const key = actionCallKey(call.function.name, values);
    if (results.has(key)) continue;
    const action = actions.get(call.function.name);
    if (action === undefined) continue;
    results.set(key, await action(values, context));
  }
}
