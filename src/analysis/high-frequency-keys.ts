/**
 * What consumers of an analysis need: its high-frequency keys as a SharedKeySet (src/parallel) — a
 * SharedArrayBuffer that index-build and search workers read without a copy, and that answers src/kmer's
 * KeyMembership for pending inserts and query preparation — and the SPEC §4 split of query keys into
 * H = Q ∩ highfreq and the keys searched, Q \ H (deviation F5: full keys, this analysis's scope only).
 */
import { withoutKeys, type KeyMembership, type SortedKeys } from '../kmer/index.js';
import { SharedKeySet } from '../parallel/index.js';
import type { HighFrequencyAnalysis } from './analyze.js';

/** The analysis's high-frequency keys as a set shared with worker threads. */
export function highFrequencyKeySet(analysis: Pick<HighFrequencyAnalysis, 'keys'>): SharedKeySet {
  return SharedKeySet.from(analysis.keys);
}

export interface QueryKeySplit {
  /** H = Q ∩ highfreq: the query keys left out of the search (|H| lowers ams, never below 1). */
  readonly excluded: SortedKeys;
  /** Q \ H: the keys searched for. */
  readonly searched: SortedKeys;
}

/** SPEC §4 exclusion: splits sorted query keys Q by membership in the high-frequency set. */
export function splitQueryKeys(queryKeys: SortedKeys, highFrequency: KeyMembership): QueryKeySplit {
  const searched = withoutKeys(queryKeys, { has: (keys, index) => highFrequency.has(keys, index) });
  const excluded = withoutKeys(queryKeys, { has: (keys, index) => !highFrequency.has(keys, index) });
  return { excluded, searched };
}
