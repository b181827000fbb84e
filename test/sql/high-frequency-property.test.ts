/**
 * Issue 6's version of the central property (SPEC §4, F4, F5, F7): with `kmersearch.preclude_highfreq_kmer` on and
 * an analysis of the column, the index path and the sequential path return exactly the same rows with the same
 * kmersearch_matchscore values — after the build (which leaves the analysis's keys out), after inserts, updates and
 * deletes (their pending entries leave them out too, whatever the writer's settings), after ROLLBACK, with
 * `min_score = 0, min_shared_kmer_rate = 0` (the index still answers: with exclusion ams ≥ 1), and after the
 * analysis is run again (the index is stale and not used until REINDEX). Right after the build the rows are also
 * checked against a model of SPEC §4's rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimalStorageClass } from '../../src/kmer/index.js';
import type { KmerSearch } from '../../src/index.js';
import { openDatabase, textRows } from './engine-helpers.js';
import { analysisKeys, keysOfText, modelMatches, performAnalysis } from './high-frequency-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

type Kind = 'dna2' | 'dna4';

type Step =
  | { readonly kind: 'insert'; readonly rows: readonly (string | null)[]; readonly otherSettings: boolean; readonly rolledBack: boolean }
  | { readonly kind: 'update'; readonly modulus: number; readonly remainder: number; readonly row: string | null; readonly rolledBack: boolean }
  | { readonly kind: 'delete'; readonly modulus: number; readonly remainder: number; readonly rolledBack: boolean }
  /** The analysis is run again: the index goes stale until REINDEX. */
  | { readonly kind: 'reanalyze' };

interface Case {
  readonly kind: Kind;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  readonly rows: readonly (string | null)[];
  readonly analysisRate: number;
  readonly queries: readonly string[];
  readonly minScore: number;
  readonly rateHundredths: number;
  readonly steps: readonly Step[];
}

function bases(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...alphabet), { minLength, maxLength }).map((letters) => letters.join(''));
}

/** Rows built from a few shared motifs, so that some keys are in many rows (high-frequency at small rates). */
function rowArbitrary(kind: Kind, kmerSize: number): fc.Arbitrary<string | null> {
  const motif = fc.constantFrom('AAAACCCCAAAA', 'ACGTACGTACGT', 'TTGCATTGCA', 'GGGGGGGGGG');
  const random = bases(kind === 'dna4' ? 'ACGTACGTACGTN' : 'ACGT', 0, kmerSize + 12);
  const piece = fc.oneof({ weight: 3, arbitrary: motif }, { weight: 2, arbitrary: random });
  return fc.option(fc.array(piece, { minLength: 1, maxLength: 3 }).map((pieces) => pieces.join('')), { freq: 10 });
}

function caseArbitrary(kind: Kind): fc.Arbitrary<Case> {
  return fc
    .record({
      kmerSize: fc.integer({ min: 4, max: 8 }),
      occurrenceBits: fc.integer({ min: 0, max: 4 }),
      analysisRate: fc.constantFrom(0.1, 0.25, 0.5),
      minScore: fc.integer({ min: 0, max: 3 }),
      rateHundredths: fc.constantFrom(0, 0, 10, 50, 100),
    })
    .chain(({ kmerSize, occurrenceBits, analysisRate, minScore, rateHundredths }) => {
      const row = rowArbitrary(kind, kmerSize);
      return fc.array(row, { minLength: 1, maxLength: 16 }).chain((rows) => {
        const texts = rows.filter((text): text is string => text !== null && text.length >= kmerSize);
        const fromRow =
          texts.length === 0
            ? bases('ACGT', kmerSize, kmerSize + 8)
            : fc.record({ text: fc.constantFrom(...texts), start: fc.nat(), length: fc.integer({ min: kmerSize, max: kmerSize + 10 }) }).map(
                ({ text, start, length }) => {
                  const from = start % Math.max(1, text.length - kmerSize + 1);
                  return text.slice(from, from + length).replace(/N/g, 'A');
                },
              );
        const query = fc.oneof({ weight: 5, arbitrary: fromRow }, { weight: 2, arbitrary: bases('ACGTN', kmerSize, kmerSize + 10) });
        const rolledBack = fc.boolean();
        const step: fc.Arbitrary<Step> = fc.oneof(
          fc.record({ kind: fc.constant('insert' as const), rows: fc.array(row, { minLength: 1, maxLength: 4 }), otherSettings: fc.boolean(), rolledBack }),
          fc.record({ kind: fc.constant('update' as const), modulus: fc.integer({ min: 2, max: 4 }), remainder: fc.nat(3), row, rolledBack }),
          fc.record({ kind: fc.constant('delete' as const), modulus: fc.integer({ min: 2, max: 5 }), remainder: fc.nat(4), rolledBack }),
          fc.constant({ kind: 'reanalyze' as const }),
        );
        return fc.record({
          kind: fc.constant(kind),
          kmerSize: fc.constant(kmerSize),
          occurrenceBits: fc.constant(occurrenceBits),
          rows: fc.constant(rows),
          analysisRate: fc.constant(analysisRate),
          queries: fc.array(query, { minLength: 1, maxLength: 2 }),
          minScore: fc.constant(minScore),
          rateHundredths: fc.constant(rateHundredths),
          steps: fc.array(step, { maxLength: 3 }),
        });
      });
    });
}

function literal(text: string | null): string {
  return text === null ? 'NULL' : `'${text}'`;
}

let nextId = 0;

async function compareQueries(db: KmerSearch, testCase: Case, indexUsed: boolean): Promise<void> {
  for (const query of testCase.queries) {
    await expectSameOnBothPaths(db, `SELECT id, kmersearch_matchscore(seq, '${query}') AS score FROM t WHERE seq =% '${query}' ORDER BY id`, indexUsed);
  }
}

/** The rows of the first query against SPEC §4's rule with the analysis's keys (plain rows: dna2). */
async function checkModel(db: KmerSearch, testCase: Case, highFrequency: ReadonlySet<number>): Promise<void> {
  const { kmerSize, occurrenceBits } = testCase;
  const query = testCase.queries[0] as string;
  const queryKeys = keysOfText(query, kmerSize, occurrenceBits);
  const expected = testCase.rows.flatMap((row, id) =>
    row !== null && modelMatches(keysOfText(row, kmerSize, occurrenceBits), queryKeys, highFrequency, testCase.minScore, testCase.rateHundredths / 100)
      ? [String(id)]
      : [],
  );
  const actual = (await textRows(db, `SELECT id FROM t WHERE seq =% '${query}' ORDER BY id`)).map((row) => row[0]);
  expect(actual, query).toEqual(expected);
}

async function applyStep(db: KmerSearch, testCase: Case, step: Step, settings: string): Promise<boolean> {
  if (step.kind === 'reanalyze') {
    await performAnalysis(db, 't', 'seq');
    return false;
  }
  const otherSettings = step.kind === 'insert' && step.otherSettings;
  // The writer's settings do not matter: the index extracts with its own and leaves its own analysis's keys out.
  if (otherSettings) await db.exec(`SET kmersearch.preclude_highfreq_kmer = off; SET kmersearch.occur_bitlen = 0; SET kmersearch.kmer_size = ${testCase.kmerSize === 4 ? 5 : 4}`);
  if (step.rolledBack) await db.query('BEGIN');
  switch (step.kind) {
    case 'insert':
      await db.query(`INSERT INTO t VALUES ${step.rows.map((row) => `(${nextId++}, ${literal(row)})`).join(', ')}`);
      break;
    case 'update':
      await db.query(`UPDATE t SET seq = ${literal(step.row)} WHERE id % ${step.modulus} = ${step.remainder % step.modulus}`);
      break;
    case 'delete':
      await db.query(`DELETE FROM t WHERE id % ${step.modulus} = ${step.remainder % step.modulus}`);
      break;
  }
  if (step.rolledBack) await db.query('ROLLBACK');
  if (otherSettings) await db.exec(settings);
  return true;
}

async function runCase(db: KmerSearch, testCase: Case): Promise<void> {
  const { kmerSize, occurrenceBits } = testCase;
  const settings = [
    'SET kmersearch.occur_bitlen = 0',
    `SET kmersearch.kmer_size = ${kmerSize}`,
    `SET kmersearch.occur_bitlen = ${occurrenceBits}`,
    `SET kmersearch.max_appearance_rate = ${testCase.analysisRate}`,
    'SET kmersearch.preclude_highfreq_kmer = on',
    `SET kmersearch.min_score = ${testCase.minScore}`,
    `SET kmersearch.min_shared_kmer_rate = ${testCase.rateHundredths / 100}`,
  ].join('; ');
  await db.exec(`RESET ALL; DROP TABLE IF EXISTS t; CREATE TABLE t (id int, seq ${testCase.kind}); ${settings}`);
  await db.exec('SET max_parallel_maintenance_workers = 0');
  nextId = 0;
  await db.query(`INSERT INTO t VALUES ${testCase.rows.map((row) => `(${nextId++}, ${literal(row)})`).join(', ')}`);
  const record = await performAnalysis(db, 't', 'seq');
  const storageClass = optimalStorageClass(2 * kmerSize + occurrenceBits);
  await db.query(`CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_${testCase.kind}_gin_ops_${storageClass})`);
  await compareQueries(db, testCase, true);
  if (testCase.kind === 'dna2' && !/N/.test(testCase.queries[0] as string)) await checkModel(db, testCase, new Set(analysisKeys(db, record)));
  for (const step of testCase.steps) {
    const current = await applyStep(db, testCase, step, settings);
    await compareQueries(db, testCase, current);
    if (!current) {
      await db.query('REINDEX INDEX t_seq_idx');
      await compareQueries(db, testCase, true);
    }
  }
}

describe('index path = sequential path with high-frequency exclusion (fast-check)', () => {
  for (const kind of ['dna2', 'dna4'] as const) {
    it(`${kind}: same rows and scores after build, writes, rollbacks and a new analysis`, async () => {
      const db = await openDatabase();
      await fc.assert(
        fc.asyncProperty(caseArbitrary(kind), (testCase) => runCase(db, testCase)),
        { numRuns: Number(process.env['HIGH_FREQUENCY_PROPERTY_RUNS'] ?? 30) },
      );
    });
  }
});
