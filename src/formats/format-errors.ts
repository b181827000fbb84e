/**
 * The errors of src/formats, worded and coded as PostgreSQL words them for COPY, so that an application branching
 * on SQLSTATE behaves the same against kmersearch and against pg_kmersearch.
 */
import { KmerSearchError, SqlState } from '../errors.js';

/**
 * SQLSTATEs PostgreSQL uses for COPY that the shared SqlState table does not name (yet). Kept here rather than
 * approximated by a neighbour code, because applications test for exactly these.
 */
/** The SQLSTATEs this folder raises beyond the common ones (all defined in src/errors.ts). */
export const CopySqlState = {
  /** ERRCODE_BAD_COPY_FILE_FORMAT: malformed COPY text/CSV input. */
  badCopyFileFormat: SqlState.badCopyFileFormat,
  /** ERRCODE_CHARACTER_NOT_IN_REPERTOIRE: invalid UTF-8 (or a NUL byte) in the input. */
  characterNotInRepertoire: SqlState.characterNotInRepertoire,
  /** ERRCODE_INSUFFICIENT_PRIVILEGE: what errcode_for_file_access() gives for EACCES/EPERM/EROFS. */
  insufficientPrivilege: SqlState.insufficientPrivilege,
  /** ERRCODE_INSUFFICIENT_RESOURCES: EMFILE/ENFILE. */
  insufficientResources: SqlState.insufficientResources,
} as const;

/** The input formats whose messages this folder words. */
export type InputFormatName = 'FASTA' | 'FASTQ';

/**
 * Bad FASTA/FASTQ data. The message carries everything a user needs to find the spot (file, line, record), because
 * a COPY of a multi-gigabyte file is useless to retry blind.
 */
export function invalidSequenceInput(
  format: InputFormatName,
  fileName: string,
  line: number,
  recordNumber: number,
  problem: string,
  detail: string,
  hint?: string,
): KmerSearchError {
  return new KmerSearchError(
    SqlState.invalidTextRepresentation,
    `invalid ${format} input in file "${fileName}" at line ${line} (record ${recordNumber}): ${problem}`,
    hint === undefined ? { detail } : { detail, hint },
  );
}

/**
 * A COPY text/CSV input error. PostgreSQL reports where it happened in a CONTEXT line (`COPY t, line 3`), which
 * only the caller can write because only it knows the table; so the line number travels with the error.
 */
export class CopyInputError extends KmerSearchError {
  /** PostgreSQL's cur_lineno: 1-based, counting the header line and line breaks inside quoted CSV fields. */
  readonly lineNumber: number;

  constructor(code: string, message: string, lineNumber: number, hint?: string) {
    super(code, message, hint === undefined ? {} : { hint });
    this.name = 'CopyInputError';
    this.lineNumber = lineNumber;
  }
}

/** strerror() texts for the errno codes Node reports, so messages read as PostgreSQL's `%m` does. */
const systemErrorText: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
  EEXIST: 'File exists',
  EFBIG: 'File too large',
  EDQUOT: 'Disk quota exceeded',
};

/** The errno name of a Node system error, if it is one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** PostgreSQL's errcode_for_file_access(): the SQLSTATE an errno maps to. */
export function sqlStateForFileAccess(errno: string | undefined): string {
  switch (errno) {
    case 'EPERM':
    case 'EACCES':
    case 'EROFS':
      return CopySqlState.insufficientPrivilege;
    case 'ENOENT':
      return SqlState.undefinedFile;
    case 'EEXIST':
      return '58P02';
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return SqlState.wrongObjectType;
    case 'ENOSPC':
    case 'EDQUOT':
      return SqlState.diskFull;
    case 'EMFILE':
    case 'ENFILE':
      return CopySqlState.insufficientResources;
    default:
      return SqlState.ioError;
  }
}

function systemErrorMessage(error: unknown): string {
  const errno = systemErrorCode(error);
  if (errno !== undefined) {
    const text = systemErrorText[errno];
    if (text !== undefined) return text;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `could not open file "x" for reading: No such file or directory`, as COPY FROM says. */
export function fileOpenError(path: string, error: unknown, purpose: 'reading' | 'writing'): KmerSearchError {
  // A path with a NUL cannot reach PostgreSQL (its text has no NUL); Node refuses it with ERR_INVALID_ARG_VALUE,
  // whose JavaScript wording would otherwise leak out as an I/O error.
  if (path.includes('\0')) {
    return new KmerSearchError(CopySqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8": 0x00', { cause: error });
  }
  return new KmerSearchError(
    sqlStateForFileAccess(systemErrorCode(error)),
    `could not open file "${path}" for ${purpose}: ${systemErrorMessage(error)}`,
    { cause: error },
  );
}

/** COPY refuses a directory after opening it, with this message and SQLSTATE 42809. */
export function isDirectoryError(path: string): KmerSearchError {
  return new KmerSearchError(SqlState.wrongObjectType, `"${path}" is a directory`);
}

/** A failure of the operating system while reading an opened file (58030 unless errno says otherwise). */
export function fileReadError(path: string, error: unknown): KmerSearchError {
  return new KmerSearchError(
    sqlStateForFileAccess(systemErrorCode(error)),
    `could not read file "${path}": ${systemErrorMessage(error)}`,
    { cause: error },
  );
}

/** A failure of the operating system while writing. */
export function fileWriteError(path: string, error: unknown): KmerSearchError {
  return new KmerSearchError(
    sqlStateForFileAccess(systemErrorCode(error)),
    `could not write to file "${path}": ${systemErrorMessage(error)}`,
    { cause: error },
  );
}

/**
 * Corrupt or truncated gzip data. It is the file's content that is wrong, not the disk, hence 22P02 (like any
 * other bad input) rather than 58030.
 */
export function gzipDataError(path: string, error: unknown): KmerSearchError {
  const reason = error instanceof Error ? error.message : String(error);
  const truncated = reason === 'unexpected end of file';
  return new KmerSearchError(
    SqlState.invalidTextRepresentation,
    `invalid gzip data in file "${path}": ${reason}`,
    {
      detail: truncated
        ? 'The compressed stream ends before its last block: the file is truncated.'
        : 'The compressed stream is corrupt.',
      cause: error,
    },
  );
}

/** True for errors raised by node:zlib while inflating. */
export function isZlibError(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code !== undefined && (code.startsWith('Z_') || code.startsWith('ERR_ZLIB'));
}
