/**
 * What a running statement can reach: its storage view (a snapshot, or the write transaction), the context
 * catalog functions get, the session's sequence values, cancellation, and the rows of enclosing query levels
 * for correlated subqueries.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { StorageView, WriteTransaction } from '../../storage/index.js';
import type { Row } from '../binder/bound.js';
import type { FunctionContext } from '../functions/contract.js';
import type { ValueIoOptions } from '../types.js';
import type { BitmapHeapScanNode } from '../plan.js';
import type { IndexMaintenance } from './index-maintenance.js';
import type { PrefetchedSearch } from './index-scan.js';
import type { IndexWorkspace } from './index-workspace.js';

export interface Runtime {
  readonly view: StorageView;
  /** The write transaction when the statement may change data (or call nextval). */
  readonly write: WriteTransaction | undefined;
  readonly functionContext: FunctionContext;
  readonly ioOptions: ValueIoOptions;
  readonly transactionTimestamp: Date;
  readonly statementTimestamp: Date;
  /** currval's memory: the last value nextval returned per sequence id in this session. */
  readonly sequenceValues: Map<number, bigint>;
  /** Throws 57014 when the statement was cancelled or timed out. */
  checkCancelled(): void;
  /** The statement's cancellation, also as an AbortSignal for work in other threads. */
  readonly cancellation: Cancellation;
  /** When the statement last gave the event loop a turn (see operators.ts PAUSE). */
  readonly eventLoop: EventLoopTurns;
  /** The handle's index machinery: worker pool, searcher, spill files. */
  readonly indexes: IndexWorkspace;
  /** This statement's upkeep of kmersearch indexes (rows added to pending lists, merges at the end). */
  readonly indexMaintenance: IndexMaintenance;
  /** Index searches of partitions done ahead on the worker pool (append.ts), by the scan that uses them. */
  readonly prefetchedSearches: Map<BitmapHeapScanNode, PrefetchedSearch>;
}

/** Long synchronous stretches starve timers and abort signals; sources ask for a turn when one is due. */
export class EventLoopTurns {
  private last = Date.now();

  constructor(private readonly intervalMilliseconds = 25) {}

  get due(): boolean {
    return Date.now() - this.last >= this.intervalMilliseconds;
  }

  taken(): void {
    this.last = Date.now();
  }
}

/** Evaluation state below the row: the runtime and the current rows of the enclosing levels (innermost first). */
export interface Environment {
  readonly runtime: Runtime;
  readonly outer: readonly Row[];
}

export function environmentWithOuterRow(environment: Environment, row: Row): Environment {
  return { runtime: environment.runtime, outer: [row, ...environment.outer] };
}

/** Cancellation by signal or statement_timeout, checked at batch boundaries (scans) and by long functions. */
export class Cancellation {
  private readonly deadline: number;
  private reason: 'user' | 'timeout' | undefined;

  constructor(
    private readonly signal: AbortSignal | undefined,
    timeoutMilliseconds: number,
  ) {
    this.deadline = timeoutMilliseconds > 0 ? Date.now() + timeoutMilliseconds : Number.POSITIVE_INFINITY;
  }

  check(): void {
    if (this.reason === undefined) {
      if (this.signal?.aborted === true) this.reason = 'user';
      else if (Date.now() >= this.deadline) this.reason = 'timeout';
    }
    if (this.reason !== undefined) throw cancellationError(this.reason);
  }

  /**
   * An AbortSignal that fires when the statement is cancelled or reaches statement_timeout, for work that cannot
   * call check() itself (worker threads). Dispose of it when the work ends, which clears its timer.
   */
  abortSignal(): { readonly signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    this.signal?.addEventListener('abort', abort, { once: true });
    if (this.signal?.aborted === true) controller.abort();
    const timer = Number.isFinite(this.deadline) ? setTimeout(abort, Math.max(0, this.deadline - Date.now())) : undefined;
    return {
      signal: controller.signal,
      dispose: () => {
        if (timer !== undefined) clearTimeout(timer);
        this.signal?.removeEventListener('abort', abort);
      },
    };
  }
}

export function cancellationError(reason: 'user' | 'timeout'): KmerSearchError {
  return new KmerSearchError(
    SqlState.queryCanceled,
    reason === 'user' ? 'canceling statement due to user request' : 'canceling statement due to statement timeout',
  );
}
