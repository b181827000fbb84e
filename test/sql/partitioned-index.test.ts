/**
 * CREATE INDEX, DROP INDEX and REINDEX on a partitioned table, as PostgreSQL does them (SPEC §7.2, §8): a
 * partitioned index on the parent with one index per partition attached to it, named by ChooseRelationName; the
 * statement atomic; the attached indexes dropped and rebuilt with it and not droppable alone; the answers those of
 * the sequential evaluation and of the unpartitioned table; kmersearch_index_info as the reference's event trigger
 * fills it; kmersearch_unpartition_table and DROP TABLE leaving nothing behind.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { WorkerPool } from '../../src/parallel/index.js';
import { indexBuildTestHooks } from '../../src/sql/executor/index-build.js';
import type { StorageEngine } from '../../src/storage/index.js';
import { answer, loadTwin, sequences } from '../partition/twin-helpers.js';
import { expectError, noticeCollector, openDatabase, rejection, textRows } from './engine-helpers.js';
import { analysisKeys, keysInIndex, performAnalysis } from './high-frequency-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

afterEach(() => {
  indexBuildTestHooks.current = undefined;
});

/** Every index of the database as `name on table`, in id order (read from storage: SQL has no pg_class). */
function indexCatalog(database: KmerSearch): string[] {
  const snapshot = (database as unknown as { readonly storage: StorageEngine }).storage.beginRead();
  try {
    return snapshot.listIndexes().sort((left, right) => left.id - right.id).map((index) => `${index.name} on ${snapshot.getTable(index.tableId)?.name ?? '?'}`);
  } finally {
    snapshot.close();
  }
}

const createOnSplit = 'CREATE INDEX split_idx ON split USING gin (seq kmersearch_dna2_gin_ops_int4)';

describe('CREATE INDEX on a partitioned table', () => {
  it('creates the partitioned index and one attached index per partition, named as PostgreSQL names them', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(60, 3));
    const { notices, options } = noticeCollector();
    const progress: { done: number; total?: number | undefined; operation: string }[] = [];
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    expect((await database.query(createOnSplit, [], { ...options, onProgress: (report) => progress.push(report) })).commandTag).toBe('CREATE INDEX');
    expect(notices).toEqual([]);
    // With 2 maintenance workers (the default) the four builds run two at a time, each whole on a worker thread.
    expect(run.mock.calls.filter(([request]) => request.kind === 'build-pages')).toHaveLength(4);
    run.mockRestore();
    // One CREATE INDEX progress of the table's rows: 0 first, then after each partition's build, up to all of them.
    expect(progress.map((report) => report.done)).toEqual([0, ...progress.slice(1).map((report) => report.done)].sort((a, b) => a - b));
    expect(progress).toHaveLength(5);
    const rows = Number((await textRows(database, 'SELECT count(*) FROM split'))[0]![0]);
    expect(progress.at(-1)).toEqual({ operation: 'CREATE INDEX', done: rows, total: rows, unit: 'rows' });
    expect(indexCatalog(database)).toEqual(['split_idx on split', ...[0, 1, 2, 3].map((remainder) => `split_${remainder}_seq_idx on split_${remainder}`)]);
  });

  it('builds the partitions one after another, each with the workers asked for, when one worker is allowed', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(60, 3));
    await database.exec('SET max_parallel_maintenance_workers = 1');
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    await database.exec(createOnSplit);
    expect(run.mock.calls.map(([request]) => request.kind)).toEqual(['extract-keys', 'extract-keys', 'extract-keys', 'extract-keys']);
    run.mockRestore();
    for (const remainder of [0, 1, 2, 3]) {
      await expectSameOnBothPaths(database, `SELECT id FROM split_${remainder} WHERE seq =% '${'ACGT'.repeat(4)}' ORDER BY id`, true);
    }
  });
});

describe('partitioned index names', () => {
  it('generates the parent\'s name and numbers a child\'s while its name is taken; a taken parent name fails as PostgreSQL does', async () => {
    const database = await openDatabase();
    await database.exec('SET kmersearch.kmer_size = 4; CREATE TABLE t (id int, seq dna2); INSERT INTO t VALUES (1, \'ACGTACGTAC\'), (2, NULL)');
    await database.query("SELECT kmersearch_partition_table('t', 3)", [], { onNotice: () => undefined });
    await database.exec('CREATE TABLE t_1_seq_idx (x int)');
    await database.exec('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    await database.exec('CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2)');
    expect(indexCatalog(database)).toEqual([
      't_seq_idx on t',
      't_0_seq_idx on t_0',
      't_1_seq_idx1 on t_1',
      't_2_seq_idx on t_2',
      't_seq_idx1 on t',
      't_0_seq_idx1 on t_0',
      't_1_seq_idx2 on t_1',
      't_2_seq_idx1 on t_2',
    ]);
    await expectError(database, 'CREATE INDEX t_0_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)', {
      code: '42P07',
      message: 'relation "t_0_seq_idx" already exists',
    });
    const { notices, options } = noticeCollector();
    await database.query('CREATE INDEX IF NOT EXISTS t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int2)', [], options);
    expect(notices).toEqual([{ severity: 'NOTICE', code: '42P07', message: 'relation "t_seq_idx" already exists, skipping' }]);
    await expectError(database, 'CREATE INDEX CONCURRENTLY c ON t USING gin (seq kmersearch_dna2_gin_ops_int2)', {
      code: '0A000',
      message: 'cannot create index on partitioned table "t" concurrently',
    });
    expect(indexCatalog(database)).toHaveLength(8);
  });
});

describe('searches through a partitioned index', () => {
  it('scans each partition through its attached index, with the rows of the sequential evaluation and of the unpartitioned table', async () => {
    const database = await openDatabase();
    const values = sequences(120, 5);
    await loadTwin(database, values);
    await database.exec('CREATE INDEX flat_idx ON flat USING gin (seq kmersearch_dna2_gin_ops_int4)');
    await database.exec(createOnSplit);
    const query = values[7]!.slice(3, 31);
    expect((await textRows(database, `EXPLAIN ${answer('split', query)}`)).map((row) => row[0])).toEqual([
      'Sort',
      '  Sort Key: split.id',
      '  ->  Append',
      ...[0, 1, 2, 3].flatMap((remainder) => [
        `        ->  Bitmap Heap Scan on split_${remainder} split_${remainder + 1}`,
        `              Recheck Cond: (seq =% '${query}'::text)`,
        `              ->  Bitmap Index Scan on split_${remainder}_seq_idx`,
        `                    Index Cond: (seq =% '${query}'::text)`,
      ]),
    ]);
    const queries = [query, values[60]!.slice(0, 24), `${values[9]!.slice(0, 12)}${values[10]!.slice(0, 12)}`];
    for (const text of queries) {
      const expected = await textRows(database, answer('flat', text));
      expect(await expectSameOnBothPaths(database, answer('split', text), true)).toEqual({ rows: expected });
    }
    // Rows written after the build reach the attached indexes (their pending lists).
    await database.exec(`INSERT INTO flat (seq) VALUES ('${query}'), ('${queries[1]}'); INSERT INTO split (seq) VALUES ('${query}'), ('${queries[1]}')`);
    for (const text of queries) {
      expect(await expectSameOnBothPaths(database, answer('split', text), true)).toEqual({ rows: await textRows(database, answer('flat', text)) });
    }
  });

  it('shows the partitioned index in kmersearch_index_info and not the indexes it created, as the reference\'s event trigger does', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(20, 9));
    await database.exec(createOnSplit);
    expect(await textRows(database, 'SELECT index_oid::regclass, table_oid::regclass, column_name, kmer_size, occur_bitlen FROM kmersearch_index_info')).toEqual([
      ['split_idx', 'split', 'seq', '8', '8'],
    ]);
    expect(await textRows(database, 'SELECT count(*) FROM kmersearch_gin_index_meta')).toEqual([['0']]);
  });
});

/**
 * `t` in 4 partitions, one of them (`failing`, not the first) with a second block: 300 equal values hash to it (256
 * rows a block), where an injected `failAtBlock: 1` strikes; the partitions before it are built by then.
 */
async function oneLargePartition(): Promise<{ database: KmerSearch; failing: number }> {
  const database = await openDatabase();
  await database.exec('SET kmersearch.kmer_size = 8; CREATE TABLE t (id serial, seq dna2)');
  await database.exec(`INSERT INTO t (seq) SELECT 'ACGTTGCAACGTAAGG' FROM generate_series(1, 300); INSERT INTO t (seq) VALUES ('TTTTGGGGCCCCAAAA'), ('GATTACAGATTACA'), (NULL)`);
  await database.query("SELECT kmersearch_partition_table('t', 4)", [], { onNotice: () => undefined });
  const counts = (await textRows(database, 'SELECT (SELECT count(*) FROM t_0), (SELECT count(*) FROM t_1), (SELECT count(*) FROM t_2), (SELECT count(*) FROM t_3)'))[0]!.map(Number);
  const failing = counts.findIndex((count) => count > 256);
  expect(failing).toBeGreaterThan(0);
  return { database, failing };
}

/** Runs `sql` with a build failure injected at the second block: it fails naming the large partition's index. */
async function failsAtLargePartition(database: KmerSearch, sql: string, failing: number): Promise<void> {
  indexBuildTestHooks.current = { failAtBlock: 1 };
  try {
    await expectError(database, sql, {
      code: 'XX001',
      message: `could not build index "t_${failing}_seq_idx": test hook: failure at block 1`,
      detail: 'injected',
      hint: 'none',
    });
  } finally {
    indexBuildTestHooks.current = undefined;
  }
}

describe('atomicity', () => {
  it('rolls the whole statement back when a partition\'s build fails: no partitioned index, no attached index', async () => {
    const { database, failing } = await oneLargePartition();
    await failsAtLargePartition(database, 'CREATE INDEX t_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4)', failing);
    expect(indexCatalog(database)).toEqual([]);
    expect(await textRows(database, 'SELECT count(*) FROM kmersearch_index_info')).toEqual([['0']]);
    await database.exec('CREATE INDEX t_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    expect(indexCatalog(database)).toEqual(['t_idx on t', ...[0, 1, 2, 3].map((remainder) => `t_${remainder}_seq_idx on t_${remainder}`)]);
  });

  it('rolls a REINDEX back whole when a partition\'s rebuild fails: every index as it was, usable', async () => {
    const { database, failing } = await oneLargePartition();
    await database.exec('CREATE INDEX t_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    const query = "SELECT id FROM t WHERE seq =% 'ACGTTGCAACGTAAGG' ORDER BY id";
    const before = await expectSameOnBothPaths(database, query, true);
    await database.exec('SET kmersearch.kmer_size = 6');
    await failsAtLargePartition(database, 'REINDEX TABLE t', failing);
    // Nothing of the statement remains: the indexes still record k = 8 and answer with it.
    expect(await textRows(database, 'SELECT index_oid::regclass, kmer_size FROM kmersearch_index_info')).toEqual([['t_idx', '8']]);
    await database.exec('SET kmersearch.kmer_size = 8');
    expect(await expectSameOnBothPaths(database, query, true)).toEqual(before);
    expect(indexCatalog(database)).toEqual(['t_idx on t', ...[0, 1, 2, 3].map((remainder) => `t_${remainder}_seq_idx on t_${remainder}`)]);
  });

  it('leaves nothing when the transaction block around it rolls back', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(20, 4));
    await database.exec(`BEGIN; ${createOnSplit}; ROLLBACK`);
    expect(indexCatalog(database)).toEqual([]);
  });
});

describe('DROP INDEX, DROP TABLE, TRUNCATE and kmersearch_unpartition_table', () => {
  const attached = [0, 1, 2, 3].map((remainder) => `split_${remainder}_seq_idx on split_${remainder}`);

  it('drops the attached indexes with the partitioned index and refuses to drop one alone, with PostgreSQL\'s texts', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(30, 2));
    await database.exec(createOnSplit);
    for (const statement of ['DROP INDEX split_1_seq_idx', 'DROP INDEX IF EXISTS split_1_seq_idx', 'DROP INDEX split_1_seq_idx CASCADE', 'DROP INDEX split_0_seq_idx, split_1_seq_idx']) {
      await expectError(database, statement, {
        code: '2BP01',
        message: `cannot drop index ${statement.includes('split_0') ? 'split_0' : 'split_1'}_seq_idx because index split_idx requires it`,
        hint: 'You can drop index split_idx instead.',
      });
    }
    await expectError(database, 'DROP INDEX CONCURRENTLY split_idx', { code: '0A000', message: 'cannot drop partitioned index "split_idx" concurrently' });
    expect(indexCatalog(database)).toEqual(['split_idx on split', ...attached]);
    // TRUNCATE empties the attached indexes and keeps them attached.
    await database.exec('TRUNCATE split');
    await expectError(database, 'DROP INDEX split_2_seq_idx', {
      code: '2BP01',
      message: 'cannot drop index split_2_seq_idx because index split_idx requires it',
      hint: 'You can drop index split_idx instead.',
    });
    expect((await database.query('DROP INDEX split_idx')).commandTag).toBe('DROP INDEX');
    expect(indexCatalog(database)).toEqual([]);
    // Named together with its partitioned index, an attached index goes too.
    await database.exec(createOnSplit);
    await database.exec('DROP INDEX split_3_seq_idx, split_idx');
    expect(indexCatalog(database)).toEqual([]);
  });

  it('DROP TABLE of the partitioned table drops everything; kmersearch_unpartition_table gives the table back without indexes', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(30, 8));
    await database.exec(createOnSplit);
    await database.exec('CREATE INDEX flat_idx ON flat USING gin (seq kmersearch_dna2_gin_ops_int4)');
    await database.query("SELECT kmersearch_unpartition_table('split')", [], { onNotice: () => undefined });
    expect(indexCatalog(database)).toEqual(['flat_idx on flat']);
    expect(await textRows(database, 'SELECT index_oid::regclass FROM kmersearch_index_info')).toEqual([['flat_idx']]);
    expect(await textRows(database, 'SELECT count(*) FROM split')).toEqual([['31']]);

    await database.query("SELECT kmersearch_partition_table('split', 3)", [], { onNotice: () => undefined });
    await database.exec(createOnSplit);
    await database.exec('DROP TABLE split');
    expect(indexCatalog(database)).toEqual(['flat_idx on flat']);
    expect(await textRows(database, 'SELECT index_oid::regclass FROM kmersearch_index_info')).toEqual([['flat_idx']]);
  });
});

describe('REINDEX', () => {
  it('REINDEX INDEX of the partitioned index and REINDEX TABLE rebuild the attached indexes with the current settings', async () => {
    const database = await openDatabase();
    const values = sequences(60, 6);
    await loadTwin(database, values);
    await database.exec(createOnSplit);
    const query = values[12]!.slice(0, 24);
    const expected = await textRows(database, answer('flat', query));
    await database.exec('SET kmersearch.kmer_size = 10');
    // Built with k = 8: no partition uses its index now.
    const notUsed = (await textRows(database, `EXPLAIN ${answer('split', query)}`)).map((row) => row[0]).filter((line) => line!.includes('not used'));
    expect(notUsed).toEqual([0, 1, 2, 3].map((remainder) => `              Index split_${remainder}_seq_idx not used: built with kmersearch.kmer_size=8 (current 10)`));
    const { notices, options } = noticeCollector();
    const progress: { done: number; total?: number | undefined; operation: string }[] = [];
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    await database.query('REINDEX INDEX split_idx', [], { ...options, onProgress: (report) => progress.push(report) });
    // As CREATE INDEX builds them: two at a time, each whole on a worker thread; one REINDEX progress of the rows.
    expect(run.mock.calls.filter(([request]) => request.kind === 'build-pages')).toHaveLength(4);
    run.mockRestore();
    const rows = Number((await textRows(database, 'SELECT count(*) FROM split'))[0]![0]);
    expect(progress).toHaveLength(5);
    expect(progress[0]).toEqual({ operation: 'REINDEX', done: 0, total: rows, unit: 'rows' });
    expect(progress.at(-1)).toEqual({ operation: 'REINDEX', done: rows, total: rows, unit: 'rows' });
    expect(await textRows(database, 'SELECT index_oid::regclass, kmer_size FROM kmersearch_index_info')).toEqual([['split_idx', '10']]);
    expect(await expectSameOnBothPaths(database, answer('split', query), true)).toEqual({ rows: await textRows(database, answer('flat', query)) });

    await database.exec('SET kmersearch.kmer_size = 8');
    await database.query('REINDEX TABLE split', [], options);
    expect(notices).toEqual([]);
    expect(await textRows(database, 'SELECT index_oid::regclass, kmer_size FROM kmersearch_index_info')).toEqual([['split_idx', '8']]);
    expect(await expectSameOnBothPaths(database, answer('split', query), true)).toEqual({ rows: expected });
    // A partitioned table without indexes: PostgreSQL's REINDEX of partitions has no NOTICE.
    await database.exec('DROP INDEX split_idx');
    await database.query('REINDEX TABLE split', [], options);
    expect(notices).toEqual([]);
  });
});

describe('REINDEX of a partitioned index or table inside a transaction block', () => {
  /** A partitioned table `p` (two partitions) and a plain table `plain`, each with a kmersearch index. */
  async function twoTables(): Promise<KmerSearch> {
    const database = await openDatabase();
    await database.exec("SET kmersearch.kmer_size = 4; CREATE TABLE p (id int, seq dna2); INSERT INTO p VALUES (1, 'ACGTACGTAC'), (2, 'TTTTGGGGCC')");
    await database.query("SELECT kmersearch_partition_table('p', 2)", [], { onNotice: () => undefined });
    await database.exec("CREATE TABLE plain (id int, seq dna2); INSERT INTO plain VALUES (1, 'ACGTACGTAC')");
    await database.exec('CREATE INDEX p_idx ON p USING gin (seq kmersearch_dna2_gin_ops_int2); CREATE INDEX plain_idx ON plain USING gin (seq kmersearch_dna2_gin_ops_int2)');
    return database;
  }
  const aborted = { code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' };
  const refusedIndex = { code: '25001', message: 'REINDEX INDEX cannot run inside a transaction block' };
  const refusedTable = { code: '25001', message: 'REINDEX TABLE cannot run inside a transaction block' };

  it('refuses inside BEGIN with 25001 and leaves the block aborted until ROLLBACK; a plain REINDEX and a partition\'s run there', async () => {
    const database = await twoTables();
    await database.query('BEGIN');
    expect((await database.query('REINDEX INDEX plain_idx')).commandTag).toBe('REINDEX');
    expect((await database.query('REINDEX TABLE plain')).commandTag).toBe('REINDEX');
    expect((await database.query('REINDEX TABLE p_0')).commandTag).toBe('REINDEX');
    expect((await database.query('REINDEX INDEX p_0_seq_idx')).commandTag).toBe('REINDEX');
    await expectError(database, 'REINDEX INDEX p_idx', refusedIndex);
    await expectError(database, 'SELECT 1', aborted);
    await expectError(database, 'REINDEX TABLE plain', aborted);
    expect((await database.query('ROLLBACK')).commandTag).toBe('ROLLBACK');

    await database.query('START TRANSACTION');
    await expectError(database, 'REINDEX TABLE p', refusedTable);
    await expectError(database, 'SELECT count(*) FROM p', aborted);
    expect((await database.query('COMMIT')).commandTag).toBe('ROLLBACK');
    // A missing relation is reported first, as PostgreSQL looks the name up before the check.
    await database.query('BEGIN');
    await expectError(database, 'REINDEX TABLE nope', { code: '42P01', message: 'relation "nope" does not exist' });
    await database.query('ROLLBACK');
    // Outside a block both run.
    expect((await database.query('REINDEX INDEX p_idx')).commandTag).toBe('REINDEX');
    expect((await database.query('REINDEX TABLE p;')).commandTag).toBe('REINDEX');
  });

  it('refuses CREATE INDEX, DROP INDEX and REINDEX CONCURRENTLY of any table inside a block, before looking the names up', async () => {
    const database = await twoTables();
    const refused = (statement: string) => ({ code: '25001', message: `${statement} cannot run inside a transaction block` });
    for (const [sql, statement] of [
      ['CREATE INDEX CONCURRENTLY plain_other ON plain USING gin (seq kmersearch_dna2_gin_ops_int2)', 'CREATE INDEX CONCURRENTLY'],
      ['CREATE INDEX CONCURRENTLY ON nope USING gin (seq kmersearch_dna2_gin_ops_int2)', 'CREATE INDEX CONCURRENTLY'],
      ['DROP INDEX CONCURRENTLY plain_idx', 'DROP INDEX CONCURRENTLY'],
      ['DROP INDEX CONCURRENTLY plain_idx, p_idx', 'DROP INDEX CONCURRENTLY'],
      ['REINDEX INDEX CONCURRENTLY plain_idx', 'REINDEX CONCURRENTLY'],
      ['REINDEX TABLE CONCURRENTLY nope', 'REINDEX CONCURRENTLY'],
    ] as const) {
      await database.query('BEGIN');
      await expectError(database, sql, refused(statement));
      await expectError(database, 'SELECT 1', aborted);
      await database.query('ROLLBACK');
    }
    // Outside a block they run (CONCURRENTLY builds like a plain statement here: one transaction, no steps).
    expect((await database.query('REINDEX INDEX CONCURRENTLY plain_idx')).commandTag).toBe('REINDEX');
    expect((await database.query('CREATE INDEX CONCURRENTLY plain_other ON plain USING gin (seq kmersearch_dna2_gin_ops_int2)')).commandTag).toBe('CREATE INDEX');
    expect((await database.query('DROP INDEX CONCURRENTLY plain_other')).commandTag).toBe('DROP INDEX');
  });

  it('refuses in a text of several statements (PostgreSQL\'s implicit block), wherever the REINDEX stands in it', async () => {
    const database = await twoTables();
    const rejected = async (run: Promise<unknown>): Promise<{ code: string; message: string }> => {
      const error = await rejection(run);
      return { code: error.code, message: error.message };
    };
    expect(await rejected(database.exec('BEGIN; REINDEX TABLE p'))).toEqual(refusedTable);
    await expectError(database, 'SELECT 1', aborted);
    await database.query('ROLLBACK');
    expect(await rejected(database.exec('REINDEX TABLE p; SELECT 1'))).toEqual(refusedTable);
    expect(await rejected(database.exec('SELECT 1; REINDEX INDEX p_idx'))).toEqual(refusedIndex);
    expect(await rejected(database.queryText('REINDEX INDEX p_idx; SELECT 1'))).toEqual(refusedIndex);
    expect(await rejected(database.query('REINDEX INDEX p_idx', [], { implicitTransactionBlock: true }))).toEqual(refusedIndex);
    // No block is left open by the implicit one; a plain REINDEX runs among other statements.
    expect((await database.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await database.exec('REINDEX TABLE plain; REINDEX INDEX plain_idx; SELECT 1')).map((result) => result.commandTag)).toEqual(['REINDEX', 'REINDEX', 'SELECT 1']);
    expect((await database.exec('REINDEX TABLE p;')).map((result) => result.commandTag)).toEqual(['REINDEX']);
  });
});

describe('attaching existing indexes', () => {
  it('attaches a partition\'s equivalent index instead of creating one (kmersearch_parallel_create_index\'s, say)', async () => {
    const database = await openDatabase();
    await loadTwin(database, sequences(40, 12));
    await database.exec('SET kmersearch.kmer_size = 12');
    await database.query("SELECT * FROM kmersearch_parallel_create_index('split', 'seq')", [], { onNotice: () => undefined });
    await database.exec('DROP INDEX split_2_seq_gin_idx');
    // Built with other settings (F7), an index of split_0 is not equivalent: it is not attached, split_0 keeps
    // split_0_seq_gin_idx for that.
    await database.exec('SET kmersearch.max_appearance_nrow = 5; CREATE INDEX other ON split_0 USING gin (seq kmersearch_dna2_gin_ops_int4); RESET kmersearch.max_appearance_nrow');
    await database.exec('DROP INDEX split_0_seq_gin_idx');
    await database.exec(createOnSplit);
    expect(indexCatalog(database)).toEqual([
      'split_1_seq_gin_idx on split_1',
      'split_3_seq_gin_idx on split_3',
      'other on split_0',
      'split_idx on split',
      'split_0_seq_idx on split_0',
      'split_2_seq_idx on split_2',
    ]);
    // The attached indexes keep the rows their own creation gave them; the ones the statement created have none.
    expect(await textRows(database, 'SELECT index_oid::regclass FROM kmersearch_index_info')).toEqual([
      ['split_1_seq_gin_idx'],
      ['split_3_seq_gin_idx'],
      ['other'],
      ['split_idx'],
    ]);
    await expectError(database, 'DROP INDEX split_1_seq_gin_idx', {
      code: '2BP01',
      message: 'cannot drop index split_1_seq_gin_idx because index split_idx requires it',
      hint: 'You can drop index split_idx instead.',
    });
    await database.exec('DROP INDEX other');
    // A second partitioned index finds none free to attach: it creates its own.
    await database.exec('CREATE INDEX second ON split USING gin (seq kmersearch_dna2_gin_ops_int4)');
    const second = ['second on split', ...[0, 1, 2, 3].map((remainder) => `split_${remainder}_seq_idx${remainder % 2 === 0 ? '1' : ''} on split_${remainder}`)];
    expect(indexCatalog(database).slice(-5)).toEqual(second);
    await database.exec('DROP INDEX split_idx');
    expect(indexCatalog(database)).toEqual(second);
  });
});

describe('high-frequency exclusion', () => {
  it('leaves out the keys of the partitioned table\'s analysis in every attached index and records it, as CREATE INDEX does', async () => {
    const database = await openDatabase();
    const motif = 'GATTACAGGCCTTAACGGTA';
    const values = sequences(120, 5, motif);
    await loadTwin(database, values, 'SET kmersearch.kmer_size = 8; SET kmersearch.max_appearance_rate = 0.1');
    await database.exec('SET kmersearch.preclude_highfreq_kmer = on');
    // Without an analysis: the reference's WARNING (the partitioned table has rows), nothing left out.
    const { notices, options } = noticeCollector();
    await database.query(createOnSplit, [], options);
    expect(notices.map((notice) => `${notice.severity}: ${notice.message}`)).toEqual(['WARNING: No high-frequency k-mer analysis found for kmer_size=8, occur_bitlen=8']);
    await database.exec('DROP INDEX split_idx');

    const analysis = await performAnalysis(database, 'split', 'seq');
    const highFrequency = analysisKeys(database, analysis);
    expect(highFrequency.length).toBeGreaterThan(0);
    await database.exec(createOnSplit);
    for (const remainder of [0, 1, 2, 3]) expect(keysInIndex(database, `split_${remainder}_seq_idx`, highFrequency, 8, 8)).toEqual([]);
    expect(await textRows(database, 'SELECT index_oid::regclass, preclude_highfreq_kmer, max_appearance_rate FROM kmersearch_index_info')).toEqual([['split_idx', 't', '0.1']]);
    // The attached indexes answer with the rows of the sequential evaluation under exclusion.
    for (const query of [`${motif}${values[4]!.slice(0, 12)}`, values[50]!.slice(5, 35)]) await expectSameOnBothPaths(database, answer('split', query), true);
  });
});
