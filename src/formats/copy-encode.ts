/**
 * COPY TO's text and CSV serialisation of a row of text values, following PostgreSQL's copyto.c
 * (CopyAttributeOutText, CopyAttributeOutCSV) character for character, so that a file written here loads into
 * PostgreSQL unchanged and vice versa. Values are already text (the executor calls each type's output function);
 * NULL is `null`.
 *
 * Working on JS strings is safe because every character these rules look at is ASCII, and UTF-8 never uses
 * ASCII bytes inside a multi-byte character.
 */
import type { CopyOptions } from './copy-options.js';

/** A row as COPY sees it: each column's text, or NULL. */
export type CopyRowValues = readonly (string | null)[];

const BACKSLASH = 0x5c;

/** CopyAttributeOutText: backslash-escape the delimiter, backslash and the six named control characters. */
export function encodeCopyTextValue(value: string, delimiter: string): string {
  const delimiterCode = delimiter.charCodeAt(0);
  let encoded = '';
  let runStart = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    let escaped: string;
    if (code < 0x20) {
      switch (code) {
        case 0x08:
          escaped = '\\b';
          break;
        case 0x0c:
          escaped = '\\f';
          break;
        case 0x0a:
          escaped = '\\n';
          break;
        case 0x0d:
          escaped = '\\r';
          break;
        case 0x09:
          escaped = '\\t';
          break;
        case 0x0b:
          escaped = '\\v';
          break;
        default:
          // Other control characters go out raw, unless one is the delimiter.
          if (code !== delimiterCode) continue;
          escaped = `\\${value[index]!}`;
      }
    } else if (code === BACKSLASH || code === delimiterCode) {
      escaped = `\\${value[index]!}`;
    } else {
      continue;
    }
    encoded += value.slice(runStart, index) + escaped;
    runStart = index + 1;
  }
  return runStart === 0 ? value : encoded + value.slice(runStart);
}

/**
 * CopyAttributeOutCSV: quote when forced, when the value equals the NULL marker (so it does not read back as
 * NULL), when it is `\.` alone in a one-column row (so it is not taken for the end-of-data marker), or when it
 * holds the delimiter, the quote, CR or LF; inside quotes, the quote and escape characters are escaped.
 */
export function encodeCopyCsvValue(
  value: string,
  options: CopyOptions,
  forceQuote: boolean,
  singleColumn: boolean,
): string {
  const { delimiter, quote, escape } = options;
  let useQuote = forceQuote || value === options.nullString;
  if (!useQuote) {
    if (singleColumn && value === '\\.') {
      useQuote = true;
    } else {
      for (let index = 0; index < value.length; index++) {
        const character = value[index]!;
        if (character === delimiter || character === quote || character === '\n' || character === '\r') {
          useQuote = true;
          break;
        }
      }
    }
  }
  if (!useQuote) return value;
  let encoded = quote;
  let runStart = 0;
  for (let index = 0; index < value.length; index++) {
    const character = value[index]!;
    if (character === quote || character === escape) {
      encoded += value.slice(runStart, index) + escape;
      runStart = index; // the character itself starts the next run
    }
  }
  return encoded + value.slice(runStart) + quote;
}

/** One row in COPY's text or CSV format, line end included (LF, as PostgreSQL writes outside Windows). */
export function encodeCopyRow(values: CopyRowValues, options: CopyOptions): string {
  const parts = new Array<string>(values.length);
  if (options.format === 'text') {
    for (let column = 0; column < values.length; column++) {
      const value = values[column];
      parts[column] = value === null || value === undefined ? options.nullString : encodeCopyTextValue(value, options.delimiter);
    }
  } else {
    const singleColumn = values.length === 1;
    for (let column = 0; column < values.length; column++) {
      const value = values[column];
      parts[column] =
        value === null || value === undefined
          ? options.nullString
          : encodeCopyCsvValue(value, options, options.forceQuoteAll || options.forceQuote.has(column), singleColumn);
    }
  }
  return parts.join(options.delimiter) + '\n';
}

/** The HEADER line of COPY TO: column names, escaped (text) or quoted when needed — never forced (CSV). */
export function encodeCopyHeader(columnNames: readonly string[], options: CopyOptions): string {
  const singleColumn = columnNames.length === 1;
  const parts = columnNames.map((name) =>
    options.format === 'text'
      ? encodeCopyTextValue(name, options.delimiter)
      : encodeCopyCsvValue(name, options, false, singleColumn),
  );
  return parts.join(options.delimiter) + '\n';
}
