/**
 * src/dna — the DNA2 and DNA4 value types (reference core §1, SPEC §3 with deviations F8 and F9).
 *
 * This folder owns the packed representation every other layer stores and reads: text input (the
 * reference's validation and 22P02 texts, U→T, zero padding) and upper-case text output, the binary wire
 * format (send, validated recv, `kmersearch_dna2_to_bytea` / `…dna4…`), equality and btree ordering,
 * PostgreSQL's lookup3 `hash_bytes` / `hash_bytes_extended` (for the hash opclass and partition routing),
 * the length functions, and allocation-free helpers to read single bases and to pack into a caller's
 * buffer. It imports nothing but src/errors.ts.
 */
export { type DnaKind, type DnaValue, bitsPerBase } from './types.js';
export {
  DNA2_CODE_BY_CHAR,
  DNA2_CODE_OF_DNA4_CODE,
  DNA2_LETTERS,
  DNA4_CODE_BY_CHAR,
  DNA4_CODE_N,
  DNA4_LETTERS,
  INVALID_BASE_CODE,
} from './alphabet.js';
export {
  baseCodeAt,
  baseCount,
  dnaBitLength,
  dnaNucleotideLength,
  packedByteLength,
  packedByteLengthForBases,
} from './packed.js';
export {
  DNA2_INPUT_HINT,
  DNA4_INPUT_HINT,
  encodeDnaAsciiInto,
  encodeDnaTextInto,
  formatDna,
  invalidCharacterError,
  parseDnaAscii,
  parseDnaText,
  reportedCharacter,
} from './text.js';
export { dnaRecv, dnaSend, dnaToBytea, readBitLength, writeBitLength } from './binary.js';
export { dnaCompare, dnaEquals } from './compare.js';
export {
  type Hash64,
  dnaHash,
  dnaHashExtended,
  hashBytes,
  hashBytesExtended,
  hashBytesExtendedBigInt,
} from './hash.js';
