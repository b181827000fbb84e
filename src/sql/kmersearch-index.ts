/**
 * What the SQL layer knows about a kmersearch GIN index: its operator class (which DNA type it indexes and how
 * wide its stored keys are), the settings it recorded when it was built (deviation F7: CREATE INDEX and REINDEX
 * record k, b, max_appearance_rate, max_appearance_nrow and preclude_highfreq_kmer — with preclude on, also the
 * analysis whose keys the build left out — and every later insert extracts with them), and whether those settings equal the session's — the condition under which a query may
 * use it (reference core §3.7, analysis §6: equal k, b, nrow and preclude, |rate − rate'| ≤ 0.0001).
 *
 * The recorded settings live in the index's catalog record (src/gin's GinIndexOptions.settings), so they are
 * created, replaced and dropped atomically with the index itself; kmersearch_index_info is a view over them.
 */
import { formatCDoubleG, type Settings } from '../settings/index.js';
import { ginIndexOptions, newGinIndexOptions } from '../gin/index.js';
import type { GinStorageClass } from '../kmer/index.js';
import type { IndexRecord } from '../storage/index.js';

export type DnaTypeName = 'dna2' | 'dna4';

export interface KmersearchOperatorClass {
  readonly name: string;
  /** The column type the class accepts. */
  readonly dnaType: DnaTypeName;
  /** Storage integer of the GIN keys (reference core §2.4). */
  readonly storageClass: GinStorageClass;
}

const operatorClassPattern = /^kmersearch_(dna2|dna4)_gin_ops_(int2|int4|int8)$/;

/** One of the six reference operator classes, or undefined for any other name. */
export function kmersearchOperatorClass(name: string): KmersearchOperatorClass | undefined {
  const match = operatorClassPattern.exec(name);
  if (match === null) return undefined;
  return Object.freeze({ name, dnaType: match[1] as DnaTypeName, storageClass: match[2] as GinStorageClass });
}

/** An index of the six kmersearch operator classes (the reference's planner hook looks at the `kmersearch_` prefix). */
export function isKmersearchIndex(index: IndexRecord): boolean {
  return index.method === 'gin' && kmersearchOperatorClass(index.operatorClass) !== undefined;
}

/** The settings an index was built with (deviation F7), as kmersearch_index_info shows them. */
export interface RecordedIndexSettings {
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** The setting's value (a double); kmersearch_index_info shows it as the reference's `real` column does. */
  readonly maxAppearanceRate: number;
  readonly maxAppearanceNrow: number;
  readonly precludeHighfreqKmer: boolean;
  /**
   * Built with preclude_highfreq_kmer on: the analysis whose keys it left out (F7), or undefined when there was
   * none (then it left nothing out). The index answers queries only while this is still the current analysis of
   * its (table, column, k, b).
   */
  readonly highFrequencyAnalysisId: number | undefined;
  /** `created_at`: milliseconds since the epoch (the creating transaction's now()). */
  readonly createdAt: number;
  /** GIN storage parameters: `fastupdate` and `gin_pending_list_limit` (kB), as CREATE INDEX … WITH gave them. */
  readonly fastUpdate: boolean;
  readonly pendingListLimitKilobytes: number | undefined;
}

/** The session's current values of the recorded settings; `analysisId`: the analysis the build leaves out. */
export function currentIndexSettings(
  settings: Settings,
  createdAt: Date,
  storage: Pick<RecordedIndexSettings, 'fastUpdate' | 'pendingListLimitKilobytes'>,
  analysisId: number | undefined,
): RecordedIndexSettings {
  return Object.freeze({
    kmerSize: settings.kmerSize,
    occurrenceBits: settings.occurrenceBits,
    maxAppearanceRate: settings.maxAppearanceRate,
    maxAppearanceNrow: settings.maxAppearanceRowCount,
    precludeHighfreqKmer: settings.precludeHighFrequencyKmers,
    highFrequencyAnalysisId: settings.precludeHighFrequencyKmers ? analysisId : undefined,
    createdAt: createdAt.getTime(),
    fastUpdate: storage.fastUpdate,
    pendingListLimitKilobytes: storage.pendingListLimitKilobytes,
  });
}

/**
 * The keys of the recorded settings in GinIndexOptions.settings: the settings by their SQL names (kmersearch
 * export writes every `kmersearch.*` entry as a SET line before the index's CREATE INDEX), the rest by the
 * names PostgreSQL gives them. k and b are gin's own options.
 */
const recordedKeys = {
  maxAppearanceRate: 'kmersearch.max_appearance_rate',
  maxAppearanceNrow: 'kmersearch.max_appearance_nrow',
  precludeHighfreqKmer: 'kmersearch.preclude_highfreq_kmer',
  // Not a setting: kmersearch export must not turn it into a SET line.
  highFrequencyAnalysisId: 'highfreq_analysis_id',
  createdAt: 'created_at',
  fastUpdate: 'fastupdate',
  pendingListLimitKilobytes: 'gin_pending_list_limit',
} as const;

/** IndexRecord.options for an index built with `recorded` (gin's options with the settings inside). */
export function indexOptionsFor(recorded: RecordedIndexSettings): Readonly<Record<string, unknown>> {
  const settings: Record<string, unknown> = {
    [recordedKeys.maxAppearanceRate]: recorded.maxAppearanceRate,
    [recordedKeys.maxAppearanceNrow]: recorded.maxAppearanceNrow,
    [recordedKeys.precludeHighfreqKmer]: recorded.precludeHighfreqKmer,
    [recordedKeys.createdAt]: recorded.createdAt,
    [recordedKeys.fastUpdate]: recorded.fastUpdate,
  };
  if (recorded.pendingListLimitKilobytes !== undefined) settings[recordedKeys.pendingListLimitKilobytes] = recorded.pendingListLimitKilobytes;
  if (recorded.highFrequencyAnalysisId !== undefined) settings[recordedKeys.highFrequencyAnalysisId] = recorded.highFrequencyAnalysisId;
  return newGinIndexOptions(recorded.kmerSize, recorded.occurrenceBits, settings) as unknown as Readonly<Record<string, unknown>>;
}

/** The recorded settings of a kmersearch index. */
export function recordedSettingsOf(index: IndexRecord): RecordedIndexSettings {
  const options = ginIndexOptions(index);
  const settings = options.settings;
  const numberOf = (key: string, fallback: number): number => {
    const value = settings[key];
    return typeof value === 'number' ? value : fallback;
  };
  const limit = settings[recordedKeys.pendingListLimitKilobytes];
  const analysisId = settings[recordedKeys.highFrequencyAnalysisId];
  return {
    kmerSize: options.kmerSize,
    occurrenceBits: options.occurrenceBits,
    maxAppearanceRate: numberOf(recordedKeys.maxAppearanceRate, 0.5),
    maxAppearanceNrow: numberOf(recordedKeys.maxAppearanceNrow, 0),
    precludeHighfreqKmer: settings[recordedKeys.precludeHighfreqKmer] === true,
    highFrequencyAnalysisId: typeof analysisId === 'number' ? analysisId : undefined,
    createdAt: numberOf(recordedKeys.createdAt, 0),
    fastUpdate: settings[recordedKeys.fastUpdate] !== false,
    pendingListLimitKilobytes: typeof limit === 'number' ? limit : undefined,
  };
}

/**
 * How the analysis an index left out differs from the one a query would exclude now (F7), for an index whose
 * settings equal the session's: undefined when they are the same (or the index was built without preclude),
 * else e.g. `high-frequency analysis 12 (current none)`. Stable wording: EXPLAIN prints it.
 */
export function analysisDifference(recorded: RecordedIndexSettings, currentAnalysisId: number | undefined): string | undefined {
  if (!recorded.precludeHighfreqKmer || recorded.highFrequencyAnalysisId === currentAnalysisId) return undefined;
  const name = (id: number | undefined): string => (id === undefined ? 'none' : String(id));
  return `high-frequency analysis ${name(recorded.highFrequencyAnalysisId)} (current ${name(currentAnalysisId)})`;
}

/** The reference planner hook's tolerance for max_appearance_rate. */
const rateTolerance = 0.0001;

/**
 * How the recorded settings differ from the session's, one entry per setting, e.g.
 * `kmersearch.kmer_size=8 (current 16)`; empty when the index may answer queries. Stable wording: EXPLAIN prints it.
 */
export function settingDifferences(recorded: RecordedIndexSettings, settings: Settings): string[] {
  // The common case, planned for every indexed search: equal settings, nothing to describe.
  if (
    recorded.kmerSize === settings.kmerSize &&
    recorded.occurrenceBits === settings.occurrenceBits &&
    Math.abs(recorded.maxAppearanceRate - settings.maxAppearanceRate) <= rateTolerance &&
    recorded.maxAppearanceNrow === settings.maxAppearanceRowCount &&
    recorded.precludeHighfreqKmer === settings.precludeHighFrequencyKmers
  ) {
    return [];
  }
  const differences: string[] = [];
  const differ = (name: string, built: string, current: string): void => {
    differences.push(`kmersearch.${name}=${built} (current ${current})`);
  };
  if (recorded.kmerSize !== settings.kmerSize) differ('kmer_size', String(recorded.kmerSize), String(settings.kmerSize));
  if (recorded.occurrenceBits !== settings.occurrenceBits) {
    differ('occur_bitlen', String(recorded.occurrenceBits), String(settings.occurrenceBits));
  }
  if (Math.abs(recorded.maxAppearanceRate - settings.maxAppearanceRate) > rateTolerance) {
    differ('max_appearance_rate', formatCDoubleG(recorded.maxAppearanceRate), formatCDoubleG(settings.maxAppearanceRate));
  }
  if (recorded.maxAppearanceNrow !== settings.maxAppearanceRowCount) {
    differ('max_appearance_nrow', String(recorded.maxAppearanceNrow), String(settings.maxAppearanceRowCount));
  }
  if (recorded.precludeHighfreqKmer !== settings.precludeHighFrequencyKmers) {
    const onOff = (value: boolean): string => (value ? 'on' : 'off');
    differ('preclude_highfreq_kmer', onOff(recorded.precludeHighfreqKmer), onOff(settings.precludeHighFrequencyKmers));
  }
  return differences;
}
