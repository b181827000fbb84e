-- The high-frequency k-mer analysis (reference analysis §2, §3, §8; SPEC §6 with F5, F6, F12, F13):
-- kmersearch_perform_highfreq_analysis and its result composite, the threshold (IEEE truncation, NULL rows in
-- total_rows, the max_appearance_nrow cap), argument resolution and its errors, the tables and view of the stored
-- analyses, re-runs replacing results (F6), kmersearch_undo_highfreq_analysis and kmersearch_delete_tempfiles.
SET kmersearch.kmer_size = 4;
CREATE TABLE seqs (id int, seq dna2);
-- 14 rows, 2 of them NULL; every other row holds the same 8 keys.
INSERT INTO seqs SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'ACGTTGCAAGC'::dna2 END FROM generate_series(1, 14) AS i;
SET kmersearch.max_appearance_rate = 0.25;
-- 14 × 0.25 = 3.5 → threshold 3; the INFO lines of the reference about the written k-mers.
SELECT kmersearch_perform_highfreq_analysis('seqs', 'seq');
SELECT * FROM kmersearch_perform_highfreq_analysis('seqs', 'seq');
SELECT table_oid::regclass, column_name, kmer_size, occur_bitlen, max_appearance_rate, max_appearance_nrow,
       analysis_timestamp <= now() AS stamped
  FROM kmersearch_highfreq_kmer_meta;
SELECT uintkey, appearance_nrow, detection_reason, created_at <= now() AS created FROM kmersearch_highfreq_kmer ORDER BY uintkey;
SELECT table_name, column_name, kmer_size, highfreq_kmer_count FROM kmersearch_analysis_status;
-- The meta table stores the setting as %f then real; the result shows the setting as real.
SET kmersearch.max_appearance_rate = 0.1234567;
SELECT kmersearch_perform_highfreq_analysis('seqs', 'seq');
SELECT max_appearance_rate, max_appearance_nrow FROM kmersearch_highfreq_kmer_meta;
-- Rate 1: nothing is high-frequency and the threshold is total_rows; a re-run replaces the earlier keys (F6).
SET kmersearch.max_appearance_rate = 1;
SELECT kmersearch_perform_highfreq_analysis('seqs', 'seq');
SELECT count(*) FROM kmersearch_highfreq_kmer;
-- The cap, and the effective threshold reported as max_appearance_nrow_used.
SET kmersearch.max_appearance_rate = 0.5;
SET kmersearch.max_appearance_nrow = 2;
SELECT kmersearch_perform_highfreq_analysis('seqs', 'seq');
RESET kmersearch.max_appearance_nrow;
-- 100 rows: 100 × 0.29 → 28 and 100 × 0.15 → 15 in IEEE double arithmetic.
CREATE TABLE hundred (seq dna2);
INSERT INTO hundred SELECT 'ACGTTGCAAGC' FROM generate_series(1, 100);
SET kmersearch.max_appearance_rate = 0.29;
SELECT * FROM kmersearch_perform_highfreq_analysis('hundred', 'seq');
SET kmersearch.max_appearance_rate = 0.15;
SELECT * FROM kmersearch_perform_highfreq_analysis('hundred', 'seq');
-- Another k coexists with the first; the view counts distinct keys over both (the reference's join).
SET kmersearch.kmer_size = 5;
SET kmersearch.max_appearance_rate = 0;
SELECT kmersearch_perform_highfreq_analysis('seqs', 'seq');
SELECT table_name, column_name, kmer_size, max_appearance_rate, highfreq_kmer_count FROM kmersearch_analysis_status ORDER BY table_name, kmer_size;
-- Zero workers: the analysis runs in the calling thread (F12).
SET max_parallel_maintenance_workers = 0;
SELECT kmersearch_perform_highfreq_analysis('seqs', 'seq');
RESET max_parallel_maintenance_workers;
-- Argument resolution, in the reference's order.
SELECT kmersearch_perform_highfreq_analysis('Seqs', 'seq');
SELECT kmersearch_perform_highfreq_analysis('public.seqs', 'seq');
SELECT kmersearch_perform_highfreq_analysis('4000000', 'seq');
SELECT kmersearch_perform_highfreq_analysis('4000000', '1');
SELECT kmersearch_perform_highfreq_analysis('seqs', '3');
SELECT kmersearch_perform_highfreq_analysis('seqs', '0');
SELECT kmersearch_perform_highfreq_analysis('seqs', 'id');
SELECT kmersearch_perform_highfreq_analysis('seqs', '1');
SELECT kmersearch_perform_highfreq_analysis('seqs', NULL) IS NULL AS strict;
-- The system tables are read-only here (kmersearch_undo_highfreq_analysis removes analyses).
DELETE FROM kmersearch_highfreq_kmer;
-- Undo: every k of (table, column); the column is not validated; 64 bytes per key.
SELECT kmersearch_undo_highfreq_analysis('seqs', 'other');
SELECT kmersearch_undo_highfreq_analysis('seqs', 'seq');
SELECT * FROM kmersearch_undo_highfreq_analysis('seqs', 'seq');
SELECT kmersearch_undo_highfreq_analysis('nothing', 'seq');
-- A dropped table leaves its analysis behind, with no table name.
DROP TABLE hundred;
SELECT table_name, column_name, kmer_size FROM kmersearch_analysis_status;
SELECT * FROM kmersearch_delete_tempfiles();
