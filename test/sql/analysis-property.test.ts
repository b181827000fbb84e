/**
 * Property: kmersearch_perform_highfreq_analysis through SQL, with 0, 1, 2 and 4 workers, stores exactly the keys
 * and row counts of a single-threaded model (analysis-model.ts) over random small DNA2/DNA4 tables with NULLs,
 * rows shorter than k and repeated rows (so that tables span several heap blocks and workers share them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnaText } from '../gin/helpers.js';
import { modelAnalysis } from './analysis-model.js';
import { openDatabase, textRows } from './engine-helpers.js';

const settingsArbitrary = fc.record({
  layout: fc.constantFrom([4, 0], [5, 2], [6, 1], [8, 8], [12, 4], [28, 8]),
  rate: fc.constantFrom(0, 0.1, 0.25, 0.29, 0.5, 1),
  nrow: fc.constantFrom(0, 0, 1, 3, 50),
});

function tableArbitrary(kind: 'dna2' | 'dna4'): fc.Arbitrary<{ kind: 'dna2' | 'dna4'; rows: (string | null)[]; copies: number }> {
  return fc.record({
    kind: fc.constant(kind),
    rows: fc.array(fc.option(dnaText(kind, 0, 60), { freq: 6 }), { minLength: 0, maxLength: 25 }),
    copies: fc.integer({ min: 1, max: 40 }),
  });
}

describe('the analysis through SQL', () => {
  it('matches the single-threaded model with 0, 1, 2 and 4 workers', { timeout: 240_000 }, async () => {
    const db = await openDatabase();
    await db.exec('SET max_parallel_workers = 4; CREATE TABLE t (id int, seq dna2)');
    await fc.assert(
      fc.asyncProperty(fc.oneof(tableArbitrary('dna2'), tableArbitrary('dna4')), settingsArbitrary, async (table, settings) => {
        const [kmerSize, occurrenceBits] = settings.layout as [number, number];
        const values = table.rows.map((row) => (row === null ? '(NULL)' : `('${row}')`)).join(', ');
        // Undo first: a dropped table's analyses stay behind (as in the reference) and would pile up.
        await db.exec(`SELECT kmersearch_undo_highfreq_analysis('t', 'seq'); DROP TABLE t; CREATE TABLE t (id int, seq ${table.kind})`);
        if (table.rows.length > 0) {
          await db.query(`INSERT INTO t SELECT i, v.seq::${table.kind} FROM (VALUES ${values}) AS v(seq), generate_series(1, ${table.copies}) AS g(i)`);
        }
        await db.exec(`SET kmersearch.kmer_size = ${kmerSize}; SET kmersearch.occur_bitlen = ${occurrenceBits};
          SET kmersearch.max_appearance_rate = ${settings.rate}; SET kmersearch.max_appearance_nrow = ${settings.nrow}`);
        const allRows = table.rows.flatMap((row) => Array.from({ length: table.copies }, () => row));
        const model = modelAnalysis(allRows, kmerSize, occurrenceBits, settings.rate, settings.nrow);
        const expectedKeys = model.keys
          .map(([key, count]) => [BigInt.asIntN(64, key), count] as const)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, count]) => [String(key), String(count)]);
        for (const workers of [0, 1, 2, 4]) {
          await db.exec(`SET max_parallel_maintenance_workers = ${workers}`);
          const [[result]] = (await textRows(db, "SELECT kmersearch_perform_highfreq_analysis('t', 'seq')")) as [[string]];
          const fields = result.slice(1, -1).split(',');
          expect([fields[0], fields[1], fields[4]]).toEqual([String(allRows.length), String(model.keys.length), String(model.threshold)]);
          expect(Number(fields[2])).toBeLessThanOrEqual(workers);
          expect(await textRows(db, `SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer
            WHERE table_oid = 't'::regclass AND kmer_size = ${kmerSize} AND occur_bitlen = ${occurrenceBits} ORDER BY uintkey`)).toEqual(expectedKeys);
        }
      }),
      { numRuns: 12 },
    );
  });
});
