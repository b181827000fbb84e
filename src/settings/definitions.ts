/**
 * The table of every setting the engine knows: the `kmersearch.*` settings of the reference (core §4) and the
 * few PostgreSQL settings the engine honours (SPEC §3). Each entry carries what PostgreSQL's GUC machinery
 * needs — type, default, range, unit, description — plus the two pieces of extension behaviour: the check
 * hook (kmer_size/occur_bitlen combination, SIMD level) and which session caches an assignment invalidates.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { NoticeSeverity } from './notice.js';
import type { BaseUnit } from './numeric-setting.js';
import { AUTO_DETECTED_SIMD_CAPABILITY, MAX_X86_64_SIMD_CAPABILITY } from './simd.js';

/** The session caches that assignments can invalidate. */
export type CacheKind = 'query-kmer' | 'actual-min-score' | 'high-frequency';

export type SettingValue = number | boolean | string;

/** Reads the current value of another setting, for check hooks that validate combinations. */
export type CurrentSettingReader = (name: KnownSettingName) => SettingValue;

interface SettingDefinitionBase {
  readonly name: string;
  /** pg_settings.short_desc, shown by SHOW ALL. */
  readonly description: string;
  /** Caches the assign hook frees — on every SET/RESET, even to the same value, and on undo at transaction end. */
  readonly invalidatedCaches: readonly CacheKind[];
}

export interface IntegerSettingDefinition extends SettingDefinitionBase {
  readonly type: 'integer';
  readonly defaultValue: number;
  readonly minimum: number;
  readonly maximum: number;
  /** Base unit for settings that accept `64MB` / `5s`; the stored value is in this unit. */
  readonly unit?: BaseUnit;
  /** Runs after the range check; throws to reject the value. */
  readonly check?: (value: number, current: CurrentSettingReader) => void;
}

export interface RealSettingDefinition extends SettingDefinitionBase {
  readonly type: 'real';
  readonly defaultValue: number;
  readonly minimum: number;
  readonly maximum: number;
}

export interface BooleanSettingDefinition extends SettingDefinitionBase {
  readonly type: 'boolean';
  readonly defaultValue: boolean;
  /** Runs after parsing; throws to reject the value. */
  readonly check?: (value: boolean) => void;
}

export interface EnumOption {
  readonly name: string;
  /** Several names may share a value; SHOW prints the first name listed for it. */
  readonly value: string;
  /** Accepted but not listed in the "Available values" hint (PostgreSQL's hidden aliases). */
  readonly hidden: boolean;
}

export interface EnumSettingDefinition extends SettingDefinitionBase {
  readonly type: 'enum';
  readonly defaultValue: string;
  readonly options: readonly EnumOption[];
}

/**
 * Text settings: PostgreSQL's string GUCs the engine accepts (search_path, application_name, …) and the custom
 * `prefix.name` placeholders created by SET, which hold any text (PostgreSQL's placeholder variables).
 */
export interface StringSettingDefinition extends SettingDefinitionBase {
  readonly type: 'string';
  readonly defaultValue: string;
  /** A placeholder created by SET (not listed by SHOW ALL). */
  readonly placeholder?: boolean;
  /**
   * GUC_LIST_INPUT | GUC_LIST_QUOTE: `SET name TO a, 'b'` is accepted and flattened to `a, b`, each item
   * quoted as an identifier where it needs it (search_path).
   */
  readonly quotedList?: boolean;
  /** Validates the text and returns the value to store (e.g. the canonical encoding name); throws to reject. */
  readonly check?: (text: string) => string;
}

export type SettingDefinition =
  | IntegerSettingDefinition
  | RealSettingDefinition
  | BooleanSettingDefinition
  | EnumSettingDefinition
  | StringSettingDefinition;

const INT_MAX = 2147483647;

/** The longest key the engine supports: k-mer bits plus occurrence bits must fit in 64 (core §2.1). */
const MAX_TOTAL_KEY_BITS = 64;

function totalBitsDetail(kmerSize: number, occurrenceBits: number): string {
  const total = kmerSize * 2 + occurrenceBits;
  return `Total bit length (kmer_size * 2 + occur_bitlen) = (${kmerSize} * 2 + ${occurrenceBits}) = ${total} exceeds maximum of 64 bits.`;
}

function checkKmerSize(kmerSize: number, current: CurrentSettingReader): void {
  const occurrenceBits = current('kmersearch.occur_bitlen') as number;
  if (kmerSize * 2 + occurrenceBits > MAX_TOTAL_KEY_BITS) {
    throw new KmerSearchError(SqlState.invalidParameterValue, 'invalid kmersearch.kmer_size value', {
      detail: totalBitsDetail(kmerSize, occurrenceBits),
      hint: 'Reduce kmer_size or occur_bitlen so that (kmer_size * 2 + occur_bitlen) <= 64.',
    });
  }
}

function checkOccurrenceBits(occurrenceBits: number, current: CurrentSettingReader): void {
  const kmerSize = current('kmersearch.kmer_size') as number;
  if (kmerSize * 2 + occurrenceBits > MAX_TOTAL_KEY_BITS) {
    throw new KmerSearchError(SqlState.invalidParameterValue, 'invalid kmersearch.occur_bitlen value', {
      detail: totalBitsDetail(kmerSize, occurrenceBits),
      hint: 'Reduce occur_bitlen or kmer_size so that (kmer_size * 2 + occur_bitlen) <= 64.',
    });
  }
}

/** Deviation F8: the auto-detected level is 0, so only −1 (auto) and 0 pass; the texts are the reference's. */
function checkForcedSimdCapability(capability: number): void {
  const message = `invalid value for parameter "kmersearch.force_simd_capability": ${capability}`;
  if (capability > MAX_X86_64_SIMD_CAPABILITY) {
    throw new KmerSearchError(SqlState.invalidParameterValue, message, {
      detail: `Invalid SIMD capability ${capability} for x86-64 architecture (valid range: 0-6)`,
    });
  }
  if (capability > AUTO_DETECTED_SIMD_CAPABILITY) {
    throw new KmerSearchError(SqlState.invalidParameterValue, message, {
      detail: `Cannot force SIMD capability to ${capability} (higher than auto-detected capability ${AUTO_DETECTED_SIMD_CAPABILITY})`,
    });
  }
}

/**
 * client_encoding: the engine reads and writes UTF-8 only, so it accepts PostgreSQL's spellings of UTF8 (scripts
 * written by pg_dump set it) and rejects other encodings instead of silently mis-converting text.
 */
function checkClientEncoding(text: string): string {
  const normalized = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (normalized === 'utf8' || normalized === 'unicode') return 'UTF8';
  throw new KmerSearchError(SqlState.featureNotSupported, `client encoding "${text}" is not supported`, {
    hint: 'kmersearch reads and writes UTF8 only.',
  });
}

/** standard_conforming_strings: the lexer implements standard strings only (backslashes are literal in '…'). */
function checkStandardConformingStrings(value: boolean): void {
  if (!value) {
    throw new KmerSearchError(SqlState.featureNotSupported, 'standard_conforming_strings = off is not supported', {
      hint: "Write backslash escapes in E'…' strings.",
    });
  }
}

/** PostgreSQL's client_message_level_options, in its order (which decides SHOW and the hint). */
const clientMessageLevels: readonly EnumOption[] = [
  { name: 'debug5', value: 'debug5', hidden: false },
  { name: 'debug4', value: 'debug4', hidden: false },
  { name: 'debug3', value: 'debug3', hidden: false },
  { name: 'debug2', value: 'debug2', hidden: false },
  { name: 'debug1', value: 'debug1', hidden: false },
  { name: 'debug', value: 'debug2', hidden: true },
  { name: 'log', value: 'log', hidden: false },
  { name: 'info', value: 'info', hidden: true },
  { name: 'notice', value: 'notice', hidden: false },
  { name: 'warning', value: 'warning', hidden: false },
  { name: 'error', value: 'error', hidden: false },
];

/** The severity a `client_min_messages` value stands for. */
export function clientMessageSeverity(level: string): NoticeSeverity | 'ERROR' {
  return level.toUpperCase() as NoticeSeverity | 'ERROR';
}

/** Every built-in setting, sorted by name as SHOW ALL lists them. */
export const settingDefinitions = [
  // PostgreSQL settings that scripts written for PostgreSQL (pg_dump headers, application start-up code) set.
  // They are accepted, shown and reset like PostgreSQL's but change nothing in the engine: one schema, one
  // client encoding, no function bodies, no row security, no tablespaces, no idle sessions (docs/sql.md).
  {
    name: 'application_name',
    type: 'string',
    defaultValue: '',
    description: 'Sets the application name to be reported in statistics and logs.',
    invalidatedCaches: [],
  },
  {
    name: 'check_function_bodies',
    type: 'boolean',
    defaultValue: true,
    description: 'Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.',
    invalidatedCaches: [],
  },
  {
    name: 'client_encoding',
    type: 'string',
    defaultValue: 'UTF8',
    check: checkClientEncoding,
    description: "Sets the client's character set encoding.",
    invalidatedCaches: [],
  },
  {
    name: 'client_min_messages',
    type: 'enum',
    defaultValue: 'notice',
    options: clientMessageLevels,
    description: 'Sets the message levels that are sent to the client.',
    invalidatedCaches: [],
  },
  // PostgreSQL's planner switches, honoured by the planner's choice between a kmersearch index and a sequential
  // scan (docs/sql.md). GIN indexes support bitmap scans only, so enable_indexscan never changes a kmersearch plan.
  // enable_partition_pruning decides whether a partitioned table's WHERE clause removes partitions from its Append.
  {
    name: 'default_tablespace',
    type: 'string',
    defaultValue: '',
    description: 'Sets the default tablespace to create tables and indexes in.',
    invalidatedCaches: [],
  },
  {
    name: 'enable_bitmapscan',
    type: 'boolean',
    defaultValue: true,
    description: "Enables the planner's use of bitmap-scan plans.",
    invalidatedCaches: [],
  },
  {
    name: 'enable_indexscan',
    type: 'boolean',
    defaultValue: true,
    description: "Enables the planner's use of index-scan plans.",
    invalidatedCaches: [],
  },
  {
    name: 'enable_partition_pruning',
    type: 'boolean',
    defaultValue: true,
    description: 'Enables plan-time and execution-time partition pruning.',
    invalidatedCaches: [],
  },
  {
    name: 'enable_seqscan',
    type: 'boolean',
    defaultValue: true,
    description: "Enables the planner's use of sequential-scan plans.",
    invalidatedCaches: [],
  },
  {
    name: 'idle_in_transaction_session_timeout',
    type: 'integer',
    defaultValue: 0,
    minimum: 0,
    maximum: INT_MAX,
    unit: 'ms',
    description: 'Sets the maximum allowed idle time between queries, when in a transaction.',
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.actual_min_score_cache_max_entries',
    type: 'integer',
    defaultValue: 50000,
    minimum: 1000,
    maximum: 10000000,
    description: 'Maximum number of entries in the actual minimum score cache',
    // Captured when the cache is next created; changing it does not free the cache (core §4).
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.force_simd_capability',
    type: 'integer',
    defaultValue: -1,
    minimum: -1,
    maximum: 100,
    check: checkForcedSimdCapability,
    description: 'Force SIMD capability level (-1 = auto-detect)',
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.force_use_parallel_highfreq_kmer_cache',
    type: 'boolean',
    defaultValue: false,
    description: 'Force use of the parallel high-frequency k-mer cache instead of the global cache',
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.highfreq_analysis_hashtable_size',
    type: 'integer',
    defaultValue: 1000000,
    minimum: 10000,
    maximum: 100000000,
    description: 'Initial hash table size for high-frequency k-mer analysis',
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.highfreq_kmer_cache_load_batch_size',
    type: 'integer',
    defaultValue: 10000,
    minimum: 1000,
    maximum: 1000000,
    description: 'Batch size for loading high-frequency k-mers into the cache',
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.kmer_size',
    type: 'integer',
    defaultValue: 16,
    minimum: 4,
    maximum: 32,
    check: checkKmerSize,
    description: 'K-mer size used for index creation and search',
    invalidatedCaches: ['query-kmer', 'actual-min-score', 'high-frequency'],
  },
  {
    name: 'kmersearch.max_appearance_nrow',
    type: 'integer',
    defaultValue: 0,
    minimum: 0,
    maximum: INT_MAX,
    description: 'Maximum number of rows in which a k-mer may appear before it is high-frequency (0 = unlimited)',
    invalidatedCaches: ['actual-min-score', 'high-frequency'],
  },
  {
    name: 'kmersearch.max_appearance_rate',
    type: 'real',
    defaultValue: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'Maximum appearance rate of a k-mer before it is high-frequency',
    invalidatedCaches: ['actual-min-score', 'high-frequency'],
  },
  {
    name: 'kmersearch.min_score',
    type: 'integer',
    defaultValue: 1,
    minimum: 0,
    maximum: INT_MAX,
    description: 'Minimum number of shared k-mers for =% operator matching',
    invalidatedCaches: ['actual-min-score'],
  },
  {
    name: 'kmersearch.min_shared_kmer_rate',
    type: 'real',
    defaultValue: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'Minimum shared k-mer rate for =% operator matching',
    invalidatedCaches: ['actual-min-score'],
  },
  {
    name: 'kmersearch.occur_bitlen',
    type: 'integer',
    defaultValue: 8,
    minimum: 0,
    maximum: 16,
    check: checkOccurrenceBits,
    description: 'Number of bits used for occurrence count in k-mer index',
    // Deviation F1: the reference frees only the high-frequency cache here and serves stale query keys.
    invalidatedCaches: ['query-kmer', 'actual-min-score', 'high-frequency'],
  },
  {
    name: 'kmersearch.preclude_highfreq_kmer',
    type: 'boolean',
    defaultValue: false,
    description: 'Exclude high-frequency k-mers from index creation and search',
    invalidatedCaches: [],
  },
  {
    name: 'kmersearch.query_kmer_cache_max_entries',
    type: 'integer',
    defaultValue: 50000,
    minimum: 1000,
    maximum: 10000000,
    description: 'Maximum number of entries in the query k-mer cache',
    invalidatedCaches: ['query-kmer'],
  },
  {
    name: 'lock_timeout',
    type: 'integer',
    defaultValue: 0,
    minimum: 0,
    maximum: INT_MAX,
    unit: 'ms',
    description: 'Sets the maximum allowed duration of any wait for a lock.',
    invalidatedCaches: [],
  },
  {
    name: 'maintenance_work_mem',
    type: 'integer',
    defaultValue: 65536,
    minimum: 1024,
    maximum: INT_MAX,
    unit: 'kB',
    description: 'Sets the maximum memory to be used for maintenance operations.',
    invalidatedCaches: [],
  },
  {
    name: 'max_parallel_maintenance_workers',
    type: 'integer',
    defaultValue: 2,
    minimum: 0,
    maximum: 1024,
    description: 'Sets the maximum number of parallel processes per maintenance operation.',
    invalidatedCaches: [],
  },
  {
    name: 'max_parallel_workers',
    type: 'integer',
    defaultValue: 8,
    minimum: 0,
    maximum: 1024,
    description: 'Sets the maximum number of parallel workers that can be active at one time.',
    invalidatedCaches: [],
  },
  {
    name: 'row_security',
    type: 'boolean',
    defaultValue: true,
    description: 'Enable row security.',
    invalidatedCaches: [],
  },
  {
    name: 'search_path',
    type: 'string',
    defaultValue: '"$user", public',
    quotedList: true,
    description: 'Sets the schema search order for names that are not schema-qualified.',
    invalidatedCaches: [],
  },
  {
    name: 'standard_conforming_strings',
    type: 'boolean',
    defaultValue: true,
    check: checkStandardConformingStrings,
    description: "Causes '...' strings to treat backslashes literally.",
    invalidatedCaches: [],
  },
  {
    name: 'statement_timeout',
    type: 'integer',
    defaultValue: 0,
    minimum: 0,
    maximum: INT_MAX,
    unit: 'ms',
    description: 'Sets the maximum allowed duration of any statement.',
    invalidatedCaches: [],
  },
  {
    name: 'work_mem',
    type: 'integer',
    defaultValue: 4096,
    minimum: 64,
    maximum: INT_MAX,
    unit: 'kB',
    description: 'Sets the maximum memory to be used for query workspaces.',
    invalidatedCaches: [],
  },
  {
    name: 'xmloption',
    type: 'enum',
    defaultValue: 'content',
    options: [
      { name: 'content', value: 'content', hidden: false },
      { name: 'document', value: 'document', hidden: false },
    ],
    description: 'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.',
    invalidatedCaches: [],
  },
] as const satisfies readonly SettingDefinition[];

/** The name of a built-in setting, in its canonical lower-case spelling. */
export type KnownSettingName = (typeof settingDefinitions)[number]['name'];

/** Prefixes reserved for the engine: `SET kmersearch.typo = 1` is an error, not a new placeholder. */
export const RESERVED_SETTING_PREFIXES: readonly string[] = ['kmersearch'];
