/**
 * The one error class of kmersearch. Every failure a user can see — bad input, a violated constraint, a
 * cancelled statement — is a KmerSearchError carrying a PostgreSQL SQLSTATE, so that applications written
 * against pg_kmersearch (through node-postgres or PGlite) can branch on `code` unchanged.
 *
 * This file sits above every folder of the layering in DESIGN §1: any folder may import it.
 */

/** SQLSTATE codes used by the engine, named as in PostgreSQL's errcodes.txt. */
export const SqlState = {
  successfulCompletion: '00000',
  warning: '01000',
  featureNotSupported: '0A000',
  invalidTextRepresentation: '22P02',
  invalidParameterValue: '22023',
  invalidBinaryRepresentation: '22P03',
  numericValueOutOfRange: '22003',
  divisionByZero: '22012',
  stringDataRightTruncation: '22001',
  invalidDatetimeFormat: '22007',
  nullValueNotAllowed: '22004',
  dataException: '22000',
  sequenceGeneratorLimitExceeded: '2200H',
  characterNotInRepertoire: '22021',
  badCopyFileFormat: '22P04',
  notNullViolation: '23502',
  uniqueViolation: '23505',
  invalidTransactionState: '25000',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  insufficientPrivilege: '42501',
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  undefinedObject: '42704',
  undefinedParameter: '42P02',
  duplicateTable: '42P07',
  duplicateObject: '42710',
  duplicateColumn: '42701',
  invalidTableDefinition: '42P16',
  ambiguousColumn: '42702',
  datatypeMismatch: '42804',
  cannotCoerce: '42846',
  groupingError: '42803',
  wrongObjectType: '42809',
  invalidColumnReference: '42P10',
  dependentObjectsStillExist: '2BP01',
  objectNotInPrerequisiteState: '55000',
  objectInUse: '55006',
  lockNotAvailable: '55P03',
  queryCanceled: '57014',
  insufficientResources: '53000',
  diskFull: '53100',
  outOfMemory: '53200',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  undefinedFile: '58P01',
  duplicateFile: '58P02',
  ioError: '58030',
  configFileError: 'F0000',
  internalError: 'XX000',
  dataCorrupted: 'XX001',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

export interface KmerSearchErrorFields {
  /** Secondary message, printed by psql as `DETAIL:  …`. */
  readonly detail?: string | undefined;
  /** Suggestion, printed by psql as `HINT:  …`. */
  readonly hint?: string | undefined;
  /** 1-based character position in the statement text, as PostgreSQL's error position. */
  readonly position?: number | undefined;
  /** Underlying error, kept for debugging (never part of the user-visible text). */
  readonly cause?: unknown;
}

export class KmerSearchError extends Error {
  /** SQLSTATE, e.g. `22P02`. */
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  position: number | undefined;
  /** PostgreSQL's severity word: always ERROR for a thrown error. */
  readonly severity = 'ERROR';

  constructor(code: string, message: string, fields: KmerSearchErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'KmerSearchError';
    this.code = code;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
  }

  /** A copy of this error that points at `position` in the statement text (if it had no position yet). */
  withPosition(position: number): KmerSearchError {
    if (this.position !== undefined) return this;
    return new KmerSearchError(this.code, this.message, {
      detail: this.detail,
      hint: this.hint,
      position,
      cause: this.cause,
    });
  }
}

/**
 * PostgreSQL's answer to input nested too deeply for its stack (`check_stack_depth`). The parser raises it past its
 * nesting limit; a JavaScript stack overflow anywhere else in a statement (say, binding a chain of 100,000 `+`,
 * which the parser builds without recursion) becomes the same error through asKmerSearchError.
 */
export function stackDepthLimitExceeded(): KmerSearchError {
  return new KmerSearchError(SqlState.statementTooComplex, 'stack depth limit exceeded', {
    hint: 'Increase the configuration parameter "max_stack_depth" (currently 2048kB), after ensuring the platform\'s stack depth limit is adequate.',
  });
}

/**
 * V8's RangeErrors for a value larger than it can hold (a string beyond buffer.constants.MAX_STRING_LENGTH, an
 * array or buffer too large to allocate), reached by data rather than by a bug: `replace()` or `string_agg` of
 * big inputs. PostgreSQL's answer to a value past its 1 GB limit is `out of memory` with SQLSTATE 54000
 * (enlargeStringInfo); these get the same code and text, with V8's reason as the DETAIL.
 */
const valueTooLargeMessages: ReadonlySet<string> = new Set([
  'Invalid string length',
  'Invalid array length',
  'Array buffer allocation failed',
]);

/**
 * Turns anything thrown into a KmerSearchError: a stack overflow becomes 54001 (stackDepthLimitExceeded), a value
 * too large for V8 54000 `out of memory`, other foreign errors XX000 with their message kept.
 */
export function asKmerSearchError(error: unknown): KmerSearchError {
  if (error instanceof KmerSearchError) return error;
  if (error instanceof RangeError) {
    if (error.message === 'Maximum call stack size exceeded') return stackDepthLimitExceeded();
    // `Invalid typed array length: <n>` carries the length.
    if (valueTooLargeMessages.has(error.message) || error.message.startsWith('Invalid typed array length')) {
      return new KmerSearchError(SqlState.programLimitExceeded, 'out of memory', {
        detail: `The value is larger than the JavaScript engine can hold (${error.message}).`,
        cause: error,
      });
    }
  }
  if (error instanceof Error) {
    return new KmerSearchError(SqlState.internalError, error.message, { cause: error });
  }
  return new KmerSearchError(SqlState.internalError, String(error));
}
