/**
 * The central property of issue 5 (SPEC §4, deviation F4): for random tables (DNA2 and DNA4 with IUPAC codes, rows
 * shorter than k, NULLs), random settings (k 4..12, b 0..8, and wide layouts up to 64-bit keys) and random queries
 * (mutated substrings of rows, random texts, texts the reference rejects), the kmersearch index path and the
 * sequential path return exactly the same rows with the same kmersearch_matchscore values — after the build, after
 * inserts, updates and deletes (made under the index's settings or other ones: deviation F7), after ROLLBACK of a
 * modifying transaction, and with `min_score = 0, min_shared_kmer_rate = 0`, where the planner must scan.
 * Each query runs twice, once with `enable_bitmapscan = off` and once with `enable_seqscan = off`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimalStorageClass } from '../../src/kmer/index.js';
import type { KmerSearch } from '../../src/index.js';
import { openDatabase } from './engine-helpers.js';
import { expectSameOnBothPaths } from './index-helpers.js';

type Kind = 'dna2' | 'dna4';

interface Layout {
  readonly kmerSize: number;
  readonly occurrenceBits: number;
}

type Modification =
  | { readonly kind: 'insert'; readonly rows: readonly (string | null)[] }
  | { readonly kind: 'update'; readonly modulus: number; readonly remainder: number; readonly row: string | null }
  /** An UPDATE that keeps the sequence: the new row versions must be found as the old ones were. */
  | { readonly kind: 'renumber'; readonly modulus: number; readonly remainder: number }
  | { readonly kind: 'delete'; readonly modulus: number; readonly remainder: number };

interface Step {
  readonly modification: Modification;
  /** Made under other settings than the index's (the index must still extract with its own, F7). */
  readonly otherSettings: boolean;
  /** Made in a transaction block that is rolled back. */
  readonly rolledBack: boolean;
}

interface Case {
  readonly kind: Kind;
  readonly layout: Layout;
  readonly workers: number;
  /** Storage parameters: with fastupdate off every statement merges its pending entries into new pages. */
  readonly storage: string;
  readonly rows: readonly (string | null)[];
  readonly queries: readonly string[];
  readonly minScore: number;
  readonly rateHundredths: number;
  readonly steps: readonly Step[];
}

/** Mostly unambiguous bases, with a few IUPAC codes where the type allows them. */
function bases(alphabet: string, ambiguity: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  const letter =
    ambiguity === ''
      ? fc.constantFrom(...alphabet)
      : fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...alphabet) }, { weight: 1, arbitrary: fc.constantFrom(...ambiguity) });
  return fc.array(letter, { minLength, maxLength }).map((letters) => letters.join(''));
}

const layouts: fc.Arbitrary<Layout> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kmerSize: fc.integer({ min: 4, max: 12 }), occurrenceBits: fc.integer({ min: 0, max: 8 }) }) },
  // Wide keys: int8 classes, 48 to 64 bits (two 32-bit halves beyond 53).
  { weight: 2, arbitrary: fc.constantFrom({ kmerSize: 28, occurrenceBits: 8 }, { kmerSize: 24, occurrenceBits: 8 }, { kmerSize: 20, occurrenceBits: 8 }, { kmerSize: 32, occurrenceBits: 0 }) },
);

/** A query from a row: a window of it with a few substitutions (IUPAC codes included). */
function mutatedSubstring(rows: readonly (string | null)[], kmerSize: number): fc.Arbitrary<string> {
  const texts = rows.filter((row): row is string => row !== null && row.length >= kmerSize);
  if (texts.length === 0) return bases('ACGT', 'N', kmerSize, kmerSize + 20);
  return fc
    .record({
      text: fc.constantFrom(...texts),
      start: fc.nat(),
      length: fc.integer({ min: kmerSize, max: kmerSize + 30 }),
      mutations: fc.array(fc.record({ at: fc.nat(), letter: fc.constantFrom(...'ACGTNRY') }), { maxLength: 3 }),
    })
    .map(({ text, start, length, mutations }) => {
      const from = start % Math.max(1, text.length - kmerSize + 1);
      const letters = [...text.slice(from, from + length)];
      for (const { at, letter } of mutations) letters[at % letters.length] = letter;
      // The stored DNA4 text may hold codes a query accepts too; a DNA2 row is plain.
      return letters.join('');
    });
}

function caseArbitrary(kind: Kind): fc.Arbitrary<Case> {
  const ambiguity = kind === 'dna4' ? 'MRWSYKVHDBN' : '';
  return fc
    .record({
      layout: layouts,
      workers: fc.constantFrom(0, 0, 0, 2),
      storage: fc.constantFrom('', '', ' WITH (fastupdate = off)', ' WITH (gin_pending_list_limit = 64)'),
      minScore: fc.integer({ min: 0, max: 3 }),
      rate: fc.constantFrom(0, 0, 5, 10, 25, 50, 100),
    })
    .chain(({ layout, workers, storage, minScore, rate }) => {
      const row = fc.option(bases('ACGT', ambiguity, 0, layout.kmerSize + 40), { freq: 8 });
      return fc.array(row, { minLength: 0, maxLength: 24 }).chain((rows) => {
        const query = fc.oneof(
          { weight: 6, arbitrary: mutatedSubstring(rows, layout.kmerSize) },
          { weight: 3, arbitrary: bases('ACGTacgtU', 'MRWSYKVHDBNn', layout.kmerSize, layout.kmerSize + 20) },
          // Texts the reference rejects: shorter than k, or a character outside the IUPAC alphabet.
          { weight: 1, arbitrary: fc.oneof(bases('ACGT', '', 0, layout.kmerSize - 1), bases('ACGT', 'X', layout.kmerSize, layout.kmerSize + 5)) },
        );
        // New values are often copies of existing rows, so that the queries (drawn from the rows) find them.
        const newRow = rows.length === 0 ? row : fc.oneof(row, fc.constantFrom(...rows));
        const modification: fc.Arbitrary<Modification> = fc.oneof(
          fc.record({ kind: fc.constant('insert' as const), rows: fc.array(newRow, { minLength: 1, maxLength: 6 }) }),
          fc.record({ kind: fc.constant('update' as const), modulus: fc.integer({ min: 2, max: 4 }), remainder: fc.nat(3), row: newRow }),
          fc.record({ kind: fc.constant('renumber' as const), modulus: fc.integer({ min: 1, max: 3 }), remainder: fc.nat(2) }),
          fc.record({ kind: fc.constant('delete' as const), modulus: fc.integer({ min: 2, max: 5 }), remainder: fc.nat(4) }),
        );
        return fc.record({
          kind: fc.constant(kind),
          layout: fc.constant(layout),
          workers: fc.constant(workers),
          storage: fc.constant(storage),
          rows: fc.constant(rows),
          queries: fc.array(query, { minLength: 1, maxLength: 3 }),
          minScore: fc.constant(minScore),
          rateHundredths: fc.constant(rate),
          steps: fc.array(fc.record({ modification, otherSettings: fc.boolean(), rolledBack: fc.boolean() }), { maxLength: 3 }),
        });
      });
    });
}

function literal(text: string | null): string {
  return text === null ? 'NULL' : `'${text}'`;
}

let nextId = 0;

async function applyModification(db: KmerSearch, modification: Modification): Promise<void> {
  switch (modification.kind) {
    case 'insert':
      await db.query(`INSERT INTO t VALUES ${modification.rows.map((row) => `(${nextId++}, ${literal(row)})`).join(', ')}`);
      break;
    case 'update':
      await db.query(`UPDATE t SET seq = ${literal(modification.row)} WHERE id % ${modification.modulus} = ${modification.remainder % modification.modulus}`);
      break;
    case 'renumber':
      await db.query(`UPDATE t SET id = id + 1000 WHERE id % ${modification.modulus} = ${modification.remainder % modification.modulus}`);
      break;
    case 'delete':
      await db.query(`DELETE FROM t WHERE id % ${modification.modulus} = ${modification.remainder % modification.modulus}`);
      break;
  }
}

/** Every query on both paths: ids with scores, and the best three by score (served from the index's counts). */
async function compareQueries(db: KmerSearch, testCase: Case): Promise<void> {
  const indexUsed = !(testCase.minScore === 0 && testCase.rateHundredths === 0);
  for (const query of testCase.queries) {
    await expectSameOnBothPaths(db, `SELECT id, kmersearch_matchscore(seq, '${query}') AS score FROM t WHERE seq =% '${query}' ORDER BY id`, indexUsed);
    await expectSameOnBothPaths(
      db,
      `SELECT id, kmersearch_matchscore(seq, '${query}') FROM t WHERE seq =% '${query}' AND id % 3 <> 1 ORDER BY 2 DESC, id LIMIT 3`,
      indexUsed,
    );
  }
}

async function runCase(db: KmerSearch, testCase: Case): Promise<void> {
  const { kmerSize, occurrenceBits } = testCase.layout;
  const settings = `SET kmersearch.occur_bitlen = 0; SET kmersearch.kmer_size = ${kmerSize}; SET kmersearch.occur_bitlen = ${occurrenceBits}`;
  await db.exec(`RESET ALL; DROP TABLE IF EXISTS t; CREATE TABLE t (id int, seq ${testCase.kind}); ${settings}`);
  await db.exec(`SET max_parallel_maintenance_workers = ${testCase.workers}; SET maintenance_work_mem = '1MB'`);
  nextId = 0;
  if (testCase.rows.length > 0) {
    await db.query(`INSERT INTO t VALUES ${testCase.rows.map((row) => `(${nextId++}, ${literal(row)})`).join(', ')}`);
  }
  const storageClass = optimalStorageClass(2 * kmerSize + occurrenceBits);
  await db.query(`CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_${testCase.kind}_gin_ops_${storageClass})${testCase.storage}`);
  await db.exec(`SET kmersearch.min_score = ${testCase.minScore}; SET kmersearch.min_shared_kmer_rate = ${testCase.rateHundredths / 100}`);
  await compareQueries(db, testCase);
  for (const step of testCase.steps) {
    // Other settings: another k (and b) than the index's, which INSERT and UPDATE must ignore.
    if (step.otherSettings) await db.exec(`SET kmersearch.occur_bitlen = 0; SET kmersearch.kmer_size = ${kmerSize === 4 ? 5 : 4}`);
    if (step.rolledBack) await db.query('BEGIN');
    await applyModification(db, step.modification);
    if (step.rolledBack) await db.query('ROLLBACK');
    if (step.otherSettings) await db.exec(settings);
    await compareQueries(db, testCase);
  }
}

describe('index path = sequential path (fast-check)', () => {
  for (const kind of ['dna2', 'dna4'] as const) {
    it(`${kind}: same rows and scores after build, inserts, updates, deletes and rollbacks`, async () => {
      const db = await openDatabase();
      await fc.assert(
        fc.asyncProperty(caseArbitrary(kind), (testCase) => runCase(db, testCase)),
        { numRuns: Number(process.env['INDEX_PROPERTY_RUNS'] ?? 100) },
      );
    });
  }

  it('min_score = 0 and min_shared_kmer_rate = 0: the planner scans, and every row with a sequence matches', async () => {
    const db = await openDatabase();
    await db.exec(`
      SET kmersearch.kmer_size = 4;
      CREATE TABLE t (id int, seq dna2);
      INSERT INTO t VALUES (1, 'ACGTACGT'), (2, 'TTTTTTTT'), (3, 'AC'), (4, NULL);
      CREATE INDEX ON t USING gin (seq kmersearch_dna2_gin_ops_int2);
      SET kmersearch.min_score = 0;
      SET kmersearch.min_shared_kmer_rate = 0;
    `);
    const outcome = await expectSameOnBothPaths(db, "SELECT id FROM t WHERE seq =% 'ACGTA' ORDER BY id", false);
    // Rows sharing no key match too (3 is shorter than k: no keys, score 0 ≥ ams 0), which no index can return.
    expect(outcome).toEqual({ rows: [['1'], ['2'], ['3']] });
  });
});
