/** Every statement form through the public API, with its command tag and its notices. */
import { describe, expect, it } from 'vitest';
import { expectError, noticeCollector, openDatabase, textRows } from './engine-helpers.js';

describe('CREATE TABLE / DROP TABLE / TRUNCATE', () => {
  it('creates tables with serial keys, defaults and constraints named as PostgreSQL names them', async () => {
    const db = await openDatabase();
    const created = await db.query(
      "CREATE TABLE reads (id serial PRIMARY KEY, name varchar(8) UNIQUE NOT NULL, seq dna2, added boolean DEFAULT true, note text DEFAULT 'none')",
    );
    expect(created).toMatchObject({ commandTag: 'CREATE TABLE', returnsRows: false, rows: [], fields: [], affectedRows: 0 });
    await db.query("INSERT INTO reads (name, seq) VALUES ('a', 'ACGT')");
    expect((await db.query('SELECT * FROM reads')).rows).toEqual([{ id: 1, name: 'a', seq: 'ACGT', added: true, note: 'none' }]);
    await expectError(db, "INSERT INTO reads (id, name) VALUES (1, 'b')", {
      code: '23505',
      message: 'duplicate key value violates unique constraint "reads_pkey"',
      detail: 'Key (id)=(1) already exists.',
    });
    await expectError(db, "INSERT INTO reads (name) VALUES ('a')", {
      code: '23505',
      message: 'duplicate key value violates unique constraint "reads_name_key"',
      detail: 'Key (name)=(a) already exists.',
    });
    const notNull = await db.query('SELECT 1').then(() => db.query('INSERT INTO reads (name) VALUES (NULL)')).catch((error: unknown) => error);
    expect(notNull).toMatchObject({ code: '23502' });
    // The owned sequence and the constraints are relations, as in PostgreSQL.
    expect(await textRows(db, "SELECT 'reads_id_seq'::regclass, 'reads_pkey'::regclass")).toEqual([['reads_id_seq', 'reads_pkey']]);
    expect((await db.query("SELECT nextval('reads_id_seq') AS n, currval('reads_id_seq') AS c")).rows).toEqual([{ n: 4, c: 4 }]); // failed INSERTs still consumed 2 and 3
  });

  it('reports existing and missing tables with the IF [NOT] EXISTS notices', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id int)');
    await expectError(db, 'CREATE TABLE t (id int)', { code: '42P07', message: 'relation "t" already exists' });
    const { notices, options } = noticeCollector();
    expect((await db.query('CREATE TABLE IF NOT EXISTS t (x text)', [], options)).commandTag).toBe('CREATE TABLE');
    expect((await db.query('DROP TABLE IF EXISTS nope, t', [], options)).commandTag).toBe('DROP TABLE');
    expect(notices).toEqual([
      { severity: 'NOTICE', code: '42P07', message: 'relation "t" already exists, skipping' },
      { severity: 'NOTICE', code: '00000', message: 'table "nope" does not exist, skipping' },
    ]);
    await expectError(db, 'DROP TABLE t', { code: '42P01', message: 'table "t" does not exist' });
    await expectError(db, 'SELECT * FROM t', { code: '42P01', message: 'relation "t" does not exist', position: 15 });
  });

  it('drops several tables at once and checks them all first', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE a (id int); CREATE TABLE b (id int PRIMARY KEY)');
    await expectError(db, 'DROP TABLE a, missing', { code: '42P01', message: 'table "missing" does not exist' });
    expect((await db.query('SELECT 1 FROM a')).commandTag).toBe('SELECT 0');
    await expectError(db, 'DROP TABLE b_pkey', { code: '42809', message: '"b_pkey" is not a table', hint: 'Use DROP INDEX to remove an index.' });
    expect((await db.query('DROP TABLE a, b CASCADE')).commandTag).toBe('DROP TABLE');
  });

  it('rejects what a table cannot hold', async () => {
    const db = await openDatabase();
    await expectError(db, 'CREATE TABLE t (x no_such_type)', { code: '42704', message: 'type "no_such_type" does not exist', position: 19 });
    await expectError(db, 'CREATE TABLE t (x int CHECK (x > 0))', { code: '0A000', message: 'CHECK constraints are not supported', position: 23 });
    await expectError(db, "CREATE TABLE t (x int DEFAULT 'a'::text)", {
      code: '42804',
      message: 'column "x" is of type integer but default expression is of type text',
      hint: 'You will need to rewrite or cast the expression.',
      position: 31,
    });
    await expectError(db, 'CREATE TABLE t (x int DEFAULT y)', { code: '0A000', message: 'cannot use column reference in DEFAULT expression', position: 31 });
    await expectError(db, 'CREATE TEMP TABLE t (x int)', { code: '0A000', message: 'temporary tables are not supported', position: 1 });
  });

  it('truncates tables and restarts owned sequences on request', async () => {
    const db = await openDatabase();
    await db.exec("CREATE TABLE t (id serial, v text); INSERT INTO t (v) VALUES ('a'), ('b')");
    expect((await db.query('TRUNCATE t RESTART IDENTITY')).commandTag).toBe('TRUNCATE TABLE');
    await db.query("INSERT INTO t (v) VALUES ('c')");
    expect((await db.query('SELECT * FROM t')).rows).toEqual([{ id: 1, v: 'c' }]);
  });
});

describe('INSERT / UPDATE / DELETE', () => {
  it('returns PostgreSQL command tags and RETURNING rows', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id serial PRIMARY KEY, n int DEFAULT 7, s dna4)');
    const inserted = await db.query("INSERT INTO t (s) VALUES ('ACGN'), (DEFAULT) RETURNING id, n, s");
    expect(inserted).toMatchObject({ commandTag: 'INSERT 0 2', affectedRows: 2, returnsRows: true });
    expect(inserted.rows).toEqual([
      { id: 1, n: 7, s: 'ACGN' },
      { id: 2, n: 7, s: null },
    ]);
    expect((await db.query('INSERT INTO t DEFAULT VALUES')).commandTag).toBe('INSERT 0 1');
    expect((await db.query('INSERT INTO t (n, s) SELECT i, repeat(\'A\', i)::dna4 FROM generate_series(1, 3) AS g(i)')).commandTag).toBe('INSERT 0 3');
    expect((await db.query("INSERT INTO t (n, s) SELECT 5, 'TTTT'")).commandTag).toBe('INSERT 0 1');
    const updated = await db.query('UPDATE t SET n = n * 10 WHERE id > 3 RETURNING id, n');
    expect(updated.commandTag).toBe('UPDATE 4');
    expect(updated.rows.map((row) => row['n'])).toEqual([10, 20, 30, 50]);
    expect((await db.query('UPDATE t SET n = DEFAULT WHERE id = 4')).commandTag).toBe('UPDATE 1');
    expect((await db.query('UPDATE t SET n = 0 WHERE false')).commandTag).toBe('UPDATE 0');
    const deleted = await db.query('DELETE FROM t WHERE n >= 20 RETURNING id');
    expect(deleted).toMatchObject({ commandTag: 'DELETE 3', affectedRows: 3, rows: [{ id: 5 }, { id: 6 }, { id: 7 }] });
    expect((await db.query('DELETE FROM t')).commandTag).toBe('DELETE 4');
  });

  it('coerces values to the column types as an assignment, with PostgreSQL errors', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id int, s dna2)');
    await expectError(db, "INSERT INTO t VALUES (1, 'ACGT'::text)", {
      code: '42804',
      message: 'column "s" is of type dna2 but expression is of type text',
      hint: 'You will need to rewrite or cast the expression.',
      position: 26,
    });
    await expectError(db, "INSERT INTO t (s) SELECT repeat('A', 4)", {
      code: '42804',
      message: 'column "s" is of type dna2 but expression is of type text',
      hint: 'You will need to rewrite or cast the expression.',
      position: 26,
    });
    await expectError(db, "INSERT INTO t VALUES (1, 'ACGT', 3)", { code: '42601', message: 'INSERT has more expressions than target columns', position: 34 });
    await expectError(db, 'INSERT INTO t (id, s) VALUES (1)', { code: '42601', message: 'INSERT has more target columns than expressions', position: 20 });
    await expectError(db, 'INSERT INTO t (id, zz) VALUES (1, 2)', { code: '42703', message: 'column "zz" of relation "t" does not exist', position: 20 });
    await expectError(db, 'UPDATE t SET zz = 1', { code: '42703', message: 'column "zz" of relation "t" does not exist', position: 14 });
    await expectError(db, "UPDATE t SET id = 'x'", { code: '22P02', message: 'invalid input syntax for type integer: "x"', position: 19 });
    expect((await db.query("INSERT INTO t VALUES (2.6, 'acgu')")).commandTag).toBe('INSERT 0 1');
    expect((await db.query('SELECT * FROM t')).rows).toEqual([{ id: 3, s: 'ACGT' }]);
  });
});

describe('extension statements', () => {
  it('accepts CREATE EXTENSION pg_kmersearch and rejects unknown extensions', async () => {
    const db = await openDatabase();
    expect((await db.query('CREATE EXTENSION IF NOT EXISTS pg_kmersearch')).commandTag).toBe('CREATE EXTENSION');
    expect((await db.query('CREATE EXTENSION pg_kmersearch')).commandTag).toBe('CREATE EXTENSION');
    await expectError(db, 'CREATE EXTENSION postgis', {
      code: '58P01',
      message: 'extension "postgis" is not available',
      hint: 'The extension must first be installed on the system where PostgreSQL is running.',
    });
    await expectError(db, 'DROP EXTENSION postgis', { code: '42704', message: 'extension "postgis" does not exist' });
  });

  it('drops the tables that use dna2/dna4 only with CASCADE', async () => {
    const db = await openDatabase();
    await db.exec('CREATE TABLE a (s dna2, t dna4); CREATE TABLE b (s dna4); CREATE TABLE plain (x int)');
    await expectError(db, 'DROP EXTENSION pg_kmersearch', {
      code: '2BP01',
      message: 'cannot drop extension pg_kmersearch because other objects depend on it',
      detail: 'column s of table a depends on type dna2\ncolumn t of table a depends on type dna4\ncolumn s of table b depends on type dna4',
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
    const { notices, options } = noticeCollector();
    expect((await db.query('DROP EXTENSION pg_kmersearch CASCADE', [], options)).commandTag).toBe('DROP EXTENSION');
    expect(notices).toEqual([
      { severity: 'NOTICE', code: '00000', message: 'drop cascades to 2 other objects', detail: 'drop cascades to table a\ndrop cascades to table b' },
    ]);
    expect((await db.query('SELECT count(*) FROM plain')).rows).toEqual([{ count: 0 }]);
    await expectError(db, 'SELECT * FROM a', { code: '42P01', message: 'relation "a" does not exist', position: 15 });
    expect((await db.query('DROP EXTENSION pg_kmersearch')).commandTag).toBe('DROP EXTENSION');
  });
});

describe('utility statements', () => {
  it('runs SET, SHOW, RESET and SHOW ALL through the settings', async () => {
    const db = await openDatabase();
    expect((await db.query('SET kmersearch.kmer_size = 8')).commandTag).toBe('SET');
    const shown = await db.query('SHOW kmersearch.kmer_size');
    expect(shown).toMatchObject({ commandTag: 'SHOW', returnsRows: true, rows: [{ 'kmersearch.kmer_size': '8' }] });
    expect(shown.fields).toEqual([{ name: 'kmersearch.kmer_size', dataTypeID: 25, typeName: 'text', alignRight: false }]);
    expect((await db.query('SET kmersearch.min_shared_kmer_rate TO DEFAULT')).commandTag).toBe('SET');
    expect((await db.query('RESET kmersearch.kmer_size')).commandTag).toBe('RESET');
    expect((await db.query('SHOW kmersearch.kmer_size')).rows).toEqual([{ 'kmersearch.kmer_size': '16' }]);
    await db.query("SET kmersearch.kmer_size = '12'");
    expect((await db.query('RESET ALL')).commandTag).toBe('RESET');
    const all = await db.query('SHOW ALL');
    expect(all.fields.map((field) => field.name)).toEqual(['name', 'setting', 'description']);
    expect(all.rows).toContainEqual(expect.objectContaining({ name: 'kmersearch.kmer_size', setting: '16' }));
    await expectError(db, 'SHOW no_such_setting', { code: '42704', message: 'unrecognized configuration parameter "no_such_setting"' });
    await expectError(db, 'SET kmersearch.kmer_size = 3', {
      code: '22023',
      message: '3 is outside the valid range for parameter "kmersearch.kmer_size" (4 .. 32)',
    });
  });

  it("accepts the PostgreSQL settings that pg_dump headers and start-up code set, with PostgreSQL's texts", async () => {
    const db = await openDatabase();
    const show = async (name: string): Promise<unknown> => (await db.query(`SHOW ${name}`)).rows[0]?.[name];
    // search_path is a quoted list (GUC_LIST_INPUT | GUC_LIST_QUOTE): items are flattened and quoted as identifiers.
    expect(await show('search_path')).toBe('"$user", public');
    await db.query('SET search_path TO public, pg_catalog');
    expect(await show('search_path')).toBe('public, pg_catalog');
    await db.query("SET search_path = '$user', 'Public', public");
    expect(await show('search_path')).toBe('"$user", "Public", public');
    await db.query("SET search_path = ''");
    expect(await show('search_path')).toBe('""');
    await db.query("SELECT pg_catalog.set_config('search_path', '', false)");
    expect(await show('search_path')).toBe('');
    await db.query('RESET search_path');
    expect(await show('search_path')).toBe('"$user", public');
    // Scalar settings still take one argument.
    await expectError(db, "SET application_name = 'a', 'b'", { code: '42601', message: 'SET application_name takes only one argument', position: 29 });

    await db.exec(`SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0;
      SET client_encoding = 'UTF8'; SET standard_conforming_strings = on; SET check_function_bodies = false;
      SET xmloption = content; SET client_min_messages = warning; SET row_security = off;
      SET default_tablespace = ''; SET application_name = 'loader'; SET work_mem = '256MB'`);
    expect(await show('work_mem')).toBe('256MB');
    expect(await show('row_security')).toBe('off');
    expect(await show('application_name')).toBe('loader');
    await db.query("SET client_encoding = 'unicode'");
    expect(await show('client_encoding')).toBe('UTF8');
    await expectError(db, "SET client_encoding = 'LATIN1'", {
      code: '0A000',
      message: 'client encoding "LATIN1" is not supported',
      hint: 'kmersearch reads and writes UTF8 only.',
    });
    expect(await show('client_encoding')).toBe('UTF8');
    await expectError(db, 'SET standard_conforming_strings = off', {
      code: '0A000',
      message: 'standard_conforming_strings = off is not supported',
      hint: "Write backslash escapes in E'…' strings.",
    });
    await expectError(db, 'SET work_mem = 10', {
      code: '22023',
      message: '10 kB is outside the valid range for parameter "work_mem" (64 kB .. 2147483647 kB)',
    });
    await expectError(db, 'SET xmloption = fragment', {
      code: '22023',
      message: 'invalid value for parameter "xmloption": "fragment"',
      hint: 'Available values: content, document.',
    });
    const all = (await db.query('SHOW ALL')).rows.map((row) => row['name']);
    expect(all).toEqual(expect.arrayContaining(['search_path', 'work_mem', 'client_encoding', 'lock_timeout']));
    expect(all).toEqual([...all].sort());
  });

  it('delivers notices filtered by client_min_messages', async () => {
    const db = await openDatabase();
    const { notices, options } = noticeCollector();
    await db.query('CREATE TABLE IF NOT EXISTS t (x int)', [], options);
    await db.query('CREATE TABLE IF NOT EXISTS t (x int)', [], options);
    await db.query('SET client_min_messages = warning', [], options);
    await db.query('DROP TABLE IF EXISTS nope', [], options);
    await db.query('COMMIT', [], options);
    expect(notices.map((notice) => `${notice.severity}: ${notice.message}`)).toEqual([
      'NOTICE: relation "t" already exists, skipping',
      'WARNING: there is no transaction in progress',
    ]);
  });

  it('accepts VACUUM and ANALYZE as no-ops; index statements and unsupported COPY formats answer as PostgreSQL', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (s dna2)');
    expect((await db.query('VACUUM t')).commandTag).toBe('VACUUM');
    expect((await db.query('ANALYZE t')).commandTag).toBe('ANALYZE');
    await expectError(db, 'VACUUM nope', { code: '42P01', message: 'relation "nope" does not exist' });
    expect((await db.query('CREATE INDEX ON t USING gin (s kmersearch_dna2_gin_ops_int8)')).commandTag).toBe('CREATE INDEX');
    await expectError(db, 'DROP INDEX i', { code: '42704', message: 'index "i" does not exist' });
    expect((await db.query('REINDEX TABLE t')).commandTag).toBe('REINDEX');
    await expectError(db, "COPY t FROM '/tmp/x.bin' WITH (FORMAT binary)", {
      code: '0A000',
      message: 'COPY format "binary" is not supported',
      position: 32,
      hint: 'Use FORMAT text, csv, fasta or fastq.',
    });
  });

  it('reads and writes settings with current_setting and set_config', async () => {
    const db = await openDatabase();
    expect((await db.query("SELECT current_setting('kmersearch.kmer_size') AS k, current_setting('no.such', true) AS missing")).rows).toEqual([{ k: '16', missing: null }]);
    expect((await db.query("SELECT set_config('kmersearch.kmer_size', '12', false) AS v")).rows).toEqual([{ v: '12' }]);
    await db.query('BEGIN');
    await db.query("SELECT set_config('kmersearch.kmer_size', '10', true)");
    expect((await db.query("SELECT current_setting('kmersearch.kmer_size') AS k")).rows).toEqual([{ k: '10' }]);
    await db.query('COMMIT');
    expect((await db.query('SHOW kmersearch.kmer_size')).rows).toEqual([{ 'kmersearch.kmer_size': '12' }]);
    await expectError(db, "SELECT current_setting('no_such')", { code: '42704', message: 'unrecognized configuration parameter "no_such"' });
  });

  it('advances sequences from a SELECT, which then writes', async () => {
    const db = await openDatabase();
    await db.query('CREATE TABLE t (id bigserial, v text)');
    expect((await db.query("SELECT nextval('t_id_seq') AS a, nextval('t_id_seq'::regclass) AS b")).rows).toEqual([{ a: 1, b: 2 }]);
    expect((await db.query("SELECT setval('t_id_seq', 10) AS s")).rows).toEqual([{ s: 10 }]);
    expect((await db.query("INSERT INTO t (v) VALUES ('x') RETURNING id")).rows).toEqual([{ id: 11 }]);
    await expectError(db, "SELECT nextval('t')", { code: '42809', message: '"t" is not a sequence' });
    await expectError(db, "SELECT currval('nope')", { code: '42P01', message: 'relation "nope" does not exist', position: 16 });
  });

  it('runs scripts with exec and returns every result', async () => {
    const db = await openDatabase();
    const results = await db.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2); SELECT sum(x) FROM t; -- done\n");
    expect(results.map((result) => result.commandTag)).toEqual(['CREATE TABLE', 'INSERT 0 2', 'SELECT 1']);
    expect(results[2]?.rows).toEqual([{ sum: 3 }]);
    expect(await db.query('')).toMatchObject({ commandTag: '', rows: [] });
    expect(await db.exec('')).toEqual([]);
  });
});
