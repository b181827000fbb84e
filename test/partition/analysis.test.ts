/**
 * The high-frequency analysis on partitioned tables (F10, F12): it counts every non-empty partition as one table
 * (the reference fails on an empty first partition), and an analysis stays with its table through partitioning
 * and unpartitioning, with the reference's NOTICE.
 */
import { describe, expect, it } from 'vitest';
import { noticeCollector, openDatabase, textRows } from '../sql/engine-helpers.js';

/** Appendix A: remainders mod 4 are 1, 2, 3, 1, 1, 2, 3 — partition 0 stays empty. */
const values = ['TTTTTTTTTTTTTTTT', 'GGGGGGGGGGGGGGGG', 'A'.repeat(32), 'ATGCATGCATGCATGC', 'CGCGCGCGCGCGCGCG', 'GCTA'.repeat(8), 'G'.repeat(32)];
const setup = 'SET kmersearch.kmer_size = 4; SET kmersearch.max_appearance_rate = 0.25; SET max_parallel_maintenance_workers = 0';

describe('analysis of a partitioned table', () => {
  it('gives the result of the unpartitioned table, skipping the empty first partition', async () => {
    const database = await openDatabase();
    await database.exec(setup);
    for (const table of ['flat', 'split']) {
      await database.exec(`CREATE TABLE ${table} (id serial, seq dna2)`);
      await database.exec(`INSERT INTO ${table} (seq) VALUES ${values.map((value) => `('${value}')`).join(', ')}`);
    }
    await database.query("SELECT kmersearch_partition_table('split', 4)");
    expect(await textRows(database, 'SELECT count(*) FROM split_0')).toEqual([['0']]);
    const quiet = { onNotice: () => undefined };
    const flat = await database.queryText("SELECT * FROM kmersearch_perform_highfreq_analysis('flat', 'seq')", quiet);
    const split = await database.queryText("SELECT * FROM kmersearch_perform_highfreq_analysis('split', 'seq')", quiet);
    expect(split.rows).toEqual(flat.rows);
    expect(Number(flat.rows[0]?.[1])).toBeGreaterThan(0);
    const keys = (table: string) =>
      textRows(database, `SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer WHERE table_oid = '${table}'::regclass ORDER BY uintkey`);
    expect(await keys('split')).toEqual(await keys('flat'));
  });

  it('keeps the analysis with the table through partition and unpartition, and lets kmersearch_parallel_create_index run with preclude_highfreq_kmer on', async () => {
    const database = await openDatabase();
    await database.exec(setup);
    await database.exec('CREATE TABLE t (id serial, seq dna2)');
    await database.exec(`INSERT INTO t (seq) VALUES ${values.map((value) => `('${value}')`).join(', ')}`);
    await database.query("SELECT * FROM kmersearch_perform_highfreq_analysis('t', 'seq')", [], { onNotice: () => undefined });
    const meta = "SELECT table_oid::regclass, column_name, kmer_size, occur_bitlen FROM kmersearch_highfreq_kmer_meta";
    const before = await textRows(database, meta);
    expect(before).toEqual([['t', 'seq', '4', '8']]);
    const partitioning = noticeCollector();
    await database.query("SELECT kmersearch_partition_table('t', 2)", [], partitioning.options);
    expect(partitioning.notices.map((notice) => `${notice.severity}: ${notice.message}`).slice(-2)).toEqual([
      'NOTICE: High-frequency k-mer analysis preserved for partitioned table',
      "INFO: Partition table creation completed successfully for table 't' with 2 partitions",
    ]);
    expect(await textRows(database, meta)).toEqual(before);
    await database.exec('SET kmersearch.preclude_highfreq_kmer = on');
    const built = await textRows(database, "SELECT partition_name, success FROM kmersearch_parallel_create_index('t', 'seq')");
    expect(built).toEqual([['t_0', 't'], ['t_1', 't']]);
    const unpartitioning = noticeCollector();
    await database.query("SELECT kmersearch_unpartition_table('t')", [], unpartitioning.options);
    expect(unpartitioning.notices.map((notice) => notice.message).slice(-2)).toEqual([
      'High-frequency k-mer analysis preserved for partitioned table',
      "Unpartition completed successfully for table 't'",
    ]);
    expect(await textRows(database, meta)).toEqual(before);
  });
});
