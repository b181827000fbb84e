/**
 * High-frequency exclusion on a partitioned table (SPEC §4, §7.2–7.3; F5, F7): the analysis of a partitioned
 * table is stored under the parent's id and every partition follows it, through the parent and by name; `=%`
 * with preclude on gives the rows and scores of the equal unpartitioned table sequentially, through the
 * partition indexes of kmersearch_parallel_create_index (which leave the analysis's keys out and record it) and
 * with their searches fanned out to worker threads; a re-run analysis makes the partition indexes stale.
 *
 * The data: 120 rows of 40 bases, every third starting with the same 20-base motif. With k = 8, b = 8 and
 * max_appearance_rate 0.1 the motif's k-mers (in 40 rows, above trunc(121 × 0.1) = 12) are the high-frequency
 * keys (with, by chance, a k-mer that runs from the motif into the random bases); in the partition split_0 alone
 * (35 rows, 7 with the motif, above trunc(35 × 0.1) = 3) too.
 */
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { noticeCollector, openDatabase, textRows } from '../sql/engine-helpers.js';
import { analysisKeys, keysInIndex, keysOfText, performAnalysis } from '../sql/high-frequency-helpers.js';
import { explain } from '../sql/index-helpers.js';
import { answer, loadTwin, sequences } from './twin-helpers.js';

const motif = 'GATTACAGGCCTTAACGGTA';
const settings = 'SET kmersearch.kmer_size = 8; SET kmersearch.max_appearance_rate = 0.1';

/** Queries mixing the motif with stretches of other rows: exclusion changes their answers. */
function queriesOf(values: readonly string[]): string[] {
  return [
    `${motif}${values[4]!.slice(0, 12)}`,
    `${motif.slice(0, 12)}${values[7]!.slice(10, 30)}`,
    values[3]!.slice(0, 30),
    values[50]!.slice(5, 35),
    motif,
  ];
}

async function answersOf(database: KmerSearch, table: string, queries: readonly string[]): Promise<(string | null)[][][]> {
  const answers = [];
  for (const query of queries) answers.push(await textRows(database, answer(table, query)));
  return answers;
}

describe('high-frequency exclusion on a partitioned table', () => {
  it('gives the rows and scores of the unpartitioned table, sequentially, through partition indexes and fanned out', async () => {
    const database = await openDatabase();
    const values = sequences(120, 5, motif);
    await loadTwin(database, values, settings);
    const queries = queriesOf(values);
    const flatAnalysis = await performAnalysis(database, 'flat', 'seq');
    const splitAnalysis = await performAnalysis(database, 'split', 'seq');
    const highFrequency = analysisKeys(database, splitAnalysis);
    expect(highFrequency).toEqual(analysisKeys(database, flatAnalysis));
    // Every k-mer of the motif is high-frequency.
    expect(keysOfText(motif, 8, 8).filter((key) => !highFrequency.includes(key))).toEqual([]);

    const withoutExclusion = await answersOf(database, 'flat', queries);
    await database.exec('SET kmersearch.preclude_highfreq_kmer = on');
    const expected = await answersOf(database, 'flat', queries);
    // Exclusion changes answers (else this test could not tell the paths apart).
    expect(expected).not.toEqual(withoutExclusion);
    expect(expected.filter((rows) => rows.length > 0).length).toBeGreaterThanOrEqual(3);
    // Sequentially, through the parent.
    expect(await answersOf(database, 'split', queries)).toEqual(expected);
    // A partition queried by name follows the parent's analysis: its rows of the parent's answer.
    const inFirst = new Set((await textRows(database, 'SELECT id FROM split_0')).map((row) => row[0]));
    const firstExpected = expected.map((rows) => rows.filter((row) => inFirst.has(row[0] ?? null)));
    expect(await answersOf(database, 'split_0', queries)).toEqual(firstExpected);

    // Indexes: CREATE INDEX on the flat table, kmersearch_parallel_create_index on the partitioned one.
    await database.exec('CREATE INDEX flat_idx ON flat USING gin (seq kmersearch_dna2_gin_ops_int4)');
    const built = await textRows(database, "SELECT partition_name, success FROM kmersearch_parallel_create_index('split', 'seq')");
    expect(built).toEqual([0, 1, 2, 3].map((remainder) => [`split_${remainder}`, 't']));
    for (const remainder of [0, 1, 2, 3]) {
      // Each partition index leaves the analysis's keys out and keeps the others.
      expect(keysInIndex(database, `split_${remainder}_seq_gin_idx`, highFrequency, 8, 8)).toEqual([]);
    }
    expect(keysInIndex(database, 'split_1_seq_gin_idx', keysOfText(values[1]!, 8, 8), 8, 8).length).toBeGreaterThan(0);
    const plan = await explain(database, answer('split', queries[0]!));
    expect(plan.filter((line) => line.includes('Bitmap Heap Scan on split_'))).toHaveLength(4);
    expect(plan.filter((line) => line.includes('Seq Scan'))).toEqual([]);
    expect((await explain(database, answer('split_0', queries[0]!))).some((line) => line.includes('Bitmap Index Scan on split_0_seq_gin_idx'))).toBe(true);
    for (const workers of [0, 2]) {
      await database.exec(`SET max_parallel_workers = ${workers}`);
      expect(await answersOf(database, 'split', queries)).toEqual(expected);
      expect(await answersOf(database, 'split_0', queries)).toEqual(firstExpected);
    }
    expect(await answersOf(database, 'flat', queries)).toEqual(expected);

    // Rows written after the build leave the keys out of the partitions' pending lists as well.
    const added = `${motif}${values[4]!.slice(0, 20)}`;
    await database.exec(`INSERT INTO flat (seq) VALUES ('${added}'); INSERT INTO split (seq) VALUES ('${added}')`);
    const afterInsert = await answersOf(database, 'flat', queries);
    expect(afterInsert).not.toEqual(expected);
    for (const workers of [0, 2]) {
      await database.exec(`SET max_parallel_workers = ${workers}`);
      expect(await answersOf(database, 'split', queries)).toEqual(afterInsert);
    }
    await database.close();
  });

  it('does not use partition indexes whose analysis was run again, says why in EXPLAIN, and uses them after REINDEX', async () => {
    const database = await openDatabase();
    const values = sequences(120, 9, motif);
    await loadTwin(database, values, settings);
    const queries = queriesOf(values);
    const first = await performAnalysis(database, 'split', 'seq');
    await performAnalysis(database, 'flat', 'seq');
    await database.exec('SET kmersearch.preclude_highfreq_kmer = on');
    const expected = await answersOf(database, 'flat', queries);
    await database.query("SELECT * FROM kmersearch_parallel_create_index('split', 'seq')");
    const second = await performAnalysis(database, 'split', 'seq');
    expect(second.analysisId).not.toBe(first.analysisId);
    const query = queries[0]!;
    const plan = await explain(database, `SELECT id FROM split WHERE seq =% '${query}'`);
    expect(plan).toEqual([
      'Append',
      ...[0, 1, 2, 3].flatMap((remainder) => [
        `  ->  Seq Scan on split_${remainder} split_${remainder + 1}`,
        `        Filter: (seq =% '${query}'::text)`,
        `        Index split_${remainder}_seq_gin_idx not used: built with high-frequency analysis ${first.analysisId} (current ${second.analysisId})`,
      ]),
    ]);
    expect((await explain(database, `SELECT id FROM split_2 WHERE seq =% '${query}'`)).at(-1)).toBe(
      `  Index split_2_seq_gin_idx not used: built with high-frequency analysis ${first.analysisId} (current ${second.analysisId})`,
    );
    expect(await answersOf(database, 'split', queries)).toEqual(expected);
    await database.query('REINDEX TABLE split');
    expect((await explain(database, `SELECT id FROM split WHERE seq =% '${query}'`)).filter((line) => line.includes('Bitmap Heap Scan'))).toHaveLength(4);
    expect(await answersOf(database, 'split', queries)).toEqual(expected);
    await database.close();
  });

  it('a partition follows its parent\'s analysis, not one run on the partition by name', async () => {
    const database = await openDatabase();
    const values = sequences(120, 5, motif);
    await loadTwin(database, values, settings);
    const queries = queriesOf(values);
    const inFirst = new Set((await textRows(database, 'SELECT id FROM split_0')).map((row) => row[0]));
    const ofFirst = (answers: (string | null)[][][]) => answers.map((rows) => rows.filter((row) => inFirst.has(row[0] ?? null)));
    const plain = ofFirst(await answersOf(database, 'flat', queries));
    const own = await performAnalysis(database, 'split_0', 'seq');
    expect(analysisKeys(database, own).length).toBeGreaterThan(0);
    await database.exec('SET kmersearch.preclude_highfreq_kmer = on');
    // The partition's own analysis is not the one `=%` follows: without the parent's, nothing is excluded, with
    // the WARNING of preclude on without an analysis.
    const { notices, options } = noticeCollector();
    await database.query(answer('split_0', queries[0]!), [], options);
    expect(notices.map((notice) => notice.message)).toEqual(['No high-frequency k-mer analysis found for kmer_size=8, occur_bitlen=8']);
    expect(await answersOf(database, 'split_0', queries)).toEqual(plain);

    const parent = await performAnalysis(database, 'split', 'seq');
    await performAnalysis(database, 'flat', 'seq');
    const excluded = ofFirst(await answersOf(database, 'flat', queries));
    expect(excluded).not.toEqual(plain);
    expect(await answersOf(database, 'split_0', queries)).toEqual(excluded);
    // CREATE INDEX on the partition leaves the parent's keys out and records its analysis: the index answers.
    await database.exec('CREATE INDEX first_idx ON split_0 USING gin (seq kmersearch_dna2_gin_ops_int4)');
    expect(keysInIndex(database, 'first_idx', analysisKeys(database, parent), 8, 8)).toEqual([]);
    expect((await explain(database, `SELECT id FROM split_0 WHERE seq =% '${queries[0]}'`))[0]).toBe('Bitmap Heap Scan on split_0');
    expect(await answersOf(database, 'split_0', queries)).toEqual(excluded);
    await database.close();
  });
});
