/**
 * Variable-length integers (LEB128: 7 bits per byte, least significant group first, high bit = more follows) for
 * posting lists, pages and pending entries. 64-bit values travel as two uint32 halves so that no BigInt and no
 * double division is needed; a "flagged" 64-bit varint carries one extra bit in the lowest position of its first
 * byte (the page format uses it to say whether an explicit posting count follows).
 *
 * Decoders return the value and leave the position in `ByteCursor.position`, so hot loops allocate nothing.
 */

/** A read position in a byte array; decoders advance it. */
export class ByteCursor {
  bytes: Uint8Array;
  position: number;
  /** High half of the last 64-bit value read (the low half is the return value). */
  high = 0;
  /** The flag bit of the last flagged value read. */
  flag = 0;

  constructor(bytes: Uint8Array = new Uint8Array(0), position = 0) {
    this.bytes = bytes;
    this.position = position;
  }

  reset(bytes: Uint8Array, position: number): void {
    this.bytes = bytes;
    this.position = position;
  }
}

/** Bytes of `value` (an unsigned 32-bit integer) as a varint. */
export function varUint32Length(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Writes an unsigned 32-bit varint at `offset`; returns the offset after it. */
export function writeVarUint32(bytes: Uint8Array, offset: number, value: number): number {
  let rest = value >>> 0;
  while (rest >= 0x80) {
    bytes[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  bytes[offset++] = rest;
  return offset;
}

/** Reads an unsigned 32-bit varint. */
export function readVarUint32(cursor: ByteCursor): number {
  const bytes = cursor.bytes;
  let position = cursor.position;
  let byte = bytes[position++]!;
  let value = byte & 0x7f;
  let shift = 7;
  while (byte & 0x80) {
    byte = bytes[position++]!;
    value |= (byte & 0x7f) << shift;
    shift += 7;
  }
  cursor.position = position;
  return value >>> 0;
}

/** Skips `count` varints (of any width) without decoding them; stops at the end of `bytes` (corrupt data). */
export function skipVarints(bytes: Uint8Array, position: number, count: number): number {
  const end = bytes.length;
  for (let remaining = count; remaining > 0 && position < end; position++) if (bytes[position]! < 0x80) remaining--;
  return position;
}

/** Bytes of a flagged 64-bit varint: 6 value bits in the first byte, 7 in each further one. */
export function flaggedVarUint64Length(high: number, low: number): number {
  if (high === 0) {
    // 6 + 7k bits: 1 byte < 2^6, 2 < 2^13, 3 < 2^20, 4 < 2^27, 5 < 2^34.
    return low < 0x40 ? 1 : low < 0x2000 ? 2 : low < 0x100000 ? 3 : low < 0x8000000 ? 4 : 5;
  }
  const bits = 32 - Math.clz32(high);
  // 32 + bits value bits in 6 + 7k.
  return 1 + Math.ceil((32 + bits - 6) / 7);
}

/** Writes (value = high·2^32 + low, flag) as a flagged varint; returns the offset after it. */
export function writeFlaggedVarUint64(bytes: Uint8Array, offset: number, high: number, low: number, flag: number): number {
  let rest = low >>> 0;
  let restHigh = high >>> 0;
  const byte = flag | ((rest & 0x3f) << 1);
  rest = ((rest >>> 6) | ((restHigh & 0x3f) << 26)) >>> 0;
  restHigh >>>= 6;
  if (rest === 0 && restHigh === 0) {
    bytes[offset++] = byte;
    return offset;
  }
  bytes[offset++] = byte | 0x80;
  while (restHigh !== 0 || rest >= 0x80) {
    bytes[offset++] = (rest & 0x7f) | 0x80;
    rest = ((rest >>> 7) | ((restHigh & 0x7f) << 25)) >>> 0;
    restHigh >>>= 7;
  }
  bytes[offset++] = rest;
  return offset;
}

/** Reads a flagged varint: returns the low half; `cursor.high` and `cursor.flag` get the rest. */
export function readFlaggedVarUint64(cursor: ByteCursor): number {
  const bytes = cursor.bytes;
  let position = cursor.position;
  let byte = bytes[position++]!;
  cursor.flag = byte & 1;
  let low = (byte >>> 1) & 0x3f;
  let high = 0;
  let shift = 6;
  while (byte & 0x80) {
    byte = bytes[position++]!;
    const bits = byte & 0x7f;
    if (shift < 32) {
      low |= bits << shift;
      // Bits that do not fit below bit 32 continue in the high half.
      if (shift > 25) high |= bits >>> (32 - shift);
    } else {
      high |= bits << (shift - 32);
    }
    shift += 7;
  }
  cursor.position = position;
  cursor.high = high >>> 0;
  return low >>> 0;
}

/** Bytes of an unflagged 64-bit varint. */
export function varUint64Length(high: number, low: number): number {
  if (high === 0) return varUint32Length(low);
  const bits = 32 - Math.clz32(high);
  return Math.ceil((32 + bits) / 7);
}

/** Writes high·2^32 + low as a varint; returns the offset after it. */
export function writeVarUint64(bytes: Uint8Array, offset: number, high: number, low: number): number {
  let rest = low >>> 0;
  let restHigh = high >>> 0;
  while (restHigh !== 0 || rest >= 0x80) {
    bytes[offset++] = (rest & 0x7f) | 0x80;
    rest = ((rest >>> 7) | ((restHigh & 0x7f) << 25)) >>> 0;
    restHigh >>>= 7;
  }
  bytes[offset++] = rest;
  return offset;
}

/** Reads a 64-bit varint: returns the low half, `cursor.high` gets the high half. */
export function readVarUint64(cursor: ByteCursor): number {
  const bytes = cursor.bytes;
  let position = cursor.position;
  let byte = bytes[position++]!;
  let low = byte & 0x7f;
  let high = 0;
  let shift = 7;
  while (byte & 0x80) {
    byte = bytes[position++]!;
    const bits = byte & 0x7f;
    if (shift < 32) {
      low |= bits << shift;
      if (shift > 25) high |= bits >>> (32 - shift);
    } else {
      high |= bits << (shift - 32);
    }
    shift += 7;
  }
  cursor.position = position;
  cursor.high = high >>> 0;
  return low >>> 0;
}
