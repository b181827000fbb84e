/**
 * COPY's option list (`WITH (FORMAT csv, HEADER, …)` or the pre-9.0 words, which the parser already normalised)
 * read into one settled description, with PostgreSQL's ProcessCopyOptions errors for what it would refuse at this
 * stage: unknown or repeated options, bad values, BINARY. The checks that combine options (a CSV-only option in
 * text mode, a delimiter inside the NULL string, …) are src/formats' resolveCopyOptions, which runs afterwards
 * with the same texts. FASTA and FASTQ, kmersearch's own formats, take none of the text/CSV options.
 */
import { SqlState } from '../../errors.js';
import type { CopyDataFormat, CopyFormatOptions } from '../../formats/index.js';
import type * as ast from '../ast.js';
import type { Binder } from '../binder/binder.js';
import { parseBoolWords } from '../types.js';

export type CopyFormat = CopyDataFormat | 'fasta' | 'fastq';

/** A force_* option's columns: every column (`*`) or names, still to be checked against the COPY's list. */
export type ForcedColumns = 'all' | readonly string[];

export interface CopyStatementOptions {
  readonly format: CopyFormat;
  /** The text/CSV options exactly as written (defaults are filled in by resolveCopyOptions). */
  readonly delimiter?: string;
  readonly nullString?: string;
  readonly header?: boolean | 'match';
  readonly quote?: string;
  readonly escape?: string;
  readonly forceQuote?: ForcedColumns;
  readonly forceNotNull?: ForcedColumns;
  readonly forceNull?: ForcedColumns;
  /** The option the text/CSV-only checks point at, by name, for FASTA/FASTQ's refusal. */
  readonly textOnlyOptions: readonly ast.GenericOption[];
}

const textOnlyNames = new Set(['delimiter', 'null', 'header', 'quote', 'escape', 'force_quote', 'force_not_null', 'force_null']);

function optionText(binder: Binder, option: ast.GenericOption): string {
  const value = option.value;
  if (value === undefined) throw binder.error(SqlState.syntaxError, `${option.name} requires a parameter`, option.location);
  switch (value.kind) {
    case 'stringValue':
    case 'wordValue':
      return value.value;
    case 'numberValue':
      return value.text;
    default:
      throw binder.error(SqlState.syntaxError, `${option.name} requires a parameter`, option.location);
  }
}

/** defGetBoolean: no value is true; words and 0/1 as PostgreSQL reads them. */
function optionBoolean(binder: Binder, option: ast.GenericOption): boolean {
  if (option.value === undefined) return true;
  const text = optionText(binder, option);
  const parsed = text === '0' ? false : text === '1' ? true : parseBoolWords(text.toLowerCase());
  if (parsed === undefined) {
    throw binder.error(SqlState.syntaxError, `${option.name} requires a Boolean value`, option.location);
  }
  return parsed;
}

/** defGetCopyHeaderChoice: a Boolean or `match`. */
function optionHeader(binder: Binder, option: ast.GenericOption): boolean | 'match' {
  if (option.value === undefined) return true;
  const text = optionText(binder, option);
  if (text.toLowerCase() === 'match') return 'match';
  const parsed = text === '0' ? false : text === '1' ? true : parseBoolWords(text.toLowerCase());
  if (parsed === undefined) {
    throw binder.error(SqlState.syntaxError, `${option.name} requires a Boolean value or "match"`, option.location);
  }
  return parsed;
}

function optionColumns(binder: Binder, option: ast.GenericOption): ForcedColumns {
  const value = option.value;
  if (value?.kind === 'starValue') return 'all';
  if (value?.kind === 'listValue') {
    const names = value.items.map((item) => (item.kind === 'wordValue' || item.kind === 'stringValue' ? item.value : undefined));
    if (names.every((name): name is string => name !== undefined)) return names;
  }
  throw binder.error(SqlState.invalidParameterValue, `argument to option "${option.name}" must be a list of column names`, option.location);
}

/** Reads the option list, refusing what PostgreSQL refuses while reading it (and, for FASTA/FASTQ, the text/CSV options). */
export function readCopyOptions(binder: Binder, options: readonly ast.GenericOption[]): CopyStatementOptions {
  const seen = new Set<string>();
  const result: {
    format: CopyFormat;
    delimiter?: string;
    nullString?: string;
    header?: boolean | 'match';
    quote?: string;
    escape?: string;
    forceQuote?: ForcedColumns;
    forceNotNull?: ForcedColumns;
    forceNull?: ForcedColumns;
  } = { format: 'text' };
  const textOnlyOptions: ast.GenericOption[] = [];
  for (const option of options) {
    if (seen.has(option.name)) throw binder.error(SqlState.syntaxError, 'conflicting or redundant options', option.location);
    seen.add(option.name);
    if (textOnlyNames.has(option.name)) textOnlyOptions.push(option);
    switch (option.name) {
      case 'format': {
        const format = optionText(binder, option).toLowerCase();
        if (format === 'binary') {
          throw binder.error(SqlState.featureNotSupported, 'COPY format "binary" is not supported', option.location, {
            hint: 'Use FORMAT text, csv, fasta or fastq.',
          });
        }
        if (format !== 'text' && format !== 'csv' && format !== 'fasta' && format !== 'fastq') {
          throw binder.error(SqlState.invalidParameterValue, `COPY format "${format}" not recognized`, option.location);
        }
        result.format = format;
        break;
      }
      case 'freeze':
        // Accepted for scripts written for PostgreSQL: every COPY here already writes its rows in one go.
        optionBoolean(binder, option);
        break;
      case 'delimiter':
        result.delimiter = optionText(binder, option);
        break;
      case 'null':
        result.nullString = optionText(binder, option);
        break;
      case 'header':
        result.header = optionHeader(binder, option);
        break;
      case 'quote':
        result.quote = optionText(binder, option);
        break;
      case 'escape':
        result.escape = optionText(binder, option);
        break;
      case 'force_quote':
        result.forceQuote = optionColumns(binder, option);
        break;
      case 'force_not_null':
        result.forceNotNull = optionColumns(binder, option);
        break;
      case 'force_null':
        result.forceNull = optionColumns(binder, option);
        break;
      case 'encoding': {
        const encoding = optionText(binder, option).toUpperCase().replace(/[-_]/gu, '');
        // The engine reads and writes UTF-8 only (PostgreSQL's SQL_ASCII is a subset for our purposes).
        if (encoding !== 'UTF8' && encoding !== 'UNICODE' && encoding !== 'SQLASCII') {
          throw binder.error(SqlState.invalidParameterValue, `argument to option "${option.name}" must be a valid encoding name`, option.location);
        }
        break;
      }
      default:
        throw binder.error(SqlState.syntaxError, `option "${option.name}" not recognized`, option.location);
    }
  }
  if ((result.format === 'fasta' || result.format === 'fastq') && textOnlyOptions.length > 0) {
    const option = textOnlyOptions[0] as ast.GenericOption;
    throw binder.error(
      SqlState.syntaxError,
      `cannot specify ${option.name.toUpperCase()} in ${result.format.toUpperCase()} mode`,
      option.location,
    );
  }
  return { ...result, textOnlyOptions };
}

/**
 * The options src/formats takes, with force_* columns turned into positions in the COPY's column list
 * (PostgreSQL's `FORCE_NOT_NULL column "x" not referenced by COPY`, 42P10).
 */
export function formatOptionsFor(
  binder: Binder,
  options: CopyStatementOptions,
  columnNames: readonly string[],
  location: number,
): CopyFormatOptions {
  const positions = (forced: ForcedColumns | undefined, label: string): readonly number[] | undefined => {
    if (forced === undefined || forced === 'all') return forced === 'all' ? columnNames.map((_, index) => index) : undefined;
    return forced.map((name) => {
      const index = columnNames.indexOf(name);
      if (index < 0) throw binder.error(SqlState.invalidColumnReference, `${label} column "${name}" not referenced by COPY`, location);
      return index;
    });
  };
  const format = options.format === 'csv' ? 'csv' : 'text';
  const forceQuote = options.forceQuote === 'all' ? 'all' : positions(options.forceQuote, 'FORCE_QUOTE');
  const forceNotNull = positions(options.forceNotNull, 'FORCE_NOT_NULL');
  const forceNull = positions(options.forceNull, 'FORCE_NULL');
  return {
    format,
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.nullString === undefined ? {} : { nullString: options.nullString }),
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.quote === undefined ? {} : { quote: options.quote }),
    ...(options.escape === undefined ? {} : { escape: options.escape }),
    ...(forceQuote === undefined ? {} : { forceQuote }),
    ...(forceNotNull === undefined ? {} : { forceNotNull }),
    ...(forceNull === undefined ? {} : { forceNull }),
  };
}
