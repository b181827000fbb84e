/**
 * Long rows and long queries through SQL: with src/kmer's long-input path forced on short inputs
 * (`longInputTestHooks`, this thread's extractors only, so builds and analyses run with 0 workers), an index
 * build, the index and sequential searches with `kmersearch_matchscore`, inserts into an indexed table (its
 * pending list) and the high-frequency analysis give exactly what they give without it, and the index path agrees
 * with the sequential one.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { longInputTestHooks, optimalStorageClass } from '../../src/kmer/index.js';
import type { KmerSearch } from '../../src/index.js';
import { openDatabase, textRows } from './engine-helpers.js';
import { expectSameOnBothPaths, type Outcome } from './index-helpers.js';

afterEach(() => {
  longInputTestHooks.current = undefined;
});

interface Scenario {
  readonly kind: 'dna2' | 'dna4';
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  readonly rows: readonly string[];
  readonly later: readonly string[];
  readonly queries: readonly string[];
}

function basesOf(kind: 'dna2' | 'dna4'): fc.Arbitrary<string> {
  const letter =
    kind === 'dna2'
      ? fc.constantFrom(...'ACGT')
      : fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...'ACGT') }, { weight: 1, arbitrary: fc.constantFrom(...'MRYKN') });
  const random = fc.array(letter, { minLength: 0, maxLength: 300 }).map((letters) => letters.join(''));
  // A short unit repeated: occurrences beyond 2^b.
  const repeated = fc
    .tuple(fc.array(letter, { minLength: 1, maxLength: 4 }), fc.integer({ min: 2, max: 90 }), fc.array(letter, { maxLength: 30 }))
    .map(([unit, times, tail]) => unit.join('').repeat(times) + tail.join(''));
  return fc.oneof(random, repeated);
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    kind: fc.constantFrom('dna2' as const, 'dna4' as const),
    layout: fc.oneof(
      { weight: 4, arbitrary: fc.record({ kmerSize: fc.integer({ min: 4, max: 12 }), occurrenceBits: fc.integer({ min: 0, max: 8 }) }) },
      // Wide keys: two 32-bit halves beyond 53 bits.
      { weight: 1, arbitrary: fc.constantFrom({ kmerSize: 20, occurrenceBits: 8 }, { kmerSize: 28, occurrenceBits: 8 }, { kmerSize: 32, occurrenceBits: 0 }) },
    ),
  })
  .chain(({ kind, layout: { kmerSize, occurrenceBits } }) =>
    fc.record({
      kind: fc.constant(kind),
      kmerSize: fc.constant(kmerSize),
      occurrenceBits: fc.constant(occurrenceBits),
      rows: fc.array(basesOf(kind), { minLength: 1, maxLength: 8 }),
      later: fc.array(basesOf(kind), { maxLength: 3 }),
      extraQuery: basesOf(kind),
      // Stretches of the rows, so that queries match.
      stretches: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 30, max: 250 })), { minLength: 1, maxLength: 3 }),
    }),
  )
  .map(({ stretches, extraQuery, ...scenario }) => ({
    ...scenario,
    queries: [
      ...stretches.map(([row, start, length]) => {
        const text = scenario.rows[row % scenario.rows.length]!;
        const from = start % Math.max(1, text.length - 30);
        return text.slice(from, from + length);
      }),
      extraQuery,
    ],
  }));

/** Everything the scenario's statements return, index and sequential paths compared on the way. */
async function outcomes(db: KmerSearch, scenario: Scenario): Promise<unknown[]> {
  const { kind, kmerSize, occurrenceBits } = scenario;
  const values = (rows: readonly string[], first: number): string => rows.map((row, i) => `(${first + i}, '${row}')`).join(', ');
  const opclass = optimalStorageClass(2 * kmerSize + occurrenceBits);
  await db.exec(`SET max_parallel_maintenance_workers = 0; SET max_parallel_workers = 0;
    SET kmersearch.occur_bitlen = ${occurrenceBits}; SET kmersearch.kmer_size = ${kmerSize};
    SET kmersearch.min_score = 1; SET kmersearch.min_shared_kmer_rate = 0.1;
    CREATE TABLE t (id int, seq ${kind});
    INSERT INTO t VALUES ${values(scenario.rows, 1)};
    CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_${kind}_gin_ops_${opclass})`);
  const results: unknown[] = [];
  const search = async (): Promise<void> => {
    for (const query of scenario.queries) {
      if (query.length < kmerSize) continue;
      const sql = `SELECT id, kmersearch_matchscore(seq, '${query}') AS score FROM t WHERE seq =% '${query}' ORDER BY id`;
      const outcome: Outcome = await expectSameOnBothPaths(db, sql, true);
      results.push(outcome);
    }
  };
  await search();
  if (scenario.later.length > 0) {
    await db.exec(`INSERT INTO t VALUES ${values(scenario.later, 100)}`);
    await search();
  }
  results.push(await textRows(db, "SELECT kmersearch_perform_highfreq_analysis('t', 'seq')"));
  results.push(await textRows(db, `SELECT uintkey, appearance_nrow FROM kmersearch_highfreq_kmer ORDER BY uintkey`));
  return results;
}

describe('the long-input path through SQL', () => {
  it('gives the answers of the one-table path, on both paths', { timeout: 120_000 }, async () => {
    let matchedRows = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        longInputTestHooks.current = undefined;
        const expected = await outcomes(await openDatabase(), scenario);
        for (const outcome of expected) if (typeof outcome === 'object' && outcome !== null && 'rows' in outcome) matchedRows += (outcome.rows as unknown[]).length;
        longInputTestHooks.current = { minWindows: 16, valuesPerPartition: 2, chunkWindows: 8 };
        try {
          expect(await outcomes(await openDatabase(), scenario)).toEqual(expected);
        } finally {
          longInputTestHooks.current = undefined;
        }
      }),
      { numRuns: 15 },
    );
    // The queries are stretches of the rows: most find some.
    expect(matchedRows).toBeGreaterThan(15);
  });
});
