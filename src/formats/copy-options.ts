/**
 * The options of COPY's text and CSV formats, with PostgreSQL's defaults and the checks of its
 * ProcessCopyOptions() (same order, messages and SQLSTATEs), so that a COPY statement is refused here exactly
 * when PostgreSQL refuses it.
 */
import { KmerSearchError, SqlState } from '../errors.js';

export type CopyDataFormat = 'text' | 'csv';
export type CopyDirection = 'from' | 'to';

/** COPY … WITH (…) as the SQL layer parsed it. Column lists are 0-based positions in the row. */
export interface CopyFormatOptions {
  /** Default `text`. */
  readonly format?: CopyDataFormat;
  /** One single-byte character; default tab (text) or comma (CSV). */
  readonly delimiter?: string;
  /** The NULL marker; default `\N` (text) or the empty string (CSV). */
  readonly nullString?: string;
  /** COPY FROM skips (true) or checks (`match`) the first line; COPY TO writes the column names. */
  readonly header?: boolean | 'match';
  /** CSV only; default `"`. */
  readonly quote?: string;
  /** CSV only; default the quote character. */
  readonly escape?: string;
  /** CSV COPY TO only: quote every non-NULL value of these columns (or of all). */
  readonly forceQuote?: 'all' | readonly number[];
  /** CSV COPY FROM only: never read these columns' values as NULL. */
  readonly forceNotNull?: readonly number[];
  /** CSV COPY FROM only: read these columns' values as NULL when they match the NULL marker, quoted or not. */
  readonly forceNull?: readonly number[];
}

/** Options with defaults filled in and checked. */
export interface CopyOptions {
  readonly format: CopyDataFormat;
  readonly delimiter: string;
  readonly nullString: string;
  readonly header: boolean | 'match';
  /** CSV: the quote character; text: unused (''). */
  readonly quote: string;
  /** CSV: the escape character; text: unused (''). */
  readonly escape: string;
  readonly forceQuoteAll: boolean;
  readonly forceQuote: ReadonlySet<number>;
  readonly forceNotNull: ReadonlySet<number>;
  readonly forceNull: ReadonlySet<number>;
}

function featureNotSupported(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.featureNotSupported, message);
}

function invalidParameter(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, message);
}

/** PostgreSQL checks these in bytes: a one-character but multi-byte delimiter is refused. */
function isOneByte(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === 1;
}

/** Digits and lower-case letters are refused as text delimiters because backslash escapes use them. */
const unsafeTextDelimiters = '\\.abcdefghijklmnopqrstuvwxyz0123456789';

/** Fills in PostgreSQL's defaults and applies its checks, in its order. */
export function resolveCopyOptions(options: CopyFormatOptions, direction: CopyDirection): CopyOptions {
  const format = options.format ?? 'text';
  const csv = format === 'csv';
  const header = options.header ?? false;
  if (header === 'match' && direction === 'to') throw featureNotSupported('cannot use "match" with HEADER in COPY TO');

  const delimiter = options.delimiter ?? (csv ? ',' : '\t');
  const nullString = options.nullString ?? (csv ? '' : '\\N');
  const quote = csv ? (options.quote ?? '"') : '';
  const escape = csv ? (options.escape ?? quote) : '';

  if (!isOneByte(delimiter)) throw featureNotSupported('COPY delimiter must be a single one-byte character');
  if (delimiter === '\r' || delimiter === '\n') {
    throw invalidParameter('COPY delimiter cannot be newline or carriage return');
  }
  if (nullString.includes('\r') || nullString.includes('\n')) {
    throw invalidParameter('COPY null representation cannot use newline or carriage return');
  }
  if (!csv && unsafeTextDelimiters.includes(delimiter)) throw invalidParameter(`COPY delimiter cannot be "${delimiter}"`);
  if (!csv && options.quote !== undefined) throw featureNotSupported('COPY quote available only in CSV mode');
  if (csv && !isOneByte(quote)) throw featureNotSupported('COPY quote must be a single one-byte character');
  if (csv && delimiter === quote) throw invalidParameter('COPY delimiter and quote must be different');
  if (!csv && options.escape !== undefined) throw featureNotSupported('COPY escape available only in CSV mode');
  if (csv && !isOneByte(escape)) throw featureNotSupported('COPY escape must be a single one-byte character');
  if (!csv && options.forceQuote !== undefined) throw featureNotSupported('COPY force quote available only in CSV mode');
  if (options.forceQuote !== undefined && direction === 'from') {
    throw featureNotSupported('COPY force quote only available using COPY TO');
  }
  if (!csv && options.forceNotNull !== undefined) {
    throw featureNotSupported('COPY force not null available only in CSV mode');
  }
  if (options.forceNotNull !== undefined && direction === 'to') {
    throw featureNotSupported('COPY force not null only available using COPY FROM');
  }
  if (!csv && options.forceNull !== undefined) throw featureNotSupported('COPY force null available only in CSV mode');
  if (options.forceNull !== undefined && direction === 'to') {
    throw featureNotSupported('COPY force null only available using COPY FROM');
  }
  if (nullString.includes(delimiter)) {
    throw featureNotSupported('COPY delimiter must not appear in the NULL specification');
  }
  if (csv && nullString.includes(quote)) {
    throw featureNotSupported('CSV quote character must not appear in the NULL specification');
  }

  const forceQuote = options.forceQuote;
  return {
    format,
    delimiter,
    nullString,
    header,
    quote,
    escape,
    forceQuoteAll: forceQuote === 'all',
    forceQuote: new Set(forceQuote === undefined || forceQuote === 'all' ? [] : forceQuote),
    forceNotNull: new Set(options.forceNotNull ?? []),
    forceNull: new Set(options.forceNull ?? []),
  };
}
