/**
 * What a kmersearch index records about itself in its catalog record (IndexRecord.options, owned by gin): the key
 * layout it was built with, the caller's settings at CREATE INDEX (deviation F7; opaque here), the pending list's
 * size, and statistics of the last build or merge.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { keyLayout, type KeyLayout } from '../kmer/index.js';
import type { IndexRecord } from '../storage/index.js';

export interface GinStatistics {
  /** Distinct keys in the pages. */
  readonly keys: number;
  /** (key, row id) postings in the pages. */
  readonly postings: number;
  readonly pages: number;
  /** Bytes of the page values. */
  readonly pageBytes: number;
  /** Rows whose keys went into the pages (rows with no keys included). */
  readonly rows: number;
}

export interface GinIndexOptions {
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** Recorded at creation for the layers above (k, b, max_appearance_rate, analysis identity, …); gin keeps it. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Encoded bytes of the pending list (rows inserted since the last build or merge). */
  readonly pendingBytes: number;
  /** Entries in the pending list. */
  readonly pendingRows: number;
  readonly statistics: GinStatistics;
}

export const emptyStatistics: GinStatistics = Object.freeze({ keys: 0, postings: 0, pages: 0, pageBytes: 0, rows: 0 });

/** Options of a new, still empty index (pass as IndexDefinition.options). */
export function newGinIndexOptions(
  kmerSize: number,
  occurrenceBits: number,
  settings: Readonly<Record<string, unknown>> = {},
): GinIndexOptions {
  keyLayout(kmerSize, occurrenceBits);
  return { kmerSize, occurrenceBits, settings, pendingBytes: 0, pendingRows: 0, statistics: emptyStatistics };
}

/** The gin options of an index record; 55000 when the record is not a kmersearch index. */
export function ginIndexOptions(index: IndexRecord): GinIndexOptions {
  const options = index.options as Partial<GinIndexOptions>;
  if (typeof options.kmerSize !== 'number' || typeof options.occurrenceBits !== 'number') {
    throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, `index "${index.name}" is not a kmersearch index`);
  }
  return {
    kmerSize: options.kmerSize,
    occurrenceBits: options.occurrenceBits,
    settings: options.settings ?? {},
    pendingBytes: options.pendingBytes ?? 0,
    pendingRows: options.pendingRows ?? 0,
    statistics: options.statistics ?? emptyStatistics,
  };
}

export function ginKeyLayout(index: IndexRecord): KeyLayout {
  const options = ginIndexOptions(index);
  return keyLayout(options.kmerSize, options.occurrenceBits);
}
