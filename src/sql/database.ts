/**
 * KmerSearch: an open database. It parses SQL, runs one statement at a time (concurrent calls queue in call
 * order, as on one PostgreSQL connection) and returns PGlite / node-postgres shaped results. The session state —
 * settings, caches, the transaction block — belongs to the handle, like a PostgreSQL session.
 */
import { KmerSearchError, SqlState, asKmerSearchError } from '../errors.js';
import { StorageEngine } from '../storage/index.js';
import type { RawStatement } from './ast.js';
import { typeParameters } from './binder/parameters.js';
import { columnSqlType } from './column-types.js';
import { Connection } from './connection.js';
import { createFunctionCatalog } from './functions/index.js';
import type { FunctionCatalog } from './functions/contract.js';
import { StatementCache } from './statement-cache.js';
import { toQueryResult, toTextResult } from './presentation.js';
import type { QueryOptions, QueryResult, TextQueryResult } from './result.js';
import { type SqlValue, formatValue } from './types.js';

export interface OpenOptions {
  /** Database directory (created if missing). Without one, a temporary database is removed on close. */
  readonly path?: string | undefined;
  /** Ceiling of the data file in bytes (default 1 TiB); a statement that would exceed it fails with 53100. */
  readonly mapSize?: number | undefined;
  /**
   * How long a writing statement waits for the writer of another handle or process (default 30 000 ms) before it
   * fails with 55P03; one writer at a time, readers never wait.
   */
  readonly lockTimeoutMs?: number | undefined;
  /**
   * Bytes of kmersearch index pages this handle keeps in memory between searches (default 128 MiB, PostgreSQL's
   * default shared_buffers; 0: every search reads its pages from the memory-mapped file). Fixed when the
   * database is opened; memory is taken as pages are read, up to this size. Pays off when it holds the whole
   * index (about 1.45× faster searches).
   */
  readonly indexCacheSize?: number | undefined;
}

/**
 * OpenOptions.indexCacheSize when not given: PostgreSQL's default shared_buffers. It holds every page of the
 * 20 Mbp benchmark index (98 MiB); memory is taken only as pages are read.
 */
export const defaultIndexCacheSize = 128 * 1024 * 1024;

let sharedCatalog: FunctionCatalog | undefined;

/** Catalog entries are frozen and stateless, so every handle shares one catalog. */
function functionCatalog(): FunctionCatalog {
  return (sharedCatalog ??= createFunctionCatalog());
}

function emptyQueryResult<Row>(): QueryResult<Row> {
  return { rows: [], fields: [], affectedRows: 0, commandTag: '', returnsRows: false };
}

export class KmerSearch implements AsyncDisposable {
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly statements = new StatementCache();

  private constructor(
    private readonly storage: StorageEngine,
    private readonly connection: Connection,
  ) {}

  static async open(options: OpenOptions = {}): Promise<KmerSearch> {
    const storage = await StorageEngine.open(options.path, {
      ...(options.mapSize === undefined ? {} : { mapSize: options.mapSize }),
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
      // Constraint errors show values with PostgreSQL's output functions (`Key (seq)=(ACGT) already exists.`).
      formatValue: (type, value) => formatValue(value as SqlValue, columnSqlType(type)),
    });
    const indexCacheSize = options.indexCacheSize ?? defaultIndexCacheSize;
    if (!Number.isSafeInteger(indexCacheSize) || indexCacheSize < 0) {
      await storage.close();
      throw new KmerSearchError(SqlState.invalidParameterValue, `invalid indexCacheSize: ${String(options.indexCacheSize)}`);
    }
    return new KmerSearch(storage, new Connection(storage, functionCatalog(), { indexCacheSize }));
  }

  /** Absolute path of the database directory. */
  get path(): string {
    return this.storage.path;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Runs one statement, with `$1`, `$2`, … taken from `params` (never parsed as SQL). More than one statement is
   * PostgreSQL's 42601 `cannot insert multiple commands into a prepared statement`, as in PGlite.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options: QueryOptions = {}): Promise<QueryResult<Row>> {
    return this.enqueue(async () => {
      const statements = this.parse(sql);
      if (statements.length > 1) {
        this.connection.failBlock();
        throw new KmerSearchError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
      }
      const statement = statements[0];
      if (statement === undefined) return emptyQueryResult<Row>();
      const parameters = typeParameters(params);
      return this.connection.run(statement.statement, sql, parameters, options, (outcome, relations) => toQueryResult<Row>(outcome, relations));
    });
  }

  /** Runs every statement of a script in order (each atomic on its own) and returns all their results. */
  exec(script: string, options: QueryOptions = {}): Promise<QueryResult[]> {
    return this.enqueue(async () => {
      const results: QueryResult[] = [];
      const statements = this.parse(script);
      const statementOptions = withImplicitBlock(options, statements.length);
      for (const statement of statements) {
        results.push(await this.connection.run(statement.statement, script, [], statementOptions, (outcome, relations) => toQueryResult(outcome, relations)));
      }
      return results;
    });
  }

  /** Runs the statements of `sql` and returns the last one's result in PostgreSQL's text forms (for the shell). */
  queryText(sql: string, options: QueryOptions = {}): Promise<TextQueryResult> {
    return this.enqueue(async () => {
      let last: TextQueryResult = { fields: [], rows: [], commandTag: '', returnsRows: false };
      const statements = this.parse(sql);
      const statementOptions = withImplicitBlock(options, statements.length);
      for (const statement of statements) {
        last = await this.connection.run(statement.statement, sql, [], statementOptions, toTextResult);
      }
      return last;
    });
  }

  /** Rolls back an open transaction block and closes the database (a temporary one is deleted). Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.queue.then(
      () => this.shutDown(),
      () => this.shutDown(),
    );
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shutDown(): Promise<void> {
    try {
      await this.connection.close();
    } finally {
      await this.storage.close();
    }
  }

  private parse(sql: string): readonly RawStatement[] {
    // The types say string, but JavaScript callers can pass anything: a typed error, not a TypeError from the lexer.
    if (typeof sql !== 'string') {
      throw new KmerSearchError(SqlState.invalidParameterValue, `the statement text must be a string, not ${sql === null ? 'null' : typeof sql}`);
    }
    try {
      return this.statements.parse(sql);
    } catch (error) {
      this.connection.failBlock();
      throw asKmerSearchError(error);
    }
  }

  private enqueue<Result>(task: () => Promise<Result>): Promise<Result> {
    if (this.closing !== undefined) {
      return Promise.reject(new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'the database has been closed'));
    }
    const run = this.queue.then(task);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/**
 * The options for the statements of one text: several statements sent together are PostgreSQL's implicit
 * transaction block (exec_simple_query), which REINDEX of a partitioned table refuses, as it refuses BEGIN … COMMIT.
 */
function withImplicitBlock(options: QueryOptions, statementCount: number): QueryOptions {
  return statementCount > 1 && options.implicitTransactionBlock !== true ? { ...options, implicitTransactionBlock: true } : options;
}
