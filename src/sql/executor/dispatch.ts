/**
 * Statement kind → executor. Transaction control (BEGIN, COMMIT, ROLLBACK, savepoints) never reaches here: the
 * connection runs it. Statements the dialect does not have are refused by the parser (0A000 or 42601).
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type * as ast from '../ast.js';
import type { StatementContext, StatementOutcome } from './context.js';
import { executeCopy } from './copy.js';
import { executeCreateTable, executeDropTable, executeTruncate } from './ddl.js';
import { executeExplain } from './explain.js';
import { executeCreateExtension, executeDropExtension } from './extension.js';
import { executeCreateIndex, executeDropIndex, executeReindex } from './index-ddl.js';
import { executeDelete, executeInsert, executeUpdate } from './modify.js';
import { executeQuery } from './select.js';
import { executeReset, executeSet, executeShow, executeVacuum } from './utility.js';

export async function executeStatement(context: StatementContext, statement: ast.Statement): Promise<StatementOutcome> {
  switch (statement.kind) {
    case 'select':
    case 'values':
    case 'setOperation':
      return executeQuery(context, statement);
    case 'insert':
      return executeInsert(context, statement);
    case 'update':
      return executeUpdate(context, statement);
    case 'delete':
      return executeDelete(context, statement);
    case 'createTable':
      return executeCreateTable(context, statement);
    case 'dropTable':
      return executeDropTable(context, statement);
    case 'truncate':
      return executeTruncate(context, statement);
    case 'createIndex':
      return executeCreateIndex(context, statement);
    case 'dropIndex':
      return executeDropIndex(context, statement);
    case 'reindex':
      return executeReindex(context, statement);
    case 'createExtension':
      return executeCreateExtension(context, statement);
    case 'dropExtension':
      return executeDropExtension(context, statement);
    case 'set':
      return executeSet(context, statement);
    case 'show':
      return executeShow(context, statement);
    case 'reset':
      return executeReset(context, statement);
    case 'explain':
      return executeExplain(context, statement);
    case 'vacuum':
      return executeVacuum(context, statement);
    case 'copy':
      return executeCopy(context, statement);
    default:
      throw new KmerSearchError(SqlState.internalError, `statement ${statement.kind} reached the executor`);
  }
}
