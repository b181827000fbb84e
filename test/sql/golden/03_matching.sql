-- k-mer keys, kmersearch_matchscore and the =% operator (reference core §2–§3, SPEC §4; deviation F3).
SET kmersearch.kmer_size = 4;
SET kmersearch.occur_bitlen = 8;
SELECT kmersearch_matchscore('ATCGATCG'::dna2, 'ATCGATCG');
SELECT kmersearch_matchscore('AAAAMAAAA'::dna4, 'AAAAMAAAA') AS degenerate_keys;
SELECT kmersearch_matchscore('ATCGMMCG'::dna4, 'ATCGMMCG') AS two_ambiguous_codes;
SELECT kmersearch_matchscore('ACGTNACGT'::dna4, 'ACGT') AS n_windows_skipped;
SELECT kmersearch_matchscore_dna2('ATCGATCG'::dna2, 'ATCG'), kmersearch_matchscore_dna4('ATCGATCG'::dna4, 'ATCG');
SET kmersearch.occur_bitlen = 0;
SELECT kmersearch_matchscore('AAAAAAAAAAAA'::dna2, 'AAAAAAAAAAAA') AS b0;
SET kmersearch.occur_bitlen = 1;
SELECT kmersearch_matchscore('AAAAAAAAAAAA'::dna2, 'AAAAAAAAAAAA') AS b1;
SET kmersearch.occur_bitlen = 2;
SELECT kmersearch_matchscore('AAAAAAAAAAAA'::dna2, 'AAAAAAAAAAAA') AS b2;
SET kmersearch.occur_bitlen = 3;
SELECT kmersearch_matchscore('AAAAAAAAAAAA'::dna2, 'AAAAAAAAAAAA') AS b3;
SET kmersearch.occur_bitlen = 8;
SELECT kmersearch_matchscore('AAAAAAAAAAAA'::dna2, 'AAAAAAAAAAAA') AS b8;
-- Query errors: the length check comes before the character check.
SELECT kmersearch_matchscore('ATCGATCG'::dna2, 'XX');
SELECT kmersearch_matchscore('ATCGATCG'::dna2, 'ATXG');
SELECT kmersearch_matchscore('ATCGATCG'::dna2, 'ATCG ');
SELECT 'ATCGATCG'::dna2 =% 'AT';
-- F3: a stored sequence shorter than k has no keys (score 0, no error).
SELECT kmersearch_matchscore('ATC'::dna2, 'ATCG') AS short_stored, 'ATC'::dna2 =% 'ATCG' AS short_matches;
-- A query without keys matches nothing, without looking at the stored sequence.
SELECT 'ATC'::dna2 =% 'NNNN' AS no_query_keys;
-- Thresholds: ams = max(min_score, ceil(min_shared_kmer_rate × |Q|)).
CREATE TABLE seqs (id serial PRIMARY KEY, name text, seq dna2);
INSERT INTO seqs (name, seq) VALUES
  ('exact', 'ATCGATCGATCG'),
  ('half', 'ATCGATCCCCCC'),
  ('none', 'GGGGGGGGGGGG'),
  ('short', 'ATC'),
  ('shifted', 'TTATCGATCGAT');
SELECT id, name, kmersearch_matchscore(seq, 'ATCGATCGATCG') AS score FROM seqs ORDER BY id;
SELECT id, name FROM seqs WHERE seq =% 'ATCGATCGATCG' ORDER BY id;
SET kmersearch.min_shared_kmer_rate = 0.2;
SELECT id, name FROM seqs WHERE seq =% 'ATCGATCGATCG' ORDER BY id;
SET kmersearch.min_shared_kmer_rate = 1.0;
SELECT id, name FROM seqs WHERE seq =% 'ATCGATCGATCG' ORDER BY id;
SET kmersearch.min_shared_kmer_rate = 0;
SET kmersearch.min_score = 0;
SELECT id, name FROM seqs WHERE seq =% 'ATCGATCGATCG' ORDER BY id;
RESET kmersearch.min_score;
RESET kmersearch.min_shared_kmer_rate;
SELECT name, kmersearch_matchscore(seq, 'ATCGATCGATCG') AS score
  FROM seqs WHERE seq =% 'ATCGATCGATCG' ORDER BY kmersearch_matchscore(seq, 'ATCGATCGATCG') DESC, name LIMIT 2;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGATCG';
SELECT seq =% 42 FROM seqs;
-- DNA4 rows with degenerate codes.
CREATE TABLE ests (id int, seq dna4);
INSERT INTO ests VALUES (1, 'ATCGWTCGATCG'), (2, 'ATCGNTCGATCG'), (3, 'RTCGATCGATCG');
SELECT id, kmersearch_matchscore(seq, 'ATCGATCGATCG') AS score, seq =% 'ATCGATCGATCG' AS matches FROM ests ORDER BY id;
SELECT id, kmersearch_matchscore(seq, 'ATCGWTCG') AS score FROM ests ORDER BY id;
-- T > 64 is reachable when SET LOCAL is undone (reference core §2.1 item 3).
BEGIN;
SET LOCAL kmersearch.occur_bitlen = 0;
SET kmersearch.kmer_size = 32;
COMMIT;
SELECT kmersearch_matchscore('ACGT'::dna2, repeat('ACGT', 10));
RESET ALL;
DROP TABLE seqs, ests;
