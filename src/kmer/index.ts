/**
 * src/kmer owns everything between a packed DNA value (or a query text) and its k-mer keys, and the scoring
 * built on keys alone (reference core §2–3, SPEC §3–4): key layouts and their validation; windows, degenerate
 * expansion and occurrence numbering; key packing (key = k-mer << b | (occurrence − 1)) as plain numbers up to
 * 53 bits and as uint32 halves beyond; sorted query keys; `matchscore` and the `=%` / actual-min-score rule with
 * an optional high-frequency exclusion; uintkey text; and the GIN operator classes' widths and signed storage.
 *
 * It reads the packed bytes of src/dna/types.ts directly and imports nothing else but src/errors.ts. It does not
 * own settings, caches or the high-frequency analysis: callers pass k, b, thresholds and exclusion sets in.
 *
 * Long inputs (over 2^20 windows: a chromosome as one row, a long query) take the long-input path
 * (long-input.ts): the same keys from a partitioned numbering in 4–8 bytes per base besides the keys, handed out
 * whole or in chunks (`extractStoredInChunks`, which the build, the analysis and the row-by-row match use). A
 * large sorted key list is searched through a directory instead of a hash table (key-set.ts).
 */
export type { KeyLayout, KeyList, SortedKeys } from './keys.js';
export {
  keyLayout,
  keyWidthBits,
  queryTooShortError,
  validateKmerParameters,
  MAX_KEY_BITS,
  MAX_KMER_SIZE,
  MAX_NARROW_KEY_BITS,
  MAX_OCCURRENCE_BITS,
  MIN_KMER_SIZE,
  MIN_OCCURRENCE_BITS,
} from './layout.js';
export { invalidQueryCharacterError, isAcceptedQueryText, utf8ByteLength } from './query-text.js';
export { DEFAULT_LONG_INPUT_TUNING, KeyExtractor, longInputTestHooks } from './extractor.js';
export type { LongInputTuning } from './long-input.js';
export { compareKeys, emptySortedKeys, HIGH_WORD, LOW_WORD, toSortedKeys } from './sorted-keys.js';
export { KeySet, keySetOf, type KeyMembership } from './key-set.js';
export {
  actualMinScore,
  countShared,
  countSharedOfStored,
  isMatch,
  matchesQuery,
  matchscore,
  prepareQuery,
  queryKeysOf,
  storedKeysOf,
  withoutKeys,
  type MatchCounts,
  type MatchThresholds,
  type PreparedQuery,
} from './match.js';
export { keyToBigInt, keyToDecimal, uint64ToDecimal } from './key-format.js';
export {
  checkOperatorClassWidth,
  operatorClassWidthError,
  optimalStorageClass,
  signedStorageValue,
  storageClassBits,
  toSignedStorage,
  GIN_STORAGE_CLASSES,
  type GinStorageClass,
} from './operator-class.js';
