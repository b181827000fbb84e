-- Hash partitioning by the DNA column (analysis §9, SPEC §7.2–7.3): kmersearch_partition_table with the
-- reference's INFO lines and routing (Appendix A), a partitioned table queried like any table (Append over the
-- partitions in EXPLAIN, pruned to those an equality can match), writes routed and moved, uniqueness across
-- partitions and serial counters kept (deviation F10), kmersearch_parallel_create_index (F11),
-- kmersearch_unpartition_table, and the errors.
SET kmersearch.kmer_size = 4;
CREATE TABLE seqs (id serial PRIMARY KEY, name text UNIQUE, seq dna2 NOT NULL, note text DEFAULT 'none');
INSERT INTO seqs (name, seq) VALUES
  ('a', 'ATCGATCGATCGATCG'), ('b', 'GCTAGCTAGCTAGCTA'), ('c', 'TTTTTTTTTTTTTTTT'), ('d', 'AAAAAAAAAAAAAAAA'),
  ('e', 'CCCCCCCCCCCCCCCC'), ('f', 'GGGGGGGGGGGGGGGG'), ('g', 'ATGCATGCATGCATGC'), ('h', 'CGCGCGCGCGCGCGCG');
SELECT kmersearch_partition_table('seqs', 4);
-- PostgreSQL's distribution of these eight values: 4, 3, 1, 0.
SELECT 'seqs_0' AS partition, count(*) FROM seqs_0 UNION ALL SELECT 'seqs_1', count(*) FROM seqs_1
  UNION ALL SELECT 'seqs_2', count(*) FROM seqs_2 UNION ALL SELECT 'seqs_3', count(*) FROM seqs_3;
SELECT id, name, seq, note FROM seqs ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCG' ORDER BY id;
SELECT id, kmersearch_matchscore(seq, 'ATCGATCG') AS score FROM seqs WHERE seq =% 'ATCGATCG' ORDER BY id;
-- Plan-time pruning: equalities and IN lists on the DNA column scan only the partitions their values hash to (one
-- scan alone, several under an Append, none: a Result that never runs); enable_partition_pruning = off scans all.
EXPLAIN (COSTS OFF) SELECT id, name FROM seqs WHERE seq = 'TTTTTTTTTTTTTTTT';
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq IN ('AAAAAAAAAAAAAAAA', 'GGGGGGGGGGGGGGGG') OR seq = 'ATCGATCGATCGATCG' ORDER BY id;
EXPLAIN (COSTS OFF) UPDATE seqs SET note = 'x' WHERE seq = 'CCCCCCCCCCCCCCCC' AND name = 'e';
EXPLAIN (COSTS OFF) SELECT count(*) FROM seqs WHERE seq = NULL;
SET enable_partition_pruning = off;
EXPLAIN (COSTS OFF) SELECT id, name FROM seqs WHERE seq = 'TTTTTTTTTTTTTTTT';
RESET enable_partition_pruning;
-- Inserts are routed, serial ids continue, and keys are unique across the partitions.
INSERT INTO seqs (name, seq) VALUES ('i', 'TTTTTTTTTTTTTTTT') RETURNING *;
SELECT name FROM seqs_1 ORDER BY name;
INSERT INTO seqs (name, seq) VALUES ('a', 'GGGGGGGGGGGGGGGG');
INSERT INTO seqs (id, name, seq) VALUES (1, 'z', 'TTTTTTTTTTTTTTTT');
INSERT INTO seqs (name, seq) VALUES ('n', NULL);
-- An UPDATE that changes the DNA value moves the row to its new partition.
UPDATE seqs SET seq = 'GGGGGGGGGGGGGGGG' WHERE name = 'i' RETURNING id, name;
SELECT name FROM seqs_2 ORDER BY name;
DELETE FROM seqs WHERE name IN ('b', 'i');
EXPLAIN (COSTS OFF) DELETE FROM seqs WHERE name = 'b';
-- One index per partition, built in parallel; the failing and timing columns are left out here.
SELECT partition_name, index_name, rows_processed, success, error_message
  FROM kmersearch_parallel_create_index('seqs', 'seq');
SELECT index_oid::regclass, table_oid::regclass, column_name, kmer_size, occur_bitlen FROM kmersearch_index_info ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT id FROM seqs WHERE seq =% 'ATCGATCG';
SELECT id, kmersearch_matchscore(seq, 'ATCGATCG') AS score FROM seqs WHERE seq =% 'ATCGATCG' ORDER BY id;
SELECT partition_name, success, error_message FROM kmersearch_parallel_create_index('seqs', 'seq');
-- CREATE INDEX on the partitioned table attaches the partitions' equivalent indexes to a partitioned index.
CREATE INDEX seqs_idx ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
SELECT index_oid::regclass, table_oid::regclass FROM kmersearch_index_info ORDER BY 1;
DROP INDEX seqs_1_seq_gin_idx;
-- With none left to attach, it creates and builds one per partition, named as PostgreSQL names them.
CREATE INDEX ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
SELECT index_oid::regclass, table_oid::regclass FROM kmersearch_index_info ORDER BY 1;
DROP INDEX seqs_2_seq_idx;
CREATE INDEX CONCURRENTLY ON seqs USING gin (seq kmersearch_dna2_gin_ops_int2);
REINDEX INDEX seqs_seq_idx;
REINDEX TABLE seqs;
DROP INDEX seqs_idx;
DROP TABLE seqs_0;
-- Errors of the partition helpers.
SELECT kmersearch_partition_table('seqs', 2);
SELECT kmersearch_partition_table('seqs', 0);
SELECT kmersearch_partition_table('nothing', 2);
SELECT kmersearch_partition_table(NULL, 2);
CREATE TABLE plain (id int);
SELECT kmersearch_partition_table('plain', 2);
SELECT kmersearch_unpartition_table('plain');
SELECT * FROM kmersearch_parallel_create_index('plain', 'id');
SELECT * FROM kmersearch_parallel_create_index('seqs', 'note');
-- Back to one table: the rows, the defaults and the serial counter are still there; the partitions are gone.
SELECT kmersearch_unpartition_table('seqs');
SELECT id, name, seq, note FROM seqs ORDER BY id;
INSERT INTO seqs (name, seq) VALUES ('j', 'ACGTACGT') RETURNING id, note;
SELECT count(*) FROM seqs_0;
SELECT count(*) FROM kmersearch_index_info;
