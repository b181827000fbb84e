/**
 * The partition helpers (analysis §9, SPEC §7.2–7.3): kmersearch_partition_table and
 * kmersearch_unpartition_table change tables in the statement's write transaction (src/partition does the
 * work; the statement is a writer, see access.ts); kmersearch_parallel_create_index builds indexes in worker
 * threads, which a synchronous function cannot wait for: it is a statement action (actions.ts), run by the
 * executor before the query (executor/partition-actions.ts), and its entry returns that result.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { partitionTable, unpartitionTable } from '../../partition/index.js';
import type { WriteTransaction } from '../../storage/index.js';
import { type SqlType, type SqlValue, recordType, sqlTypes } from '../types.js';
import { actionResult } from './actions.js';
import type { FunctionContext, SqlFunction } from './contract.js';
import { scalar, setReturning } from './define.js';

const t = sqlTypes;

/** The result columns of kmersearch_parallel_create_index (seed 000). */
export const PARALLEL_CREATE_INDEX_TYPE: SqlType = recordType([
  { name: 'partition_name', type: t.text },
  { name: 'index_name', type: t.text },
  { name: 'rows_processed', type: t.int8 },
  { name: 'execution_time_ms', type: t.int8 },
  { name: 'worker_pid', type: t.int4 },
  { name: 'success', type: t.bool },
  { name: 'error_message', type: t.text },
]);

function requireWrite(context: FunctionContext, name: string): WriteTransaction {
  if (context.write === undefined) throw new KmerSearchError(SqlState.internalError, `${name} called without a write transaction`);
  return context.write;
}

function migrationOptions(context: FunctionContext) {
  return {
    maintenanceWorkMemoryKilobytes: context.session.settings.maintenanceWorkMemoryKilobytes,
    info: (message: string) => context.notice({ severity: 'INFO', code: SqlState.successfulCompletion, message }),
    notice: (message: string) => context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message }),
  };
}

export function partitionFunctions(): SqlFunction[] {
  return [
    scalar(
      'kmersearch_partition_table',
      [t.text, t.int4, t.text],
      t.void,
      ([tableName, partitionCount, tablespace], context) => {
        partitionTable(
          requireWrite(context, 'kmersearch_partition_table'),
          {
            tableName: (tableName ?? null) as string | null,
            partitionCount: (partitionCount ?? null) as number | null,
            tablespace: (tablespace ?? null) as string | null,
          },
          migrationOptions(context),
        );
        return null;
      },
      { strict: false, volatility: 'volatile', optionalArguments: 1 },
    ),
    scalar(
      'kmersearch_unpartition_table',
      [t.text, t.text],
      t.void,
      ([tableName, tablespace], context) => {
        unpartitionTable(
          requireWrite(context, 'kmersearch_unpartition_table'),
          { tableName: (tableName ?? null) as string | null, tablespace: (tablespace ?? null) as string | null },
          migrationOptions(context),
        );
        return null;
      },
      { strict: false, volatility: 'volatile', optionalArguments: 1 },
    ),
    setReturning(
      'kmersearch_parallel_create_index',
      [t.text, t.text, t.text],
      PARALLEL_CREATE_INDEX_TYPE,
      (args, context) => actionResult(context, 'kmersearch_parallel_create_index', args) as readonly SqlValue[],
      { strict: false, volatility: 'volatile', optionalArguments: 1 },
    ),
  ];
}
