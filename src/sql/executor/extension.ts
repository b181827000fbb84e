/**
 * CREATE / DROP EXTENSION. The types and functions of pg_kmersearch are always there, so CREATE EXTENSION
 * pg_kmersearch is accepted and does nothing (scripts written for PostgreSQL run unchanged). DROP EXTENSION
 * pg_kmersearch follows PostgreSQL's dependency rules for the tables that use dna2/dna4: without CASCADE the
 * 2BP01 dependency error lists them; with CASCADE they are dropped (SPEC §8 drops the whole table where
 * PostgreSQL would drop the column; see docs/deviations.md). The stored high-frequency analyses (the reference's
 * kmersearch_highfreq_kmer and _meta tables, members of the extension) are removed.
 */
import { dropAllAnalyses } from '../../analysis/index.js';
import { SqlState } from '../../errors.js';
import type { TableRecord } from '../../storage/index.js';
import type * as ast from '../ast.js';
import { type StatementContext, type StatementOutcome, commandOutcome } from './context.js';
import { requireWrite } from './modify.js';

const extensionName = 'pg_kmersearch';
/** PostgreSQL lists at most this many dependent objects in a DETAIL. */
const maximumListedObjects = 100;

export function executeCreateExtension(context: StatementContext, statement: ast.CreateExtensionStatement): StatementOutcome {
  if (statement.name !== extensionName) {
    throw context.binder.error(SqlState.undefinedFile, `extension "${statement.name}" is not available`, undefined, {
      hint: 'The extension must first be installed on the system where PostgreSQL is running.',
    });
  }
  return commandOutcome('CREATE EXTENSION');
}

function dnaColumns(table: TableRecord): { readonly column: string; readonly type: string }[] {
  return table.columns.flatMap((column) =>
    column.type.name === 'dna2' || column.type.name === 'dna4' ? [{ column: column.name, type: column.type.name }] : [],
  );
}

function listing(lines: readonly string[]): string {
  if (lines.length <= maximumListedObjects) return lines.join('\n');
  const shown = lines.slice(0, maximumListedObjects);
  return `${shown.join('\n')}\nand ${lines.length - maximumListedObjects} other objects (see server log for list)`;
}

export function executeDropExtension(context: StatementContext, statement: ast.DropExtensionStatement): StatementOutcome {
  const write = requireWrite(context);
  let dropsKmersearch = false;
  for (const name of statement.names) {
    if (name === extensionName) {
      dropsKmersearch = true;
      continue;
    }
    if (!statement.ifExists) throw context.binder.error(SqlState.undefinedObject, `extension "${name}" does not exist`, undefined);
    context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: `extension "${name}" does not exist, skipping` });
  }
  if (!dropsKmersearch) return commandOutcome('DROP EXTENSION');
  const dependents = write.listTables().filter((table) => dnaColumns(table).length > 0);
  // The analyses go with the extension; if the dependency check below fails, the rollback keeps them.
  dropAllAnalyses(write);
  if (dependents.length === 0) return commandOutcome('DROP EXTENSION');
  if (!statement.cascade) {
    const lines = dependents.flatMap((table) =>
      dnaColumns(table).map(({ column, type }) => `column ${column} of table ${table.name} depends on type ${type}`),
    );
    throw context.binder.error(
      SqlState.dependentObjectsStillExist,
      `cannot drop extension ${extensionName} because other objects depend on it`,
      undefined,
      { detail: listing(lines), hint: 'Use DROP ... CASCADE to drop the dependent objects too.' },
    );
  }
  const lines = dependents.map((table) => `drop cascades to table ${table.name}`);
  if (lines.length === 1) context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: lines[0] as string });
  else {
    context.notice({
      severity: 'NOTICE',
      code: SqlState.successfulCompletion,
      message: `drop cascades to ${lines.length} other objects`,
      detail: listing(lines),
    });
  }
  // The index metadata views follow the index records, which go with their tables.
  for (const table of dependents) write.dropTable(table.id);
  return commandOutcome('DROP EXTENSION');
}
