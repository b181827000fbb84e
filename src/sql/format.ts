/**
 * psql's output, reproduced: the aligned table format (border 1, ASCII line style) with its `(N rows)` footer,
 * and the `ERROR:  …` / `DETAIL:  …` / `HINT:  …` / `LINE n: …` lines of an error. The shell and the golden SQL
 * tests both print through this module, so scripts written for psql produce the same text here.
 */
import type { KmerSearchError } from '../errors.js';

export interface FormatColumn {
  readonly name: string;
  /** psql right-aligns numeric types (int2/int4/int8/float4/float8/numeric/oid) and left-aligns the rest. */
  readonly alignRight: boolean;
}

/** Display width of a string as psql counts it: one column per code point, two for East Asian wide ones. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    width += isWide(codePoint) ? 2 : isZeroWidth(codePoint) ? 0 : 1;
  }
  return width;
}

function isZeroWidth(codePoint: number): boolean {
  return (codePoint >= 0x0300 && codePoint <= 0x036f) || codePoint === 0x200b;
}

function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

function spaces(count: number): string {
  return count > 0 ? ' '.repeat(count) : '';
}

/**
 * One result in psql's aligned format, footer included, ending with the blank line psql prints after it.
 * `rows` hold each value's text form; null prints as the empty string (psql's default `\pset null ''`).
 */
export function formatAlignedTable(columns: readonly FormatColumn[], rows: readonly (readonly (string | null)[])[]): string {
  const columnCount = columns.length;
  const headerLines = columns.map((column) => column.name.split('\n'));
  const cellLines = rows.map((row) => columns.map((_, index) => (row[index] ?? '').split('\n')));
  const widths = columns.map((_, index) => {
    let width = 0;
    for (const line of headerLines[index] ?? []) width = Math.max(width, displayWidth(line));
    for (const row of cellLines) for (const line of row[index] ?? []) width = Math.max(width, displayWidth(line));
    return width;
  });

  const output: string[] = [];
  if (columnCount > 0) {
    const headerHeight = Math.max(...headerLines.map((lines) => lines.length));
    for (let lineIndex = 0; lineIndex < headerHeight; lineIndex++) {
      let line = '';
      for (let column = 0; column < columnCount; column++) {
        const lines = headerLines[column] ?? [];
        const width = widths[column] ?? 0;
        const text = lines[lineIndex];
        line += ' ';
        if (text === undefined) {
          line += spaces(width);
        } else {
          const free = width - displayWidth(text);
          line += spaces(Math.floor(free / 2)) + text + spaces(Math.ceil(free / 2));
        }
        line += text !== undefined && lineIndex < lines.length - 1 ? '+' : ' ';
        if (column < columnCount - 1) line += '|';
      }
      output.push(line);
    }
    output.push(widths.map((width) => '-'.repeat(width + 2)).join('+'));
  }

  for (const row of cellLines) {
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let lineIndex = 0; lineIndex < height; lineIndex++) {
      let line = '';
      for (let column = 0; column < columnCount; column++) {
        const lines = row[column] ?? [''];
        const width = widths[column] ?? 0;
        const text = lines[lineIndex];
        const isLast = column === columnCount - 1;
        const continues = text !== undefined && lineIndex < lines.length - 1;
        line += ' ';
        if (text === undefined) {
          if (!isLast) line += spaces(width);
        } else if (columns[column]?.alignRight === true) {
          line += spaces(width - displayWidth(text)) + text;
        } else {
          line += text;
          if (!isLast || continues) line += spaces(width - displayWidth(text));
        }
        if (continues) line += '+';
        else if (!isLast) line += ' ';
        if (!isLast) line += '|';
      }
      output.push(line);
    }
  }
  output.push(rows.length === 1 ? '(1 row)' : `(${rows.length} rows)`);
  output.push('');
  return output.join('\n') + '\n';
}

/**
 * The lines psql prints for an error: `ERROR:  message`, then `LINE n: …` with a caret under the error position
 * (when the error has one and the statement text is known), then DETAIL and HINT.
 */
export function formatErrorLines(error: KmerSearchError, statementText?: string): string[] {
  const lines = [`ERROR:  ${error.message}`];
  if (error.position !== undefined && statementText !== undefined) lines.push(...formatErrorPosition(statementText, error.position));
  if (error.detail !== undefined) lines.push(...prefixLines('DETAIL:  ', error.detail));
  if (error.hint !== undefined) lines.push(...prefixLines('HINT:  ', error.hint));
  return lines;
}

/** psql continues a multi-line DETAIL or HINT without repeating the label. */
function prefixLines(label: string, text: string): string[] {
  const [first = '', ...rest] = text.split('\n');
  return [label + first, ...rest];
}

/**
 * psql's `LINE n: …` excerpt and caret (libpq's reportErrorPosition): the line holding the 1-based character
 * position, cut to about 60 display columns around the position with `...` where text was left out.
 */
export function formatErrorPosition(statementText: string, position: number): string[] {
  const characters = Array.from(statementText);
  const offset = Math.min(Math.max(position - 1, 0), characters.length);
  let lineStart = 0;
  let lineNumber = 1;
  for (let index = 0; index < offset; index++) {
    if (characters[index] === '\n') {
      lineStart = index + 1;
      lineNumber++;
    } else if (characters[index] === '\r' && characters[index + 1] !== '\n') {
      lineStart = index + 1;
      lineNumber++;
    }
  }
  let lineEnd = lineStart;
  while (lineEnd < characters.length && characters[lineEnd] !== '\n' && characters[lineEnd] !== '\r') lineEnd++;
  // Tabs are shown as single spaces so that the caret lines up, as libpq does.
  let lineCharacters = characters.slice(lineStart, lineEnd).map((character) => (character === '\t' ? ' ' : character));
  let caretColumn = offset - lineStart;
  const displayMax = 60;
  let prefixEllipsis = false;
  let suffixEllipsis = false;
  if (lineCharacters.length > displayMax) {
    // Keep the caret visible: start about ten characters before it when the line is long.
    if (caretColumn > displayMax - 10) {
      const start = Math.min(caretColumn - (displayMax - 10) + 5, lineCharacters.length - (displayMax - 3));
      lineCharacters = lineCharacters.slice(Math.max(start, 0));
      caretColumn -= Math.max(start, 0);
      prefixEllipsis = true;
    }
    if (lineCharacters.length > displayMax - (prefixEllipsis ? 3 : 0)) {
      lineCharacters = lineCharacters.slice(0, displayMax - (prefixEllipsis ? 3 : 0) - 3);
      suffixEllipsis = true;
    }
  }
  const label = `LINE ${lineNumber}: `;
  const text = (prefixEllipsis ? '...' : '') + lineCharacters.join('') + (suffixEllipsis ? '...' : '');
  const caretIndent = displayWidth(label) + (prefixEllipsis ? 3 : 0) + displayWidth(lineCharacters.slice(0, caretColumn).join(''));
  return [label + text, spaces(caretIndent) + '^'];
}
