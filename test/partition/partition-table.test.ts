/**
 * kmersearch_partition_table / kmersearch_unpartition_table through SQL (analysis §9, SPEC §7.2, F10, F12):
 * routing equal to PostgreSQL's for the Appendix A vectors, every error text with its SQLSTATE, the INFO lines,
 * and what survives a round trip.
 */
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, noticeCollector, openDatabase, textRows } from '../sql/engine-helpers.js';

const dna2Values = [
  'ATCGATCGATCGATCG', 'GCTAGCTAGCTAGCTA', 'TTTTTTTTTTTTTTTT', 'AAAAAAAAAAAAAAAA', 'CCCCCCCCCCCCCCCC', 'GGGGGGGGGGGGGGGG',
  'ATGCATGCATGCATGC', 'CGCGCGCGCGCGCGCG', 'ATCG'.repeat(8), 'GCTA'.repeat(8), 'T'.repeat(32), 'A'.repeat(32), 'C'.repeat(32),
  'G'.repeat(32), 'ATGC'.repeat(8), 'CG'.repeat(16), 'TA'.repeat(16),
];
/** Appendix A: remainders mod 2 and mod 4 of the values above. */
const dna2Mod2 = [0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0];
const dna2Mod4 = [0, 0, 1, 0, 0, 2, 1, 1, 0, 2, 2, 3, 0, 3, 3, 2, 0];
const dna4Values = ['ATCGATCGATCGATCG', 'GCTAGCTAGCTAGCTA', 'MMMMMMMMMMMMMMMM', 'NNNNNNNNNNNNNNNN'];
const dna4Mod2 = [1, 1, 0, 0];
const dna4Mod4 = [1, 3, 0, 2];

function valuesList(values: readonly string[]): string {
  return values.map((value, index) => `(${index + 1}, '${value}')`).join(', ');
}

async function partitionOf(database: KmerSearch, table: string, count: number, value: string): Promise<number> {
  for (let remainder = 0; remainder < count; remainder++) {
    const rows = await textRows(database, `SELECT 1 FROM ${table}_${remainder} WHERE seq = '${value}'`);
    if (rows.length > 0) return remainder;
  }
  return -1;
}

describe('routing of rows to partitions', () => {
  it.each([
    ['dna2', 2, dna2Values, dna2Mod2],
    ['dna2', 4, dna2Values, dna2Mod4],
    ['dna4', 2, dna4Values, dna4Mod2],
    ['dna4', 4, dna4Values, dna4Mod4],
  ] as const)('%s with %i partitions puts every Appendix A value where PostgreSQL does', async (type, count, values, expected) => {
    const database = await openDatabase();
    await database.exec(`CREATE TABLE t (id int, seq ${type})`);
    await database.exec(`INSERT INTO t VALUES ${valuesList(values)}`);
    await database.query(`SELECT kmersearch_partition_table('t', ${count})`);
    const found = [];
    for (const value of values) found.push(await partitionOf(database, 't', count, value));
    expect(found).toEqual(expected);
    // Rows inserted afterwards through the parent are routed the same way.
    await database.exec('TRUNCATE t');
    await database.exec(`INSERT INTO t VALUES ${valuesList(values)}`);
    const again = [];
    for (const value of values) again.push(await partitionOf(database, 't', count, value));
    expect(again).toEqual(expected);
  });

  it('gives the reference distribution [4, 3, 1, 0] for the eight 16-base test values and NULL to partition 0', async () => {
    const database = await openDatabase();
    await database.exec('CREATE TABLE t (id serial, seq dna2)');
    await database.exec(`INSERT INTO t (id, seq) VALUES ${valuesList(dna2Values.slice(0, 8))}`);
    await database.query('SELECT kmersearch_partition_table($1, 4)', ['t']);
    const counts = [];
    for (let remainder = 0; remainder < 4; remainder++) counts.push((await textRows(database, `SELECT count(*) FROM t_${remainder}`))[0]?.[0]);
    expect(counts).toEqual(['4', '3', '1', '0']);
    await database.exec('INSERT INTO t (seq) VALUES (NULL)');
    expect(await textRows(database, 'SELECT count(*) FROM t_0 WHERE seq IS NULL')).toEqual([['1']]);
  });
});

describe('errors (analysis §9.1, §9.3, F12)', () => {
  it('raises the reference texts with their SQLSTATEs', async () => {
    const database = await openDatabase();
    await database.exec('CREATE TABLE plain (id int, name text)');
    await database.exec('CREATE TABLE two (a dna2, b dna4)');
    await database.exec('CREATE TABLE one (id int, seq dna4)');
    const partition = (args: string) => `SELECT kmersearch_partition_table(${args})`;
    // The count is checked before the table is looked up; NULL counts as 0.
    await expectError(database, partition("'missing', 0"), { code: '22023', message: 'partition_count must be at least 1' });
    await expectError(database, partition("'missing', NULL"), { code: '22023', message: 'partition_count must be at least 1' });
    await expectError(database, partition("'missing', 2"), { code: '42P01', message: 'relation "missing" does not exist' });
    await expectError(database, partition("'24742', 2"), { code: '42P01', message: 'relation "24742" does not exist' });
    await expectError(database, partition("NULL, 2"), { code: '22004', message: 'table_name must not be NULL' });
    await expectError(database, partition("'plain', 2"), { code: '42809', message: 'table must have at least one DNA2 or DNA4 column' });
    await expectError(database, partition("'two', 2"), { code: '0A000', message: 'table has 2 DNA2/DNA4 columns, but exactly one is required' });
    await database.query(partition("'one', 2"));
    await expectError(database, partition("'one', 3"), { code: '42809', message: 'table "one" is already a partitioned table' });
    await expectError(database, "SELECT kmersearch_unpartition_table('plain')", { code: '42809', message: 'table "plain" is not a partitioned table' });
    await expectError(database, "SELECT kmersearch_unpartition_table('missing')", { code: '42P01', message: 'relation "missing" does not exist' });
    await expectError(database, 'SELECT kmersearch_unpartition_table(NULL)', { code: '22004', message: 'table_name must not be NULL' });
    await expectError(database, "SELECT kmersearch_partition_table('one_0', 2)", {
      code: '0A000',
      message: 'table "one_0" is a partition of table "one"',
      hint: 'Partition the parent table, or unpartition it first.',
    });
    await expectError(database, 'DROP TABLE one_1', {
      code: '2BP01',
      message: 'cannot drop table one_1 because table one requires it',
      hint: "You can drop table one instead, or call kmersearch_unpartition_table('one') first.",
    });
    // A failed call leaves nothing behind.
    await database.exec('CREATE TABLE clash (seq dna2)');
    await database.exec('CREATE TABLE clash_1 (x int)');
    await expectError(database, "SELECT kmersearch_partition_table('clash', 2)", { code: '42P07', message: 'relation "clash_1" already exists' });
    expect(await textRows(database, "SELECT count(*) FROM clash")).toEqual([['0']]);
    await expectError(database, 'SELECT * FROM clash_0', { code: '42P01', message: 'relation "clash_0" does not exist', position: 15 });
  });
});

describe('INFO progress (Appendix B)', () => {
  it('reports the migration in 5 % steps for a keyed table larger than one batch', async () => {
    const database = await openDatabase();
    await database.exec("SET maintenance_work_mem = '1MB'");
    await database.exec('CREATE TABLE t (id serial PRIMARY KEY, seq dna2)');
    await database.exec("INSERT INTO t (seq) SELECT substr('ACGTTGCAACGGTTCA', i % 8 + 1, 8)::dna2 FROM generate_series(1, 2500) AS i");
    const { notices, options } = noticeCollector();
    await database.query("SELECT kmersearch_partition_table('t', 3, 'fast_space')", [], options);
    expect(notices.map((notice) => `${notice.severity}: ${notice.message}`)).toEqual([
      'INFO: Starting partition table data migration: 2500 rows to migrate in batches of 1000',
      'INFO: Migration progress: 40% (1000 / 2500 rows migrated)',
      'INFO: Migration progress: 80% (2000 / 2500 rows migrated)',
      'INFO: Migration progress: 100% (2500 / 2500 rows migrated)',
      'INFO: Migration completed: 100% (2500 / 2500 rows migrated)',
      "INFO: Partition table creation completed successfully for table 't' with 3 partitions",
    ]);
    const back = noticeCollector();
    await database.query("SELECT kmersearch_unpartition_table('t')", [], back.options);
    expect(back.notices.map((notice) => notice.message)).toEqual([
      'Starting unpartition data migration from 3 partitions',
      expect.stringMatching(/^Migrated \d+ rows from partition t_0 \(1\/3\)$/),
      expect.stringMatching(/^Migrated \d+ rows from partition t_1 \(2\/3\)$/),
      expect.stringMatching(/^Migrated \d+ rows from partition t_2 \(3\/3\)$/),
      'Migration completed: 2500 total rows migrated',
      "Unpartition completed successfully for table 't'",
    ]);
    expect(await textRows(database, 'SELECT count(*), count(DISTINCT id), max(id) FROM t')).toEqual([['2500', '2500', '2500']]);
  });

  it('copies an unkeyed or empty table in one step (no progress lines), INFO whatever client_min_messages says', async () => {
    const database = await openDatabase();
    await database.exec("SET client_min_messages = 'error'");
    await database.exec('CREATE TABLE t (seq dna2)');
    const { notices, options } = noticeCollector();
    await database.query("SELECT kmersearch_partition_table('t', 2)", [], options);
    expect(notices.map((notice) => notice.message)).toEqual([
      'Starting partition table data migration: 0 rows to migrate in batches of 16384',
      "Partition table creation completed successfully for table 't' with 2 partitions",
    ]);
  });
});
