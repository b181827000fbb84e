/**
 * src/settings owns the per-database-handle session state: every `kmersearch.*` setting and the PostgreSQL
 * settings the engine honours (max_parallel_maintenance_workers, max_parallel_workers, maintenance_work_mem,
 * client_min_messages, statement_timeout, enable_bitmapscan/indexscan/partition_pruning/seqscan) with PostgreSQL's
 * parsing, range checks, error texts, SHOW formatting and SET / SET LOCAL / RESET / transaction semantics; and the two caches
 * whose validity depends on those settings — the query-k-mer cache and the actual-min-score cache — with their
 * statistics, free functions and the `kmersearch_cache_summary` rows. It knows nothing about storage or SQL
 * syntax: the SQL layer passes setting values as text and receives notices and KmerSearchErrors back.
 */
export {
  ActualMinScoreCache,
  type ActualMinScoreInputs,
  computeActualMinScore,
  type HighFrequencyExclusion,
} from './actual-min-score.js';
export {
  ABSENT_CACHE_STATISTICS,
  CACHE_SUMMARY_COLUMNS,
  type CacheStatistics,
  type CacheSummaryRow,
  cacheSummaryRow,
} from './cache-statistics.js';
export {
  type BooleanSettingDefinition,
  type CacheKind,
  clientMessageSeverity,
  type EnumOption,
  type EnumSettingDefinition,
  type IntegerSettingDefinition,
  type KnownSettingName,
  type RealSettingDefinition,
  RESERVED_SETTING_PREFIXES,
  type SettingDefinition,
  settingDefinitions,
  type SettingValue,
  type StringSettingDefinition,
} from './definitions.js';
export { formatCDoubleFixed, formatCDoubleG } from './format-c.js';
export { HIGH_FREQUENCY_CACHE_CLEARED_WARNING, highFrequencyCacheClearedNotice } from './high-frequency-warning.js';
export { type Notice, type NoticeSeverity, severityLevel } from './notice.js';
export {
  type BaseUnit,
  formatIntegerWithUnit,
  type NumericParse,
  parseIntegerSetting,
  parseRealSetting,
} from './numeric-setting.js';
export { cStrtod, cStrtol, parsePostgresBoolean, roundHalfEven } from './parse-c.js';
export { QueryKmerCache } from './query-kmer-cache.js';
export {
  type KeyLayoutFactory,
  type QueryKeyExtractor,
  Session,
  type SessionOptions,
} from './session.js';
export {
  formatSettingValue,
  parseSettingValue,
  SET_LOCAL_OUTSIDE_TRANSACTION_WARNING,
  type SetOptions,
  type SettingAssignment,
  type SettingAssignmentListener,
  Settings,
  type ShowAllRow,
} from './settings.js';
export {
  AUTO_DETECTED_SIMD_CAPABILITY,
  BUILD_NUMBER,
  describeSimdCapability,
  MAX_X86_64_SIMD_CAPABILITY,
  simdCapabilityName,
} from './simd.js';
