/**
 * Byte-level builtins: encode/decode (PostgreSQL 15's encode.c: hex, escape, base64 with its 76-character
 * lines and its quirks), md5, hashtext/hashtextextended (lookup3 over the UTF-8 bytes, the same hash as the
 * DNA hash opclass) and to_hex.
 */
import { createHash } from 'node:crypto';
import { hashBytes, hashBytesExtendedBigInt } from '../../dna/index.js';
import { KmerSearchError, SqlState } from '../../errors.js';
import { type SqlValue, sqlTypes } from '../types.js';
import type { SqlFunction } from './contract.js';
import { scalar } from './define.js';

const t = sqlTypes;
const utf8 = new TextEncoder();

function invalidParameter(message: string, hint?: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, message, hint === undefined ? {} : { hint });
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_LINE = 76;

/**
 * The encoders build their text in one piece (Buffer, or ASCII bytes decoded once) rather than by appending a few
 * characters per byte: that made ropes of millions of nodes, gigabytes for a 30 MB bytea, and could exhaust the heap.
 */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hexEncode(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

function isHexWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** hex_decode: whitespace is skipped between pairs only; each digit error quotes the whole character. */
function hexDecode(text: string): Uint8Array {
  const output = new Uint8Array(text.length >>> 1);
  let length = 0;
  let position = 0;
  const digit = (at: number): number => {
    const value = hexDigitValue(text.charCodeAt(at));
    if (value < 0) throw invalidParameter(`invalid hexadecimal digit: "${String.fromCodePoint(text.codePointAt(at) ?? 0)}"`);
    return value;
  };
  while (position < text.length) {
    if (isHexWhitespace(text.charCodeAt(position))) {
      position++;
      continue;
    }
    const high = digit(position);
    position++;
    if (position >= text.length) throw invalidParameter('invalid hexadecimal data: odd number of digits');
    output[length++] = (high << 4) | digit(position);
    position++;
  }
  return output.slice(0, length);
}

/** esc_encode: NUL and bytes ≥ 0x80 as `\ooo`, a backslash doubled. */
function escapeEncode(bytes: Uint8Array): string {
  let size = 0;
  for (const byte of bytes) size += byte === 0 || byte >= 0x80 ? 4 : byte === 0x5c ? 2 : 1;
  const output = Buffer.allocUnsafe(size);
  let length = 0;
  for (const byte of bytes) {
    if (byte === 0 || byte >= 0x80) {
      output[length++] = 0x5c;
      output[length++] = 0x30 + (byte >> 6);
      output[length++] = 0x30 + ((byte >> 3) & 7);
      output[length++] = 0x30 + (byte & 7);
    } else if (byte === 0x5c) {
      output[length++] = 0x5c;
      output[length++] = 0x5c;
    } else {
      output[length++] = byte;
    }
  }
  return output.toString('latin1');
}

/** esc_decode over the text's UTF-8 bytes: `\ooo` (first digit 0–3) and `\\`; any other backslash is an error. */
function escapeDecode(text: string): Uint8Array {
  const source = utf8.encode(text);
  const output = new Uint8Array(source.length);
  let length = 0;
  const isOctal = (byte: number | undefined, max: number): boolean => byte !== undefined && byte >= 0x30 && byte <= max;
  for (let position = 0; position < source.length; ) {
    const byte = source[position] ?? 0;
    if (byte !== 0x5c) {
      output[length++] = byte;
      position++;
    } else if (
      position + 3 < source.length &&
      isOctal(source[position + 1], 0x33) &&
      isOctal(source[position + 2], 0x37) &&
      isOctal(source[position + 3], 0x37)
    ) {
      const digit = (offset: number): number => (source[position + offset] ?? 0x30) - 0x30;
      output[length++] = (digit(1) << 6) | (digit(2) << 3) | digit(3);
      position += 4;
    } else if (position + 1 < source.length && source[position + 1] === 0x5c) {
      output[length++] = 0x5c;
      position += 2;
    } else {
      throw new KmerSearchError(SqlState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    }
  }
  return output.slice(0, length);
}

/**
 * pg_base64_encode: a newline after every 76 output characters, also at the very end when the last complete group
 * of 3 bytes ends a line (a final partial group is never followed by one).
 */
function base64Encode(bytes: Uint8Array): string {
  const text = asBuffer(bytes).toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += BASE64_LINE) lines.push(text.slice(start, start + BASE64_LINE));
  const trailingNewline = text.length > 0 && text.length % BASE64_LINE === 0 && bytes.length % 3 === 0;
  return lines.join('\n') + (trailingNewline ? '\n' : '');
}

/**
 * pg_base64_decode, quirks included: whitespace is skipped anywhere; `=` is accepted only as the third or
 * fourth character of a group and then marks the end, yet later symbols are still decoded.
 */
function base64Decode(text: string): Uint8Array {
  const output: number[] = [];
  let buffer = 0;
  let position = 0;
  let end = 0;
  for (const character of text) {
    if (character === ' ' || character === '\t' || character === '\n' || character === '\r') continue;
    let value: number;
    if (character === '=') {
      if (end === 0) {
        if (position === 2) end = 1;
        else if (position === 3) end = 2;
        else throw invalidParameter('unexpected "=" while decoding base64 sequence');
      }
      value = 0;
    } else {
      value = character.length === 1 ? BASE64.indexOf(character) : -1;
      if (value < 0) throw invalidParameter(`invalid symbol "${character}" found while decoding base64 sequence`);
    }
    buffer = ((buffer << 6) + value) >>> 0;
    position++;
    if (position === 4) {
      output.push((buffer >> 16) & 255);
      if (end === 0 || end > 1) output.push((buffer >> 8) & 255);
      if (end === 0 || end > 2) output.push(buffer & 255);
      buffer = 0;
      position = 0;
    }
  }
  if (position !== 0) {
    throw invalidParameter(
      'invalid base64 end sequence',
      'Input data is missing padding, is truncated, or is otherwise corrupted.',
    );
  }
  return Uint8Array.from(output);
}

interface Codec {
  readonly encode: (bytes: Uint8Array) => string;
  readonly decode: (text: string) => Uint8Array;
}

const CODECS: ReadonlyMap<string, Codec> = new Map([
  ['hex', { encode: hexEncode, decode: hexDecode }],
  ['base64', { encode: base64Encode, decode: base64Decode }],
  ['escape', { encode: escapeEncode, decode: escapeDecode }],
]);

/** pg_find_encoding: the format name is compared case-insensitively (ASCII). */
function codecOf(format: string): Codec {
  const codec = CODECS.get(format.replace(/[A-Z]/g, (letter) => letter.toLowerCase()));
  if (codec === undefined) throw invalidParameter(`unrecognized encoding: "${format}"`);
  return codec;
}

function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}

const str = (value: SqlValue | undefined): string => value as string;
const bytes = (value: SqlValue | undefined): Uint8Array => value as Uint8Array;

export function encodingFunctions(): SqlFunction[] {
  return [
    scalar('encode', [t.bytea, t.text], t.text, ([data, format]) => codecOf(str(format)).encode(bytes(data))),
    scalar('decode', [t.text, t.text], t.bytea, ([text, format]) => codecOf(str(format)).decode(str(text))),
    scalar('md5', [t.text], t.text, ([text]) => md5Hex(utf8.encode(str(text)))),
    scalar('md5', [t.bytea], t.text, ([data]) => md5Hex(bytes(data))),
    scalar('hashtext', [t.text], t.int4, ([text]) => hashBytes(utf8.encode(str(text)))),
    scalar('hashtextextended', [t.text, t.int8], t.int8, ([text, seed]) =>
      hashBytesExtendedBigInt(utf8.encode(str(text)), seed as bigint)),
    // Two's complement of the argument's width, as PostgreSQL prints negative numbers.
    scalar('to_hex', [t.int4], t.text, ([value]) => ((value as number) >>> 0).toString(16)),
    scalar('to_hex', [t.int8], t.text, ([value]) => BigInt.asUintN(64, value as bigint).toString(16)),
  ];
}
