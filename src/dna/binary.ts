/**
 * Binary send/recv and `kmersearch_dna2_to_bytea` / `kmersearch_dna4_to_bytea` (reference core §1.4–§1.5).
 * Wire format: 4-byte big-endian signed bit length L, then exactly ceil(L/8) data bytes.
 *
 * The reference's recv accepts anything (odd lengths, dirty padding, DNA4 code 0), storing values its own
 * output function then rejects or prints as '?'. Deviation F9: recv here accepts only what text input can
 * produce, and rejects the rest with SQLSTATE 22P02. The checks run in this order and say (T = DNA2 or DNA4):
 *
 *   invalid binary representation for T: message of N bytes is shorter than the 4-byte bit length
 *   invalid binary representation for T: negative bit length L
 *   invalid binary representation for DNA2: bit length L is not even
 *   invalid binary representation for DNA4: bit length L is not a multiple of 4
 *   invalid binary representation for T: bit length L needs B data bytes, got N
 *   invalid binary representation for T: padding bits after the last base are not zero
 *   invalid binary representation for DNA4: base I has code 0, which is not an IUPAC code   (I is 1-based)
 *
 * recv never throws anything but a KmerSearchError, whatever the bytes.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { packedByteLength } from './packed.js';
import type { DnaKind, DnaValue } from './types.js';

/** Bytes of the big-endian bit-length header. */
const BIT_LENGTH_HEADER_BYTES = 4;

/** SQL `send` and `kmersearch_dna2_to_bytea` / `kmersearch_dna4_to_bytea`: header plus data bytes. */
export function dnaSend(value: DnaValue): Uint8Array {
  const dataLength = packedByteLength(value.bitLength);
  const message = new Uint8Array(BIT_LENGTH_HEADER_BYTES + dataLength);
  writeBitLength(message, value.bitLength);
  message.set(value.data.subarray(0, dataLength), BIT_LENGTH_HEADER_BYTES);
  return message;
}

/** `kmersearch_dna2_to_bytea` / `kmersearch_dna4_to_bytea`: the same bytes as send. */
export const dnaToBytea: (value: DnaValue) => Uint8Array = dnaSend;

/** SQL `recv`: parses and validates a binary message (deviation F9); the value owns a copy of the data. */
export function dnaRecv(kind: DnaKind, message: Uint8Array): DnaValue {
  const typeName = kind === 'dna2' ? 'DNA2' : 'DNA4';
  const reject = (reason: string): KmerSearchError =>
    new KmerSearchError(SqlState.invalidTextRepresentation, `invalid binary representation for ${typeName}: ${reason}`);

  if (message.length < BIT_LENGTH_HEADER_BYTES) {
    throw reject(`message of ${message.length} bytes is shorter than the 4-byte bit length`);
  }
  const bitLength = readBitLength(message);
  if (bitLength < 0) throw reject(`negative bit length ${bitLength}`);
  if (kind === 'dna2' && bitLength % 2 !== 0) throw reject(`bit length ${bitLength} is not even`);
  if (kind === 'dna4' && bitLength % 4 !== 0) throw reject(`bit length ${bitLength} is not a multiple of 4`);
  const dataLength = packedByteLength(bitLength);
  const receivedLength = message.length - BIT_LENGTH_HEADER_BYTES;
  if (receivedLength !== dataLength) {
    throw reject(`bit length ${bitLength} needs ${dataLength} data bytes, got ${receivedLength}`);
  }
  const data = message.slice(BIT_LENGTH_HEADER_BYTES);

  const usedBitsInLastByte = bitLength % 8;
  if (usedBitsInLastByte !== 0) {
    const paddingMask = 0xff >>> usedBitsInLastByte;
    if (((data[dataLength - 1] ?? 0) & paddingMask) !== 0) {
      throw reject('padding bits after the last base are not zero');
    }
  }
  if (kind === 'dna4') {
    const count = bitLength / 4;
    for (let i = 0; i < count; i++) {
      const byte = data[i >>> 1] ?? 0;
      const code = (i & 1) === 0 ? byte >>> 4 : byte & 0b1111;
      if (code === 0) throw reject(`base ${i + 1} has code 0, which is not an IUPAC code`);
    }
  }
  return { kind, bitLength, data };
}

/** Reads the signed big-endian bit length at the start of a binary message (at least 4 bytes long). */
export function readBitLength(message: Uint8Array): number {
  return (
    (((message[0] ?? 0) << 24) | ((message[1] ?? 0) << 16) | ((message[2] ?? 0) << 8) | (message[3] ?? 0)) | 0
  );
}

/** Writes the signed big-endian bit length at the start of `message`. */
export function writeBitLength(message: Uint8Array, bitLength: number): void {
  message[0] = bitLength >>> 24;
  message[1] = bitLength >>> 16;
  message[2] = bitLength >>> 8;
  message[3] = bitLength;
}
