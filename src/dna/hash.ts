/**
 * PostgreSQL's hash_bytes / hash_bytes_extended (src/common/hashfn.c, Bob Jenkins' lookup3, little-endian
 * build), used by the DNA hash opclass (`kmersearch_dna*_hash`, `…_hash_extended`, reference core §1.6) and
 * by hash partition routing (analysis reference §9.2, Appendix A, seed 0x7A5B22367996DCFD).
 *
 * PostgreSQL has two paths: when the key is 4-byte aligned it reads whole uint32 words (and in the tail
 * adds `ka[0]`, `ka[1]` for the word-sized parts); otherwise it assembles each word from bytes, least
 * significant first. On a little-endian machine — the reference's x86-64 — a native word read *is* that
 * byte assembly, so both paths give the same result and one byte-assembling path reproduces them for any
 * byte offset. (The big-endian build differs and is not reproduced.)
 *
 * Arithmetic is on 32-bit words modulo 2^32: `| 0` after + and −, `Math.imul` never needed (lookup3 only
 * adds, subtracts, xors and rotates). The mixing state lives in module variables so the macros `mix` and
 * `final` read as in C and no call allocates; JS is single-threaded per isolate, so this is safe.
 */
import { packedByteLength } from './packed.js';
import type { DnaValue } from './types.js';

let a = 0;
let b = 0;
let c = 0;

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function mix(): void {
  a = (a - c) | 0; a ^= rotateLeft(c, 4); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rotateLeft(a, 6); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rotateLeft(b, 8); b = (b + a) | 0;
  a = (a - c) | 0; a ^= rotateLeft(c, 16); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rotateLeft(a, 19); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rotateLeft(b, 4); b = (b + a) | 0;
}

function final(): void {
  c ^= b; c = (c - rotateLeft(b, 14)) | 0;
  a ^= c; a = (a - rotateLeft(c, 11)) | 0;
  b ^= a; b = (b - rotateLeft(a, 25)) | 0;
  c ^= b; c = (c - rotateLeft(b, 16)) | 0;
  a ^= c; a = (a - rotateLeft(c, 4)) | 0;
  b ^= a; b = (b - rotateLeft(a, 14)) | 0;
  c ^= b; c = (c - rotateLeft(b, 24)) | 0;
}

/**
 * The body shared by both functions: initial state, optional seed perturbation, 12-byte blocks, tail,
 * final. Leaves the result in `b` and `c`.
 */
function lookup3(key: Uint8Array, seedHigh: number, seedLow: number, seeded: boolean): void {
  const keyLength = key.length;
  a = b = c = (0x9e3779b9 + keyLength + 3923095) | 0;
  if (seeded) {
    a = (a + seedHigh) | 0;
    b = (b + seedLow) | 0;
    mix();
  }
  let offset = 0;
  let remaining = keyLength;
  while (remaining >= 12) {
    a = (a + readWordLittleEndian(key, offset)) | 0;
    b = (b + readWordLittleEndian(key, offset + 4)) | 0;
    c = (c + readWordLittleEndian(key, offset + 8)) | 0;
    mix();
    offset += 12;
    remaining -= 12;
  }
  // The C code is a fall-through switch on `remaining`; each `if` below is one of its cases. The lowest
  // byte of c is left alone (lookup3 reserved it for the length).
  if (remaining >= 11) c = (c + (byteAt(key, offset + 10) << 24)) | 0;
  if (remaining >= 10) c = (c + (byteAt(key, offset + 9) << 16)) | 0;
  if (remaining >= 9) c = (c + (byteAt(key, offset + 8) << 8)) | 0;
  if (remaining >= 8) b = (b + (byteAt(key, offset + 7) << 24)) | 0;
  if (remaining >= 7) b = (b + (byteAt(key, offset + 6) << 16)) | 0;
  if (remaining >= 6) b = (b + (byteAt(key, offset + 5) << 8)) | 0;
  if (remaining >= 5) b = (b + byteAt(key, offset + 4)) | 0;
  if (remaining >= 4) a = (a + (byteAt(key, offset + 3) << 24)) | 0;
  if (remaining >= 3) a = (a + (byteAt(key, offset + 2) << 16)) | 0;
  if (remaining >= 2) a = (a + (byteAt(key, offset + 1) << 8)) | 0;
  if (remaining >= 1) a = (a + byteAt(key, offset)) | 0;
  final();
}

function byteAt(key: Uint8Array, index: number): number {
  return key[index] ?? 0;
}

function readWordLittleEndian(key: Uint8Array, offset: number): number {
  return byteAt(key, offset) | (byteAt(key, offset + 1) << 8) | (byteAt(key, offset + 2) << 16) | (byteAt(key, offset + 3) << 24);
}

/** PostgreSQL `hash_bytes` (`hash_any`) as the signed int4 SQL sees. */
export function hashBytes(key: Uint8Array): number {
  lookup3(key, 0, 0, false);
  return c;
}

/** A 64-bit hash as two unsigned 32-bit halves. */
export interface Hash64 {
  readonly high: number;
  readonly low: number;
}

/**
 * PostgreSQL `hash_bytes_extended` (`hash_any_extended`) with the 64-bit seed given as unsigned 32-bit
 * halves; returns `(b << 32) | c` as halves. A zero seed skips the perturbation, so with seed 0 the low
 * half equals hashBytes (as unsigned).
 */
export function hashBytesExtended(key: Uint8Array, seedHigh: number, seedLow: number): Hash64 {
  const high = seedHigh >>> 0;
  const low = seedLow >>> 0;
  lookup3(key, high | 0, low | 0, high !== 0 || low !== 0);
  return { high: b >>> 0, low: c >>> 0 };
}

/** hashBytesExtended with an int8 seed (any bigint, taken modulo 2^64), returning the signed int8 SQL sees. */
export function hashBytesExtendedBigInt(key: Uint8Array, seed: bigint): bigint {
  const unsignedSeed = BigInt.asUintN(64, seed);
  const hash = hashBytesExtended(key, Number(unsignedSeed >> 32n), Number(unsignedSeed & 0xffffffffn));
  return BigInt.asIntN(64, (BigInt(hash.high) << 32n) | BigInt(hash.low));
}

/** `kmersearch_dna2_hash` / `kmersearch_dna4_hash`: hash of the data bytes only, never the bit length. */
export function dnaHash(value: DnaValue): number {
  return hashBytes(dataBytes(value));
}

/** `kmersearch_dna2_hash_extended` / `kmersearch_dna4_hash_extended` with an int8 seed. */
export function dnaHashExtended(value: DnaValue, seed: bigint): bigint {
  return hashBytesExtendedBigInt(dataBytes(value), seed);
}

/** The ceil(L/8) bytes that are hashed; a view is made only if the value carries extra bytes. */
function dataBytes(value: DnaValue): Uint8Array {
  const dataLength = packedByteLength(value.bitLength);
  return value.data.length === dataLength ? value.data : value.data.subarray(0, dataLength);
}
