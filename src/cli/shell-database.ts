/**
 * What the shell needs from a database: run one statement and get psql's text form back. Keeping the shell
 * behind this small interface lets it be tested with a scripted fake and keeps src/cli independent of how the
 * engine is assembled (the real implementation is engine-adapter.ts).
 */
import type { QueryOptions, TextQueryResult } from '../sql/result.js';

export interface ShellDatabase {
  /** Runs one statement; resolves with its text-form result, rejects with KmerSearchError. */
  runText(statementText: string, options: QueryOptions): Promise<TextQueryResult>;
  close(): Promise<void>;
}

/** Opens the database in `path` (a directory), or a temporary one removed on close when `path` is undefined. */
export type ShellDatabaseFactory = (path?: string) => Promise<ShellDatabase>;
