/** SELECT, VALUES and set operations: bind, run the statement actions (the analysis…), plan, run, and return the visible columns. */
import type * as ast from '../ast.js';
import type { Row } from '../binder/bound.js';
import { bindQuery } from '../binder/query.js';
import { planQuery } from '../planner.js';
import { prefetchPartitionSearches } from './append.js';
import { runStatementActions } from './statement-actions.js';
import { type StatementContext, type StatementOutcome, forEachBatch, rowsOutcome, topEnvironment } from './context.js';

export async function executeQuery(context: StatementContext, statement: ast.Query): Promise<StatementOutcome> {
  const query = bindQuery(context.binder, statement, undefined);
  await runStatementActions(context, query);
  const plan = planQuery(query, context.compiler.planning);
  await prefetchPartitionSearches(context, plan);
  const source = context.compiler.compile(plan);
  const width = query.columns.length;
  const rows: Row[] = [];
  await forEachBatch(source, topEnvironment(context), (batch) => {
    for (const row of batch) rows.push(row.length > width ? row.slice(0, width) : row);
  });
  return rowsOutcome(query.columns, rows, `SELECT ${rows.length}`);
}
