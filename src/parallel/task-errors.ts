/**
 * Errors crossing a thread boundary. Structured cloning keeps only an Error's message and stack, so a worker
 * sends its KmerSearchError's fields explicitly and the main thread rebuilds it; anything else becomes XX000 with
 * the worker's message (PostgreSQL's "internal error" class).
 */
import { KmerSearchError, SqlState } from '../errors.js';

export interface SerializedError {
  readonly code: string;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof KmerSearchError) {
    return { code: error.code, message: error.message, detail: error.detail, hint: error.hint };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: SqlState.internalError, message };
}

export function deserializeError(error: SerializedError): KmerSearchError {
  return new KmerSearchError(error.code, error.message, { detail: error.detail, hint: error.hint });
}

/** What a worker task hands back: a value, or the error it threw. */
export type TaskReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };
