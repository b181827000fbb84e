/**
 * src/analysis — the high-frequency k-mer analysis engine (SPEC §6, reference analysis §2): parallel counting of
 * the rows containing each full key over worker threads (src/parallel's queue, count tables and counting task),
 * the reference's threshold, the result the SQL function reports, and the high-frequency set consumers share with
 * worker threads, and the stored analyses (records.ts: meta record + keys, written inside the caller's write
 * transaction). src/sql owns the SQL functions and the caches.
 */
export {
  analyzeHighFrequencyKeys,
  type AnalysisProgress,
  type AnalysisSource,
  type HighFrequencyAnalysis,
  type HighFrequencyAnalysisOptions,
  type KeyCountingVariant,
} from './analyze.js';
export { highFrequencyThreshold, isHighFrequency } from './threshold.js';
export { highFrequencyKeySet, splitQueryKeys, type QueryKeySplit } from './high-frequency-keys.js';
export {
  analysisKeySet,
  dropAllAnalyses,
  dropAnalyses,
  findAnalysis,
  listAnalyses,
  metaAppearanceRate,
  moveAnalyses,
  readAnalysisKeys,
  storeAnalysis,
  type AnalysisKeys,
  type AnalysisRecord,
} from './records.js';
