-- The SQL dialect around the sequences: serial keys, defaults, RETURNING, UPDATE/DELETE, aggregates, casts,
-- generate_series, composite results, regclass and DROP EXTENSION.
CREATE TABLE reads (id serial PRIMARY KEY, name text DEFAULT 'unnamed', seq dna4, added boolean DEFAULT true);
INSERT INTO reads (seq) VALUES ('ACGTACGT') RETURNING id, name, seq, added;
INSERT INTO reads (name, seq) VALUES ('r2', 'ACGTNNNN'), ('r3', 'ACGTRYKM') RETURNING *;
INSERT INTO reads (name, seq) SELECT 'gen' || i, repeat('ACGT', i) FROM generate_series(1, 3) AS g(i);
INSERT INTO reads (name, seq) SELECT 'gen' || i, repeat('ACGT', i)::dna4 FROM generate_series(1, 3) AS g(i);
SELECT id, name, seq, nuc_length(seq) FROM reads ORDER BY id;
UPDATE reads SET name = upper(name) WHERE id > 4 RETURNING id, name;
DELETE FROM reads WHERE name LIKE 'r%';
SELECT count(*), sum(nuc_length(seq)), avg(nuc_length(seq)), min(id), max(id) FROM reads;
SELECT added, count(*) FROM reads GROUP BY added ORDER BY added;
SELECT DISTINCT nuc_length(seq) % 8 AS remainder FROM reads ORDER BY 1;
SELECT id FROM reads ORDER BY id DESC LIMIT 2 OFFSET 1;
SELECT CASE WHEN nuc_length(seq) > 6 THEN 'long' ELSE 'short' END AS size, count(*) FROM reads GROUP BY 1 ORDER BY 1;
SELECT 'reads'::regclass;
SELECT (kmersearch_query_kmer_cache_stats()).hits;
SELECT * FROM generate_series(1, 3);
SELECT 1 + 2 * 3, 7 / 2, 7 % 3, 2.5 * 2, 'a' || 'b', 1 IN (1, 2), NULL IS NULL, 3 BETWEEN 1 AND 5;
SELECT length(repeat('ACGT', 25)), upper('acgt'), lower('ACGT');
DROP EXTENSION pg_kmersearch;
DROP EXTENSION pg_kmersearch CASCADE;
SELECT count(*) FROM reads;
CREATE EXTENSION pg_kmersearch;
SELECT 'ACGT'::dna2;
