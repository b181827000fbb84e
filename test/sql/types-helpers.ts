import { expect } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';

/** Runs `action`, asserts it threw a KmerSearchError, and returns it for field checks. */
export function thrownError(action: () => unknown): KmerSearchError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(KmerSearchError);
    return error as KmerSearchError;
  }
  throw new Error('expected a KmerSearchError, nothing was thrown');
}

/** Asserts `action` throws a KmerSearchError with this SQLSTATE and message. */
export function expectError(action: () => unknown, code: string, message: string): KmerSearchError {
  const error = thrownError(action);
  expect({ code: error.code, message: error.message }).toEqual({ code, message });
  return error;
}
