/**
 * The shapes a statement's outcome takes on its way out of the engine: the library result (PGlite /
 * node-postgres shaped), notices, progress, and the statement options (cancellation, callbacks).
 */
import type { KmerSearchError } from '../errors.js';

export interface QueryField {
  /** Column name as PostgreSQL would print it in the header (e.g. `?column?`, `count`, `dna2`). */
  readonly name: string;
  /** PostgreSQL type OID (builtin OIDs for builtin types; fixed numbers for dna2/dna4). */
  readonly dataTypeID: number;
  /** PostgreSQL type name, e.g. `integer`, `dna2`. */
  readonly typeName: string;
  /** psql right-aligns numeric types. */
  readonly alignRight: boolean;
}

export interface QueryResult<Row = Record<string, unknown>> {
  readonly rows: Row[];
  readonly fields: readonly QueryField[];
  /** Rows inserted, updated, deleted or copied; rows returned for SELECT. */
  readonly affectedRows: number;
  /** psql's command tag, e.g. `SELECT 3`, `INSERT 0 1`, `CREATE TABLE`, `SET`. */
  readonly commandTag: string;
  /** True when the statement returns rows (SELECT, RETURNING, SHOW, EXPLAIN): psql prints a table. */
  readonly returnsRows: boolean;
}

/** A result whose values are PostgreSQL's text forms (null for SQL NULL): what psql prints. */
export interface TextQueryResult {
  readonly fields: readonly QueryField[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly commandTag: string;
  readonly returnsRows: boolean;
}

export type NoticeSeverity = 'DEBUG' | 'LOG' | 'INFO' | 'NOTICE' | 'WARNING';

export interface Notice {
  readonly severity: NoticeSeverity;
  readonly code: string;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
}

export interface Progress {
  /** What is running, e.g. `COPY`, `CREATE INDEX`, `analysis`. */
  readonly operation: string;
  /** Units done so far and the total when known (bytes, rows or blocks: see `unit`). */
  readonly done: number;
  readonly total?: number | undefined;
  readonly unit: 'bytes' | 'rows' | 'blocks';
}

/** The data of `COPY … FROM STDIN`: chunks of bytes (or strings, taken as UTF-8), e.g. a Readable. */
export type CopyInput = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Receives the data of `COPY … TO STDOUT` piece by piece; a returned promise is awaited before the next piece. */
export type CopyOutput = (chunk: Uint8Array) => void | Promise<void>;

export interface QueryOptions {
  /** Cancels the statement: its workers stop, it rolls back and reports SQLSTATE 57014. */
  readonly signal?: AbortSignal | undefined;
  /** Receives NOTICE/WARNING/INFO messages at or above `client_min_messages` (INFO always). */
  readonly onNotice?: ((notice: Notice) => void) | undefined;
  /** Receives progress of long operations. */
  readonly onProgress?: ((progress: Progress) => void) | undefined;
  /** Where `COPY … FROM STDIN` reads its data (without it, such a COPY fails with 0A000). */
  readonly stdin?: CopyInput | undefined;
  /** Where `COPY … TO STDOUT` writes its data (without it, such a COPY fails with 0A000). */
  readonly stdout?: CopyOutput | undefined;
  /**
   * The statement is one of several sent as one query string, which PostgreSQL runs in an implicit transaction
   * block: a statement that refuses to run inside a transaction block (CREATE INDEX, DROP INDEX or REINDEX with
   * CONCURRENTLY, REINDEX of a partitioned index or table) refuses here too (25001). `exec()` and `queryText()` set it themselves for a text of several statements; a
   * caller that splits such a text and runs the pieces one by one (the shell's `-c`) sets it.
   */
  readonly implicitTransactionBlock?: boolean | undefined;
}

export type { KmerSearchError };
