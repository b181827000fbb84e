/**
 * One database handle's session: storage, settings and caches, the function catalog, the transaction state,
 * and the running of one parsed statement at a time — transaction control here, everything else through the
 * executors with a storage view chosen by transaction-state.ts. The caller (database.ts) serialises calls.
 */
import { basename } from 'node:path';
import { KmerSearchError, SqlState, asKmerSearchError } from '../errors.js';
import { KeyExtractor, keyLayout, queryKeysOf } from '../kmer/index.js';
import { partitionsOf } from '../partition/index.js';
import { type NoticeSeverity as SettingsSeverity, Session, type Settings } from '../settings/index.js';
import type { StorageEngine } from '../storage/index.js';
import { accessModeOf } from './access.js';
import type * as ast from './ast.js';
import { Binder } from './binder/binder.js';
import type { FunctionCatalog, FunctionContext } from './functions/contract.js';
import { type StatementContext, type StatementOutcome, commandOutcome } from './executor/context.js';
import { executeStatement } from './executor/dispatch.js';
import { IndexMaintenance } from './executor/index-maintenance.js';
import { IndexWorkspace } from './executor/index-workspace.js';
import { PlanCompiler } from './executor/operators.js';
import { Cancellation, EventLoopTurns, type Runtime } from './executor/runtime.js';
import { HighFrequencyState } from './high-frequency.js';
import { toResultNotice } from './notices.js';
import type { PlanningContext } from './planner.js';
import { ViewRelations } from './relations.js';
import type { Notice, QueryOptions } from './result.js';
import { TransactionState } from './transaction-state.js';
import type { RelationCatalog, TypedConstant } from './types.js';

const abortedMessage = 'current transaction is aborted, commands ignored until end of transaction block';

/** Turns a statement outcome into what the caller returns, while the statement's catalog view is still open. */
export type Presenter<Result> = (outcome: StatementOutcome, relations: RelationCatalog | undefined) => Result;

export class Connection {
  readonly session: Session;
  private readonly settings: Settings;
  private readonly transaction: TransactionState;
  private readonly queryExtractor = new KeyExtractor();
  private readonly storedExtractor = new KeyExtractor();
  /** currval's memory (per session, as in PostgreSQL). */
  private readonly sequenceValues = new Map<number, bigint>();
  private readonly databaseName: string | undefined;
  /** The handle's worker pool and index searcher. */
  private readonly indexes: IndexWorkspace;
  /** The handle's high-frequency caches and its once-per-handle analysis WARNING. */
  private readonly highFrequency: HighFrequencyState;

  constructor(
    storage: StorageEngine,
    private readonly catalog: FunctionCatalog,
    options: { readonly indexCacheSize: number },
  ) {
    this.session = new Session({
      extractQueryKeys: (text, layout) => queryKeysOf(layout, text, this.queryExtractor),
      keyLayout,
    });
    this.settings = this.session.settings;
    this.highFrequency = new HighFrequencyState(this.settings);
    this.transaction = new TransactionState(storage);
    this.databaseName = storage.temporary ? undefined : basename(storage.path);
    this.indexes = new IndexWorkspace(storage, options.indexCacheSize);
  }

  /** Runs one statement. `source` is the text the statement's locations point into. */
  async run<Result>(
    statement: ast.Statement,
    source: string,
    parameters: readonly TypedConstant[],
    options: QueryOptions,
    present: Presenter<Result>,
  ): Promise<Result> {
    const notice = this.noticeSink(options);
    if (statement.kind === 'transaction') return present(this.transactionControl(statement, notice), undefined);
    if (this.transaction.mode === 'failed') throw new KmerSearchError(SqlState.inFailedSqlTransaction, abortedMessage);
    try {
      return await this.runInTransaction(statement, source, parameters, options, notice, present);
    } catch (error) {
      this.transaction.fail();
      throw asKmerSearchError(error);
    }
  }

  /** An error outside any statement (e.g. a syntax error) still fails an open block, as in PostgreSQL. */
  failBlock(): void {
    this.transaction.fail();
  }

  /** Rolls back an open block and ends the worker threads. */
  async close(): Promise<void> {
    try {
      this.transaction.close();
      this.session.dispose();
      this.highFrequency.dispose();
    } finally {
      await this.indexes.close();
    }
  }

  private async runInTransaction<Result>(
    statement: ast.Statement,
    source: string,
    parameters: readonly TypedConstant[],
    options: QueryOptions,
    notice: (notice: Notice) => void,
    present: Presenter<Result>,
  ): Promise<Result> {
    const cancellation = new Cancellation(options.signal, this.settings.statementTimeoutMilliseconds);
    cancellation.check();
    const access = await this.transaction.acquire(accessModeOf(statement));
    let success = false;
    try {
      const relations = new ViewRelations(access.view);
      const binder = new Binder({ source, catalog: this.catalog, view: access.view, relations, parameters });
      const statementTimestamp = new Date();
      const transactionTimestamp = this.transaction.blockTimestamp ?? statementTimestamp;
      const checkCancelled = (): void => cancellation.check();
      const functionContext: FunctionContext = {
        session: this.session,
        view: access.view,
        write: access.write,
        extractor: this.storedExtractor,
        relations,
        transactionTimestamp,
        statementTimestamp,
        notice,
        checkCancelled,
        databaseName: this.databaseName,
        highFrequency: this.highFrequency,
        actionResults: new Map(),
      };
      const runtime: Runtime = {
        view: access.view,
        write: access.write,
        functionContext,
        ioOptions: binder.ioOptions,
        transactionTimestamp,
        statementTimestamp,
        sequenceValues: this.sequenceValues,
        checkCancelled,
        cancellation,
        eventLoop: new EventLoopTurns(),
        indexes: this.indexes,
        indexMaintenance: new IndexMaintenance(this.highFrequency),
        prefetchedSearches: new Map(),
      };
      const view = access.view;
      const highFrequency = this.highFrequency;
      const planning: PlanningContext = {
        indexesOf: (tableId) => view.listIndexes(tableId),
        partitionsOf: (table) => partitionsOf(view, table),
        excludingAnalysisId: (tableId, columnName) => highFrequency.excludingAnalysis(view, tableId, columnName, undefined)?.analysisId,
        settings: this.settings,
      };
      const context: StatementContext = {
        binder,
        runtime,
        compiler: new PlanCompiler(planning),
        settings: this.settings,
        notice,
        progress: (progress) => options.onProgress?.(progress),
        copyInput: options.stdin,
        copyOutput: options.stdout,
        inTransactionBlock: this.transaction.mode !== 'idle' || options.implicitTransactionBlock === true,
      };
      const outcome = await executeStatement(context, statement);
      if (access.write !== undefined) await runtime.indexMaintenance.finish(context, access.write);
      // A data-changing statement cancelled in its last moments still rolls back.
      if (access.write !== undefined) cancellation.check();
      const result = present(outcome, relations);
      success = true;
      return result;
    } finally {
      access.finish(success);
    }
  }

  private transactionControl(statement: ast.TransactionStatement, notice: (notice: Notice) => void): StatementOutcome {
    const failed = this.transaction.mode === 'failed';
    switch (statement.action) {
      case 'begin':
      case 'start': {
        if (failed) throw new KmerSearchError(SqlState.inFailedSqlTransaction, abortedMessage);
        if (this.transaction.begin()) this.settings.beginTransaction();
        else notice({ severity: 'WARNING', code: SqlState.activeSqlTransaction, message: 'there is already a transaction in progress' });
        return commandOutcome(statement.action === 'begin' ? 'BEGIN' : 'START TRANSACTION');
      }
      case 'commit':
      case 'rollback': {
        if (statement.chain) {
          throw new KmerSearchError(SqlState.featureNotSupported, `${statement.action.toUpperCase()} AND CHAIN is not supported`);
        }
        if (this.transaction.mode === 'idle') {
          notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'there is no transaction in progress' });
          return commandOutcome(statement.action === 'commit' ? 'COMMIT' : 'ROLLBACK');
        }
        const notices: Parameters<Settings['commit']>[0] = [];
        let committed = false;
        try {
          committed = statement.action === 'commit' && this.transaction.commit() === 'committed';
          if (statement.action === 'rollback') this.transaction.rollback();
        } finally {
          if (committed) this.settings.commit(notices);
          else this.settings.rollback(notices);
          for (const raised of notices) notice(toResultNotice(raised));
        }
        return commandOutcome(committed ? 'COMMIT' : 'ROLLBACK');
      }
      case 'savepoint':
      case 'release':
      case 'rollbackToSavepoint': {
        const name = { savepoint: 'SAVEPOINT', release: 'RELEASE SAVEPOINT', rollbackToSavepoint: 'ROLLBACK TO SAVEPOINT' }[statement.action];
        if (this.transaction.mode === 'idle') {
          throw new KmerSearchError(SqlState.noActiveSqlTransaction, `${name} can only be used in transaction blocks`);
        }
        if (failed && statement.action !== 'rollbackToSavepoint') throw new KmerSearchError(SqlState.inFailedSqlTransaction, abortedMessage);
        this.transaction.fail();
        throw new KmerSearchError(SqlState.featureNotSupported, 'savepoints are not supported');
      }
    }
  }

  /** Delivers notices through options.onNotice when client_min_messages lets them through. */
  private noticeSink(options: QueryOptions): (notice: Notice) => void {
    return (notice) => {
      const severity: SettingsSeverity = notice.severity === 'DEBUG' ? 'DEBUG1' : notice.severity;
      if (this.settings.deliversToClient(severity)) options.onNotice?.(notice);
    };
  }
}
