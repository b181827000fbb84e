/**
 * CREATE TABLE, DROP TABLE and TRUNCATE, with PostgreSQL's IF [NOT] EXISTS notices and errors. Indexes and
 * sequences owned by a dropped table go with it (storage does that, and with the indexes their rows of
 * kmersearch_index_info, a view over them); TRUNCATE empties the table's kmersearch indexes. A partitioned table
 * is dropped and truncated with its partitions; a partition alone cannot be dropped (src/partition routes by
 * every remainder).
 */
import { SqlState } from '../../errors.js';
import { clearIndex } from '../../gin/index.js';
import { isPartitionedIndex, partitionMembershipOf, partitionsOf } from '../../partition/index.js';
import type { RelationEntry, TableRecord } from '../../storage/index.js';
import type * as ast from '../ast.js';
import { bindTableDefinition } from '../binder/table-definition.js';
import { isKmersearchIndex } from '../kmersearch-index.js';
import { type StatementContext, type StatementOutcome, commandOutcome } from './context.js';
import { requireWrite } from './modify.js';

export function checkSchema(context: StatementContext, relation: ast.RelationName): void {
  if (relation.schema !== undefined && relation.schema !== 'public') {
    throw context.binder.error('3F000', `schema "${relation.schema}" does not exist`, relation.location);
  }
}

export function executeCreateTable(context: StatementContext, statement: ast.CreateTableStatement): StatementOutcome {
  if (statement.temporary) {
    throw context.binder.error(SqlState.featureNotSupported, 'temporary tables are not supported', statement.location);
  }
  checkSchema(context, statement.table);
  const write = requireWrite(context);
  if (write.findRelation(statement.table.name) !== undefined && statement.ifNotExists) {
    context.notice({ severity: 'NOTICE', code: SqlState.duplicateTable, message: `relation "${statement.table.name}" already exists, skipping` });
    return commandOutcome('CREATE TABLE');
  }
  const definition = bindTableDefinition(context.binder, statement);
  write.createTable(definition);
  return commandOutcome('CREATE TABLE');
}

/** Why a relation that is not a table cannot be dropped or truncated as one (PostgreSQL's DROP TABLE hint). */
function notATable(context: StatementContext, relation: ast.RelationName, entry: RelationEntry) {
  // A PRIMARY KEY or UNIQUE constraint is backed by an index in PostgreSQL, and named like one.
  const isIndex = entry.kind === 'index' || entry.kind === 'constraint';
  const hint = isIndex ? 'Use DROP INDEX to remove an index.' : entry.kind === 'sequence' ? 'Use DROP SEQUENCE to remove a sequence.' : undefined;
  return context.binder.error(SqlState.wrongObjectType, `"${relation.name}" is not a table`, undefined, hint === undefined ? {} : { hint });
}

export function executeDropTable(context: StatementContext, statement: ast.DropTableStatement): StatementOutcome {
  const write = requireWrite(context);
  const tables: TableRecord[] = [];
  for (const relation of statement.tables) {
    checkSchema(context, relation);
    const entry = write.findRelation(relation.name);
    if (entry === undefined) {
      if (!statement.ifExists) throw context.binder.error(SqlState.undefinedTable, `table "${relation.name}" does not exist`, undefined);
      context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: `table "${relation.name}" does not exist, skipping` });
      continue;
    }
    const table = entry.kind === 'table' ? write.getTable(entry.id) : undefined;
    if (table === undefined) throw notATable(context, relation, entry);
    const membership = partitionMembershipOf(table);
    const parent = membership === undefined ? undefined : write.getTable(membership.parentId);
    if (parent !== undefined && !statement.tables.some((other) => other.name === parent.name)) {
      // Routing needs every remainder: a partition goes only with its table (or by kmersearch_unpartition_table).
      throw context.binder.error(SqlState.dependentObjectsStillExist, `cannot drop table ${table.name} because table ${parent.name} requires it`, undefined, {
        hint: `You can drop table ${parent.name} instead, or call kmersearch_unpartition_table('${parent.name}') first.`,
      });
    }
    if (!tables.some((known) => known.id === table.id)) tables.push(table);
  }
  for (const table of tables) {
    // A partitioned table goes with its partitions (and their indexes).
    for (const partition of partitionsOf(write, table)) write.dropTable(partition.id);
    if (write.getTable(table.id) !== undefined) write.dropTable(table.id);
  }
  return commandOutcome('DROP TABLE');
}

export function executeTruncate(context: StatementContext, statement: ast.TruncateStatement): StatementOutcome {
  const write = requireWrite(context);
  const tables = statement.tables.map((relation) => {
    checkSchema(context, relation);
    const entry = write.findRelation(relation.name);
    if (entry === undefined) throw context.binder.error(SqlState.undefinedTable, `relation "${relation.name}" does not exist`, relation.location);
    const table = entry.kind === 'table' ? write.getTable(entry.id) : undefined;
    if (table === undefined) throw notATable(context, relation, entry);
    return table;
  });
  for (const table of tables) {
    // TRUNCATE of a partitioned table empties its partitions (and their indexes).
    for (const partition of [table, ...partitionsOf(write, table)]) {
      write.truncateTable(partition.id);
      // A partitioned index (on the parent) has no data to clear; its attached indexes are the partitions'.
      for (const index of write.listIndexes(partition.id)) if (isKmersearchIndex(index) && !isPartitionedIndex(index)) clearIndex(write, index.id);
    }
    if (!statement.restartIdentity) continue;
    for (const sequence of write.listSequences()) {
      if (sequence.ownedBy?.tableId === table.id) write.setSequenceValue(sequence.id, sequence.startValue, false);
    }
  }
  return commandOutcome('TRUNCATE TABLE');
}
