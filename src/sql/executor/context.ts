/**
 * The context every statement executor receives, and the outcome it returns. Executors are small functions, one
 * per statement family (select, modify, ddl, extension, utility, explain); connection.ts picks the storage
 * view, builds this context and turns the outcome into the result the caller asked for.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { Settings } from '../../settings/index.js';
import type { Binder } from '../binder/binder.js';
import type { OutputColumn, Row } from '../binder/bound.js';
import type { CopyInput, CopyOutput, Notice, Progress } from '../result.js';
import { PAUSE, type PlanCompiler, type RowSource } from './operators.js';
import type { Environment, Runtime } from './runtime.js';

export interface StatementContext {
  readonly binder: Binder;
  readonly runtime: Runtime;
  readonly compiler: PlanCompiler;
  readonly settings: Settings;
  /** Delivers a NOTICE/WARNING to the client if client_min_messages lets it through. */
  notice(notice: Notice): void;
  /** Reports progress of a long operation to QueryOptions.onProgress (COPY, CREATE INDEX, analysis). */
  progress(progress: Progress): void;
  /** QueryOptions.stdin: the data of COPY … FROM STDIN. */
  readonly copyInput?: CopyInput | undefined;
  /** QueryOptions.stdout: the receiver of COPY … TO STDOUT. */
  readonly copyOutput?: CopyOutput | undefined;
  /**
   * PostgreSQL's IsTransactionBlock(): inside BEGIN … COMMIT, or one of several statements of one query string
   * (exec_simple_query's implicit block). See preventInTransactionBlock.
   */
  readonly inTransactionBlock: boolean;
}

/**
 * PostgreSQL's PreventInTransactionBlock for a statement that commits part by part (`statementType`, e.g.
 * `REINDEX TABLE`): 25001 `REINDEX TABLE cannot run inside a transaction block` inside an explicit or implicit
 * block. The error fails the block as any error does.
 */
export function preventInTransactionBlock(context: StatementContext, statementType: string): void {
  if (context.inTransactionBlock) {
    throw new KmerSearchError(SqlState.activeSqlTransaction, `${statementType} cannot run inside a transaction block`);
  }
}

export interface StatementOutcome {
  readonly columns: readonly OutputColumn[];
  /** Rows of exactly `columns.length` values. */
  readonly rows: readonly Row[];
  readonly commandTag: string;
  readonly returnsRows: boolean;
  readonly affectedRows: number;
}

export function commandOutcome(commandTag: string, affectedRows = 0): StatementOutcome {
  return Object.freeze({ columns: [], rows: [], commandTag, returnsRows: false, affectedRows });
}

export function rowsOutcome(columns: readonly OutputColumn[], rows: readonly Row[], commandTag: string, affectedRows = rows.length): StatementOutcome {
  return Object.freeze({ columns, rows, commandTag, returnsRows: true, affectedRows });
}

export function topEnvironment(context: StatementContext): Environment {
  return { runtime: context.runtime, outer: [] };
}

/** Yields to the event loop, so that abort signals and timers can fire during a long statement. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs a row source to the end, handing each batch to `consume` and yielding to the event loop whenever the
 * source asks (PAUSE), then checking for cancellation.
 */
export async function forEachBatch(
  source: RowSource,
  environment: Environment,
  consume: (rows: readonly Row[]) => void,
): Promise<void> {
  for (const emission of source(environment)) {
    if (emission === PAUSE) {
      await yieldToEventLoop();
      environment.runtime.eventLoop.taken();
      environment.runtime.checkCancelled();
      continue;
    }
    consume(emission);
  }
}
