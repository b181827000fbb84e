/**
 * Hostile input, DNA through SQL (docs/reliability.md, "Hostile input"): random text as `$1::dna2`/`::dna4`,
 * as a literal, as the query of `=%` and kmersearch_matchscore and as the argument of every kmersearch_* function
 * over DNA, under random k-mer settings. A cast fails exactly as src/dna's text input does (same code, text and
 * hint); everything else gives a result or a KmerSearchError that is not XX000.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnaKind, parseDnaText } from '../../src/dna/index.js';
import { KmerSearch, KmerSearchError } from '../../src/index.js';
import { fuzzParameters, fuzzTestTimeout } from '../fuzz-options.js';

let database: KmerSearch;

beforeAll(async () => {
  database = await KmerSearch.open();
  await database.exec(`
    CREATE TABLE d2 (id int PRIMARY KEY, seq dna2);
    CREATE TABLE d4 (id int PRIMARY KEY, seq dna4);
    INSERT INTO d2 VALUES (1, 'ACGTACGTACGTACGTACGTACGT'), (2, 'TTTTTTTTGGGGGGGG'), (3, '');
    INSERT INTO d4 VALUES (1, 'ACGTNACGTACGTRYKACGTACGT'), (2, 'NNNNNNNNNNNNNNNN'), (3, '');
  `);
});

afterAll(async () => {
  await database.close();
});

const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ACGTUacgtuNnMRWSYKVHDB'.split('')), maxLength: 80 }),
  fc.string({ unit: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...'ACGTacgt'.split('')) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }), maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('\0', 'ACGT\0', '\uD800', "ACGT'; DROP TABLE d2; --", '\\x41', 'NULL'),
);

/** The outcome of a statement: its rows, or the error's code, text and hint (failing on anything untyped). */
async function outcome(sql: string, parameters: readonly unknown[]): Promise<{ rows: unknown } | { code: string; message: string; hint: string | undefined }> {
  try {
    return { rows: (await database.query(sql, parameters)).rows };
  } catch (error) {
    if (!(error instanceof KmerSearchError)) throw new Error(`${String(error)} for ${sql} with ${JSON.stringify(parameters)}`, { cause: error });
    expect(error.code, `${error.message} for ${sql} with ${JSON.stringify(parameters)}`).toMatch(/^[0-9A-Z]{5}$/);
    expect(error.code, `${error.message} for ${sql} with ${JSON.stringify(parameters)}`).not.toBe('XX000');
    return { code: error.code, message: error.message, hint: error.hint };
  }
}

function parseOutcome(kind: DnaKind, text: string): { code: string; message: string; hint: string | undefined } | undefined {
  try {
    parseDnaText(kind, text);
    return undefined;
  } catch (error) {
    const failure = error as KmerSearchError;
    return { code: failure.code, message: failure.message, hint: failure.hint };
  }
}

/** What `text` means to PostgreSQL as text: a NUL or a lone surrogate cannot be sent (22021) — see storable(). */
const storable = (value: string): boolean => !value.includes('\0') && value === Buffer.from(value, 'utf8').toString('utf8');

describe('DNA input through SQL', () => {
  it('casts of random text fail exactly as text input does, and round-trip when they succeed', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<DnaKind>('dna2', 'dna4'), hostileText, async (kind, text) => {
        const expected = parseOutcome(kind, text);
        const cast = await outcome(`SELECT $1::${kind} AS value`, [text]);
        if (expected === undefined) expect(cast).toEqual({ rows: [{ value: text.toUpperCase().replaceAll('U', 'T') }] });
        else expect(cast).toEqual(expected);
        if (storable(text)) {
          // The same text as a literal, quotes doubled.
          const literal = await outcome(`SELECT '${text.replaceAll("'", "''")}'::${kind} AS value`, []);
          expect(literal).toEqual(cast);
        }
      }),
      fuzzParameters(400, 21),
    );
  });

  it('random query text and settings through =%, kmersearch_matchscore and the kmersearch_* functions', { timeout: fuzzTestTimeout }, async () => {
    const settings = fc.record({
      kmerSize: fc.oneof(fc.integer({ min: 4, max: 32 }), fc.constantFrom(-1, 0, 3, 33, 1e9)),
      rate: fc.constantFrom(0, 0.1, 0.5, 1, -0.5, 2),
      minScore: fc.constantFrom(0, 1, 3, 100, -1),
    });
    const statements = [
      'SELECT id, seq =% $1 AS matches FROM d2 ORDER BY id',
      'SELECT id, seq =% $1 AS matches FROM d4 ORDER BY id',
      'SELECT id, kmersearch_matchscore(seq, $1) AS score FROM d2 ORDER BY id',
      'SELECT id, kmersearch_matchscore(seq, $1) AS score FROM d4 ORDER BY id',
      'SELECT kmersearch_dna2_match($1::dna2, $1) AS value',
      'SELECT kmersearch_dna4_match($1::dna4, $1) AS value',
      'SELECT kmersearch_matchscore_dna2($1::dna2, $1) AS value',
      'SELECT kmersearch_matchscore_dna4($1::dna4, $1) AS value',
      'SELECT kmersearch_dna2_cmp($1::dna2, seq) AS value FROM d2',
      'SELECT kmersearch_dna4_cmp($1::dna4, seq) AS value FROM d4',
      'SELECT kmersearch_dna2_hash($1::dna2) AS value',
      'SELECT kmersearch_dna4_hash_extended($1::dna4, 7) AS value',
      'SELECT kmersearch_dna2_to_bytea($1::dna2) AS value',
      'SELECT nuc_length($1::dna4) AS value, bit_length($1::dna4) AS bits',
      'SELECT $1::dna2::dna4::text AS value',
    ];
    await fc.assert(
      fc.asyncProperty(settings, fc.constantFrom(...statements), hostileText, async ({ kmerSize, rate, minScore }, sql, text) => {
        await outcome(`SET kmersearch.kmer_size = ${kmerSize}`, []);
        await outcome(`SET kmersearch.min_shared_kmer_rate = ${rate}`, []);
        await outcome(`SET kmersearch.min_score = ${minScore}`, []);
        await outcome(sql, [text]);
        await database.query('RESET ALL');
      }),
      fuzzParameters(400, 22),
    );
    expect((await database.query('SELECT count(*) AS n FROM d2')).rows).toEqual([{ n: 3 }]);
  });
});
