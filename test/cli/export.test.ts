/**
 * `kmersearch export`: the script's shape (settings, extension, CREATE TABLE with serials and constraints, COPY
 * data in PostgreSQL's text format, setval, CREATE INDEX), `--dna-as-text`, `--table`, `-o`, and a round trip:
 * the script loaded by the kmersearch shell gives back the same rows and sequence positions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/index.js';
import { kmersearch, temporaryDirectory, withDatabase } from './subcommand-helpers.js';

let directory: { path: string; remove(): void };
let database: string;
/** Whether CREATE INDEX is available yet (the index issue adds it); the index checks run once it is. */
let indexCreated = false;

beforeAll(async () => {
  directory = temporaryDirectory('export');
  database = join(directory.path, 'db');
  await withDatabase(database, async (engine) => {
    await engine.exec(`
      CREATE TABLE "Refs" (id bigserial PRIMARY KEY, name text UNIQUE NOT NULL, seq dna2, note varchar(8) DEFAULT 'n/a', score real);
      CREATE TABLE reads (read_id serial, seq dna4, raw bytea, taken timestamptz, ok boolean);
      INSERT INTO "Refs" (name, seq, score) VALUES ('r1', 'ACGTACGTAC', 1.5), (E'tab\\there', 'GGGG', NULL), ('back\\slash', NULL, -0.25);
      INSERT INTO reads (seq, raw, taken, ok) VALUES ('ACGTNRY', '\\x00ff', '2024-02-29 12:34:56.789+00', true), (NULL, NULL, NULL, NULL);
      DELETE FROM reads WHERE read_id = 2;
    `);
    try {
      // int4 stores 2k + b <= 32 bits: k = 12 with the default b = 8 (the index records k = 12, deviation F7).
      await engine.query('SET kmersearch.kmer_size = 12');
      await engine.query('CREATE INDEX refs_seq_idx ON "Refs" USING gin (seq kmersearch_dna2_gin_ops_int4)');
      indexCreated = true;
    } catch (error) {
      if (!(error instanceof KmerSearchError && error.code === '0A000')) throw error;
      console.warn('export tests: CREATE INDEX is not supported yet; the CREATE INDEX part of the script is not checked');
    }
  });
});
afterAll(() => directory.remove());

describe('kmersearch export', () => {
  it('writes settings, the extension, tables, data in text format, sequence positions and indexes', async () => {
    const result = await kmersearch(['export', '-q', '-d', database]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const script = result.stdout;
    expect(script).toContain('\\encoding UTF8\n');
    expect(script).toContain('CREATE EXTENSION IF NOT EXISTS pg_kmersearch;\n');
    expect(script).toContain("SET kmersearch.kmer_size = '16';\nSET kmersearch.occur_bitlen = '8';\n");
    expect(script).toContain(
      [
        'CREATE TABLE "Refs" (',
        '    id bigserial,',
        '    name text NOT NULL,',
        '    seq dna2,',
        "    note character varying(8) DEFAULT 'n/a',",
        '    score real,',
        '    CONSTRAINT "Refs_pkey" PRIMARY KEY (id),',
        '    CONSTRAINT "Refs_name_key" UNIQUE (name)',
        ');',
        '',
        'COPY "Refs" (id, name, seq, note, score) FROM stdin;',
        '1\tr1\tACGTACGTAC\tn/a\t1.5',
        '2\ttab\\there\tGGGG\tn/a\t\\N',
        '3\tback\\\\slash\t\\N\tn/a\t-0.25',
        '\\.',
        '',
        "SELECT setval('\"Refs_id_seq\"', 3, true);",
        '',
      ].join('\n'),
    );
    expect(script).toContain(
      [
        'CREATE TABLE reads (',
        '    read_id serial,',
        '    seq dna4,',
        '    raw bytea,',
        '    taken timestamp with time zone,',
        '    ok boolean',
        ');',
        '',
        'COPY reads (read_id, seq, raw, taken, ok) FROM stdin;',
        '1\tACGTNRY\t\\\\x00ff\t2024-02-29 12:34:56.789+00\tt',
        '\\.',
        '',
        "SELECT setval('reads_read_id_seq', 2, true);",
      ].join('\n'),
    );
    if (indexCreated) {
      // The index's recorded settings come first, so that the loading session builds it with them.
      expect(script).toContain(
        [
          "SET kmersearch.occur_bitlen = '0';",
          "SET kmersearch.kmer_size = '12';",
          "SET kmersearch.occur_bitlen = '8';",
          "SET kmersearch.max_appearance_rate = '0.5';",
          "SET kmersearch.max_appearance_nrow = '0';",
          "SET kmersearch.preclude_highfreq_kmer = 'off';",
          'CREATE INDEX refs_seq_idx ON "Refs" USING gin (seq kmersearch_dna2_gin_ops_int4);',
          '',
        ].join('\n'),
      );
    }
  });

  it('loads back into kmersearch with the same rows and sequence positions', async () => {
    const dump = join(directory.path, 'dump.sql');
    expect((await kmersearch(['export', '-q', '-d', database, '-o', dump])).status).toBe(0);
    const copy = join(directory.path, 'copy');
    const loaded = await kmersearch(['-d', copy, '-q', '-v', 'ON_ERROR_STOP=1', '-f', dump]);
    expect(loaded.stderr).toBe('');
    expect(loaded.status).toBe(0);
    const snapshot = async (path: string): Promise<unknown> =>
      withDatabase(path, async (engine) => ({
        refs: (await engine.queryText('SELECT * FROM "Refs" ORDER BY id')).rows,
        reads: (await engine.queryText('SELECT * FROM reads ORDER BY read_id')).rows,
        next: [(await engine.query(`SELECT nextval('"Refs_id_seq"') AS a, nextval('reads_read_id_seq') AS b`)).rows],
      }));
    expect(await snapshot(copy)).toEqual(await snapshot(database));
  });

  /** A table `split` of four rows in two partitions, indexed by kmersearch_parallel_create_index at k = 12. */
  const partitionedSplit = `
    CREATE TABLE split (id serial PRIMARY KEY, seq dna2);
    INSERT INTO split (seq) VALUES ('ACGTACGTACGTACGTAA'), ('TTTTTTTTTTTTTTTTTTTT'), ('GGGGCCCCAAAATTTTACGT'), ('CCCCCCCCCCCCCCCCAAAA');
    SELECT kmersearch_partition_table('split', 2);
    SET kmersearch.kmer_size = 12;
    SELECT * FROM kmersearch_parallel_create_index('split', 'seq');
  `;

  it('exports a partitioned table as one table partitioned again on load, with its partitions\' indexes', async () => {
    const source = join(directory.path, 'partitioned');
    await withDatabase(source, async (engine) => {
      await engine.exec(partitionedSplit);
    });
    const script = (await kmersearch(['export', '-q', '-d', source])).stdout;
    // One CREATE TABLE and one COPY with all four rows; the partitions only as the partitioning call and indexes.
    expect(script.match(/CREATE TABLE/g)).toHaveLength(1);
    expect(script).toContain("SELECT kmersearch_partition_table('split', 2);\n");
    expect(script).toContain('CREATE INDEX split_0_seq_gin_idx ON split_0 USING gin (seq kmersearch_dna2_gin_ops_int4);');
    expect(script).toContain('CREATE INDEX split_1_seq_gin_idx ON split_1 USING gin (seq kmersearch_dna2_gin_ops_int4);');
    expect(script.indexOf('kmersearch_partition_table')).toBeLessThan(script.indexOf('CREATE INDEX split_0'));
    const dump = join(directory.path, 'partitioned.sql');
    expect((await kmersearch(['export', '-q', '-d', source, '-o', dump])).status).toBe(0);
    const copy = join(directory.path, 'partitioned-copy');
    const loaded = await kmersearch(['-d', copy, '-q', '-v', 'ON_ERROR_STOP=1', '-f', dump]);
    expect(loaded.status).toBe(0);
    const contents = async (path: string): Promise<unknown> =>
      withDatabase(path, async (engine) => ({
        partitions: (await engine.queryText("SELECT 0 AS p, id, seq FROM split_0 UNION ALL SELECT 1, id, seq FROM split_1 ORDER BY 1, 2")).rows,
        indexes: (await engine.queryText('SELECT index_oid::regclass, kmer_size FROM kmersearch_index_info ORDER BY 1')).rows,
        next: (await engine.query("SELECT nextval('split_id_seq') AS next")).rows,
      }));
    expect(await contents(copy)).toEqual(await contents(source));
  });

  it('exports a partitioned index as one CREATE INDEX on the table, which creates the partitions\' indexes again on load', async () => {
    const source = join(directory.path, 'partitioned-index');
    await withDatabase(source, async (engine) => {
      await engine.exec(partitionedSplit);
      await engine.exec(`
        DROP INDEX split_1_seq_gin_idx;
        CREATE INDEX split_idx ON split USING gin (seq kmersearch_dna2_gin_ops_int4);
      `);
    });
    const script = (await kmersearch(['export', '-q', '-d', source])).stdout;
    // split_0's index existed and was attached: exported before the partitioned index, attached again on load.
    const indexes = script.split('\n').filter((line) => line.startsWith('CREATE INDEX'));
    expect(indexes).toEqual([
      'CREATE INDEX split_0_seq_gin_idx ON split_0 USING gin (seq kmersearch_dna2_gin_ops_int4);',
      'CREATE INDEX split_idx ON split USING gin (seq kmersearch_dna2_gin_ops_int4);',
    ]);
    const dump = join(directory.path, 'partitioned-index.sql');
    expect((await kmersearch(['export', '-q', '-d', source, '-o', dump])).status).toBe(0);
    const copy = join(directory.path, 'partitioned-index-copy');
    expect((await kmersearch(['-d', copy, '-q', '-v', 'ON_ERROR_STOP=1', '-f', dump])).status).toBe(0);
    const contents = async (path: string): Promise<unknown> =>
      withDatabase(path, async (engine) => {
        const query = "SELECT id FROM split WHERE seq =% 'ACGTACGTACGTACGTAA' ORDER BY id";
        await engine.exec('SET kmersearch.kmer_size = 12');
        return {
          indexes: (await engine.queryText('SELECT index_oid::regclass, table_oid::regclass, kmer_size FROM kmersearch_index_info ORDER BY 1')).rows,
          plan: (await engine.queryText(`EXPLAIN ${query}`)).rows.flatMap((row) => (row[0]?.includes('Index Scan') === true ? [row[0].trim()] : [])),
          rows: (await engine.queryText(query)).rows,
          attachedDrop: await engine.query('DROP INDEX split_1_seq_idx').then(
            () => 'dropped',
            (error: unknown) => (error as KmerSearchError).message,
          ),
        };
      });
    const original = await contents(source);
    expect(original).toMatchObject({
      indexes: [['split_0_seq_gin_idx', 'split_0', '12'], ['split_idx', 'split', '12']],
      plan: ['->  Bitmap Index Scan on split_0_seq_gin_idx', '->  Bitmap Index Scan on split_1_seq_idx'],
      attachedDrop: 'cannot drop index split_1_seq_idx because index split_idx requires it',
    });
    expect(await contents(copy)).toEqual(original);
  });

  it('--dna-as-text writes DNA as text and leaves out what needs pg_kmersearch; --table picks tables', async () => {
    const result = await kmersearch(['export', '-q', '-d', database, '--dna-as-text', '--table', '"Refs"']);
    expect(result.status).toBe(0);
    const script = result.stdout;
    expect(script).not.toContain('EXTENSION');
    expect(script).not.toContain('kmersearch.');
    expect(script).not.toContain('CREATE INDEX');
    expect(script).not.toContain('CREATE TABLE reads');
    expect(script).toContain('    seq text,\n');
    expect(script).toContain('1\tr1\tACGTACGTAC\tn/a\t1.5\n');
  });

  it('answers --help, unknown tables, unwritable output and missing databases with the documented statuses', async () => {
    const help = await kmersearch(['export', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Load the script with:  psql -d mydb -v ON_ERROR_STOP=1 -f dump.sql');
    expect(await kmersearch(['export', '-d', database, '-t', 'nope'])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'kmersearch export: ERROR:  relation "nope" does not exist\n',
    });
    const unwritable = await kmersearch(['export', '-d', database, '-o', join(directory.path, 'no', 'such', 'dump.sql')]);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toContain('No such file or directory');
    const missing = await kmersearch(['export', '-d', join(directory.path, 'nowhere')]);
    expect(missing.status).toBe(2);
    const progress = await kmersearch(['export', '-d', database, '-o', join(directory.path, 'progress.sql')]);
    expect(progress.stderr).toBe('table Refs: 3 rows\ntable reads: 1 rows\n');
    expect(readFileSync(join(directory.path, 'progress.sql'), 'utf8')).toContain('COPY reads');
  });
});
