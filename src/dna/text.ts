/**
 * Text input and output of DNA2/DNA4 (reference core §1.1–§1.3).
 *
 * Input is checked character by character, left to right, exactly as the reference checks the bytes of its
 * C string; the first offending character is reported. The packers write whole bytes, so the padding of
 * the last byte is always zero (deviation F8: the reference's AVX2 DNA4 encoder pads odd inputs ≥ 512
 * characters with 1111; we behave like its no-SIMD build).
 *
 * Reporting a non-ASCII character. The reference formats the offending *byte* with `%c`; for a multi-byte
 * UTF-8 character that is the lone lead byte, which a UTF-8 client (psql, node-postgres) cannot decode and
 * shows as the replacement character U+FFFD ('�'). We work on JS strings (and on raw bytes for file
 * loaders), so: an ASCII character (code < 128) is reported as itself; anything else — any code unit
 * ≥ 128, including surrogates, or a raw byte ≥ 128 — is reported as '\uFFFD', the text a UTF-8 client of
 * the reference displays. Every character before the first non-ASCII one is ASCII, so the position of the
 * first offending character is the same as the reference's first offending byte.
 *
 * NUL: a C string ends at its first NUL byte, and PostgreSQL never lets one into a text value. A JS string
 * can hold U+0000; we reject it like any other character outside the alphabet rather than silently
 * truncating the sequence there.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import {
  DNA2_CODE_BY_CHAR,
  DNA2_LETTERS,
  DNA4_CODE_BY_CHAR,
  DNA4_LETTERS,
} from './alphabet.js';
import { packedByteLength, packedByteLengthForBases } from './packed.js';
import { type DnaKind, type DnaValue, bitsPerBase } from './types.js';

/** The reference's hint for a rejected DNA2 input character. */
export const DNA2_INPUT_HINT = 'DNA2 type accepts only A, C, G, T, U characters';
/** The reference's hint for a rejected DNA4 input character. */
export const DNA4_INPUT_HINT = 'DNA4 type accepts A,C,G,T,U,M,R,W,S,Y,K,V,H,D,B,N characters';

/** How an offending character code (UTF-16 code unit or raw byte) appears in an error text; see header. */
export function reportedCharacter(charCode: number): string {
  return charCode < 128 ? String.fromCharCode(charCode) : '\uFFFD';
}

/** The reference's 22P02 error for the first character outside the alphabet of `kind`. */
export function invalidCharacterError(kind: DnaKind, charCode: number): KmerSearchError {
  const typeName = kind === 'dna2' ? 'DNA2' : 'DNA4';
  return new KmerSearchError(
    SqlState.invalidTextRepresentation,
    `invalid character '${reportedCharacter(charCode)}' for ${typeName} type`,
    { hint: kind === 'dna2' ? DNA2_INPUT_HINT : DNA4_INPUT_HINT },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Input

/** SQL `'…'::dna2` / `'…'::dna4`: parses text into a packed value (throws the reference's 22P02 errors). */
export function parseDnaText(kind: DnaKind, text: string): DnaValue {
  const data = new Uint8Array(packedByteLengthForBases(kind, text.length));
  const bitLength = encodeDnaTextInto(kind, text, data, 0);
  return { kind, bitLength, data };
}

/**
 * Packs `text` into `target` starting at `targetOffset` and returns the bit length L. Writes exactly
 * ceil(L/8) whole bytes (padding zero) and nothing else. Throws the reference's 22P02 error on the first
 * character outside the alphabet; `target` may then hold partial output.
 */
export function encodeDnaTextInto(kind: DnaKind, text: string, target: Uint8Array, targetOffset: number): number {
  checkRoom(kind, text.length, target, targetOffset);
  const failedAt =
    kind === 'dna2' ? packDna2Text(text, target, targetOffset) : packDna4Text(text, target, targetOffset);
  if (failedAt >= 0) throw invalidCharacterError(kind, firstInvalidCharCode(kind, text, failedAt));
  return text.length * bitsPerBase(kind);
}

/**
 * Parses ASCII bytes `source[start, end)` (e.g. a sequence line of a FASTA file) into a packed value, with
 * the same rules and errors as text input; a byte ≥ 128 is reported as '\uFFFD'.
 */
export function parseDnaAscii(kind: DnaKind, source: Uint8Array, start = 0, end = source.length): DnaValue {
  const data = new Uint8Array(packedByteLengthForBases(kind, end - start));
  const bitLength = encodeDnaAsciiInto(kind, source, start, end, data, 0);
  return { kind, bitLength, data };
}

/** Byte-source counterpart of encodeDnaTextInto. */
export function encodeDnaAsciiInto(
  kind: DnaKind,
  source: Uint8Array,
  start: number,
  end: number,
  target: Uint8Array,
  targetOffset: number,
): number {
  const length = end - start;
  checkRoom(kind, length, target, targetOffset);
  const table = kind === 'dna2' ? DNA2_CODE_BY_CHAR : DNA4_CODE_BY_CHAR;
  const shift = kind === 'dna2' ? 2 : 4;
  const basesPerByte = kind === 'dna2' ? 4 : 2;
  let out = targetOffset;
  let accumulated = 0;
  let pending = 0;
  for (let i = start; i < end; i++) {
    const charCode = source[i] ?? 0;
    // Index only below 128; the sign of the looked-up code flags a character outside the alphabet.
    const code = charCode < 128 ? (table[charCode] ?? -1) : -1;
    if (code < 0) throw invalidCharacterError(kind, charCode);
    accumulated = (accumulated << shift) | code;
    if (++pending === basesPerByte) {
      target[out++] = accumulated;
      accumulated = 0;
      pending = 0;
    }
  }
  if (pending > 0) target[out] = accumulated << (shift * (basesPerByte - pending));
  return length * bitsPerBase(kind);
}

function checkRoom(kind: DnaKind, length: number, target: Uint8Array, targetOffset: number): void {
  const needed = packedByteLengthForBases(kind, length);
  if (targetOffset < 0 || targetOffset + needed > target.length) {
    throw new KmerSearchError(
      SqlState.internalError,
      `target buffer too small: ${needed} bytes needed at offset ${targetOffset}, buffer holds ${target.length}`,
    );
  }
}

/**
 * DNA2 packer for strings, four characters (one output byte) per step. Returns −1 on success, or the index
 * of the group of four in which some character is invalid (the caller then finds which one). One test of
 * the OR of four codes replaces four branches: a character ≥ 128 or a table entry of −1 makes it negative
 * or large.
 */
function packDna2Text(text: string, target: Uint8Array, targetOffset: number): number {
  const table = DNA2_CODE_BY_CHAR;
  const length = text.length;
  const fullGroupsEnd = length & ~3;
  let out = targetOffset;
  let i = 0;
  for (; i < fullGroupsEnd; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return i;
    const k0 = table[c0] ?? -1;
    const k1 = table[c1] ?? -1;
    const k2 = table[c2] ?? -1;
    const k3 = table[c3] ?? -1;
    if ((k0 | k1 | k2 | k3) < 0) return i;
    target[out++] = (k0 << 6) | (k1 << 4) | (k2 << 2) | k3;
  }
  if (i < length) {
    let accumulated = 0;
    let shift = 6;
    for (; i < length; i++, shift -= 2) {
      const charCode = text.charCodeAt(i);
      const code = charCode < 128 ? (table[charCode] ?? -1) : -1;
      if (code < 0) return i;
      accumulated |= code << shift;
    }
    target[out] = accumulated;
  }
  return -1;
}

/** DNA4 packer for strings, two characters (one output byte) per step; same contract as packDna2Text. */
function packDna4Text(text: string, target: Uint8Array, targetOffset: number): number {
  const table = DNA4_CODE_BY_CHAR;
  const length = text.length;
  const fullPairsEnd = length & ~1;
  let out = targetOffset;
  let i = 0;
  for (; i < fullPairsEnd; i += 2) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    if ((c0 | c1) > 127) return i;
    const k0 = table[c0] ?? -1;
    const k1 = table[c1] ?? -1;
    if ((k0 | k1) < 0) return i;
    target[out++] = (k0 << 4) | k1;
  }
  if (i < length) {
    const charCode = text.charCodeAt(i);
    const code = charCode < 128 ? (table[charCode] ?? -1) : -1;
    if (code < 0) return i;
    target[out] = code << 4;
  }
  return -1;
}

function firstInvalidCharCode(kind: DnaKind, text: string, from: number): number {
  const table = kind === 'dna2' ? DNA2_CODE_BY_CHAR : DNA4_CODE_BY_CHAR;
  for (let i = from; i < text.length; i++) {
    const charCode = text.charCodeAt(i);
    if (charCode >= 128 || (table[charCode] ?? -1) < 0) return charCode;
  }
  // Unreachable: the packer reported an invalid character at or after `from`.
  throw new KmerSearchError(SqlState.internalError, 'DNA text packer reported no invalid character');
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** Four ASCII letters for each DNA2 byte value, so output decodes a byte per step. */
const DNA2_ASCII_BY_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256 * 4);
  for (let byte = 0; byte < 256; byte++) {
    for (let base = 0; base < 4; base++) {
      table[byte * 4 + base] = DNA2_LETTERS.charCodeAt((byte >>> (6 - 2 * base)) & 3);
    }
  }
  return table;
})();

const DNA4_ASCII_BY_CODE: Uint8Array = Uint8Array.from(DNA4_LETTERS, (letter) => letter.charCodeAt(0));

/**
 * The reference's text output: upper-case letters of the first n bases, `?` for a DNA4 code 0, padding
 * never read. Bad bit lengths (reachable in the reference only through binary input) raise its XX000
 * errors.
 */
export function formatDna(value: DnaValue): string {
  const { bitLength, data } = value;
  checkOutputBitLength(value);
  if (data.length < packedByteLength(bitLength)) {
    throw new KmerSearchError(
      SqlState.internalError,
      `packed data of ${data.length} bytes is too short for bit length ${bitLength}`,
    );
  }
  const count = Math.trunc(bitLength / bitsPerBase(value.kind));
  const ascii = new Uint8Array(count);
  if (value.kind === 'dna2') {
    const fullBytes = count >>> 2;
    const letters = DNA2_ASCII_BY_BYTE;
    for (let j = 0, out = 0; j < fullBytes; j++, out += 4) {
      const from = (data[j] ?? 0) * 4;
      ascii[out] = letters[from] ?? 0;
      ascii[out + 1] = letters[from + 1] ?? 0;
      ascii[out + 2] = letters[from + 2] ?? 0;
      ascii[out + 3] = letters[from + 3] ?? 0;
    }
    for (let i = fullBytes * 4; i < count; i++) {
      ascii[i] = DNA2_ASCII_BY_BYTE[(data[fullBytes] ?? 0) * 4 + (i & 3)] ?? 0;
    }
  } else {
    for (let i = 0; i < count; i++) {
      const byte = data[i >>> 1] ?? 0;
      ascii[i] = DNA4_ASCII_BY_CODE[(i & 1) === 0 ? byte >>> 4 : byte & 0b1111] ?? 0;
    }
  }
  return asciiToString(ascii);
}

function checkOutputBitLength(value: DnaValue): void {
  const { bitLength } = value;
  if (bitLength < 0) {
    throw new KmerSearchError(SqlState.internalError, `invalid bit length: ${bitLength}`);
  }
  if (value.kind === 'dna2' && bitLength % 2 !== 0) {
    throw new KmerSearchError(SqlState.internalError, 'bit length must be even for DNA2');
  }
  if (value.kind === 'dna4' && bitLength % 4 !== 0) {
    throw new KmerSearchError(SqlState.internalError, 'bit length must be multiple of 4 for DNA4');
  }
}

/** Short strings build directly; long ones go through Buffer's latin1 decoder, which is a memcpy-like pass. */
function asciiToString(ascii: Uint8Array): string {
  if (ascii.length <= 32) {
    let text = '';
    for (let i = 0; i < ascii.length; i++) text += String.fromCharCode(ascii[i] ?? 0);
    return text;
  }
  return Buffer.from(ascii.buffer, ascii.byteOffset, ascii.length).toString('latin1');
}
