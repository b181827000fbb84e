/**
 * Property: `SELECT id FROM t WHERE seq =% $1` returns exactly the rows whose shared-key count reaches the
 * actual minimum score (SPEC §4), computed here independently of the SQL layer from src/kmer's keys, for random
 * DNA2 and DNA4 tables (IUPAC codes included), random query texts and random settings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDnaText } from '../../src/dna/index.js';
import { actualMinScore, countShared, keyLayout, queryKeysOf, storedKeysOf } from '../../src/kmer/index.js';
import { openDatabase } from './engine-helpers.js';

interface Case {
  readonly kind: 'dna2' | 'dna4';
  readonly rows: readonly (string | null)[];
  readonly query: string;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  readonly minScore: number;
  /** Hundredths, so that the SET text and the model's double are the same number. */
  readonly rateHundredths: number;
}

/** Mostly unambiguous bases, with a few IUPAC codes where the type allows them. */
function bases(alphabet: string, ambiguity: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  const letter = ambiguity === '' ? fc.constantFrom(...alphabet) : fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...alphabet) }, { weight: 1, arbitrary: fc.constantFrom(...ambiguity) });
  return fc.array(letter, { minLength, maxLength }).map((letters) => letters.join(''));
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    kind: fc.constantFrom('dna2' as const, 'dna4' as const),
    kmerSize: fc.integer({ min: 4, max: 8 }),
    occurrenceBits: fc.integer({ min: 0, max: 8 }),
    minScore: fc.integer({ min: 0, max: 6 }),
    rateHundredths: fc.integer({ min: 0, max: 100 }),
    seed: fc.nat(),
  })
  .chain((settings) => {
    const ambiguity = settings.kind === 'dna4' ? 'MRWSYKVHDBN' : '';
    const row = fc.option(bases('ACGT', ambiguity, 0, 40), { freq: 12 });
    return fc.record({
      kind: fc.constant(settings.kind),
      kmerSize: fc.constant(settings.kmerSize),
      occurrenceBits: fc.constant(settings.occurrenceBits),
      minScore: fc.constant(settings.minScore),
      rateHundredths: fc.constant(settings.rateHundredths),
      rows: fc.array(row, { minLength: 0, maxLength: 12 }),
      // Query text: any case, U allowed, IUPAC codes; at least k bases (shorter texts are an error, tested elsewhere).
      query: bases('ACGTacgtU', 'MRWSYKVHDBNn', settings.kmerSize, 30),
    });
  });

function expectedIds(testCase: Case): number[] {
  const layout = keyLayout(testCase.kmerSize, testCase.occurrenceBits);
  const queryKeys = queryKeysOf(layout, testCase.query);
  if (queryKeys.count === 0) return [];
  const threshold = actualMinScore({ minScore: testCase.minScore, minSharedKmerRate: testCase.rateHundredths / 100 }, queryKeys.count);
  const ids: number[] = [];
  testCase.rows.forEach((text, index) => {
    if (text === null) return;
    const stored = storedKeysOf(layout, parseDnaText(testCase.kind, text));
    if (countShared(stored, queryKeys) >= threshold) ids.push(index + 1);
  });
  return ids;
}

describe('=% on a sequential scan', () => {
  it('returns exactly the rows the matching rule selects', async () => {
    const db = await openDatabase();
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (testCase) => {
        await db.query('DROP TABLE IF EXISTS t');
        await db.query(`CREATE TABLE t (id int, seq ${testCase.kind})`);
        for (const [index, text] of testCase.rows.entries()) await db.query('INSERT INTO t VALUES ($1, $2)', [index + 1, text]);
        await db.query(`SET kmersearch.kmer_size = ${testCase.kmerSize}`);
        await db.query(`SET kmersearch.occur_bitlen = ${testCase.occurrenceBits}`);
        await db.query(`SET kmersearch.min_score = ${testCase.minScore}`);
        await db.query(`SET kmersearch.min_shared_kmer_rate = ${(testCase.rateHundredths / 100).toFixed(2)}`);
        const result = await db.query('SELECT id FROM t WHERE seq =% $1 ORDER BY id', [testCase.query]);
        expect(result.rows.map((row) => row['id'])).toEqual(expectedIds(testCase));
      }),
      { numRuns: 250 },
    );
  });
});
