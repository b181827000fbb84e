/**
 * kmersearch — an embedded DNA k-mer search engine with the SQL of pg_kmersearch. The public surface is small:
 * open a database, run SQL, read PGlite / node-postgres shaped results, catch KmerSearchError by SQLSTATE.
 */
export { KmerSearch, type OpenOptions } from './sql/database.js';
export { KmerSearchError, SqlState, type KmerSearchErrorFields, type SqlStateCode } from './errors.js';
export type {
  CopyInput,
  CopyOutput,
  Notice,
  NoticeSeverity,
  Progress,
  QueryField,
  QueryOptions,
  QueryResult,
  TextQueryResult,
} from './sql/result.js';
