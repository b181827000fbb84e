/**
 * CREATE INDEX, DROP INDEX, REINDEX and the index metadata views: PostgreSQL's and the reference's texts, the
 * width check of the six operator classes against the current settings (reference core §2.4), the recorded
 * settings (deviation F7), kmersearch_index_info / kmersearch_gin_index_meta rows (analysis §8.3–§8.6), and the
 * index's life with its table (DROP TABLE, TRUNCATE, DROP EXTENSION, ROLLBACK).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmerSearch } from '../../src/index.js';
import { ginIndexOptions } from '../../src/gin/index.js';
import { StorageEngine } from '../../src/storage/index.js';
import { expectError, noticeCollector, openDatabase, textRows } from './engine-helpers.js';

async function tableWithRows(db: KmerSearch, type = 'dna2'): Promise<void> {
  await db.exec(`
    CREATE TABLE t (id int, seq ${type});
    INSERT INTO t VALUES (1, 'ACGTACGTAC'), (2, 'TTTTGGGGCC'), (3, NULL), (4, 'ACG');
  `);
}

describe('CREATE INDEX', () => {
  it('accepts the six operator classes when the width fits the current k and b, and names indexes as PostgreSQL', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE t (id int, s2 dna2, s4 dna4)');
    const layouts = [
      { k: 4, b: 8, storage: 'int2' },
      { k: 12, b: 8, storage: 'int4' },
      { k: 16, b: 8, storage: 'int8' },
    ];
    for (const { k, b, storage } of layouts) {
      await db.exec(`SET kmersearch.occur_bitlen = 0; SET kmersearch.kmer_size = ${k}; SET kmersearch.occur_bitlen = ${b}`);
      for (const column of ['s2', 's4']) {
        const result = await db.query(`CREATE INDEX ON t USING gin (${column} kmersearch_${column === 's2' ? 'dna2' : 'dna4'}_gin_ops_${storage})`);
        expect(result.commandTag).toBe('CREATE INDEX');
      }
    }
    expect(await textRows(db, 'SELECT index_oid::regclass, column_name, kmer_size, occur_bitlen FROM kmersearch_index_info')).toEqual([
      ['t_s2_idx', 's2', '4', '8'],
      ['t_s4_idx', 's4', '4', '8'],
      ['t_s2_idx1', 's2', '12', '8'],
      ['t_s4_idx1', 's4', '12', '8'],
      ['t_s2_idx2', 's2', '16', '8'],
      ['t_s4_idx2', 's4', '16', '8'],
    ]);
  });

  it('checks the operator class width against the current settings with the reference texts, also on an empty table', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE t (seq dna2)');
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)', {
      code: '22023',
      message: 'operator class kmersearch_*_gin_ops_int4 cannot store current configuration',
      detail: 'Required bits: 40 (kmer_size=16 * 2 + occur_bitlen=8), Storage capacity: 32 bits',
      hint: 'Use kmersearch_*_gin_ops_int8 operator class for this configuration',
    });
    await db.query('SET kmersearch.kmer_size = 4');
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', {
      code: '22023',
      message: 'operator class kmersearch_*_gin_ops_int8 is not optimal for current configuration',
      detail: 'Current configuration requires 16 bits (kmer_size=4 * 2 + occur_bitlen=8)',
      hint: 'Use kmersearch_*_gin_ops_int2 operator class for optimal performance and memory usage',
    });
    await db.query('SET kmersearch.occur_bitlen = 0');
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int4)', {
      code: '22023',
      message: 'operator class kmersearch_*_gin_ops_int4 is not optimal for current configuration',
      detail: 'Current configuration requires 8 bits (kmer_size=4 * 2 + occur_bitlen=0)',
      hint: 'Use kmersearch_*_gin_ops_int2 operator class for optimal performance and memory usage',
    });
    // Nothing was created by the failed statements.
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['0']]);
  });

  it('answers a missing, unknown or mismatching operator class and other access methods with PostgreSQL texts', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE t (id int, seq dna2, s4 dna4, name text)');
    await expectError(db, 'CREATE INDEX ON t USING gin (seq)', {
      code: '42704',
      message: 'data type dna2 has no default operator class for access method "gin"',
      hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (name)', {
      code: '42704',
      message: 'data type text has no default operator class for access method "gin"',
      hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna4_gin_ops_int8)', {
      code: '42804',
      message: 'operator class "kmersearch_dna4_gin_ops_int8" does not accept data type dna2',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (id kmersearch_dna2_gin_ops_int8)', {
      code: '42804',
      message: 'operator class "kmersearch_dna2_gin_ops_int8" does not accept data type integer',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int16)', {
      code: '42704',
      message: 'operator class "kmersearch_dna2_gin_ops_int16" does not exist for access method "gin"',
    });
    await expectError(db, 'CREATE INDEX ON t USING btree (seq kmersearch_dna2_gin_ops_int8)', {
      code: '42704',
      message: 'operator class "kmersearch_dna2_gin_ops_int8" does not exist for access method "btree"',
    });
    await expectError(db, 'CREATE INDEX ON t (seq kmersearch_dna2_gin_ops_int8)', {
      code: '42704',
      message: 'operator class "kmersearch_dna2_gin_ops_int8" does not exist for access method "btree"',
    });
    await expectError(db, 'CREATE INDEX ON t USING hash (id)', {
      code: '0A000',
      message: 'index access method "hash" is not supported',
      hint: 'kmersearch has the GIN operator classes kmersearch_dna2_gin_ops_int2/int4/int8 and kmersearch_dna4_gin_ops_int2/int4/int8.',
    });
    await expectError(db, 'CREATE INDEX ON t USING rtree (seq kmersearch_dna2_gin_ops_int8)', {
      code: '42704',
      message: 'access method "rtree" does not exist',
    });
    await expectError(db, 'CREATE UNIQUE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', {
      code: '0A000',
      message: 'access method "gin" does not support unique indexes',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (nope kmersearch_dna2_gin_ops_int8)', { code: '42703', message: 'column "nope" does not exist' });
    await expectError(db, 'CREATE INDEX ON nope USING gin (seq kmersearch_dna2_gin_ops_int8)', { code: '42P01', message: 'relation "nope" does not exist' });
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8 DESC)', {
      code: '0A000',
      message: 'access method "gin" does not support ASC/DESC options',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8) WITH (fillfactor = 50)', {
      code: '22023',
      message: 'unrecognized parameter "fillfactor"',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8) WITH (gin_pending_list_limit = 10)', {
      code: '22023',
      message: 'value 10 out of bounds for option "gin_pending_list_limit"',
      detail: 'Valid values are between "64" and "2147483647".',
    });
    await expectError(db, 'CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8) TABLESPACE fast', {
      code: '42704',
      message: 'tablespace "fast" does not exist',
    });
    await db.query('CREATE INDEX i ON t USING gin (seq kmersearch_dna2_gin_ops_int8)');
    await expectError(db, 'CREATE INDEX ON i USING gin (seq kmersearch_dna2_gin_ops_int8)', {
      code: '42809',
      message: 'cannot create index on relation "i"',
      detail: 'This operation is not supported for indexes.',
    });
  });

  it('IF NOT EXISTS skips an existing name with a NOTICE; without it the name is an error', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.query('CREATE INDEX i ON t USING gin (seq kmersearch_dna2_gin_ops_int8)');
    await expectError(db, 'CREATE INDEX i ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', { code: '42P07', message: 'relation "i" already exists' });
    await expectError(db, 'CREATE INDEX t ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', { code: '42P07', message: 'relation "t" already exists' });
    const { notices, options } = noticeCollector();
    expect((await db.query('CREATE INDEX IF NOT EXISTS i ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', [], options)).commandTag).toBe('CREATE INDEX');
    expect(notices).toEqual([{ severity: 'NOTICE', code: '42P07', message: 'relation "i" already exists, skipping' }]);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['1']]);
  });

  it('kmersearch_index_info has the reference columns and rows; kmersearch_gin_index_meta stays empty', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.exec(`
      SET kmersearch.kmer_size = 8;
      SET kmersearch.occur_bitlen = 4;
      SET kmersearch.max_appearance_rate = 0.2;
      SET kmersearch.max_appearance_nrow = 7;
    `);
    await db.query('BEGIN');
    const now = (await db.query<{ now: Date }>('SELECT now()')).rows[0]?.now;
    await db.query('CREATE INDEX seq_gin ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    await db.query('COMMIT');
    const info = await db.query('SELECT * FROM kmersearch_index_info');
    expect(info.fields.map((field) => `${field.name}:${field.typeName}`)).toEqual([
      'index_oid:oid',
      'table_oid:oid',
      'column_name:name',
      'kmer_size:integer',
      'occur_bitlen:integer',
      'total_nrow:bigint',
      'highfreq_kmer_count:integer',
      'max_appearance_rate:real',
      'max_appearance_nrow:integer',
      'preclude_highfreq_kmer:boolean',
      'created_at:timestamp with time zone',
    ]);
    expect(info.rows).toHaveLength(1);
    expect(info.rows[0]).toMatchObject({
      column_name: 'seq',
      kmer_size: 8,
      occur_bitlen: 4,
      total_nrow: 0,
      highfreq_kmer_count: 0,
      max_appearance_nrow: 7,
      preclude_highfreq_kmer: false,
      created_at: now,
    });
    expect(await textRows(db, "SELECT index_oid::regclass, table_oid::regclass, max_appearance_rate, index_oid = 'seq_gin'::regclass FROM kmersearch_index_info")).toEqual([
      ['seq_gin', 't', '0.2', 't'],
    ]);
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_gin_index_meta')).toEqual([['0']]);
    const meta = await db.query('SELECT * FROM kmersearch_gin_index_meta');
    expect(meta.fields.map((field) => field.name)).toEqual([
      'index_oid',
      'table_oid',
      'column_name',
      'highfreq_filtered',
      'highfreq_source_table',
      'kmer_size',
      'occur_bitlen',
      'max_appearance_rate',
      'max_appearance_nrow',
      'created_at',
    ]);
  });

  it('warns once per handle when built with preclude_highfreq_kmer and no analysis (nothing is excluded)', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.query('SET kmersearch.preclude_highfreq_kmer = on');
    const first = noticeCollector();
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', [], first.options);
    expect(first.notices).toEqual([
      {
        severity: 'WARNING',
        code: '01000',
        message: 'No high-frequency k-mer analysis found for kmer_size=16, occur_bitlen=8',
        hint: 'Run kmersearch_perform_highfreq_analysis() before creating index with preclude_highfreq_kmer=true, or load existing analysis with kmersearch_highfreq_kmer_cache_load().',
      },
    ]);
    const second = noticeCollector();
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8)', [], second.options);
    expect(second.notices).toEqual([]);
    expect(await textRows(db, 'SELECT preclude_highfreq_kmer FROM kmersearch_index_info')).toEqual([['t'], ['t']]);
  });
});

describe('DROP INDEX, REINDEX and the life of an index with its table', () => {
  it('DROP INDEX [IF EXISTS] with PostgreSQL texts; the metadata row goes with the index', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, seq dna2)');
    await db.query('CREATE INDEX a ON t USING gin (seq kmersearch_dna2_gin_ops_int8)');
    await db.query('CREATE INDEX b ON t USING gin (seq kmersearch_dna2_gin_ops_int8)');
    await expectError(db, 'DROP INDEX nope', { code: '42704', message: 'index "nope" does not exist' });
    await expectError(db, 'DROP INDEX t', { code: '42809', message: '"t" is not an index', hint: 'Use DROP TABLE to remove a table.' });
    await expectError(db, 'DROP INDEX t_pkey', {
      code: '2BP01',
      message: 'cannot drop index t_pkey because constraint t_pkey on table t requires it',
      hint: 'You can drop constraint t_pkey on table t instead.',
    });
    const { notices, options } = noticeCollector();
    expect((await db.query('DROP INDEX IF EXISTS nope, a', [], options)).commandTag).toBe('DROP INDEX');
    expect(notices).toEqual([{ severity: 'NOTICE', code: '00000', message: 'index "nope" does not exist, skipping' }]);
    expect(await textRows(db, 'SELECT index_oid::regclass FROM kmersearch_index_info')).toEqual([['b']]);
    await db.query('BEGIN');
    await db.query('DROP INDEX b');
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['0']]);
    await db.query('ROLLBACK');
    expect(await textRows(db, 'SELECT index_oid::regclass FROM kmersearch_index_info')).toEqual([['b']]);
  });

  it('DROP TABLE and DROP EXTENSION … CASCADE drop the indexes and their metadata rows', async () => {
    const db = await openDatabase();
    await db.exec(`
      CREATE TABLE t (seq dna2); CREATE TABLE u (seq dna4);
      CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int8);
      CREATE INDEX ON u USING gin (seq kmersearch_dna4_gin_ops_int8);
    `);
    await db.query('DROP TABLE t');
    expect(await textRows(db, 'SELECT index_oid::regclass, table_oid::regclass FROM kmersearch_index_info')).toEqual([['u_seq_idx', 'u']]);
    await db.query('DROP EXTENSION pg_kmersearch CASCADE');
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['0']]);
    await expectError(db, 'DROP INDEX u_seq_idx', { code: '42704', message: 'index "u_seq_idx" does not exist' });
  });

  it('TRUNCATE empties the index; ROLLBACK of CREATE INDEX leaves no index', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.exec('SET kmersearch.kmer_size = 4; SET kmersearch.min_shared_kmer_rate = 0.1');
    await db.query('BEGIN');
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect(await textRows(db, "SELECT id FROM t WHERE seq =% 'ACGTACG' ORDER BY id")).toEqual([['1']]);
    await db.query('ROLLBACK');
    expect(await textRows(db, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['0']]);
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    await db.query('TRUNCATE t');
    expect(await textRows(db, "SELECT id FROM t WHERE seq =% 'ACGTACG'")).toEqual([]);
    await db.query("INSERT INTO t VALUES (9, 'GACGTACGT')");
    expect(await textRows(db, "SELECT id FROM t WHERE seq =% 'ACGTACG'")).toEqual([['9']]);
    expect((await db.queryText("EXPLAIN SELECT id FROM t WHERE seq =% 'ACGTACG'")).rows[0]).toEqual(['Bitmap Heap Scan on t']);
  });

  it('REINDEX INDEX / TABLE rebuild with the current settings and record them (F7)', async () => {
    const db = await openDatabase();
    await tableWithRows(db);
    await db.exec('SET kmersearch.kmer_size = 4; SET kmersearch.min_shared_kmer_rate = 0.1');
    await db.query('CREATE INDEX i ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    await db.query('SET kmersearch.occur_bitlen = 0');
    expect((await db.queryText("EXPLAIN SELECT id FROM t WHERE seq =% 'ACGTA'")).rows.map((row) => row[0])).toEqual([
      'Seq Scan on t',
      "  Filter: (seq =% 'ACGTA'::text)",
      '  Index i not used: built with kmersearch.occur_bitlen=8 (current 0)',
    ]);
    expect((await db.query('REINDEX INDEX i')).commandTag).toBe('REINDEX');
    expect(await textRows(db, 'SELECT kmer_size, occur_bitlen FROM kmersearch_index_info')).toEqual([['4', '0']]);
    expect((await db.queryText("EXPLAIN SELECT id FROM t WHERE seq =% 'ACGTA'")).rows[0]).toEqual(['Bitmap Heap Scan on t']);
    expect(await textRows(db, "SELECT id FROM t WHERE seq =% 'ACGTA'")).toEqual([['1']]);
    // The operator class must still fit: int2 holds 2k + b <= 16 bits.
    await db.query('SET kmersearch.kmer_size = 10');
    await expectError(db, 'REINDEX TABLE t', {
      code: '22023',
      message: 'operator class kmersearch_*_gin_ops_int2 cannot store current configuration',
      detail: 'Required bits: 20 (kmer_size=10 * 2 + occur_bitlen=0), Storage capacity: 16 bits',
      hint: 'Use kmersearch_*_gin_ops_int4 operator class for this configuration',
    });
    await expectError(db, 'REINDEX INDEX t', { code: '42809', message: '"t" is not an index' });
    await expectError(db, 'REINDEX TABLE i', { code: '42809', message: '"i" is not a table or materialized view' });
    await expectError(db, 'REINDEX INDEX nope', { code: '42P01', message: 'relation "nope" does not exist' });
    await db.query('CREATE TABLE empty (seq dna2)');
    const { notices, options } = noticeCollector();
    await db.query('REINDEX TABLE empty', [], options);
    expect(notices).toEqual([{ severity: 'NOTICE', code: '00000', message: 'table "empty" has no indexes to reindex' }]);
  });

  it('inserts under other settings extract with the recorded ones (F7) and never fail', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE t (id int, seq dna2); SET kmersearch.kmer_size = 4; SET kmersearch.min_shared_kmer_rate = 0.1');
    // On an empty table the reference's per-row check lets any class through and fails the next INSERT.
    await db.query('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    await db.query('SET kmersearch.kmer_size = 20');
    expect((await db.query("INSERT INTO t VALUES (1, 'ACGTACGTACGTACGTACGTACGT')")).commandTag).toBe('INSERT 0 1');
    await db.query('SET kmersearch.kmer_size = 4');
    expect(await textRows(db, "SELECT id, kmersearch_matchscore(seq, 'ACGTACGT') FROM t WHERE seq =% 'ACGTACGT'")).toEqual([['1', '5']]);
    expect((await db.queryText("EXPLAIN SELECT id FROM t WHERE seq =% 'ACGTACGT'")).rows[0]).toEqual(['Bitmap Heap Scan on t']);
  });

  it('fastupdate = off merges the pending list at the end of every statement; by default it waits for 4 MiB', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmersearch-pending-'));
    try {
      const path = join(directory, 'db');
      const db = await KmerSearch.open({ path });
      await db.exec(`
        SET kmersearch.kmer_size = 4;
        CREATE TABLE t (id int, seq dna2);
        CREATE INDEX merged ON t USING gin (seq kmersearch_dna2_gin_ops_int2) WITH (fastupdate = off);
        CREATE INDEX pending ON t USING gin (seq kmersearch_dna2_gin_ops_int2);
        INSERT INTO t VALUES (1, 'ACGTACGTAA'), (2, 'CCCCGGGG');
        UPDATE t SET id = 3 WHERE id = 2;
      `);
      await db.close();
      const engine = await StorageEngine.open(path);
      try {
        const snapshot = engine.beginRead();
        const options = (name: string) => ginIndexOptions(snapshot.getIndex(name)!);
        expect(options('merged')).toMatchObject({ pendingRows: 0, statistics: { rows: 3 } });
        expect(options('pending')).toMatchObject({ pendingRows: 3, statistics: { rows: 0 } });
        snapshot.close();
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
