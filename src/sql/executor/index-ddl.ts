/**
 * CREATE INDEX, DROP INDEX and REINDEX for kmersearch GIN indexes (SPEC §7, §8; reference core §2.4, §3.8).
 *
 * CREATE INDEX checks in PostgreSQL's order — the table, the access method, UNIQUE and per-column options, the
 * column, the operator class (PostgreSQL's texts for a missing, unknown or mismatching class), then the name
 * (IF NOT EXISTS) — and then the operator class's width against the current kmer_size and occur_bitlen with the
 * reference's texts. The reference runs that check per indexed row, so it passes on an empty table and fails the
 * next INSERT; here the index records its settings when it is built (deviation F7) and the check runs once,
 * against them. The build runs in worker threads (index-build.ts); the index, its recorded settings (the rows of
 * kmersearch_index_info) and its pages appear with the statement's commit or not at all.
 *
 * With preclude_highfreq_kmer on, a build leaves out the keys of the analysis of (table, column, k, b) and the
 * index records that analysis (F5, F7); without an analysis it leaves nothing out and the reference's WARNING goes
 * out once per handle. REINDEX rebuilds with the current settings and analysis and records them (F7). DROP INDEX
 * follows PostgreSQL's texts.
 *
 * On a partitioned table they do what PostgreSQL does: CREATE INDEX makes a partitioned index on the parent and
 * attaches one index per partition to it (an equivalent existing one, or a new one it builds); DROP INDEX of the
 * partitioned index drops the attached ones, which cannot be dropped alone; REINDEX of the partitioned index or
 * of the table rebuilds the partitions' indexes, and refuses to run inside a transaction block, explicit or the
 * implicit one of several statements sent together (25001, PostgreSQL's PreventInTransactionBlock). The
 * representation is src/partition's (scheme.ts).
 */
import { SqlState } from '../../errors.js';
import type { AnalysisRecord } from '../../analysis/index.js';
import { checkOperatorClassWidth } from '../../kmer/index.js';
import {
  attachedIndexIds,
  claimInTurn,
  attachedIndexesOf,
  isPartitionedIndex,
  isPartitionedTable,
  parentIndexOf,
  partitionedIndexOf,
  partitionedIndexOptions,
  partitionsOf,
} from '../../partition/index.js';
import { parsePostgresBoolean } from '../../settings/index.js';
import type { SharedKeySet } from '../../parallel/index.js';
import type { IndexRecord, RelationEntry, TableRecord, WriteTransaction } from '../../storage/index.js';
import type * as ast from '../ast.js';
import { columnSqlType } from '../column-types.js';
import {
  analysisDifference,
  currentIndexSettings,
  indexOptionsFor,
  isKmersearchIndex,
  kmersearchOperatorClass,
  recordedSettingsOf,
  settingDifferences,
  type KmersearchOperatorClass,
  type RecordedIndexSettings,
} from '../kmersearch-index.js';
import { type StatementContext, type StatementOutcome, commandOutcome, preventInTransactionBlock } from './context.js';
import { checkSchema } from './ddl.js';
import { excludedKeysOf, mergeTurns, runIndexBuild } from './index-build.js';
import { requireWrite } from './modify.js';

/** PostgreSQL's built-in index access methods: the ones that "exist" though only gin is implemented. */
const postgresAccessMethods: ReadonlySet<string> = new Set(['btree', 'hash', 'gist', 'spgist', 'gin', 'brin']);

/** gin's reloptions (PostgreSQL's gin_pending_list_limit range, in kB). */
const pendingListLimitRange = { minimum: 64, maximum: 2147483647 } as const;

const noDefaultOperatorClassHint =
  'You must specify an operator class for the index or define a default operator class for the data type.';

/** PostgreSQL's error for CREATE INDEX on something that is not a table (errdetail_relkind_not_supported). */
function notIndexable(context: StatementContext, relation: ast.RelationName, entry: RelationEntry) {
  const what = entry.kind === 'sequence' ? 'sequences' : 'indexes';
  return context.binder.error(SqlState.wrongObjectType, `cannot create index on relation "${relation.name}"`, undefined, {
    detail: `This operation is not supported for ${what}.`,
  });
}

function optionText(value: ast.OptionValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  switch (value.kind) {
    case 'stringValue':
    case 'wordValue':
      return value.value;
    case 'numberValue':
      return value.text;
    default:
      return '';
  }
}

/** `WITH (fastupdate = …, gin_pending_list_limit = …)`, checked with PostgreSQL's reloption texts. */
function ginStorageOptions(
  context: StatementContext,
  options: readonly ast.GenericOption[],
): Pick<RecordedIndexSettings, 'fastUpdate' | 'pendingListLimitKilobytes'> {
  let fastUpdate = true;
  let pendingListLimitKilobytes: number | undefined;
  for (const option of options) {
    const text = optionText(option.value);
    switch (option.name) {
      case 'fastupdate': {
        const parsed = text === undefined ? true : parsePostgresBoolean(text);
        if (parsed === undefined) {
          throw context.binder.error(SqlState.invalidParameterValue, `invalid value for boolean option "fastupdate": ${text ?? ''}`, undefined);
        }
        fastUpdate = parsed;
        break;
      }
      case 'gin_pending_list_limit': {
        const value = text === undefined || !/^\s*[+-]?\d+\s*$/.test(text) ? Number.NaN : Number(text);
        if (!Number.isSafeInteger(value)) {
          throw context.binder.error(SqlState.invalidParameterValue, `invalid value for integer option "gin_pending_list_limit": ${text ?? ''}`, undefined);
        }
        if (value < pendingListLimitRange.minimum || value > pendingListLimitRange.maximum) {
          throw context.binder.error(SqlState.invalidParameterValue, `value ${text?.trim() ?? ''} out of bounds for option "gin_pending_list_limit"`, undefined, {
            detail: `Valid values are between "${pendingListLimitRange.minimum}" and "${pendingListLimitRange.maximum}".`,
          });
        }
        pendingListLimitKilobytes = value;
        break;
      }
      default:
        throw context.binder.error(SqlState.invalidParameterValue, `unrecognized parameter "${option.name}"`, undefined);
    }
  }
  return { fastUpdate, pendingListLimitKilobytes };
}

/** The table CREATE INDEX / REINDEX TABLE names (42P01 when missing). */
function requireTableEntry(context: StatementContext, write: WriteTransaction, relation: ast.RelationName): { entry: RelationEntry } {
  checkSchema(context, relation);
  const entry = write.findRelation(relation.name);
  if (entry === undefined) throw context.binder.error(SqlState.undefinedTable, `relation "${relation.name}" does not exist`, undefined);
  return { entry };
}

/**
 * The analysis a build of an index on (table, column) leaves out under the current settings (F5, F7): with
 * preclude_highfreq_kmer on, the analysis of (table, column, k, b); without one, the reference's WARNING (once per
 * handle; the reference checks while extracting the first row, so an empty table does not warn).
 */
function excludedAnalysis(context: StatementContext, write: WriteTransaction, table: TableRecord, columnName: string): AnalysisRecord | undefined {
  const highFrequency = context.runtime.functionContext.highFrequency;
  if (highFrequency === undefined) return undefined;
  // A partitioned table's rows are in its partitions (its own heap is empty); its analysis is the partitions'.
  const rows = [table, ...partitionsOf(write, table)].reduce((sum, member) => sum + member.liveRowCount, 0);
  return highFrequency.excludingAnalysis(write, table.id, columnName, rows === 0 ? undefined : (notice) => context.notice(notice));
}

export async function executeCreateIndex(context: StatementContext, statement: ast.CreateIndexStatement): Promise<StatementOutcome> {
  // PostgreSQL checks this before it looks the table up (ProcessUtilitySlow): CONCURRENTLY commits in steps.
  if (statement.concurrently) preventInTransactionBlock(context, 'CREATE INDEX CONCURRENTLY');
  const write = requireWrite(context);
  const { entry } = requireTableEntry(context, write, statement.table);
  const table = entry.kind === 'table' ? write.getTable(entry.id) : undefined;
  if (table === undefined) throw notIndexable(context, statement.table, entry);
  const partitioned = isPartitionedTable(table);
  if (partitioned && statement.concurrently) {
    throw context.binder.error(SqlState.featureNotSupported, `cannot create index on partitioned table "${table.name}" concurrently`, undefined);
  }
  const method = statement.method ?? 'btree';
  if (!postgresAccessMethods.has(method)) {
    throw context.binder.error(SqlState.undefinedObject, `access method "${method}" does not exist`, undefined);
  }
  if (statement.unique && method !== 'btree') {
    throw context.binder.error(SqlState.featureNotSupported, `access method "${method}" does not support unique indexes`, undefined);
  }
  if (statement.elements.length > 1) {
    throw context.binder.error(SqlState.featureNotSupported, 'indexes on more than one column are not supported', undefined);
  }
  const element = statement.elements[0] as ast.IndexElement;
  if (element.column === undefined) {
    throw context.binder.error(SqlState.featureNotSupported, 'expression indexes are not supported', element.location);
  }
  if (statement.where !== undefined) throw context.binder.error(SqlState.featureNotSupported, 'partial indexes are not supported', undefined);
  if (method === 'gin' && element.direction !== 'default') {
    throw context.binder.error(SqlState.featureNotSupported, 'access method "gin" does not support ASC/DESC options', undefined);
  }
  if (method === 'gin' && element.nulls !== 'default') {
    throw context.binder.error(SqlState.featureNotSupported, 'access method "gin" does not support NULLS FIRST/LAST options', undefined);
  }
  const columnName = element.column;
  const column = table.columns.find((candidate) => candidate.name === columnName);
  if (column === undefined) throw context.binder.error(SqlState.undefinedColumn, `column "${columnName}" does not exist`, undefined);
  const columnType = columnSqlType(column.type);
  const operatorClassName = element.operatorClass;
  const operatorClass = operatorClassName === undefined ? undefined : kmersearchOperatorClass(operatorClassName);
  if (method !== 'gin') {
    if (operatorClass !== undefined) {
      throw context.binder.error(SqlState.undefinedObject, `operator class "${operatorClass.name}" does not exist for access method "${method}"`, undefined);
    }
    throw context.binder.error(SqlState.featureNotSupported, `index access method "${method}" is not supported`, undefined, {
      hint: 'kmersearch has the GIN operator classes kmersearch_dna2_gin_ops_int2/int4/int8 and kmersearch_dna4_gin_ops_int2/int4/int8.',
    });
  }
  if (operatorClassName === undefined) {
    throw context.binder.error(
      SqlState.undefinedObject,
      `data type ${columnType.formatName} has no default operator class for access method "gin"`,
      undefined,
      { hint: noDefaultOperatorClassHint },
    );
  }
  if (operatorClass === undefined) {
    throw context.binder.error(SqlState.undefinedObject, `operator class "${operatorClassName}" does not exist for access method "gin"`, undefined);
  }
  if (operatorClass.dnaType !== columnType.id) {
    throw context.binder.error(
      SqlState.datatypeMismatch,
      `operator class "${operatorClass.name}" does not accept data type ${columnType.formatName}`,
      undefined,
    );
  }
  const storage = ginStorageOptions(context, statement.storageOptions);
  if (statement.tablespace !== undefined && statement.tablespace !== 'pg_default') {
    throw context.binder.error(SqlState.undefinedObject, `tablespace "${statement.tablespace}" does not exist`, undefined);
  }
  if (statement.name !== undefined && write.findRelation(statement.name) !== undefined) {
    if (statement.ifNotExists) {
      context.notice({ severity: 'NOTICE', code: SqlState.duplicateTable, message: `relation "${statement.name}" already exists, skipping` });
      return commandOutcome('CREATE INDEX');
    }
    throw context.binder.error(SqlState.duplicateTable, `relation "${statement.name}" already exists`, undefined);
  }
  const settings = context.settings;
  checkOperatorClassWidth(operatorClass.storageClass, settings.kmerSize, settings.occurrenceBits);
  const analysis = excludedAnalysis(context, write, table, columnName);
  const recorded = currentIndexSettings(settings, context.runtime.transactionTimestamp, storage, analysis?.analysisId);
  if (partitioned) {
    await createPartitionedIndex(context, write, { table, name: statement.name, columnName, operatorClass, recorded, analysis });
    return commandOutcome('CREATE INDEX');
  }
  const index = write.createIndex({
    ...(statement.name === undefined ? {} : { name: statement.name }),
    tableId: table.id,
    columnName,
    method: 'gin',
    operatorClass: operatorClass.name,
    options: indexOptionsFor(recorded),
  });
  await runIndexBuild(context, write, index, excludedKeysOf(context, write, analysis));
  return commandOutcome('CREATE INDEX');
}

/**
 * CREATE INDEX on a partitioned table, as PostgreSQL does it (DefineIndex): the index on the parent, then for each
 * partition in order an equivalent index of the partition that no partitioned index has yet is attached, or a new
 * one is created — named as if no name had been given (`<partition>_<column>_idx`, a number appended while the
 * name is taken), with the same operator class and storage parameters — and built. Here an existing index is
 * equivalent when it also recorded the settings and analysis this statement records (F7: its keys are the keys a
 * new one would hold). One statement: any failure rolls all of it back.
 */
async function createPartitionedIndex(
  context: StatementContext,
  write: WriteTransaction,
  request: {
    readonly table: TableRecord;
    readonly name: string | undefined;
    readonly columnName: string;
    readonly operatorClass: KmersearchOperatorClass;
    readonly recorded: RecordedIndexSettings;
    readonly analysis: AnalysisRecord | undefined;
  },
): Promise<void> {
  const { table, columnName, recorded, analysis } = request;
  const definition = { columnName, method: 'gin', operatorClass: request.operatorClass.name, options: indexOptionsFor(recorded) };
  const parent = write.createIndex({
    ...definition,
    ...(request.name === undefined ? {} : { name: request.name }),
    tableId: table.id,
    options: partitionedIndexOptions(definition.options, { attachedIndexIds: [], createdIndexIds: [] }),
  });
  const taken = attachedIndexIds(write.listIndexes(table.id));
  const excludedKeys = excludedKeysOf(context, write, analysis);
  const attached: number[] = [];
  const created: IndexRecord[] = [];
  for (const partition of partitionsOf(write, table)) {
    const equivalent = write.listIndexes(partition.id).find((candidate) => !taken.has(candidate.id) && isEquivalentIndex(context, candidate, parent, analysis));
    if (equivalent !== undefined) {
      attached.push(equivalent.id);
      continue;
    }
    const child = write.createIndex({ ...definition, tableId: partition.id });
    attached.push(child.id);
    created.push(child);
  }
  await buildIndexesInTurn(context, write, 'CREATE INDEX', created.map((index) => ({ index, excludedKeys })));
  write.setIndexOptions(parent.id, partitionedIndexOptions(parent.options, { attachedIndexIds: attached, createdIndexIds: created.map((child) => child.id) }));
}

/** One index to (re)build and the high-frequency keys it leaves out (those of the analysis it records). */
interface PlannedBuild {
  readonly index: IndexRecord;
  readonly excludedKeys: SharedKeySet | undefined;
}

/**
 * Builds several indexes of one statement: the partitions' indexes a CREATE INDEX on a partitioned table created,
 * or those a REINDEX rebuilds. PostgreSQL builds them one after another, each with its parallel workers; with two
 * worker threads or more allowed (min(`max_parallel_workers`, `max_parallel_maintenance_workers`)) they are built
 * here as kmersearch_parallel_create_index builds them — up to that many at a time, each whole on one worker thread
 * (merge and page encoding included), the pages written in turns — because a single build's merge on the main
 * thread leaves the second core idle (on 4 × 5 Mbp partitions of genomes with 2 workers 1.7–1.8 s instead of
 * 2.6 s). One index alone is built with all the workers allowed. A failed build fails the statement (after the
 * builds under way have ended: they write into the same transaction); the index records were made (or rewritten)
 * in order before, so names and records are PostgreSQL's either way. Progress: one `operation` report of the rows
 * of the tables whose indexes are built.
 */
async function buildIndexesInTurn(context: StatementContext, write: WriteTransaction, operation: 'CREATE INDEX' | 'REINDEX', builds: readonly PlannedBuild[]): Promise<void> {
  const settings = context.settings;
  const concurrency = Math.min(settings.maxParallelWorkers, settings.maxParallelMaintenanceWorkers, builds.length);
  const rowsOf = (index: IndexRecord): number => write.getTable(index.tableId)?.liveRowCount ?? 0;
  const totalRows = builds.reduce((sum, build) => sum + rowsOf(build.index), 0);
  let doneRows = 0;
  const progress = (): void => context.progress({ operation, done: doneRows, total: totalRows, unit: 'rows' });
  progress();
  const mergeTurn = concurrency >= 2 ? mergeTurns() : undefined;
  const schedule = mergeTurn === undefined ? { reportProgress: false } : { workers: 1, mergeTurn, encodeInWorker: true, reportProgress: false };
  let failure: { readonly error: unknown } | undefined;
  await claimInTurn(builds.length, concurrency, async (claimed) => {
    const { index, excludedKeys } = builds[claimed] as PlannedBuild;
    try {
      await runIndexBuild(context, write, index, excludedKeys, schedule);
    } catch (error) {
      failure ??= { error };
      return false;
    }
    doneRows += rowsOf(index);
    progress();
    return true;
  });
  if (failure !== undefined) throw failure.error;
}

/** Whether a partition's index may be attached to `parent`: same column, method and class, same recorded settings. */
function isEquivalentIndex(context: StatementContext, candidate: IndexRecord, parent: IndexRecord, analysis: AnalysisRecord | undefined): boolean {
  if (candidate.columnIndex !== parent.columnIndex || candidate.method !== parent.method || candidate.operatorClass !== parent.operatorClass) return false;
  if (!isKmersearchIndex(candidate)) return false;
  const recorded = recordedSettingsOf(candidate);
  return settingDifferences(recorded, context.settings).length === 0 && analysisDifference(recorded, analysis?.analysisId) === undefined;
}

/**
 * The settings and analysis a rebuild of `index` records (the current ones, F7), after the operator class's width
 * check; undefined for an index that is not a kmersearch index (nothing to rebuild).
 */
function rebuildSettings(
  context: StatementContext,
  write: WriteTransaction,
  index: IndexRecord,
): { recorded: RecordedIndexSettings; analysis: AnalysisRecord | undefined } | undefined {
  const operatorClass = kmersearchOperatorClass(index.operatorClass);
  if (operatorClass === undefined) return undefined;
  const settings = context.settings;
  checkOperatorClassWidth(operatorClass.storageClass, settings.kmerSize, settings.occurrenceBits);
  const table = write.getTable(index.tableId);
  const columnName = table?.columns[index.columnIndex]?.name;
  const analysis = table === undefined || columnName === undefined ? undefined : excludedAnalysis(context, write, table, columnName);
  const previous = recordedSettingsOf(index);
  // created_at stays the creation time; the storage parameters stay as CREATE INDEX gave them.
  return { recorded: currentIndexSettings(settings, new Date(previous.createdAt), previous, analysis?.analysisId), analysis };
}

/**
 * Prepares the rebuild of a kmersearch index with the current settings and analysis, which it records from now on
 * (F7), and adds the builds it needs to `builds`. A partitioned index has no data of its own: it records them, and
 * its attached indexes are rebuilt (PostgreSQL 14's REINDEX of a partitioned index) unless `attached` is false
 * (REINDEX TABLE rebuilds every partition's indexes).
 */
function planRebuild(context: StatementContext, write: WriteTransaction, index: IndexRecord, builds: PlannedBuild[], attached = true): void {
  const rebuilt = rebuildSettings(context, write, index);
  if (rebuilt === undefined) return;
  const partitionedIndex = partitionedIndexOf(index);
  if (partitionedIndex !== undefined) {
    write.setIndexOptions(index.id, partitionedIndexOptions(indexOptionsFor(rebuilt.recorded), partitionedIndex));
    if (attached) for (const child of attachedIndexesOf(write, index)) planRebuild(context, write, child, builds);
    return;
  }
  builds.push({ index: write.setIndexOptions(index.id, indexOptionsFor(rebuilt.recorded)), excludedKeys: excludedKeysOf(context, write, rebuilt.analysis) });
}

export async function executeReindex(context: StatementContext, statement: ast.ReindexStatement): Promise<StatementOutcome> {
  // As PostgreSQL's ExecReindex, first of all.
  if (statement.concurrently) preventInTransactionBlock(context, 'REINDEX CONCURRENTLY');
  const write = requireWrite(context);
  const relation = statement.name;
  const { entry } = requireTableEntry(context, write, relation);
  if (statement.target === 'index') {
    // A PRIMARY KEY or UNIQUE constraint is backed by an index in PostgreSQL; here it has nothing to rebuild.
    if (entry.kind === 'constraint') return commandOutcome('REINDEX');
    const index = entry.kind === 'index' ? write.getIndex(entry.id) : undefined;
    if (index === undefined) throw context.binder.error(SqlState.wrongObjectType, `"${relation.name}" is not an index`, undefined);
    // PostgreSQL's ReindexPartitions commits each partition's rebuild on its own, so it refuses a transaction block.
    if (isPartitionedIndex(index)) preventInTransactionBlock(context, 'REINDEX INDEX');
    const builds: PlannedBuild[] = [];
    planRebuild(context, write, index, builds);
    await buildIndexesInTurn(context, write, 'REINDEX', builds);
    return commandOutcome('REINDEX');
  }
  const table = entry.kind === 'table' ? write.getTable(entry.id) : undefined;
  if (table === undefined) {
    throw context.binder.error(SqlState.wrongObjectType, `"${relation.name}" is not a table or materialized view`, undefined);
  }
  if (isPartitionedTable(table)) preventInTransactionBlock(context, 'REINDEX TABLE');
  // REINDEX TABLE of a partitioned table rebuilds the indexes of its partitions (PostgreSQL 14's ReindexPartitions,
  // which has no NOTICE for a table without indexes); its partitioned indexes record the settings their attached
  // indexes are rebuilt with.
  const partitions = partitionsOf(write, table);
  const indexes = [table, ...partitions].flatMap((member) => write.listIndexes(member.id).filter(isKmersearchIndex));
  if (indexes.length === 0 && table.constraints.length === 0 && !isPartitionedTable(table)) {
    context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: `table "${table.name}" has no indexes to reindex` });
  }
  const builds: PlannedBuild[] = [];
  for (const index of indexes) planRebuild(context, write, index, builds, false);
  await buildIndexesInTurn(context, write, 'REINDEX', builds);
  return commandOutcome('REINDEX');
}

export function executeDropIndex(context: StatementContext, statement: ast.DropIndexStatement): StatementOutcome {
  // As PostgreSQL's ExecDropStmt, before RemoveRelations' checks.
  if (statement.concurrently) preventInTransactionBlock(context, 'DROP INDEX CONCURRENTLY');
  const write = requireWrite(context);
  if (statement.concurrently && statement.indexes.length > 1) {
    throw context.binder.error(SqlState.featureNotSupported, 'DROP INDEX CONCURRENTLY does not support dropping multiple objects', undefined);
  }
  const indexes: IndexRecord[] = [];
  for (const relation of statement.indexes) {
    checkSchema(context, relation);
    const entry = write.findRelation(relation.name);
    if (entry === undefined) {
      if (!statement.ifExists) throw context.binder.error(SqlState.undefinedObject, `index "${relation.name}" does not exist`, undefined);
      context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: `index "${relation.name}" does not exist, skipping` });
      continue;
    }
    if (entry.kind === 'constraint') {
      const tableName = entry.tableId === undefined ? '' : (write.getTable(entry.tableId)?.name ?? '');
      throw context.binder.error(
        SqlState.dependentObjectsStillExist,
        `cannot drop index ${relation.name} because constraint ${relation.name} on table ${tableName} requires it`,
        undefined,
        { hint: `You can drop constraint ${relation.name} on table ${tableName} instead.` },
      );
    }
    const index = entry.kind === 'index' ? write.getIndex(entry.id) : undefined;
    if (index === undefined) {
      const hint = entry.kind === 'table' ? 'Use DROP TABLE to remove a table.' : entry.kind === 'sequence' ? 'Use DROP SEQUENCE to remove a sequence.' : undefined;
      throw context.binder.error(SqlState.wrongObjectType, `"${relation.name}" is not an index`, undefined, hint === undefined ? {} : { hint });
    }
    if (statement.concurrently && isPartitionedIndex(index)) {
      throw context.binder.error(SqlState.featureNotSupported, `cannot drop partitioned index "${relation.name}" concurrently`, undefined);
    }
    if (!indexes.some((known) => known.id === index.id)) indexes.push(index);
  }
  // An index attached to a partitioned index goes only with it (PostgreSQL's partition dependency, also with CASCADE).
  for (const index of indexes) {
    const parent = parentIndexOf(write, index);
    if (parent !== undefined && !indexes.some((known) => known.id === parent.id)) {
      throw context.binder.error(SqlState.dependentObjectsStillExist, `cannot drop index ${index.name} because index ${parent.name} requires it`, undefined, {
        hint: `You can drop index ${parent.name} instead.`,
      });
    }
  }
  for (const index of indexes) {
    for (const member of [...attachedIndexesOf(write, index), index]) if (write.getIndex(member.id) !== undefined) write.dropIndex(member.id);
  }
  return commandOutcome('DROP INDEX');
}
