/**
 * The export loads into a real PostgreSQL: a server from Debian's `postgresql` package is started by the test
 * (its own data directory in a temporary directory owned by the `postgres` user, listening only on a Unix socket
 * there), a `--dna-as-text` export of a table with rows of every column type is loaded with psql, and the rows
 * PostgreSQL gives back equal kmersearch's, row for row, as COPY text. Skipped, with a message, where no server
 * binary exists (CI installs one: .ci/run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/index.js';
import { dataDirectory, kmersearch, temporaryDirectory, withDatabase } from './subcommand-helpers.js';

/** The newest installed server's bin directory (/usr/lib/postgresql/<version>/bin), if any. */
function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')) && existsSync(join(root, version, 'bin', 'pg_ctl')))
    .sort((left, right) => Number(right) - Number(left));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const binaries = postgresBinaries();
if (binaries === undefined) {
  console.warn('export-postgres: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: skipped (install Debian\'s postgresql package)');
}

/** PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user. */
const runAsRoot = process.getuid?.() === 0;
function postgresUser(): { uid: number; gid: number } | undefined {
  if (!runAsRoot) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function serverCommand(binary: string, args: readonly string[]): { status: number | null; output: string } {
  const command = join(binaries as string, binary);
  const result = runAsRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8', timeout: 120_000 })
    : spawnSync(command, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

describe.skipIf(binaries === undefined)('kmersearch export into PostgreSQL', () => {
  let directory: { path: string; remove(): void };
  let socketDirectory: string;
  let dataPath: string;
  const port = 20000 + Math.floor(Math.random() * 40000);
  let started = false;

  function psql(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
      join(binaries as string, 'psql'),
      ['-X', '-h', socketDirectory, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', ...args],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PGTZ: 'UTC', PGCLIENTENCODING: 'UTF8' } },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  beforeAll(() => {
    directory = temporaryDirectory('postgres');
    const owner = postgresUser();
    if (owner !== undefined) chownSync(directory.path, owner.uid, owner.gid);
    chmodSync(directory.path, 0o755);
    socketDirectory = directory.path;
    dataPath = join(directory.path, 'pgdata');
    const init = serverCommand('initdb', ['-D', dataPath, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    expect(init.status, init.output).toBe(0);
    const start = serverCommand('pg_ctl', [
      '-D',
      dataPath,
      '-w',
      '-l',
      join(directory.path, 'server.log'),
      '-o',
      `-c listen_addresses='' -k ${socketDirectory} -p ${port} -c fsync=off`,
      'start',
    ]);
    expect(start.status, start.output).toBe(0);
    started = true;
  });

  afterAll(() => {
    if (started) serverCommand('pg_ctl', ['-D', dataPath, '-m', 'immediate', 'stop']);
    directory?.remove();
  });

  it('loads a --dna-as-text export and gives back the same rows, row for row', async () => {
    const database = join(directory.path, 'kmersearch-db');
    let indexNote = 'CREATE INDEX is not supported yet: the table has no index';
    await withDatabase(database, async (engine) => {
      await engine.exec(`
        CREATE TABLE refs (id bigserial PRIMARY KEY, name text UNIQUE, seq dna2, seq4 dna4, n int, big bigint, small smallint,
                           f float8, r real, ok boolean, raw bytea, label varchar(12), taken timestamptz, note text NOT NULL DEFAULT 'none');
        INSERT INTO refs (name, seq, seq4, n, big, small, f, r, ok, raw, label, taken)
          SELECT 'row ' || i, repeat('ACGT', i % 7)::dna2, repeat('ACGTNRYKM', i % 5)::dna4, i * 37 - 1000, i::bigint * 1000000007, (i % 100) - 50,
                 i / 7.0, i / 3.0, i % 2 = 0, '\\x00ff10'::bytea, 'l' || (i % 13), ((2000 + i % 20)::text || '-06-15 12:30:00.25+00')::timestamptz
          FROM generate_series(1, 300) AS i;
        INSERT INTO refs (name, seq, seq4, n, f, label, taken, note) VALUES
          (E'tab\\tnew\\nline\\\\back', NULL, NULL, NULL, 'NaN', 'é✓😀', NULL, E'quote '' and "double"'),
          (NULL, '', '', -2147483648, '-Infinity', NULL, '1999-12-31 23:59:59.999+00', ''),
          ('\\N', 'ACGT', 'N', 0, -0.0, '\\.', NULL, '\\.');
        DELETE FROM refs WHERE id % 50 = 0;
      `);
      await engine.query(`COPY refs (name, seq4) FROM '${join(dataDirectory, 'lambda_virus.fa.gz')}' WITH (FORMAT fasta)`);
      try {
        // int4 stores 2k + b <= 32 bits: k = 12 with the default b = 8.
        await engine.query('SET kmersearch.kmer_size = 12');
        await engine.query('CREATE INDEX refs_seq_idx ON refs USING gin (seq kmersearch_dna2_gin_ops_int4)');
        indexNote = 'the table has an index, which --dna-as-text leaves out';
      } catch (error) {
        if (!(error instanceof KmerSearchError && error.code === '0A000')) throw error;
      }
    });
    console.info(`export-postgres: ${indexNote}`);

    const dump = join(directory.path, 'dump.sql');
    const exported = await kmersearch(['export', '-q', '-d', database, '--dna-as-text', '-o', dump]);
    expect(exported.status, exported.stderr).toBe(0);
    chmodSync(dump, 0o644);
    const loaded = psql(['-q', '-f', dump]);
    expect(loaded.stderr).toBe('');
    expect(loaded.status).toBe(0);

    const query = 'COPY (SELECT * FROM refs ORDER BY id) TO STDOUT';
    const fromPostgres = psql(['-c', query]);
    expect(fromPostgres.status, fromPostgres.stderr).toBe(0);
    const fromKmersearch = await withDatabase(database, async (engine) => {
      const chunks: Uint8Array[] = [];
      await engine.query(query, [], { stdout: (chunk) => void chunks.push(chunk) });
      return Buffer.concat(chunks).toString('utf8');
    });
    const postgresRows = fromPostgres.stdout.split('\n');
    const kmersearchRows = fromKmersearch.split('\n');
    expect(postgresRows.length).toBe(kmersearchRows.length);
    expect(postgresRows.length).toBeGreaterThan(290);
    postgresRows.forEach((row, index) => expect(row, `row ${index + 1}`).toBe(kmersearchRows[index]));

    // The serial goes on where it stopped, and the types are PostgreSQL's (DNA as text).
    const next = psql(['-At', '-c', "SELECT nextval(pg_get_serial_sequence('refs', 'id'))"]);
    const ours = await withDatabase(database, async (engine) => (await engine.query("SELECT nextval('refs_id_seq') AS n")).rows[0]);
    expect(next.stdout.trim()).toBe(String((ours as { n: number }).n));
    const types = psql(['-At', '-c', "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'refs'"]);
    expect(types.stdout.trim()).toBe(
      'id:bigint,name:text,seq:text,seq4:text,n:integer,big:bigint,small:smallint,f:double precision,r:real,ok:boolean,raw:bytea,label:character varying,taken:timestamp with time zone,note:text',
    );
    writeFileSync(join(directory.path, 'done'), 'ok');
  });
});
