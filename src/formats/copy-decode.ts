/**
 * COPY FROM's text and CSV parsing, following PostgreSQL 15's copyfromparse.c: CopyReadLineText (line ends,
 * the end-of-data marker `\.`, CSV quotes spanning lines) and CopyReadAttributesText / CopyReadAttributesCSV
 * (fields, backslash escapes, NULL markers), with the same errors (SQLSTATE 22P04, 22021 for bad UTF-8) and
 * the same line numbering, checked against a PostgreSQL 15 server.
 *
 * It works on bytes pushed in chunks of any size. Only the current line is held (plus at most three bytes of
 * look-ahead), so memory does not grow with the file.
 */
import { isUtf8 } from 'node:buffer';
import { KmerSearchError, SqlState } from '../errors.js';
import { resolveCopyOptions, type CopyFormatOptions, type CopyOptions } from './copy-options.js';
import { CopyInputError, CopySqlState } from './format-errors.js';

/** A parsed input line. */
export interface CopyRow {
  /** Each field's text, or null for NULL. */
  readonly fields: (string | null)[];
  /** PostgreSQL's line number for it (what its CONTEXT line says: `COPY t, line 3`). */
  readonly lineNumber: number;
}

export interface CopyParserOptions {
  /** The target columns, needed for HEADER MATCH. */
  readonly columnNames?: readonly string[];
}

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Line-end style, fixed by the first line end seen (PostgreSQL's eol_type). */
const LineEnd = { unknown: 0, newline: 1, carriageReturn: 2, carriageReturnNewline: 3 } as const;
type LineEnd = (typeof LineEnd)[keyof typeof LineEnd];

/** How many bytes a UTF-8 character starting with this byte claims (pg_utf_mblen). */
function utf8Length(byte: number): number {
  if ((byte & 0x80) === 0) return 1;
  if ((byte & 0xe0) === 0xc0) return 2;
  if ((byte & 0xf0) === 0xe0) return 3;
  if ((byte & 0xf8) === 0xf0) return 4;
  return 1;
}

/** pg_utf8_islegal for the character at `start`, `length` bytes long. */
function isLegalUtf8(bytes: Uint8Array, start: number, length: number): boolean {
  const lead = bytes[start]!;
  if (length === 1) return lead !== 0 && lead < 0x80;
  for (let offset = 2; offset < length; offset++) {
    const continuation = bytes[start + offset]!;
    if (continuation < 0x80 || continuation > 0xbf) return false;
  }
  const second = bytes[start + 1]!;
  switch (lead) {
    case 0xe0:
      if (second < 0xa0 || second > 0xbf) return false;
      break;
    case 0xed:
      if (second < 0x80 || second > 0x9f) return false;
      break;
    case 0xf0:
      if (second < 0x90 || second > 0xbf) return false;
      break;
    case 0xf4:
      if (second < 0x80 || second > 0x8f) return false;
      break;
    default:
      if (second < 0x80 || second > 0xbf) return false;
  }
  return lead >= 0xc2 && lead <= 0xf4;
}

/** PostgreSQL's report_invalid_encoding(): the bad character's bytes (as many as its lead byte claims). */
function invalidEncodingError(bytes: Uint8Array, start: number, end: number, lineNumber: number): CopyInputError {
  const shown = Array.from(bytes.subarray(start, Math.min(end, start + utf8Length(bytes[start]!))), (byte) =>
    `0x${byte.toString(16).padStart(2, '0')}`,
  ).join(' ');
  return new CopyInputError(
    CopySqlState.characterNotInRepertoire,
    `invalid byte sequence for encoding "UTF8": ${shown}`,
    lineNumber,
  );
}

/**
 * Where the valid UTF-8 at the start of `bytes` ends: at the first invalid or NUL byte, or at a character cut
 * off by the end of the chunk.
 */
function validUtf8PrefixEnd(bytes: Buffer): number {
  const length = bytes.length;
  // Fast path: everything valid except perhaps a character cut off at the end.
  let whole = length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte >= 0xc0 && utf8Length(byte) > back) whole = length - back;
    break;
  }
  const body = bytes.subarray(0, whole);
  if (isUtf8(body) && body.indexOf(0) < 0) return whole;
  let index = 0;
  while (index < length) {
    const characterLength = utf8Length(bytes[index]!);
    if (index + characterLength > length || !isLegalUtf8(bytes, index, characterLength)) return index;
    index += characterLength;
  }
  return length;
}

/**
 * Throws PostgreSQL's `invalid byte sequence for encoding "UTF8": 0x…` (22021) if the bytes are not UTF-8 or
 * hold a NUL, which PostgreSQL text cannot.
 */
export function verifyUtf8(bytes: Buffer, start: number, end: number, lineNumber: number): void {
  const slice = bytes.subarray(start, end);
  const validEnd = validUtf8PrefixEnd(slice);
  if (validEnd < slice.length) throw invalidEncodingError(slice, validEnd, slice.length, lineNumber);
}

/** A growable byte buffer for the current line and for de-escaped field values. */
class Bytes {
  data = Buffer.allocUnsafe(4096);
  length = 0;

  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.data.copy(grown, 0, 0, this.length);
    this.data = grown;
  }

  append(source: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.ensure(end - start);
    source.copy(this.data, this.length, start, end);
    this.length += end - start;
  }
}

function octalValue(byte: number): number {
  return byte - 0x30;
}

function isOctal(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x37;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** Scanning of one chunk stopped because a decision needs bytes not yet received. */
const needMoreInput = -1;

export class CopyParser {
  readonly options: CopyOptions;
  readonly #csv: boolean;
  readonly #delimiter: number;
  readonly #quote: number;
  readonly #escape: number;
  /** The escape as line reading sees it: none when it equals the quote, which then simply toggles. */
  readonly #lineEscape: number;
  readonly #nullBytes: Buffer;
  readonly #columnNames: readonly string[] | undefined;

  #lineEnd: LineEnd = LineEnd.unknown;
  /** PostgreSQL's cur_lineno. */
  #lineNumber = 0;
  #inLine = false;
  #firstCharInLine = true;
  #inQuote = false;
  #lastWasEscape = false;
  #headerPending: boolean;
  /** The end-of-data marker was read. */
  #ended = false;
  /** No more lines: the marker, or the end of the input, was reached. */
  #done = false;
  #finished = false;
  /** An error met after some rows of the same chunk were complete: thrown on the next call, after those rows. */
  #deferredError: unknown;
  /** Bytes kept back from the last chunk for look-ahead (at most a few). */
  #carry: Buffer | undefined;
  /** Where the last scan stopped for want of input. */
  #resumeAt = 0;

  readonly #line = new Bytes();
  readonly #value = new Bytes();
  #rows: CopyRow[] = [];

  constructor(options: CopyFormatOptions, parserOptions: CopyParserOptions = {}) {
    this.options = resolveCopyOptions(options, 'from');
    this.#csv = this.options.format === 'csv';
    this.#delimiter = this.options.delimiter.charCodeAt(0);
    this.#quote = this.#csv ? this.options.quote.charCodeAt(0) : -1;
    this.#escape = this.#csv ? this.options.escape.charCodeAt(0) : -1;
    this.#lineEscape = this.#escape === this.#quote ? -1 : this.#escape;
    this.#nullBytes = Buffer.from(this.options.nullString, 'utf8');
    this.#columnNames = parserOptions.columnNames;
    this.#headerPending = this.options.header !== false;
    if (this.options.header === 'match' && this.#columnNames === undefined) {
      throw new KmerSearchError(SqlState.invalidParameterValue, 'HEADER MATCH needs the column names');
    }
  }

  /** True once the end-of-data marker `\.` was read: later input is ignored, as PostgreSQL ignores it. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The current line number (PostgreSQL's cur_lineno). */
  get lineNumber(): number {
    return this.#lineNumber;
  }

  /** Parses a chunk; returns the rows it completed. */
  push(chunk: Uint8Array): CopyRow[] {
    this.#throwDeferred();
    if (this.#finished) throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'COPY input already ended');
    if (this.#done || chunk.length === 0) return [];
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#carry !== undefined) {
      bytes = Buffer.concat([this.#carry, bytes]);
      this.#carry = undefined;
    }
    return this.#scanInOrder(bytes, false);
  }

  /** Ends the input: the last line, even without a line end, is parsed. */
  finish(): CopyRow[] {
    this.#throwDeferred();
    if (this.#finished) return [];
    this.#finished = true;
    if (this.#done) return this.#takeRows();
    const rest = this.#carry ?? Buffer.alloc(0);
    this.#carry = undefined;
    return this.#scanInOrder(rest, true);
  }

  /**
   * Verifies and scans, keeping PostgreSQL's order of events. Like PostgreSQL, which parses only input it has
   * verified as UTF-8, the scanner stops where invalid bytes begin, and the encoding error is raised at the line
   * the scanner is on when it needs them. Rows completed before an error are handed out first, so that a
   * caller's check of those rows (field count, types) fails first, as it would in PostgreSQL.
   */
  #scanInOrder(bytes: Buffer, atEnd: boolean): CopyRow[] {
    try {
      const validEnd = validUtf8PrefixEnd(bytes);
      // PostgreSQL waits for four bytes (the longest character) before calling bytes invalid, unless at the end.
      const invalid = validEnd < bytes.length && (atEnd || bytes.length - validEnd >= 4);
      const resumeAt = this.#scan(validEnd === bytes.length ? bytes : bytes.subarray(0, validEnd), atEnd && !invalid);
      if (resumeAt < bytes.length && !this.#done) this.#carry = Buffer.from(bytes.subarray(resumeAt));
      if (invalid && !this.#done) {
        throw invalidEncodingError(bytes, validEnd, bytes.length, this.#inLine ? this.#lineNumber : this.#lineNumber + 1);
      }
    } catch (error) {
      this.#carry = undefined;
      if (this.#rows.length === 0) throw error;
      this.#deferredError = error;
      this.#done = true;
    }
    return this.#takeRows();
  }

  #throwDeferred(): void {
    if (this.#deferredError === undefined) return;
    const error = this.#deferredError;
    this.#deferredError = undefined;
    this.#finished = true;
    throw error;
  }

  #takeRows(): CopyRow[] {
    const rows = this.#rows;
    this.#rows = [];
    return rows;
  }

  #beginLine(): void {
    this.#inLine = true;
    this.#lineNumber++;
    this.#firstCharInLine = true;
    this.#inQuote = false;
    this.#lastWasEscape = false;
    this.#line.length = 0;
  }

  /**
   * CopyReadLineText over `bytes`; at `atEnd`, missing look-ahead bytes read as NUL, as in PostgreSQL. Returns
   * where scanning stopped: bytes from there on must be presented again with more input.
   */
  #scan(bytes: Buffer, atEnd: boolean): number {
    let position = 0;
    while (!this.#done) {
      if (!this.#inLine) {
        if (position >= bytes.length) {
          if (!atEnd) return position;
          // PostgreSQL's last read finds nothing: it still counts a line (and checks a HEADER MATCH line).
          this.#beginLine();
          this.#completeLine(true);
          return position;
        }
        this.#beginLine();
      }
      const next = this.#scanLine(bytes, position, atEnd);
      if (next === needMoreInput) return this.#resumeAt;
      position = next;
    }
    return bytes.length;
  }

  /**
   * Scans the current line from `position`. Returns the position after its line end (the line is then
   * complete), or needMoreInput after keeping back what must be looked at again.
   */
  #scanLine(bytes: Buffer, position: number, atEnd: boolean): number {
    const end = bytes.length;
    const csv = this.#csv;
    let segmentStart = position;
    let index = position;
    for (;;) {
      if (index >= end) {
        this.#line.append(bytes, segmentStart, end);
        if (!atEnd) {
          this.#resumeAt = end;
          return needMoreInput;
        }
        this.#completeLine(true);
        return end;
      }
      const byte = bytes[index]!;
      // Look-ahead first, before any state changes, so that re-scanning the kept-back bytes is exact.
      if (!atEnd && this.#needsLookAhead(bytes, index, byte)) {
        this.#line.append(bytes, segmentStart, index);
        this.#resumeAt = index;
        return needMoreInput;
      }
      if (csv) {
        const escape = this.#lineEscape;
        if (this.#inQuote && byte === escape) this.#lastWasEscape = !this.#lastWasEscape;
        if (byte === this.#quote && !this.#lastWasEscape) this.#inQuote = !this.#inQuote;
        if (byte !== escape) this.#lastWasEscape = false;
        // PostgreSQL counts line breaks inside quoted fields into its line number.
        if (this.#inQuote && byte === (this.#lineEnd === LineEnd.newline ? LF : CR)) this.#lineNumber++;
      }
      if (byte === CR && (!csv || !this.#inQuote)) {
        let after = index + 1;
        if (this.#lineEnd === LineEnd.unknown || this.#lineEnd === LineEnd.carriageReturnNewline) {
          const following = after < end ? bytes[after]! : 0;
          if (following === LF) {
            after++;
            this.#lineEnd = LineEnd.carriageReturnNewline;
          } else {
            if (this.#lineEnd === LineEnd.carriageReturnNewline) throw this.#strayCarriageReturn();
            this.#lineEnd = LineEnd.carriageReturn;
          }
        } else if (this.#lineEnd === LineEnd.newline) {
          throw this.#strayCarriageReturn();
        }
        this.#line.append(bytes, segmentStart, index);
        this.#completeLine(false);
        return after;
      }
      if (byte === LF && (!csv || !this.#inQuote)) {
        if (this.#lineEnd === LineEnd.carriageReturn || this.#lineEnd === LineEnd.carriageReturnNewline) {
          throw this.#strayNewline();
        }
        this.#lineEnd = LineEnd.newline;
        this.#line.append(bytes, segmentStart, index);
        this.#completeLine(false);
        return index + 1;
      }
      if (byte === BACKSLASH && (!csv || this.#firstCharInLine)) {
        if (index + 1 >= end) {
          // A backslash just before the end of the input is data.
          this.#firstCharInLine = false;
          index++;
          continue;
        }
        const escaped = bytes[index + 1]!;
        if (escaped === DOT) {
          const markerEnd = this.#endOfDataMarker(bytes, index);
          if (markerEnd >= 0) {
            this.#line.append(bytes, segmentStart, index);
            this.#ended = true;
            this.#completeLine(true);
            return markerEnd;
          }
          // CSV: `\.` followed by more data is data; go on from the dot.
          index++;
        } else {
          // Text: the escaped byte is data whatever it is (even a line end). CSV: backslash is ordinary.
          index += csv ? 1 : 2;
        }
        this.#firstCharInLine = false;
        continue;
      }
      this.#firstCharInLine = false;
      index++;
    }
  }

  /** Whether deciding on the byte at `index` needs bytes beyond the end of this chunk. */
  #needsLookAhead(bytes: Buffer, index: number, byte: number): boolean {
    const available = bytes.length - index - 1;
    if (byte === CR) {
      // PostgreSQL fetches the next byte for every CR in CSV, and in text only while the line end may be CRLF.
      return (
        available < 1 &&
        (this.#csv || this.#lineEnd === LineEnd.unknown || this.#lineEnd === LineEnd.carriageReturnNewline)
      );
    }
    if (byte === BACKSLASH && (!this.#csv || this.#firstCharInLine)) {
      if (available < 1) return true;
      if (bytes[index + 1] !== DOT) return false;
      return available < (this.#lineEnd === LineEnd.carriageReturnNewline ? 3 : 2);
    }
    return false;
  }

  /**
   * At `\.`: returns the position after the marker and its line end if this is the end of the data, or -1 if
   * (in CSV) it is data after all. Text format allows nothing else: its errors are thrown.
   */
  #endOfDataMarker(bytes: Buffer, index: number): number {
    const end = bytes.length;
    let position = index + 2;
    const csv = this.#csv;
    if (this.#lineEnd === LineEnd.carriageReturnNewline) {
      const byte = position < end ? bytes[position]! : 0;
      position++;
      if (byte === LF) {
        if (!csv) throw this.#markerError('end-of-copy marker does not match previous newline style');
        return -1;
      }
      if (byte !== CR) {
        if (!csv) throw this.#markerError('end-of-copy marker corrupt');
        return -1;
      }
    }
    const byte = position < end ? bytes[position]! : 0;
    position++;
    if (byte !== CR && byte !== LF) {
      if (!csv) throw this.#markerError('end-of-copy marker corrupt');
      return -1;
    }
    if (
      (this.#lineEnd === LineEnd.newline && byte !== LF) ||
      (this.#lineEnd === LineEnd.carriageReturnNewline && byte !== LF) ||
      (this.#lineEnd === LineEnd.carriageReturn && byte !== CR)
    ) {
      throw this.#markerError('end-of-copy marker does not match previous newline style');
    }
    return Math.min(position, end);
  }

  /** A line was read (`atEnd`: it ended at the end of the input or at `\.`). */
  #completeLine(atEnd: boolean): void {
    this.#inLine = false;
    if (atEnd) this.#done = true;
    const line = this.#line;
    if (this.#headerPending) {
      this.#headerPending = false;
      if (this.options.header === 'match') this.#checkHeader(this.#parseFields());
      return;
    }
    if (atEnd && line.length === 0) return;
    this.#rows.push({ fields: this.#parseFields(), lineNumber: this.#lineNumber });
  }

  #parseFields(): (string | null)[] {
    const fields = this.#csv ? this.#parseCsvFields() : this.#parseTextFields();
    if (this.#csv && (this.options.forceNotNull.size > 0 || this.options.forceNull.size > 0)) {
      for (let column = 0; column < fields.length; column++) {
        const field = fields[column];
        if (field === null && this.options.forceNotNull.has(column)) {
          fields[column] = this.options.nullString;
        } else if (field !== null && field !== undefined && this.options.forceNull.has(column)) {
          if (field === this.options.nullString) fields[column] = null;
        }
      }
    }
    return fields;
  }

  #matchesNull(line: Buffer, start: number, end: number): boolean {
    const marker = this.#nullBytes;
    if (end - start !== marker.length) return false;
    for (let offset = 0; offset < marker.length; offset++) if (line[start + offset] !== marker[offset]) return false;
    return true;
  }

  /** CopyReadAttributesText. */
  #parseTextFields(): (string | null)[] {
    const line = this.#line.data;
    const lineEnd = this.#line.length;
    const delimiter = this.#delimiter;
    const value = this.#value;
    const fields: (string | null)[] = [];
    let position = 0;
    for (;;) {
      const fieldStart = position;
      let rawEnd = position;
      let foundDelimiter = false;
      let escaped = false;
      let madeNonAscii = false;
      value.length = 0;
      value.ensure(lineEnd - position);
      const out = value.data;
      let outLength = 0;
      for (;;) {
        rawEnd = position;
        if (position >= lineEnd) break;
        let byte = line[position++]!;
        if (byte === delimiter) {
          foundDelimiter = true;
          break;
        }
        if (byte === BACKSLASH) {
          // A trailing backslash (only possible at the end of the input) is dropped, as in PostgreSQL.
          if (position >= lineEnd) break;
          escaped = true;
          byte = line[position++]!;
          switch (byte) {
            case 0x30:
            case 0x31:
            case 0x32:
            case 0x33:
            case 0x34:
            case 0x35:
            case 0x36:
            case 0x37: {
              let code = octalValue(byte);
              if (position < lineEnd && isOctal(line[position]!)) {
                code = (code << 3) + octalValue(line[position++]!);
                if (position < lineEnd && isOctal(line[position]!)) code = (code << 3) + octalValue(line[position++]!);
              }
              byte = code & 0xff;
              if (byte === 0 || byte >= 0x80) madeNonAscii = true;
              break;
            }
            case 0x78: {
              // \x with one or two hex digits; a bare \x is the letter x.
              if (position < lineEnd) {
                let code = hexValue(line[position]!);
                if (code >= 0) {
                  position++;
                  if (position < lineEnd) {
                    const low = hexValue(line[position]!);
                    if (low >= 0) {
                      position++;
                      code = (code << 4) + low;
                    }
                  }
                  byte = code & 0xff;
                  if (byte === 0 || byte >= 0x80) madeNonAscii = true;
                }
              }
              break;
            }
            case 0x62:
              byte = 0x08;
              break;
            case 0x66:
              byte = 0x0c;
              break;
            case 0x6e:
              byte = 0x0a;
              break;
            case 0x72:
              byte = 0x0d;
              break;
            case 0x74:
              byte = 0x09;
              break;
            case 0x76:
              byte = 0x0b;
              break;
            default:
              // Any other escaped byte stands for itself.
              break;
          }
        }
        out[outLength++] = byte;
      }
      // NULL is recognised on the raw text, before de-escaping: `\N` is NULL, `\\N` the string \N.
      if (this.#matchesNull(line, fieldStart, rawEnd)) {
        fields.push(null);
      } else if (!escaped) {
        fields.push(line.toString('utf8', fieldStart, rawEnd));
      } else {
        if (madeNonAscii) verifyUtf8(out, 0, outLength, this.#lineNumber);
        fields.push(out.toString('utf8', 0, outLength));
      }
      if (!foundDelimiter) return fields;
    }
  }

  /** CopyReadAttributesCSV. */
  #parseCsvFields(): (string | null)[] {
    const line = this.#line.data;
    const lineEnd = this.#line.length;
    const delimiter = this.#delimiter;
    const quote = this.#quote;
    const escape = this.#escape;
    const value = this.#value;
    const fields: (string | null)[] = [];
    let position = 0;
    for (;;) {
      const fieldStart = position;
      let rawEnd = position;
      let foundDelimiter = false;
      let sawQuote = false;
      value.length = 0;
      value.ensure(lineEnd - position);
      const out = value.data;
      let outLength = 0;
      field: for (;;) {
        // Outside quotes.
        for (;;) {
          rawEnd = position;
          if (position >= lineEnd) break field;
          const byte = line[position++]!;
          if (byte === delimiter) {
            foundDelimiter = true;
            break field;
          }
          if (byte === quote) {
            sawQuote = true;
            break;
          }
          out[outLength++] = byte;
        }
        // Inside quotes.
        for (;;) {
          rawEnd = position;
          if (position >= lineEnd) {
            throw new CopyInputError(CopySqlState.badCopyFileFormat, 'unterminated CSV quoted field', this.#lineNumber);
          }
          const byte = line[position++]!;
          if (byte === escape && position < lineEnd) {
            const following = line[position]!;
            if (following === escape || following === quote) {
              out[outLength++] = following;
              position++;
              continue;
            }
          }
          // Tested after the escape so that a quote doubling as escape works.
          if (byte === quote) break;
          out[outLength++] = byte;
        }
      }
      if (!sawQuote && this.#matchesNull(line, fieldStart, rawEnd)) fields.push(null);
      else fields.push(out.toString('utf8', 0, outLength));
      if (!foundDelimiter) return fields;
    }
  }

  #checkHeader(fields: (string | null)[]): void {
    const columnNames = this.#columnNames ?? [];
    if (fields.length !== columnNames.length) {
      throw new CopyInputError(
        CopySqlState.badCopyFileFormat,
        `wrong number of fields in header line: got ${fields.length}, expected ${columnNames.length}`,
        this.#lineNumber,
      );
    }
    for (let column = 0; column < columnNames.length; column++) {
      const field = fields[column];
      const expected = columnNames[column]!;
      if (field === null || field === undefined) {
        throw new CopyInputError(
          CopySqlState.badCopyFileFormat,
          `column name mismatch in header line field ${column + 1}: got null value ("${this.options.nullString}"), expected "${expected}"`,
          this.#lineNumber,
        );
      }
      if (field !== expected) {
        throw new CopyInputError(
          CopySqlState.badCopyFileFormat,
          `column name mismatch in header line field ${column + 1}: got "${field}", expected "${expected}"`,
          this.#lineNumber,
        );
      }
    }
  }

  #strayCarriageReturn(): CopyInputError {
    return this.#csv
      ? new CopyInputError(
          CopySqlState.badCopyFileFormat,
          'unquoted carriage return found in data',
          this.#lineNumber,
          'Use quoted CSV field to represent carriage return.',
        )
      : new CopyInputError(
          CopySqlState.badCopyFileFormat,
          'literal carriage return found in data',
          this.#lineNumber,
          'Use "\\r" to represent carriage return.',
        );
  }

  #strayNewline(): CopyInputError {
    return this.#csv
      ? new CopyInputError(
          CopySqlState.badCopyFileFormat,
          'unquoted newline found in data',
          this.#lineNumber,
          'Use quoted CSV field to represent newline.',
        )
      : new CopyInputError(
          CopySqlState.badCopyFileFormat,
          'literal newline found in data',
          this.#lineNumber,
          'Use "\\n" to represent newline.',
        );
  }

  #markerError(message: string): CopyInputError {
    return new CopyInputError(CopySqlState.badCopyFileFormat, message, this.#lineNumber);
  }
}

/**
 * NextCopyFrom's field-count check: `extra data after last expected column` or `missing data for column "x"`
 * (22P04), at the row's line.
 */
export function checkCopyFieldCount(row: CopyRow, columnNames: readonly string[]): void {
  if (columnNames.length > 0 && row.fields.length > columnNames.length) {
    throw new CopyInputError(CopySqlState.badCopyFileFormat, 'extra data after last expected column', row.lineNumber);
  }
  if (row.fields.length < columnNames.length) {
    throw new CopyInputError(
      CopySqlState.badCopyFileFormat,
      `missing data for column "${columnNames[row.fields.length]!}"`,
      row.lineNumber,
    );
  }
}
