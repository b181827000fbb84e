-- DNA2 and DNA4: text input and output, the packed binary form, lengths, ordering and hashing
-- (reference core §1; deviations F8 and F9).
CREATE EXTENSION IF NOT EXISTS pg_kmersearch;
SELECT 'ACGT'::dna2;
SELECT 'acgtu'::dna2 AS lower_case_and_u;
SELECT ''::dna2 AS empty;
SELECT 'ACGTN'::dna2;
SELECT 'ACGTMRWSYKVHDBN'::dna4;
SELECT 'acgtmrwsykvhdbnu'::dna4;
SELECT 'ACGT-'::dna4;
SELECT ' ACGT'::dna2;
SELECT kmersearch_dna2_to_bytea('ACGTA'::dna2), kmersearch_dna4_to_bytea('ACGTA'::dna4),
       kmersearch_dna2_to_bytea(''::dna2);
SELECT bit_length('ACGTA'::dna2), nuc_length('ACGTA'::dna2), length('ACGTA'::dna2), char_length('ACGTA'::dna2);
SELECT bit_length('ACGTA'::dna4), nuc_length('ACGTA'::dna4), length('ACGTA'::dna4), char_length('ACGTA'::dna4);
CREATE TABLE ordering (s dna2);
INSERT INTO ordering VALUES ('AAA'), ('GG'), (''), ('T'), ('CA');
SELECT s FROM ordering ORDER BY s;
SELECT s FROM ordering ORDER BY s DESC;
SELECT count(*), min(s), max(s) FROM ordering;
SELECT 'ACGT'::dna2 = 'ACGT'::dna2 AS same, 'ACGT'::dna2 <> 'ACG'::dna2 AS differ, 'A'::dna2 < 'AA'::dna2 AS shorter_first;
SELECT 'AC'::dna4 < 'AG'::dna4 AS ac_before_ag, 'N'::dna4 > 'A'::dna4 AS n_after_a;
SELECT kmersearch_dna2_hash(''::dna2) AS empty, kmersearch_dna2_hash('ACGT'::dna2) AS acgt,
       kmersearch_dna2_hash('ACGTA'::dna2) AS acgta;
SELECT kmersearch_dna2_hash('A'::dna2) = kmersearch_dna2_hash('AAAA'::dna2) AS length_not_hashed;
SELECT kmersearch_dna2_hash_extended('ACGT'::dna2, 0) AS seed0, kmersearch_dna2_hash_extended('ACGT'::dna2, 1) AS seed1;
SELECT kmersearch_dna4_hash('ACGT'::dna4), kmersearch_dna4_hash_extended('ACGT'::dna4, 42);
SELECT s, count(*) FROM (VALUES ('ACGT'::dna2), ('ACGT'::dna2), ('TTTT'::dna2)) AS v(s) GROUP BY s ORDER BY s;
SELECT 'ACGT'::dna2::text || '!' AS as_text;
SELECT 'acgt'::text::dna4 AS from_text;
DROP TABLE ordering;
