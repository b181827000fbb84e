/**
 * Running the bulk build of a kmersearch index for CREATE INDEX and REINDEX, and the resources of pending-list
 * merges: worker threads (`max_parallel_maintenance_workers` of the handle's pool of `max_parallel_workers`), the
 * memory budget (`maintenance_work_mem`), spill files in the database directory, progress to
 * QueryOptions.onProgress, and cancellation by the statement's signal or statement_timeout, which stops the
 * workers. Whatever fails, src/parallel and src/gin remove the build's pages and spill file at once, and the
 * statement's rollback removes the index record: nothing is left.
 */
import { KmerSearchError, SqlState, asKmerSearchError } from '../../errors.js';
import type { BuildResources } from '../../gin/index.js';
import { buildIndex, type ExtractKeysTestHooks, type IndexBuildReport, type SharedKeySet } from '../../parallel/index.js';
import type { AnalysisRecord } from '../../analysis/index.js';
import type { IndexRecord, WriteTransaction } from '../../storage/index.js';
import type { StatementContext } from './context.js';

/**
 * Test-only fault injection for the next builds of this process (worker failures, slow blocks). Production code
 * never sets it; tests set `current` and reset it afterwards.
 */
export const indexBuildTestHooks: { current: ExtractKeysTestHooks | undefined } = { current: undefined };

function memoryBudgetBytes(context: StatementContext): number {
  return context.settings.maintenanceWorkMemoryKilobytes * 1024;
}

/**
 * A failed build as the user sees it: cancellation as the statement's 57014 (user request or timeout), anything
 * else with the index named in front of the worker's message, keeping its SQLSTATE, DETAIL and HINT.
 */
function buildFailure(context: StatementContext, index: IndexRecord, error: unknown): KmerSearchError {
  context.runtime.checkCancelled();
  const failure = asKmerSearchError(error);
  if (failure.code === SqlState.queryCanceled) return failure;
  return new KmerSearchError(failure.code, `could not build index "${index.name}": ${failure.message}`, {
    detail: failure.detail,
    hint: failure.hint,
    cause: failure,
  });
}

/** The high-frequency keys an index that records `analysis` leaves out (none without an analysis). */
export function excludedKeysOf(context: StatementContext, write: WriteTransaction, analysis: AnalysisRecord | undefined): SharedKeySet | undefined {
  return analysis === undefined ? undefined : context.runtime.functionContext.highFrequency?.keysOf(write, analysis);
}

/**
 * (Re)builds the pages of `index` from its table as `write` sees it, with the index's recorded k and b, leaving
 * out `excludedKeys` (the high-frequency keys of the analysis the index records).
 */
export async function runIndexBuild(
  context: StatementContext,
  write: WriteTransaction,
  index: IndexRecord,
  excludedKeys: SharedKeySet | undefined,
  schedule: {
    /** Worker threads for this build instead of `max_parallel_maintenance_workers` (partition-parallel builds). */
    readonly workers?: number;
    /** Turn-taking of builds running at the same time on `write` (src/parallel IndexBuildOptions.mergeTurn). */
    readonly mergeTurn?: () => Promise<() => void>;
    /** The worker thread also merges and encodes the pages (src/parallel IndexBuildOptions.encodeInWorker). */
    readonly encodeInWorker?: boolean;
    /** False when the caller reports the progress of a larger operation this build is part of. */
    readonly reportProgress?: boolean;
  } = {},
): Promise<IndexBuildReport> {
  const settings = context.settings;
  const workspace = context.runtime.indexes;
  const workers = schedule.workers ?? Math.min(settings.maxParallelMaintenanceWorkers, settings.maxParallelWorkers);
  const pool = workers > 0 ? await workspace.workerPool(settings.maxParallelWorkers) : null;
  const rows = write.getTable(index.tableId)?.liveRowCount;
  const progress = (done: number): void => {
    if (schedule.reportProgress !== false) context.progress({ operation: 'CREATE INDEX', done, total: rows, unit: 'rows' });
  };
  progress(0);
  const abort = context.runtime.cancellation.abortSignal();
  try {
    const report = await buildIndex(write, index.id, {
      database: workspace.database,
      pool,
      workers,
      memoryBudgetBytes: memoryBudgetBytes(context),
      excludedKeys,
      signal: abort.signal,
      testHooks: indexBuildTestHooks.current,
      mergeTurn: schedule.mergeTurn,
      encodeInWorker: schedule.encodeInWorker,
    });
    progress(rows ?? report.rows);
    return report;
  } catch (error) {
    throw buildFailure(context, index, error);
  } finally {
    abort.dispose();
  }
}

/**
 * Hands the writing of pages (LMDB append mode) to one build at a time, for builds of several indexes running at
 * once on one write transaction (one per partition); their merges run on the workers.
 */
export function mergeTurns(): () => Promise<() => void> {
  let queue: Promise<void> = Promise.resolve();
  return () => {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = queue.then(() => release);
    queue = queue.then(() => turn);
    return ready;
  };
}

/** Resources of a pending-list merge; `finish` must run when it ends. */
export function mergeResources(context: StatementContext): BuildResources & { finish(): void } {
  const abort = context.runtime.cancellation.abortSignal();
  const database = context.runtime.indexes.database;
  return {
    memoryBudgetBytes: memoryBudgetBytes(context),
    createSpillFile: (label) => database.createSpillFile(label),
    signal: abort.signal,
    finish: () => abort.dispose(),
  };
}

/** A failed merge as the user sees it (see buildFailure). */
export function mergeFailure(context: StatementContext, index: IndexRecord, error: unknown): KmerSearchError {
  return buildFailure(context, index, error);
}
