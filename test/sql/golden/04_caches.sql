-- The query-k-mer and actual-min-score caches: statistics, eviction bounds and free functions
-- (reference core §5; deviations F1, F2, F14).
SELECT kmersearch_query_kmer_cache_stats();
SELECT * FROM kmersearch_actual_min_score_cache_stats();
SET kmersearch.kmer_size = 4;
CREATE TABLE c (id int, seq dna2);
INSERT INTO c VALUES (1, 'ATCGATCG'), (2, 'GGGGCCCC'), (3, 'ATCGGGGG');
SELECT id FROM c WHERE seq =% 'ATCGATCG' ORDER BY id;
SELECT * FROM kmersearch_query_kmer_cache_stats();
SELECT * FROM kmersearch_actual_min_score_cache_stats();
SELECT id FROM c WHERE seq =% 'ATCGATCG' ORDER BY id;
SELECT * FROM kmersearch_query_kmer_cache_stats();
SELECT * FROM kmersearch_actual_min_score_cache_stats();
SELECT kmersearch_matchscore(seq, 'NNNNNNNN') FROM c ORDER BY id;
SELECT * FROM kmersearch_query_kmer_cache_stats();
SELECT cache_type, total_entries, total_hits, total_misses, hit_rate FROM kmersearch_cache_summary ORDER BY cache_type;
-- F1: a change of occur_bitlen gives fresh keys.
SELECT kmersearch_matchscore('ATCGATCG'::dna2, 'ATCGATCG');
SET kmersearch.occur_bitlen = 4;
SELECT kmersearch_matchscore('ATCGATCG'::dna2, 'ATCGATCG');
SELECT * FROM kmersearch_query_kmer_cache_stats();
SELECT kmersearch_query_kmer_cache_free();
SELECT kmersearch_actual_min_score_cache_free();
SELECT kmersearch_query_kmer_cache_free();
SELECT * FROM kmersearch_query_kmer_cache_stats();
-- F2: queries whose key arrays collide under the reference's polynomial hash keep their own thresholds.
SET kmersearch.occur_bitlen = 8;
SET kmersearch.min_shared_kmer_rate = 1.0;
SELECT 'AAAACGT'::dna2 =% 'AAAAC' AS needs_two_keys;
SELECT 'AAACGT'::dna2 =% 'AAAC' AS needs_one_key;
RESET ALL;
DROP TABLE c;
