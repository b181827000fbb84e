/**
 * The FASTA/FASTQ parser: a byte-level state machine fed one chunk at a time, in whatever sizes the stream
 * delivers. It never joins chunks into a string: sequence bytes are validated and copied straight into one
 * reused buffer, and a string is made once per record. Memory is therefore the largest record plus one chunk,
 * whatever the file size.
 *
 * Accepted input: multi-line FASTA; four-line FASTQ (`@name`, one sequence line, `+[name]`, one quality line —
 * multi-line FASTQ, which is rare and ambiguous to parse, is rejected with a hint); LF or CRLF line ends; a
 * missing final newline; blank lines between records. Sequences keep the case they were written in (the caller
 * upper-cases for DNA2/DNA4) and may hold only IUPAC nucleotide letters.
 */
import { isUtf8 } from 'node:buffer';
import { invalidSequenceInput, type InputFormatName } from './format-errors.js';
import { KmerSearchError, SqlState } from '../errors.js';

export type SequenceFormat = 'fasta' | 'fastq';

/** One record as read. */
export interface SequenceRecord {
  /** The header's first word (up to the first space or tab), never empty. */
  readonly name: string;
  /** The rest of the header after the name and the blanks that follow it; '' if none. */
  readonly description: string;
  /** The bases as written (case kept), line breaks removed. */
  readonly sequence: string;
  /** FASTQ only: the quality string, exactly as long as the sequence. */
  readonly quality?: string;
  /** 1-based position of the record in the file. */
  readonly recordNumber: number;
  /** 1-based line of the record's header. */
  readonly line: number;
}

export interface SequenceParserOptions {
  /** `auto` decides from the first non-blank byte: '>' FASTA, '@' FASTQ. */
  readonly format: SequenceFormat | 'auto';
  /** Named in every error message. */
  readonly fileName: string;
  /** Receives each record as soon as it is complete. */
  readonly onRecord: (record: SequenceRecord) => void;
}

/** The IUPAC nucleotide codes, either case: all that a DNA2/DNA4 column can be made from. */
export const iupacNucleotideLetters = 'ACGTUMRWSYKVHDBN';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const GREATER_THAN = 0x3e;
const AT_SIGN = 0x40;
const PLUS_SIGN = 0x2b;

const isSequenceByte = new Uint8Array(256);
for (const letter of iupacNucleotideLetters) {
  isSequenceByte[letter.charCodeAt(0)] = 1;
  isSequenceByte[letter.toLowerCase().charCodeAt(0)] = 1;
}
/** Phred+33 quality characters: '!' … '~'. */
const isQualityByte = new Uint8Array(256);
for (let byte = 0x21; byte <= 0x7e; byte++) isQualityByte[byte] = 1;

/** What the current line is (LineKind.none: at the start of a line, not yet known). */
const LineKind = { none: 0, header: 1, sequence: 2, plus: 3, quality: 4, blank: 5 } as const;
type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** Which FASTQ line comes next. */
const FastqStep = { header: 0, sequence: 1, plus: 2, quality: 3 } as const;
type FastqStep = (typeof FastqStep)[keyof typeof FastqStep];

/** Buffers above this size are dropped after their record, so one huge record does not pin memory forever. */
const retainedBufferBytes = 16 * 1024 * 1024;

/** A reusable byte accumulator. */
class ByteAccumulator {
  bytes: Buffer;
  length = 0;
  readonly #initialBytes: number;

  constructor(initialBytes: number) {
    this.#initialBytes = initialBytes;
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }

  append(source: Buffer, start: number, end: number): void {
    const needed = this.length + (end - start);
    if (needed > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = Buffer.allocUnsafe(capacity);
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    source.copy(this.bytes, this.length, start, end);
    this.length = needed;
  }

  reset(): void {
    this.length = 0;
    if (this.bytes.length > retainedBufferBytes) this.bytes = Buffer.allocUnsafe(this.#initialBytes);
  }
}

/** How a byte is shown in an error: the character if printable ASCII, else its code. */
function describeByte(byte: number): string {
  if (byte > 0x20 && byte < 0x7f) return `"${String.fromCharCode(byte)}"`;
  const names: Record<number, string> = { [SPACE]: 'space', [TAB]: 'tab', [CR]: 'carriage return' };
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  const name = names[byte];
  return name === undefined ? `byte ${hex}` : `${name} (${hex})`;
}

/** A short, printable excerpt of a line for DETAIL texts. */
function excerpt(bytes: Buffer, start: number, end: number): string {
  const limit = Math.min(end, start + 40);
  const text = bytes.toString('utf8', start, limit).replace(/\r$/, '');
  return end > limit ? `${text}…` : text;
}

export class SequenceParser {
  readonly #fileName: string;
  readonly #onRecord: (record: SequenceRecord) => void;
  #format: SequenceFormat | undefined;

  /** 1-based number of the line being read. */
  #line = 1;
  #lineKind: LineKind = LineKind.none;
  /** A carriage return ended the last chunk inside a sequence/quality line: it must be followed by LF. */
  #pendingCarriageReturn = false;

  /** Headers seen so far: the number of the record being read. */
  #recordNumber = 0;
  #recordLine = 0;
  #haveRecord = false;
  #name = '';
  #description = '';
  /** Bytes of the last header line (CR excluded) and of its name, for checking the FASTQ '+' line. */
  #headerLength = 0;
  #nameLength = 0;
  #fastqStep: FastqStep = FastqStep.header;

  /** The header line being read (kept until the next one, for the '+' line check). */
  readonly #header = new ByteAccumulator(1024);
  /** The FASTQ '+' line being read. */
  readonly #text = new ByteAccumulator(256);
  readonly #sequence = new ByteAccumulator(64 * 1024);
  readonly #quality = new ByteAccumulator(1024);

  #recordsEmitted = 0;
  #basesEmitted = 0;

  constructor(options: SequenceParserOptions) {
    this.#fileName = options.fileName;
    this.#onRecord = options.onRecord;
    this.#format = options.format === 'auto' ? undefined : options.format;
  }

  /** The format, once known (at construction, or from the first non-blank byte). */
  get format(): SequenceFormat | undefined {
    return this.#format;
  }

  get recordsEmitted(): number {
    return this.#recordsEmitted;
  }

  get basesEmitted(): number {
    return this.#basesEmitted;
  }

  push(chunk: Buffer): void {
    const end = chunk.length;
    let position = 0;
    if (end === 0) return;
    if (this.#pendingCarriageReturn) {
      this.#pendingCarriageReturn = false;
      // The CR was not a line end after all but a byte inside the line.
      if (chunk[0] !== LF) throw this.#invalidByte(CR);
    }
    while (position < end) {
      if (this.#lineKind === LineKind.none) {
        position = this.#startLine(chunk, position);
        continue;
      }
      const newline = chunk.indexOf(LF, position);
      const segmentEnd = newline < 0 ? end : newline;
      const lineEnds = newline >= 0;
      switch (this.#lineKind) {
        case LineKind.sequence:
          this.#appendSequence(chunk, position, segmentEnd, lineEnds);
          break;
        case LineKind.quality:
          this.#appendQuality(chunk, position, segmentEnd, lineEnds);
          break;
        case LineKind.header:
          this.#header.append(chunk, position, segmentEnd);
          break;
        case LineKind.plus:
          this.#text.append(chunk, position, segmentEnd);
          break;
        case LineKind.blank:
          this.#checkBlank(chunk, position, segmentEnd, lineEnds);
          break;
      }
      if (!lineEnds) return;
      this.#endLine();
      position = newline + 1;
    }
  }

  /** Ends the input: completes a last line without newline and the last record. */
  finish(): void {
    this.#pendingCarriageReturn = false;
    if (this.#lineKind !== LineKind.none) this.#endLine();
    if (this.#format === 'fasta') {
      this.#emitFastaRecord();
      return;
    }
    if (this.#format !== 'fastq') return;
    switch (this.#fastqStep) {
      case FastqStep.header:
        return;
      case FastqStep.sequence:
        throw this.#fastqError(
          'unexpected end of file: the record has no sequence line',
          `The file ends after the header of record "${this.#name}".`,
        );
      case FastqStep.plus:
        throw this.#fastqError(
          `missing "+" line`,
          `The file ends after the sequence line of record "${this.#name}"; a "+" line and a quality line must follow.`,
        );
      case FastqStep.quality:
        if (this.#sequence.length === 0) {
          // An empty read whose empty quality line is the file's unterminated last line.
          this.#emitFastqRecord();
          return;
        }
        throw this.#fastqError(
          'unexpected end of file: the record has no quality line',
          `The file ends after the "+" line of record "${this.#name}".`,
        );
    }
  }

  /** At the first byte of a line: decides what the line is. Returns the position to go on from. */
  #startLine(chunk: Buffer, position: number): number {
    const byte = chunk[position]!;
    if (this.#format === undefined) {
      if (byte === LF) {
        this.#line++;
        return position + 1;
      }
      if (byte === CR || byte === SPACE || byte === TAB) return position + 1;
      if (byte === GREATER_THAN) this.#format = 'fasta';
      else if (byte === AT_SIGN) this.#format = 'fastq';
      else {
        throw new KmerSearchError(
          SqlState.invalidTextRepresentation,
          `could not detect the sequence format of file "${this.#fileName}" at line ${this.#line}`,
          {
            detail: `The first non-blank character is ${describeByte(byte)}; FASTA starts with ">" and FASTQ with "@".`,
            hint: 'Give the format explicitly if the file is FASTA or FASTQ.',
          },
        );
      }
    }
    return this.#format === 'fasta' ? this.#startFastaLine(position, byte) : this.#startFastqLine(position, byte);
  }

  #startFastaLine(position: number, byte: number): number {
    if (byte === GREATER_THAN) {
      this.#emitFastaRecord();
      this.#recordNumber++;
      this.#recordLine = this.#line;
      this.#header.reset();
      this.#lineKind = LineKind.header;
      return position + 1;
    }
    if (byte === LF) {
      this.#line++;
      return position + 1;
    }
    if (!this.#haveRecord && byte !== CR) {
      throw invalidSequenceInput(
        'FASTA',
        this.#fileName,
        this.#line,
        1,
        'sequence line before the first header',
        `Every sequence line must follow a ">name" header line; this line starts with ${describeByte(byte)}.`,
        byte === AT_SIGN ? 'The line starts with "@": the file may be FASTQ.' : undefined,
      );
    }
    this.#lineKind = LineKind.sequence;
    return position;
  }

  #startFastqLine(position: number, byte: number): number {
    switch (this.#fastqStep) {
      case FastqStep.header:
        if (byte === AT_SIGN) {
          this.#recordNumber++;
          this.#recordLine = this.#line;
          this.#header.reset();
          this.#lineKind = LineKind.header;
          return position + 1;
        }
        if (byte === LF) {
          this.#line++;
          return position + 1;
        }
        if (byte === CR) {
          this.#lineKind = LineKind.blank;
          return position;
        }
        this.#recordNumber++;
        throw this.#fastqError(
          'expected a header line starting with "@"',
          `The line starts with ${describeByte(byte)}.`,
          byte === GREATER_THAN ? 'The line starts with ">": the file may be FASTA.' : undefined,
        );
      case FastqStep.sequence:
        if (byte === PLUS_SIGN) {
          throw this.#fastqError(
            'missing sequence line',
            `The "+" line follows the header of record "${this.#name}" directly.`,
          );
        }
        this.#lineKind = LineKind.sequence;
        return position;
      case FastqStep.plus:
        if (byte !== PLUS_SIGN) {
          throw this.#fastqError(
            `missing "+" line`,
            `The line after the sequence line of record "${this.#name}" starts with ${describeByte(byte)}, not "+".`,
            'Multi-line FASTQ is not supported: each record must be four lines (@name, sequence, +, quality).',
          );
        }
        this.#lineKind = LineKind.plus;
        return position + 1;
      case FastqStep.quality:
        this.#lineKind = LineKind.quality;
        return position;
    }
  }

  #appendSequence(chunk: Buffer, start: number, end: number, lineEnds: boolean): void {
    let contentEnd = end;
    if (end > start && chunk[end - 1] === CR) {
      contentEnd = end - 1;
      if (!lineEnds) this.#pendingCarriageReturn = true;
    }
    for (let index = start; index < contentEnd; index++) {
      if (isSequenceByte[chunk[index]!] === 0) throw this.#invalidByte(chunk[index]!);
    }
    this.#sequence.append(chunk, start, contentEnd);
  }

  #appendQuality(chunk: Buffer, start: number, end: number, lineEnds: boolean): void {
    let contentEnd = end;
    if (end > start && chunk[end - 1] === CR) {
      contentEnd = end - 1;
      if (!lineEnds) this.#pendingCarriageReturn = true;
    }
    for (let index = start; index < contentEnd; index++) {
      if (isQualityByte[chunk[index]!] === 0) throw this.#invalidByte(chunk[index]!);
    }
    this.#quality.append(chunk, start, contentEnd);
  }

  /** A FASTQ line that began with CR where a header was expected: a blank CRLF line, or garbage. */
  #checkBlank(chunk: Buffer, start: number, end: number, lineEnds: boolean): void {
    let contentEnd = end;
    if (end > start && chunk[end - 1] === CR) {
      contentEnd = end - 1;
      if (!lineEnds) this.#pendingCarriageReturn = true;
    }
    if (contentEnd > start) {
      this.#recordNumber++;
      throw this.#fastqError('expected a header line starting with "@"', `The line starts with ${describeByte(CR)}.`);
    }
  }

  #endLine(): void {
    const kind = this.#lineKind;
    this.#lineKind = LineKind.none;
    if (this.#format === 'fasta') {
      if (kind === LineKind.header) this.#takeHeader();
    } else {
      switch (kind) {
        case LineKind.header:
          this.#takeHeader();
          this.#fastqStep = FastqStep.sequence;
          break;
        case LineKind.sequence:
          this.#fastqStep = FastqStep.plus;
          break;
        case LineKind.plus:
          this.#checkPlusLine();
          this.#fastqStep = FastqStep.quality;
          break;
        case LineKind.quality:
          this.#emitFastqRecord();
          this.#fastqStep = FastqStep.header;
          break;
        default:
          break;
      }
    }
    this.#line++;
  }

  /** Splits the header line (in #header) into name and description. */
  #takeHeader(): void {
    const bytes = this.#header.bytes;
    let length = this.#header.length;
    if (length > 0 && bytes[length - 1] === CR) length--;
    this.#headerLength = length;
    // One pass finds the end of the name and whether the line is plain ASCII, which most headers are and
    // which decodes faster than UTF-8.
    let nameEnd = -1;
    let plainAscii = true;
    for (let index = 0; index < length; index++) {
      const byte = bytes[index]!;
      if (byte === SPACE || byte === TAB) {
        if (nameEnd < 0) nameEnd = index;
      } else if (byte === 0 || byte >= 0x80) {
        plainAscii = false;
      }
    }
    if (nameEnd < 0) nameEnd = length;
    const format = this.#formatName();
    if (!plainAscii && (!isUtf8(bytes.subarray(0, length)) || bytes.subarray(0, length).includes(0))) {
      throw invalidSequenceInput(
        format,
        this.#fileName,
        this.#line,
        this.#recordNumber,
        'invalid byte sequence for encoding "UTF8" in the header line',
        'Record names and descriptions must be UTF-8 text without NUL bytes.',
      );
    }
    if (nameEnd === 0) {
      const marker = format === 'FASTA' ? '>' : '@';
      throw invalidSequenceInput(
        format,
        this.#fileName,
        this.#line,
        this.#recordNumber,
        'empty record name',
        `The header line is "${marker}${excerpt(bytes, 0, length)}"; a name must follow "${marker}" directly.`,
      );
    }
    let descriptionStart = nameEnd;
    while (descriptionStart < length && (bytes[descriptionStart] === SPACE || bytes[descriptionStart] === TAB)) {
      descriptionStart++;
    }
    const encoding = plainAscii ? 'latin1' : 'utf8';
    this.#nameLength = nameEnd;
    this.#name = bytes.toString(encoding, 0, nameEnd);
    this.#description = descriptionStart < length ? bytes.toString(encoding, descriptionStart, length) : '';
    this.#haveRecord = true;
  }

  /** The '+' line may repeat the header (all of it, or just the name); anything else is a mix-up of records. */
  #checkPlusLine(): void {
    const bytes = this.#text.bytes;
    let length = this.#text.length;
    if (length > 0 && bytes[length - 1] === CR) length--;
    this.#text.reset();
    if (length === 0) return;
    const header = this.#header.bytes;
    const repeatsTitle = length === this.#headerLength && bytes.compare(header, 0, length, 0, length) === 0;
    const repeatsName = length === this.#nameLength && bytes.compare(header, 0, length, 0, length) === 0;
    if (!repeatsTitle && !repeatsName) {
      throw this.#fastqError(
        `the "+" line names a different record`,
        `The header names "${this.#name}" but the "+" line repeats "${bytes.toString('utf8', 0, length)}".`,
      );
    }
  }

  #emitFastaRecord(): void {
    if (!this.#haveRecord) return;
    const sequence = this.#sequence.bytes.toString('latin1', 0, this.#sequence.length);
    this.#basesEmitted += this.#sequence.length;
    this.#recordsEmitted++;
    this.#sequence.reset();
    this.#haveRecord = false;
    this.#onRecord({
      name: this.#name,
      description: this.#description,
      sequence,
      recordNumber: this.#recordNumber,
      line: this.#recordLine,
    });
  }

  #emitFastqRecord(): void {
    if (this.#quality.length !== this.#sequence.length) {
      const qualityLength = this.#quality.length;
      this.#quality.reset();
      throw this.#fastqError(
        'quality length differs from sequence length',
        `Record "${this.#name}" has ${this.#sequence.length} bases but ${qualityLength} quality characters.`,
      );
    }
    const sequence = this.#sequence.bytes.toString('latin1', 0, this.#sequence.length);
    const quality = this.#quality.bytes.toString('latin1', 0, this.#quality.length);
    this.#basesEmitted += this.#sequence.length;
    this.#recordsEmitted++;
    this.#sequence.reset();
    this.#quality.reset();
    this.#haveRecord = false;
    this.#onRecord({
      name: this.#name,
      description: this.#description,
      sequence,
      quality,
      recordNumber: this.#recordNumber,
      line: this.#recordLine,
    });
  }

  #formatName(): InputFormatName {
    return this.#format === 'fastq' ? 'FASTQ' : 'FASTA';
  }

  #invalidByte(byte: number): KmerSearchError {
    const inQuality = this.#lineKind === LineKind.quality;
    return invalidSequenceInput(
      this.#formatName(),
      this.#fileName,
      this.#line,
      Math.max(1, this.#recordNumber),
      inQuality ? `invalid character ${describeByte(byte)} in quality` : `invalid character ${describeByte(byte)} in sequence`,
      inQuality
        ? 'Quality strings may contain only the characters "!" to "~" (Phred+33).'
        : `Sequences may contain only the IUPAC nucleotide codes ${iupacNucleotideLetters.split('').join(' ')}, in either case.`,
    );
  }

  #fastqError(problem: string, detail: string, hint?: string): KmerSearchError {
    return invalidSequenceInput('FASTQ', this.#fileName, this.#line, Math.max(1, this.#recordNumber), problem, detail, hint);
  }
}
