-- Consumers of a high-frequency analysis (SPEC §4, §5 with F4, F5, F7; reference analysis §4, §5): exclusion in =%
-- (full keys of the analysis of this table column, only with preclude_highfreq_kmer on), the once-per-handle
-- WARNING without an analysis, the global and parallel cache functions with their validation texts and WARNINGs,
-- indexes that leave the analysis's keys out, and an index made stale by a new analysis until REINDEX.
SET kmersearch.kmer_size = 4;
SET kmersearch.occur_bitlen = 4;
CREATE TABLE hf (id int, seq dna2);
INSERT INTO hf VALUES (1, 'AAAACCCC'), (2, 'AAAAGGGG'), (3, 'AAAATTTT'), (4, 'CCCCGGGG'), (5, 'AAAAAAAA'), (6, NULL);
SET kmersearch.max_appearance_rate = 0.25;
-- Preclude on without an analysis: nothing is excluded, and the WARNING comes once per handle.
SET kmersearch.preclude_highfreq_kmer = on;
SELECT id FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
SELECT id FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SELECT kmersearch_highfreq_kmer_cache_load('nope', 'seq');
-- 6 rows × 0.25 → threshold 1: AAAA (slot 0), CCCC and GGGG are in more than one row.
SELECT kmersearch_perform_highfreq_analysis('hf', 'seq');
SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey;
-- H = Q ∩ highfreq is left out and lowers the threshold: AAAAC keeps AAAC (only row 1 has it).
SELECT id, kmersearch_matchscore(seq, 'AAAAC') AS score FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
-- Full keys (F5): AAAA's later occurrences (slots 1-4 of row 5) are not high-frequency.
SELECT id, kmersearch_matchscore(seq, 'AAAAAAAA') AS score FROM hf WHERE seq =% 'AAAAAAAA' ORDER BY id;
SELECT id FROM hf WHERE seq =% 'AAAA' ORDER BY id;
SET kmersearch.preclude_highfreq_kmer = off;
SELECT id FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
SELECT id FROM hf WHERE seq =% 'AAAA' ORDER BY id;
-- Cache validation: occur_bitlen, then the rate (within 0.0001, %.4f), then nrow; k shows as missing metadata.
SET kmersearch.occur_bitlen = 3;
SET kmersearch.max_appearance_rate = 0.3;
SET kmersearch.max_appearance_nrow = 7;
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SET kmersearch.occur_bitlen = 4;
SELECT kmersearch_parallel_highfreq_kmer_cache_load('hf', 'seq');
SET kmersearch.max_appearance_rate = 0.25001;
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SET kmersearch.max_appearance_nrow = 0;
SET kmersearch.kmer_size = 5;
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SET kmersearch.kmer_size = 4;
SET kmersearch.max_appearance_rate = 0.25;
-- The global cache: load, free, free_all (1/0); a setting change clears it with a WARNING.
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SELECT kmersearch_highfreq_kmer_cache_free('hf', 'id');
SELECT kmersearch_highfreq_kmer_cache_free('hf', 'seq');
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SET kmersearch.max_appearance_nrow = 0;
SET kmersearch.max_appearance_nrow = 0;
SELECT kmersearch_highfreq_kmer_cache_free_all();
SELECT kmersearch_highfreq_kmer_cache_load('hf', 'seq');
SELECT kmersearch_highfreq_kmer_cache_free_all();
-- The parallel cache: free_all returns the entry count; setting changes leave it loaded.
SELECT kmersearch_parallel_highfreq_kmer_cache_load('hf', 'seq');
SET kmersearch.kmer_size = 4;
SELECT kmersearch_parallel_highfreq_kmer_cache_free('hf', 'id');
SELECT kmersearch_parallel_highfreq_kmer_cache_free_all();
SELECT kmersearch_parallel_highfreq_kmer_cache_free_all();
-- An index built with preclude on leaves the analysis's keys out and answers as the scan does.
SET kmersearch.preclude_highfreq_kmer = on;
CREATE INDEX hf_seq_idx ON hf USING gin (seq kmersearch_dna2_gin_ops_int2);
SELECT preclude_highfreq_kmer FROM kmersearch_index_info;
EXPLAIN SELECT id FROM hf WHERE seq =% 'AAAAC';
SELECT id FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
-- A new run of the analysis makes the index stale until REINDEX; so does undoing it.
SELECT kmersearch_perform_highfreq_analysis('hf', 'seq');
EXPLAIN SELECT id FROM hf WHERE seq =% 'AAAAC';
SELECT id FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
REINDEX INDEX hf_seq_idx;
EXPLAIN SELECT id FROM hf WHERE seq =% 'AAAAC';
SELECT kmersearch_undo_highfreq_analysis('hf', 'seq');
EXPLAIN SELECT id FROM hf WHERE seq =% 'AAAAC';
SELECT id FROM hf WHERE seq =% 'AAAAC' ORDER BY id;
REINDEX TABLE hf;
EXPLAIN SELECT id FROM hf WHERE seq =% 'AAAAC';
