/**
 * The worker pool of one open database: a piscina pool created on first use, sized by the caller's
 * `max_parallel_workers`, ended by `close()` (the database handle closes it, so the process can exit).
 *
 * The worker module sits next to this one: `worker.js` when running from dist. When running from the TypeScript
 * sources (vitest, tsx; this file is then pool.ts) workers start at `worker-bootstrap.mjs`, which registers tsx's
 * ES module loader in the worker thread and imports worker.ts. `execArgv: ['--import', 'tsx']` would also start
 * workers, but on Node 20 tsx's flags register only its CommonJS hook in worker threads: piscina's first attempt,
 * `require(worker.ts)`, then succeeds and yields a CommonJS translation in which every imported call goes through
 * a getter (measured: index search 25 % slower than in the main thread). Without tsx flags `require` of the .mjs
 * bootstrap fails and piscina falls back to `import()`, exactly as for dist's ESM worker.js.
 */
import { dirname, extname, join } from 'node:path';
import type { TransferListItem } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { asKmerSearchError, KmerSearchError, SqlState } from '../errors.js';
import { cancelledError } from '../gin/index.js';
import { deserializeError, type TaskReply } from './task-errors.js';
import type { WorkerRequest } from './worker.js';

export interface WorkerPoolOptions {
  /** Most worker threads alive at once (`max_parallel_workers`); 0 means every task runs in the calling thread. */
  readonly maxThreads: number;
  /** Idle workers exit after this long (default 30 s); a new task starts them again. */
  readonly idleTimeoutMs?: number;
}

interface WorkerEntry {
  readonly filename: string;
  readonly execArgv: string[] | undefined;
}

/** The parent's Node flags without tsx's loaders (`--import …tsx…`, `--require …tsx…`, `--import=…`). */
function withoutTsxFlags(flags: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < flags.length; index++) {
    const flag = flags[index]!;
    if ((flag === '--import' || flag === '--require' || flag === '-r') && (flags[index + 1] ?? '').includes('tsx')) {
      index++;
    } else if (!(/^--(import|require|loader|experimental-loader)=/.test(flag) && flag.includes('tsx'))) {
      kept.push(flag);
    }
  }
  return kept;
}

/** The worker module for the way this module itself was loaded. */
export function workerEntry(): WorkerEntry {
  const here = fileURLToPath(import.meta.url);
  const extension = extname(here);
  if (extension !== '.ts') return { filename: join(dirname(here), `worker${extension}`), execArgv: undefined };
  return { filename: join(dirname(here), 'worker-bootstrap.mjs'), execArgv: withoutTsxFlags(process.execArgv) };
}

/** How long close() lets running tasks answer before it ends their threads. */
const closeWaitMs = 2000;

export class WorkerPool {
  readonly maxThreads: number;
  private readonly idleTimeoutMs: number;
  private piscina: Piscina | null = null;
  private closed = false;
  /** Tasks posted and not yet answered, which close() lets finish (a caller need not wait for every task it posts). */
  private readonly unanswered = new Set<Promise<unknown>>();

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.maxThreads) || options.maxThreads < 0) {
      throw new KmerSearchError(SqlState.invalidParameterValue, `invalid number of worker threads: ${options.maxThreads}`);
    }
    this.maxThreads = options.maxThreads;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Threads not taken by a task: maxThreads less the tasks posted and not yet answered (as far as this pool knows). */
  get freeThreads(): number {
    return Math.max(0, this.maxThreads - this.unanswered.size);
  }

  /** Worker threads alive now. */
  get threadCount(): number {
    return this.piscina?.threads.length ?? 0;
  }

  /**
   * Runs one request in a worker thread. Rejects with the worker's KmerSearchError (or XX000 with its message),
   * with 57014 when `signal` aborts it (a running worker is then terminated).
   */
  async run<T>(
    request: WorkerRequest,
    options: { readonly transferList?: readonly TransferListItem[]; readonly signal?: AbortSignal } = {},
  ): Promise<T> {
    const piscina = this.ensureStarted();
    let reply: TaskReply<T>;
    const task = piscina.run(request, {
      transferList: options.transferList as TransferListItem[] | undefined,
      signal: options.signal ?? null,
    }) as Promise<TaskReply<T>>;
    this.unanswered.add(task);
    try {
      reply = await task;
    } catch (error) {
      if (options.signal?.aborted === true) throw cancelledError();
      throw asKmerSearchError(error);
    } finally {
      this.unanswered.delete(task);
    }
    if (!reply.ok) throw deserializeError(reply.error);
    return reply.value;
  }

  /**
   * Ends every worker thread once the tasks still running have answered (piscina reports an answer that arrives
   * after destroy() as an uncaught error) — within `closeWaitMs`: a task that does not answer by then (a worker
   * stuck in a long step) is ended with its thread rather than keep close() waiting. Idempotent; the pool cannot be
   * used afterwards.
   */
  async close(): Promise<void> {
    this.closed = true;
    const piscina = this.piscina;
    this.piscina = null;
    if (piscina === null) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, closeWaitMs)));
    await Promise.race([Promise.allSettled([...this.unanswered]), waited]);
    clearTimeout(timer);
    await piscina.destroy();
  }

  private ensureStarted(): Piscina {
    if (this.closed) throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'the worker pool has been closed');
    if (this.maxThreads === 0) {
      throw new KmerSearchError(SqlState.internalError, 'a worker pool of 0 threads cannot run tasks');
    }
    if (this.piscina === null) {
      const entry = workerEntry();
      this.piscina = new Piscina({
        filename: entry.filename,
        ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }),
        minThreads: 0,
        maxThreads: this.maxThreads,
        idleTimeout: this.idleTimeoutMs,
        // Tasks are long and CPU-bound: one at a time per worker, queued beyond maxThreads.
        concurrentTasksPerWorker: 1,
      });
    }
    return this.piscina;
  }
}
