/**
 * Binary codec of single values, the canonical encoding used in unique-constraint keys, and a default text
 * rendering for constraint error details.
 *
 * The single-value layout is also the per-value layout inside heap blocks (block-codec.ts), so both agree by
 * construction. DNA values use the reference's binary layout (4-byte big-endian bit length, then the packed
 * bytes), so that COPY BINARY and export are byte copies.
 */
import type { DnaValue } from '../dna/types.js';
import { KmerSearchError, SqlState } from '../errors.js';
import type { ColumnType, ColumnTypeName, ColumnValue } from './column-types.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Byte width of fixed-width types; 0 for variable-length ones. */
export function fixedValueWidth(typeName: ColumnTypeName): number {
  switch (typeName) {
    case 'bool':
      return 1;
    case 'int2':
      return 2;
    case 'int4':
    case 'float4':
      return 4;
    case 'int8':
    case 'float8':
    case 'timestamptz':
      return 8;
    default:
      return 0;
  }
}

/** Writes a fixed-width value at `offset`. The value must have passed checkColumnValue. */
export function writeFixedValue(view: DataView, offset: number, typeName: ColumnTypeName, value: ColumnValue): void {
  switch (typeName) {
    case 'bool':
      view.setUint8(offset, value === true ? 1 : 0);
      return;
    case 'int2':
      view.setInt16(offset, value as number);
      return;
    case 'int4':
      view.setInt32(offset, value as number);
      return;
    case 'float4':
      view.setFloat32(offset, value as number);
      return;
    case 'int8':
      view.setBigInt64(offset, value as bigint);
      return;
    case 'float8':
      view.setFloat64(offset, value as number);
      return;
    case 'timestamptz':
      view.setFloat64(offset, (value as Date).getTime());
      return;
    default:
      throw new KmerSearchError(SqlState.internalError, `type ${typeName} is not fixed-width`);
  }
}

export function readFixedValue(view: DataView, offset: number, typeName: ColumnTypeName): ColumnValue {
  switch (typeName) {
    case 'bool':
      return view.getUint8(offset) !== 0;
    case 'int2':
      return view.getInt16(offset);
    case 'int4':
      return view.getInt32(offset);
    case 'float4':
      return view.getFloat32(offset);
    case 'int8':
      return view.getBigInt64(offset);
    case 'float8':
      return view.getFloat64(offset);
    case 'timestamptz':
      return new Date(view.getFloat64(offset));
    default:
      throw new KmerSearchError(SqlState.internalError, `type ${typeName} is not fixed-width`);
  }
}

/** The bytes of a variable-length value (text as UTF-8, bytea raw, DNA in the reference's binary layout). */
export function variableValueBytes(typeName: ColumnTypeName, value: ColumnValue): Uint8Array {
  switch (typeName) {
    case 'text':
    case 'varchar':
      return utf8Encoder.encode(value as string);
    case 'bytea':
      return value as Uint8Array;
    case 'dna2':
    case 'dna4':
      return encodeDnaBinary(value as DnaValue);
    default:
      throw new KmerSearchError(SqlState.internalError, `type ${typeName} is not variable-length`);
  }
}

/**
 * A plain Uint8Array copy. (Buffer#slice would return a view of the same memory, and LMDB hands out Buffers.)
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

/** Decodes a variable-length value; `copy` detaches binary results from `bytes` (which may be a whole block). */
export function readVariableValue(
  typeName: ColumnTypeName,
  bytes: Uint8Array,
  start: number,
  end: number,
  copy: boolean,
): ColumnValue {
  switch (typeName) {
    case 'text':
    case 'varchar':
      return utf8Decoder.decode(bytes.subarray(start, end));
    case 'bytea':
      return copy ? copyBytes(bytes, start, end) : bytes.subarray(start, end);
    case 'dna2':
    case 'dna4':
      return decodeDnaBinary(typeName, bytes, start, end, copy);
    default:
      throw new KmerSearchError(SqlState.internalError, `type ${typeName} is not variable-length`);
  }
}

/** The reference's binary layout of a DNA value: 4-byte big-endian bit length, then ceil(L/8) bytes. */
export function encodeDnaBinary(value: DnaValue): Uint8Array {
  const bytes = new Uint8Array(4 + value.data.length);
  new DataView(bytes.buffer).setUint32(0, value.bitLength);
  bytes.set(value.data, 4);
  return bytes;
}

export function decodeDnaBinary(
  kind: 'dna2' | 'dna4',
  bytes: Uint8Array,
  start: number,
  end: number,
  copy: boolean,
): DnaValue {
  if (end - start < 4) throw corruptValue(kind);
  const bitLength = new DataView(bytes.buffer, bytes.byteOffset + start, 4).getUint32(0);
  if (end - start - 4 !== Math.ceil(bitLength / 8)) throw corruptValue(kind);
  const data = copy ? copyBytes(bytes, start + 4, end) : bytes.subarray(start + 4, end);
  return { kind, bitLength, data };
}

function corruptValue(typeName: string): KmerSearchError {
  return new KmerSearchError(SqlState.dataCorrupted, `stored ${typeName} value is corrupt`);
}

/** Encodes one non-null value on its own (spill files, messages between threads). */
export function encodeValue(type: ColumnType, value: Exclude<ColumnValue, null>): Uint8Array {
  const width = fixedValueWidth(type.name);
  if (width === 0) {
    const bytes = variableValueBytes(type.name, value);
    return type.name === 'bytea' ? copyBytes(bytes, 0, bytes.length) : bytes;
  }
  const bytes = new Uint8Array(width);
  writeFixedValue(new DataView(bytes.buffer), 0, type.name, value);
  return bytes;
}

export function decodeValue(type: ColumnType, bytes: Uint8Array): Exclude<ColumnValue, null> {
  const width = fixedValueWidth(type.name);
  if (width === 0) return readVariableValue(type.name, bytes, 0, bytes.length, true) as Exclude<ColumnValue, null>;
  if (bytes.length !== width) throw corruptValue(type.name);
  return readFixedValue(new DataView(bytes.buffer, bytes.byteOffset, width), 0, type.name) as Exclude<
    ColumnValue,
    null
  >;
}

const canonicalNaN = new Uint8Array([0x7f, 0xf8, 0, 0, 0, 0, 0, 0]);

/**
 * Canonical bytes of a non-null value for unique keys: equal values (in PostgreSQL's btree sense: -0 = 0,
 * NaN = NaN) give equal bytes, and variable-length parts carry a length so that tuples cannot collide.
 */
export function encodeKeyPart(type: ColumnType, value: Exclude<ColumnValue, null>): Uint8Array {
  switch (type.name) {
    case 'int2':
    case 'int4': {
      // The hot case (serial keys): no DataView.
      const number = value as number;
      return type.name === 'int2'
        ? new Uint8Array([(number >> 8) & 0xff, number & 0xff])
        : new Uint8Array([(number >>> 24) & 0xff, (number >>> 16) & 0xff, (number >>> 8) & 0xff, number & 0xff]);
    }
    case 'int8': {
      const bytes = new Uint8Array(8);
      const unsigned = BigInt.asUintN(64, value as bigint);
      const high = Number(unsigned >> 32n);
      const low = Number(unsigned & 0xffffffffn);
      bytes[0] = high >>> 24;
      bytes[1] = (high >>> 16) & 0xff;
      bytes[2] = (high >>> 8) & 0xff;
      bytes[3] = high & 0xff;
      bytes[4] = low >>> 24;
      bytes[5] = (low >>> 16) & 0xff;
      bytes[6] = (low >>> 8) & 0xff;
      bytes[7] = low & 0xff;
      return bytes;
    }
    case 'float4':
    case 'float8': {
      const number = value as number;
      if (Number.isNaN(number)) return canonicalNaN;
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, number === 0 ? 0 : type.name === 'float4' ? Math.fround(number) : number);
      return bytes;
    }
    default: {
      const width = fixedValueWidth(type.name);
      if (width !== 0) return encodeValue(type, value);
      const payload = variableValueBytes(type.name, value);
      const bytes = new Uint8Array(4 + payload.length);
      new DataView(bytes.buffer).setUint32(0, payload.length);
      bytes.set(payload, 4);
      return bytes;
    }
  }
}

/** Canonical bytes of a tuple of non-null values (the concatenation of its parts). */
export function encodeKeyTuple(types: readonly ColumnType[], values: readonly ColumnValue[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  types.forEach((type, index) => {
    const value = values[index];
    if (value === null || value === undefined) {
      throw new KmerSearchError(SqlState.internalError, 'a unique key cannot contain NULL');
    }
    const part = encodeKeyPart(type, value);
    parts.push(part);
    length += part.length;
  });
  if (parts.length === 1) return parts[0] as Uint8Array;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

// ---- default text rendering (the SQL layer may install its own formatter) ----

/** Renders a value as PostgreSQL's output function would, for DETAIL texts. */
export type ValueFormatter = (type: ColumnType, value: Exclude<ColumnValue, null>) => string;

const dna2Letters = 'ACGT';
const dna4Letters = '?ACMGRSVTWYHKDBN';

function dnaText(value: DnaValue): string {
  const bitsPerBase = value.kind === 'dna2' ? 2 : 4;
  const letters = value.kind === 'dna2' ? dna2Letters : dna4Letters;
  const baseCount = value.bitLength / bitsPerBase;
  let text = '';
  for (let base = 0; base < baseCount; base += 1) {
    const bit = base * bitsPerBase;
    const byte = value.data[bit >> 3] ?? 0;
    const code = (byte >> (8 - bitsPerBase - (bit & 7))) & ((1 << bitsPerBase) - 1);
    text += letters[code] ?? '?';
  }
  return text;
}

/** PostgreSQL's shortest round-trip float output: exponent form below 1e-4 and from 1e15 (float4: 1e6) on. */
export function formatFloat(value: number, single: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  let exponential = value.toExponential();
  if (single) {
    for (let precision = 1; precision <= 9; precision += 1) {
      const candidate = value.toExponential(precision - 1);
      if (Math.fround(Number(candidate)) === value) {
        exponential = candidate;
        break;
      }
    }
  }
  const [mantissaText = '', exponentText = '0'] = exponential.split('e');
  const exponent = Number(exponentText);
  const negative = mantissaText.startsWith('-');
  const digits = mantissaText.replace('-', '').replace('.', '');
  const limit = single ? 6 : 15;
  if (exponent < -4 || exponent >= limit) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exponent < 0 ? '-' : '+';
    return `${negative ? '-' : ''}${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  let text: string;
  if (exponent < 0) text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  else if (digits.length <= exponent + 1) text = digits + '0'.repeat(exponent + 1 - digits.length);
  else text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return negative ? `-${text}` : text;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** timestamptz output in UTC, PostgreSQL's ISO style: `2024-01-02 03:04:05.678+00`. */
function timestampText(value: Date): string {
  const year = value.getUTCFullYear();
  const date = `${String(Math.abs(year)).padStart(4, '0')}-${twoDigits(value.getUTCMonth() + 1)}-${twoDigits(value.getUTCDate())}`;
  const time = `${twoDigits(value.getUTCHours())}:${twoDigits(value.getUTCMinutes())}:${twoDigits(value.getUTCSeconds())}`;
  const milliseconds = value.getUTCMilliseconds();
  const fraction = milliseconds === 0 ? '' : `.${String(milliseconds).padStart(3, '0').replace(/0+$/, '')}`;
  return `${date} ${time}${fraction}+00${year <= 0 ? ' BC' : ''}`;
}

export const defaultValueFormatter: ValueFormatter = (type, value) => {
  switch (type.name) {
    case 'bool':
      return value === true ? 't' : 'f';
    case 'float4':
      return formatFloat(value as number, true);
    case 'float8':
      return formatFloat(value as number, false);
    case 'bytea':
      return `\\x${Buffer.from(value as Uint8Array).toString('hex')}`;
    case 'timestamptz':
      return timestampText(value as Date);
    case 'dna2':
    case 'dna4':
      return dnaText(value as DnaValue);
    default:
      return String(value);
  }
};
