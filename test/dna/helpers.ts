import { expect } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { type DnaKind, type DnaValue, parseDnaText } from '../../src/dna/index.js';

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

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export const dna2 = (text: string): DnaValue => parseDnaText('dna2', text);
export const dna4 = (text: string): DnaValue => parseDnaText('dna4', text);
export const parse = (kind: DnaKind, text: string): DnaValue => parseDnaText(kind, text);
