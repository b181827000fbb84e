/**
 * The worker-thread entry of the pool (piscina calls the default export once per task). It opens the database
 * read-only through storage's HeapBlockReader (lmdb-js shares the environment with the other threads), keeps it
 * open for later tasks, runs the requested task and answers with a TaskReply: errors are serialised here, because
 * cloning would drop a KmerSearchError's code, detail and hint. Workers never write to the database.
 */
import type { MessagePort } from 'node:worker_threads';
import { HeapBlockReader } from '../storage/index.js';
import { buildPagesInWorker, type BuildPagesInput, type BuildPagesResult } from './build-pages.js';
import { countKeysInWorker, type CountKeysInput, type CountKeysResult } from './count-keys.js';
import { KeyExtractionTask, runTransferList, type ExtractKeysInput, type ExtractKeysResult } from './extract-keys.js';
import {
  searchBatch,
  searchClaimed,
  type ClaimedSearchInput,
  type ClaimedSearchResult,
  type SearchBatchInput,
  type SearchBatchResult,
} from './search-task.js';
import { serializeError, type TaskReply } from './task-errors.js';

export type WorkerRequest =
  | { readonly kind: 'extract-keys'; readonly input: ExtractKeysInput; readonly port: MessagePort }
  | { readonly kind: 'search'; readonly input: SearchBatchInput }
  | { readonly kind: 'search-claimed'; readonly input: ClaimedSearchInput }
  | { readonly kind: 'count-keys'; readonly input: CountKeysInput }
  | { readonly kind: 'build-pages'; readonly input: BuildPagesInput; readonly port: MessagePort };

/** Messages of an extraction task on its port: runs as they are produced, then the end. */
export type ExtractionMessage =
  | { readonly type: 'run'; readonly run: import('../gin/index.js').SortedRun }
  | { readonly type: 'end' };

const readers = new Map<string, HeapBlockReader>();

/** The reader of a database, kept open across tasks, renewed to the latest committed state for each task. */
function readerFor(path: string): HeapBlockReader {
  let reader = readers.get(path);
  if (reader === undefined) {
    reader = HeapBlockReader.open(path);
    readers.set(path, reader);
  }
  reader.refresh();
  return reader;
}

function extractKeys(input: ExtractKeysInput, port: MessagePort): ExtractKeysResult {
  const task = new KeyExtractionTask(input, readerFor(input.databasePath), (run) => {
    const message: ExtractionMessage = { type: 'run', run };
    port.postMessage(message, runTransferList(run));
  });
  while (task.step(Number.MAX_SAFE_INTEGER));
  const result = task.finish();
  // Posted before the task's reply, so the main thread can wait for it knowing every run is on its way.
  port.postMessage({ type: 'end' } satisfies ExtractionMessage);
  return result;
}

type TaskResult = ExtractKeysResult | SearchBatchResult | ClaimedSearchResult | CountKeysResult | BuildPagesResult;

export default async function runTask(request: WorkerRequest): Promise<TaskReply<TaskResult>> {
  try {
    return await handle(request);
  } finally {
    // Let go of the read snapshot between tasks, or LMDB could not reuse pages freed meanwhile.
    for (const reader of readers.values()) reader.refresh();
  }
}

async function handle(request: WorkerRequest): Promise<TaskReply<TaskResult>> {
  try {
    switch (request.kind) {
      case 'extract-keys':
        try {
          return { ok: true, value: extractKeys(request.input, request.port) };
        } finally {
          request.port.close();
        }
      case 'search':
        return { ok: true, value: searchBatch(readerFor(request.input.databasePath), request.input) };
      case 'search-claimed':
        return { ok: true, value: searchClaimed(readerFor(request.input.databasePath), request.input) };
      case 'build-pages':
        try {
          return { ok: true, value: await buildPagesInWorker(request.input, readerFor(request.input.databasePath), request.port) };
        } finally {
          request.port.close();
        }
      case 'count-keys':
        return { ok: true, value: countKeysInWorker(request.input, readerFor(request.input.databasePath)) };
    }
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
