-- kmersearch GIN indexes: CREATE INDEX with the six operator classes and their width checks (reference core §2.4),
-- kmersearch_index_info (analysis §8.4–§8.6), EXPLAIN of the index and the sequential path (core §3.7, SPEC §4),
-- searches through the index, the settings an index records (deviation F7), DROP INDEX and REINDEX.
SET kmersearch.kmer_size = 4;
CREATE TABLE seqs (id int, name text, seq dna2);
INSERT INTO seqs SELECT i, 'seq' || i, substr(repeat('ATCGATCGGGCCTTAA', 4), i % 16 + 1, 8 + i % 9)::dna2 FROM generate_series(1, 100) AS i;
INSERT INTO seqs VALUES (101, 'empty', NULL), (102, 'short', 'ATC');
-- k = 4, b = 8: 16 bits, which only int2 stores optimally.
CREATE INDEX ON seqs USING gin (seq kmersearch_dna2_gin_ops_int4);
CREATE INDEX ON seqs USING gin (seq kmersearch_dna2_gin_ops_int8);
SET kmersearch.kmer_size = 8;
CREATE INDEX ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
SET kmersearch.kmer_size = 4;
CREATE INDEX ON seqs USING gin (seq kmersearch_dna4_gin_ops_int2);
CREATE INDEX ON seqs USING gin (seq);
CREATE INDEX ON seqs USING btree (seq kmersearch_dna2_gin_ops_int2);
CREATE INDEX ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
CREATE INDEX seqs_seq_idx ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
CREATE INDEX IF NOT EXISTS seqs_seq_idx ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
SELECT index_oid::regclass, table_oid::regclass, column_name, kmer_size, occur_bitlen, total_nrow, highfreq_kmer_count,
       max_appearance_rate, max_appearance_nrow, preclude_highfreq_kmer, created_at <= now() AS created
  FROM kmersearch_index_info;
SELECT * FROM kmersearch_gin_index_meta;
-- Searches through the index return what a sequential scan returns.
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGGG';
SELECT id, kmersearch_matchscore(seq, 'ATCGATCGGG') AS score FROM seqs WHERE seq =% 'ATCGATCGGG' ORDER BY score DESC, id LIMIT 5;
EXPLAIN (COSTS OFF) SELECT name, kmersearch_matchscore(seq, 'ATCGATCGGG') FROM seqs
  WHERE seq =% 'ATCGATCGGG' ORDER BY 2 DESC LIMIT 5;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGGG' AND id > 50;
SELECT count(*), sum(kmersearch_matchscore(seq, 'ATCGATCGGG')) FROM seqs WHERE seq =% 'ATCGATCGGG';
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGGG';
SELECT count(*), sum(kmersearch_matchscore(seq, 'ATCGATCGGG')) FROM seqs WHERE seq =% 'ATCGATCGGG';
RESET enable_bitmapscan;
-- An index is used only under the settings it was built with, and EXPLAIN says why not.
SET kmersearch.occur_bitlen = 4;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGGG';
SELECT count(*) FROM seqs WHERE seq =% 'ATCGATCGGG';
RESET kmersearch.occur_bitlen;
-- With min_score = 0 and min_shared_kmer_rate = 0 every row with a sequence matches: only a scan finds them (F4).
SET kmersearch.min_score = 0;
SET kmersearch.min_shared_kmer_rate = 0;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGGG';
SELECT count(*) FROM seqs WHERE seq =% 'ATCGATCGGG';
RESET kmersearch.min_score;
RESET kmersearch.min_shared_kmer_rate;
-- The index follows inserts, updates and deletes in the same statement.
INSERT INTO seqs VALUES (103, 'new', 'GGATCGATCGGGAA');
UPDATE seqs SET id = 104 WHERE id = 103;
DELETE FROM seqs WHERE id < 20;
SELECT id, kmersearch_matchscore(seq, 'ATCGATCGGG') AS score FROM seqs WHERE seq =% 'ATCGATCGGG' ORDER BY score DESC, id LIMIT 3;
-- A query text that =% rejects fails as it does row by row.
SELECT id FROM seqs WHERE seq =% 'ATC';
SELECT id FROM seqs WHERE seq =% 'ATCGX';
-- REINDEX rebuilds with the current settings and records them.
SET kmersearch.occur_bitlen = 0;
REINDEX INDEX seqs_seq_idx;
SELECT index_oid::regclass, kmer_size, occur_bitlen FROM kmersearch_index_info;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCGGG';
SET kmersearch.kmer_size = 12;
REINDEX TABLE seqs;
RESET kmersearch.kmer_size;
RESET kmersearch.occur_bitlen;
-- DROP INDEX and DROP TABLE remove indexes and their kmersearch_index_info rows.
DROP INDEX seqs_seq_idx;
DROP INDEX seqs_seq_idx;
DROP INDEX IF EXISTS seqs_seq_idx;
DROP INDEX seqs;
SELECT count(*) FROM kmersearch_index_info;
-- k = 16, b = 8 (the defaults): 40 bits, int8; a DNA4 table.
CREATE TABLE reads (id int, seq dna4);
INSERT INTO reads VALUES (1, 'ATCGATCGATCGATCGATCGNNATCG'), (2, 'ATCGATCGATCGATCGWTCG'), (3, 'GGGGGGGGGGGGGGGGGGGG');
CREATE INDEX reads_seq_idx ON reads USING gin (seq kmersearch_dna4_gin_ops_int8);
SELECT index_oid::regclass, kmer_size, occur_bitlen FROM kmersearch_index_info;
SELECT id, kmersearch_matchscore(seq, 'ATCGATCGATCGATCGATCG') AS score FROM reads WHERE seq =% 'ATCGATCGATCGATCGATCG' ORDER BY id;
DROP TABLE reads;
SELECT count(*) FROM kmersearch_index_info;
