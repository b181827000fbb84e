/**
 * The text the reference prints when a setting change frees a loaded high-frequency cache (core §4). The
 * high-frequency caches live in src/analysis; they subscribe with Settings.onHighFrequencyCacheInvalidated
 * and emit this notice only when a valid cache was actually freed.
 */
import { SqlState } from '../errors.js';
import type { Notice } from './notice.js';

export const HIGH_FREQUENCY_CACHE_CLEARED_WARNING =
  'High-frequency k-mer cache has been cleared. You may need to manually execute kmersearch_highfreq_kmer_cache_load() to reload the cache if needed.';

export function highFrequencyCacheClearedNotice(): Notice {
  return { severity: 'WARNING', code: SqlState.warning, message: HIGH_FREQUENCY_CACHE_CLEARED_WARNING };
}
