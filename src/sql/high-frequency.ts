/**
 * What a database handle keeps about high-frequency analyses (SPEC §4, §5, deviation F5; reference analysis §4,
 * §5): the "global" and "parallel" high-frequency caches with their load/free functions, the once-per-handle
 * WARNING about `preclude_highfreq_kmer` without an analysis, and the one rule that says which keys a `=%` query
 * on column C of table T, an index build or a pending-list insert leaves out.
 *
 * The rule (F5): exclusion applies when `kmersearch.preclude_highfreq_kmer` is on and an analysis of (T, C,
 * current k, current b) exists; the keys left out are exactly that analysis's full keys. Nothing else matters —
 * not which cache is loaded, not `force_use_parallel_highfreq_kmer_cache`.
 *
 * The caches are accelerators only. Loading one materialises the analysis's key set (src/analysis's
 * SharedKeySet, which worker threads read without a copy) and pins it to the handle; `keysOf` consults a loaded
 * cache first when it holds exactly the analysis asked for (the parallel cache first when
 * `force_use_parallel_highfreq_kmer_cache` is on, else the global one, then the parallel one) and otherwise reads
 * the analysis from storage. Every source holds the same keys, so answers never depend on what is loaded. A cache
 * of an analysis that was replaced or undone since is never consulted (its id is no longer the current one).
 *
 * The caches belong to the handle and are not transactional (a ROLLBACK does not undo a load or a free), as in the
 * reference. SET of kmer_size, occur_bitlen, max_appearance_rate or max_appearance_nrow (also RESET, SET LOCAL and
 * their undo at transaction end) frees the global cache, with the reference's WARNING when one was loaded; the
 * parallel cache survives setting changes.
 */
import { type AnalysisRecord, analysisKeySet, findAnalysis, listAnalyses } from '../analysis/index.js';
import { KmerSearchError, SqlState } from '../errors.js';
import type { SharedKeySet } from '../parallel/index.js';
import { analysedTableIdOf } from '../partition/index.js';
import { formatCDoubleFixed, highFrequencyCacheClearedNotice, type Settings } from '../settings/index.js';
import type { StorageView } from '../storage/index.js';
import type { Notice } from './result.js';

/** The reference's HINT for the WARNING below (analysis §5.2). */
const analysisMissingHint =
  'Run kmersearch_perform_highfreq_analysis() before creating index with preclude_highfreq_kmer=true, or load existing analysis with kmersearch_highfreq_kmer_cache_load().';

/** `No high-frequency k-mer analysis found for kmer_size=%d, occur_bitlen=%d` with its HINT. */
function missingAnalysisNotice(kmerSize: number, occurrenceBits: number): Notice {
  return {
    severity: 'WARNING',
    code: SqlState.warning,
    message: `No high-frequency k-mer analysis found for kmer_size=${kmerSize}, occur_bitlen=${occurrenceBits}`,
    hint: analysisMissingHint,
  };
}

/**
 * The analysis of (table, column, k, b) that `=%`, index builds and index maintenance on `tableId` follow. A
 * partition follows its parent's analysis — the one a partitioned table has (the partitions counted as one table,
 * stored under the parent's id) — whether it is reached through the parent or queried by name: a partition holds
 * a subset of the analysed rows, and every partition of one table then leaves out the same keys.
 */
export function analysisFor(view: StorageView, tableId: number, columnName: string, kmerSize: number, occurrenceBits: number): AnalysisRecord | undefined {
  return findAnalysis(view, analysedTableIdOf(view, tableId), columnName, kmerSize, occurrenceBits);
}

/** The reference compares max_appearance_rate within this tolerance (analysis §4.1, §4.5). */
const rateTolerance = 0.0001;

/** A loaded cache: the identity the reference records, the analysis it holds, and its keys. */
interface LoadedCache {
  readonly tableId: number;
  readonly columnName: string;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** The setting when loaded, as the reference keeps it: a float4. */
  readonly maxAppearanceRate: number;
  readonly maxAppearanceNrow: number;
  readonly analysisId: number;
  readonly keys: SharedKeySet;
  /** Keys held (the reference's entry count). */
  readonly entries: number;
}

/**
 * The id of the relation a cache function names, verbatim (no case folding, no schema), as the reference resolves
 * it: `relation "%s" does not exist` (42P01) when there is none.
 */
function relationIdByName(view: StorageView, tableName: string): number {
  const entry = view.findRelation(tableName);
  if (entry === undefined) throw new KmerSearchError(SqlState.undefinedTable, `relation "${tableName}" does not exist`);
  return entry.id;
}

/** §4.1's F0000 error for one setting, the values printed as the reference prints them. */
function validationError(setting: string, current: string, required: string): KmerSearchError {
  return new KmerSearchError(SqlState.configFileError, `GUC validation failed: kmersearch.${setting} mismatch`, {
    detail: `Current setting: ${current}, Required by metadata: ${required}`,
    hint: `Set kmersearch.${setting} = ${required} before loading cache.`,
  });
}

export class HighFrequencyState {
  private global: LoadedCache | undefined;
  private parallel: LoadedCache | undefined;
  private missingAnalysisWarned = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly settings: Settings) {
    this.unsubscribe = settings.onHighFrequencyCacheInvalidated((assignment) => {
      if (this.global === undefined) return;
      this.global = undefined;
      assignment.emit(highFrequencyCacheClearedNotice());
    });
  }

  /** Stops listening to the settings (when the handle closes). */
  dispose(): void {
    this.unsubscribe();
  }

  // ---- the exclusion rule ------------------------------------------------------------------------------

  /**
   * The analysis whose keys a query on (table, column) or a build of an index on it leaves out under the current
   * settings: the analysis of (table, column, k, b) when preclude_highfreq_kmer is on, else undefined. With
   * preclude on and no analysis, the WARNING goes out once per handle through `notice` (when given).
   */
  excludingAnalysis(
    view: StorageView,
    tableId: number,
    columnName: string,
    notice: ((notice: Notice) => void) | undefined,
  ): AnalysisRecord | undefined {
    const settings = this.settings;
    if (!settings.precludeHighFrequencyKmers) return undefined;
    const record = analysisFor(view, tableId, columnName, settings.kmerSize, settings.occurrenceBits);
    if (record === undefined && notice !== undefined) this.warnMissingAnalysis(notice);
    return record;
  }

  /** The reference's WARNING about preclude_highfreq_kmer without an analysis, once per handle. */
  private warnMissingAnalysis(notice: (notice: Notice) => void): void {
    if (this.missingAnalysisWarned) return;
    this.missingAnalysisWarned = true;
    notice(missingAnalysisNotice(this.settings.kmerSize, this.settings.occurrenceBits));
  }

  /** The high-frequency keys of `record`: from a loaded cache holding it, else from storage (same keys). */
  keysOf(view: StorageView, record: AnalysisRecord): SharedKeySet {
    const holds = (cache: LoadedCache | undefined): cache is LoadedCache => cache?.analysisId === record.analysisId;
    const first = this.settings.forceUseParallelHighFrequencyKmerCache ? this.parallel : this.global;
    if (holds(first)) return first.keys;
    if (holds(this.parallel)) return this.parallel.keys;
    return analysisKeySet(view, record);
  }

  // ---- the cache functions (reference analysis §4) -----------------------------------------------------

  /**
   * §4.1: the analysis of (table, column, current k), then occur_bitlen, max_appearance_rate (within 0.0001,
   * printed with %.4f) and max_appearance_nrow against the current settings, in that order (F0000). Several
   * analyses with the same k and other b: the one with the current b is taken (open question Q12's advice),
   * else the first.
   */
  private validatedAnalysis(view: StorageView, tableId: number, columnName: string): AnalysisRecord {
    const settings = this.settings;
    const candidates = listAnalyses(view).filter(
      (record) => record.tableId === tableId && record.columnName === columnName && record.kmerSize === settings.kmerSize,
    );
    const record = candidates.find((candidate) => candidate.occurrenceBits === settings.occurrenceBits) ?? candidates[0];
    if (record === undefined) {
      throw new KmerSearchError(
        SqlState.undefinedTable,
        `No metadata found for table_oid=${tableId}, column_name='${columnName}', kmer_size=${settings.kmerSize}`,
        { hint: 'Run kmersearch_perform_highfreq_analysis() first to create metadata.' },
      );
    }
    if (record.occurrenceBits !== settings.occurrenceBits) {
      throw validationError('occur_bitlen', String(settings.occurrenceBits), String(record.occurrenceBits));
    }
    if (Math.abs(record.maxAppearanceRate - settings.maxAppearanceRate) > rateTolerance) {
      const rate = (value: number): string => formatCDoubleFixed(value, 4);
      throw validationError('max_appearance_rate', rate(settings.maxAppearanceRate), rate(record.maxAppearanceRate));
    }
    if (record.maxAppearanceNrow !== settings.maxAppearanceRowCount) {
      throw validationError('max_appearance_nrow', String(settings.maxAppearanceRowCount), String(record.maxAppearanceNrow));
    }
    return record;
  }

  private loaded(view: StorageView, tableId: number, columnName: string, record: AnalysisRecord): LoadedCache {
    const settings = this.settings;
    return Object.freeze({
      tableId,
      columnName,
      kmerSize: settings.kmerSize,
      occurrenceBits: settings.occurrenceBits,
      maxAppearanceRate: Math.fround(settings.maxAppearanceRate),
      maxAppearanceNrow: settings.maxAppearanceRowCount,
      analysisId: record.analysisId,
      keys: analysisKeySet(view, record),
      entries: record.keyCount,
    });
  }

  /** Whether `cache` was loaded for (table, column) under the current settings (rates compared as float4). */
  private matchesCurrent(cache: LoadedCache, tableId: number, columnName: string): boolean {
    const settings = this.settings;
    return (
      cache.tableId === tableId &&
      cache.columnName === columnName &&
      cache.kmerSize === settings.kmerSize &&
      cache.occurrenceBits === settings.occurrenceBits &&
      cache.maxAppearanceRate === Math.fround(settings.maxAppearanceRate) &&
      cache.maxAppearanceNrow === settings.maxAppearanceRowCount
    );
  }

  /** `kmersearch_highfreq_kmer_cache_load(table, column)` (§4.2). */
  loadGlobalCache(view: StorageView, tableName: string, columnName: string): boolean {
    const tableId = relationIdByName(view, tableName);
    const record = this.validatedAnalysis(view, tableId, columnName);
    this.global = undefined;
    if (record.keyCount === 0) return false;
    this.global = this.loaded(view, tableId, columnName, record);
    return true;
  }

  /** `kmersearch_highfreq_kmer_cache_free(table, column)` (§4.3): the keys freed, or 0 with a WARNING. */
  freeGlobalCache(view: StorageView, tableName: string, columnName: string, notice: (notice: Notice) => void): number {
    return this.freeMatching('global', view, tableName, columnName, notice);
  }

  /**
   * §4.3 and §4.6: frees the cache when it was loaded for (table, column) under the current settings and returns its
   * entries; otherwise the reference's WARNING (`cache key mismatch …` / `parallel cache key mismatch …`) and 0.
   */
  private freeMatching(
    which: 'global' | 'parallel',
    view: StorageView,
    tableName: string,
    columnName: string,
    notice: (notice: Notice) => void,
  ): number {
    const tableId = relationIdByName(view, tableName);
    const cache = which === 'global' ? this.global : this.parallel;
    if (cache === undefined || !this.matchesCurrent(cache, tableId, columnName)) {
      const prefix = which === 'global' ? '' : 'parallel ';
      notice({
        severity: 'WARNING',
        code: SqlState.objectNotInPrerequisiteState,
        message: `${prefix}cache key mismatch for table "${tableName}" column "${columnName}"`,
        hint: `The ${prefix}cache was not loaded for this table/column combination, or was loaded with different parameters.`,
      });
      return 0;
    }
    if (which === 'global') this.global = undefined;
    else this.parallel = undefined;
    return cache.entries;
  }

  /** `kmersearch_highfreq_kmer_cache_free_all()` (§4.4): 1 when a global cache was loaded, else 0. */
  freeAllGlobalCaches(): number {
    const loaded = this.global !== undefined;
    this.global = undefined;
    return loaded ? 1 : 0;
  }

  /**
   * `kmersearch_parallel_highfreq_kmer_cache_load(table, column)` (§4.5). A cache already loaded for the same
   * table, column, k, b, rate (within 0.0001) and nrow answers true without loading again — but when the analysis
   * was run again since, it now holds the new run's keys (F5: a cache holds exactly the analysis's keys); a cache
   * of anything else stays and the answer is false (free it first).
   */
  loadParallelCache(view: StorageView, tableName: string, columnName: string): boolean {
    const tableId = relationIdByName(view, tableName);
    const record = this.validatedAnalysis(view, tableId, columnName);
    const settings = this.settings;
    const existing = this.parallel;
    if (existing !== undefined) {
      const same =
        existing.tableId === tableId &&
        existing.columnName === columnName &&
        existing.kmerSize === settings.kmerSize &&
        existing.occurrenceBits === settings.occurrenceBits &&
        Math.abs(existing.maxAppearanceRate - settings.maxAppearanceRate) < rateTolerance &&
        existing.maxAppearanceNrow === settings.maxAppearanceRowCount;
      if (!same) return false;
      if (existing.analysisId !== record.analysisId) {
        this.parallel = record.keyCount === 0 ? undefined : this.loaded(view, tableId, columnName, record);
      }
      return true;
    }
    if (record.keyCount === 0) return false;
    this.parallel = this.loaded(view, tableId, columnName, record);
    return true;
  }

  /** `kmersearch_parallel_highfreq_kmer_cache_free(table, column)` (§4.6): the entries freed, or 0 with a WARNING. */
  freeParallelCache(view: StorageView, tableName: string, columnName: string, notice: (notice: Notice) => void): number {
    return this.freeMatching('parallel', view, tableName, columnName, notice);
  }

  /** `kmersearch_parallel_highfreq_kmer_cache_free_all()` (§4.7): the entries freed (0 without a cache). */
  freeAllParallelCaches(): number {
    const entries = this.parallel?.entries ?? 0;
    this.parallel = undefined;
    return entries;
  }
}
