import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actualMinScore, countShared, keyLayout, queryKeysOf, storedKeysOf } from '../../src/kmer/index.js';
import {
  CACHE_STATISTICS_TYPE,
  CACHE_SUMMARY_TYPE,
  type HighFrequencyExclusion,
  dnaMatchesQuery,
} from '../../src/sql/functions/index.js';
import { type RecordValue, type SqlValue, formatValue, parseValue, sqlTypes } from '../../src/sql/types.js';
import { call, catalog, createContext, dna2, dna4, int8, text, unknownLiteral, value } from './functions-helpers.js';
import { expectError } from './types-helpers.js';

function statistics(record: SqlValue): readonly SqlValue[] {
  return (record as RecordValue).values;
}

describe('kmersearch_matchscore (core §3.5, F1, F3)', () => {
  it("'AAAAAAAAAAAA' against itself at k=4: b=0,1,2,3,8 → 1,2,4,8,9, for dna2 and dna4", () => {
    const expected: Record<string, number> = { 0: 1, 1: 2, 2: 4, 3: 8, 8: 9 };
    for (const [occurrenceBits, score] of Object.entries(expected)) {
      const context = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.occur_bitlen': occurrenceBits });
      const sequence = 'AAAAAAAAAAAA';
      expect(value(context, 'kmersearch_matchscore', dna2(sequence), unknownLiteral(sequence))).toBe(score);
      expect(value(context, 'kmersearch_matchscore', dna4(sequence), unknownLiteral(sequence))).toBe(score);
      expect(value(context, 'kmersearch_matchscore_dna2', dna2(sequence), text(sequence))).toBe(score);
      expect(value(context, 'kmersearch_matchscore_dna4', dna4(sequence), text(sequence))).toBe(score);
    }
  });

  it('k=4, b=8: ATCGATCG scores 5; after SET occur_bitlen = 4 it is recomputed (F1), 4 at b = 0', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.occur_bitlen': 8 });
    const score = (): SqlValue => value(context, 'kmersearch_matchscore', dna2('ATCGATCG'), unknownLiteral('ATCGATCG'));
    expect(score()).toBe(5);
    expect(score()).toBe(5);
    context.session.settings.set('kmersearch.occur_bitlen', 4);
    // The reference returns 0 here from stale cached keys; F1 clears the cache and keys it on b.
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 0n, 0, 0]);
    expect(score()).toBe(5);
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 1n, 1, 50000]);
    context.session.settings.set('kmersearch.occur_bitlen', 0);
    // ATCG occurs twice; with b = 0 only its first occurrence is a key.
    expect(score()).toBe(4);
  });

  it('a stored sequence shorter than k scores 0 (F3); a query shorter than k raises the reference error', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4 });
    expect(value(context, 'kmersearch_matchscore', dna2('ATC'), unknownLiteral('ATCG'))).toBe(0);
    expect(value(context, 'kmersearch_matchscore', dna4('ATC'), unknownLiteral('ATCG'))).toBe(0);
    expect(value(context, 'kmersearch_matchscore', dna2(''), unknownLiteral('ATCG'))).toBe(0);
    const error = expectError(
      () => value(context, 'kmersearch_matchscore', dna2('ATCGATCG'), unknownLiteral('ATC')),
      '22023',
      'Query sequence must be at least 4 bases long',
    );
    expect(error.detail).toBeUndefined();
    // The length check comes before the character check (core §2.1).
    expectError(
      () => value(context, 'kmersearch_matchscore', dna2('ATCGATCG'), unknownLiteral('XX')),
      '22023',
      'Query sequence must be at least 4 bases long',
    );
    const character = expectError(
      () => value(context, 'kmersearch_matchscore', dna2('ATCGATCG'), unknownLiteral('ATXG')),
      '22P02',
      "Invalid character 'X' for DNA sequence",
    );
    expect(character.hint).toBe('DNA accepts A,C,G,T,U,M,R,W,S,Y,K,V,H,D,B,N characters');
  });

  it('a query whose windows all hold N scores 0; degenerate letters expand on both sides', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.occur_bitlen': 0 });
    expect(value(context, 'kmersearch_matchscore', dna2('ACGTACGT'), unknownLiteral('NNNNNNNN'))).toBe(0);
    // W = A/T: the query 'AWGT' expands to AAGT and ATGT.
    expect(value(context, 'kmersearch_matchscore', dna2('AAGTATGT'), unknownLiteral('AWGT'))).toBe(2);
    expect(value(context, 'kmersearch_matchscore', dna4('AWGT'), unknownLiteral('ATGT'))).toBe(1);
  });

  it('the layout error (2k + b > 64, reachable through RESET) comes before the query is looked up', () => {
    const context = createContext({ 'kmersearch.occur_bitlen': 0, 'kmersearch.kmer_size': 32 });
    context.session.settings.reset('kmersearch.occur_bitlen');
    const error = expectError(
      () => value(context, 'kmersearch_matchscore', dna2('ACGT'), unknownLiteral('ACGTACGT')),
      '22023',
      'Total bit length exceeds 64 bits',
    );
    expect(error.detail).toBe('k-mer bits: 64, occurrence bits: 8, total: 72');
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 0n, 0, 0]);
  });

  it('is strict: NULL in, NULL out, without touching the caches', () => {
    const context = createContext();
    expect(value(context, 'kmersearch_matchscore', [sqlTypes.dna2, null], unknownLiteral('ACGT'))).toBeNull();
    expect(value(context, 'kmersearch_dna2_match', dna2('ACGT'), text(null))).toBeNull();
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 0n, 0, 0]);
  });
});

describe('=% (SPEC §4, core §3.3)', () => {
  it('is backed by kmersearch_dna2_match / kmersearch_dna4_match', () => {
    const operators = catalog.operators('=%');
    expect(operators.map((operator) => [operator.leftType.id, operator.rightType.id, operator.functionName])).toEqual([
      ['dna2', 'text', 'kmersearch_dna2_match'],
      ['dna4', 'text', 'kmersearch_dna4_match'],
    ]);
    for (const operator of operators) {
      const [entry] = catalog.lookup(operator.functionName);
      expect(entry?.argumentTypes).toEqual([operator.leftType, operator.rightType]);
      expect(entry?.resultType).toBe(sqlTypes.bool);
      expect(entry?.strict).toBe(true);
    }
    expect(catalog.operators('=')).toEqual([]);
  });

  it("'ATC'::dna2 =% 'NNNN' is false without error and without an actual-min-score lookup", () => {
    const context = createContext({ 'kmersearch.kmer_size': 4 });
    expect(value(context, 'kmersearch_dna2_match', dna2('ATC'), unknownLiteral('NNNN'))).toBe(false);
    expect(value(context, 'kmersearch_dna4_match', dna4('A'), unknownLiteral('NNNNNN'))).toBe(false);
    // Two misses: a query with no keys is never stored.
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 2n, 0, 50000]);
    expect(statistics(value(context, 'kmersearch_actual_min_score_cache_stats'))).toEqual([0n, 0n, 0, 0]);
  });

  it('a query shorter than k raises the reference error; a short stored sequence is just no match', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4 });
    expectError(
      () => value(context, 'kmersearch_dna2_match', dna2('ATCGATCG'), unknownLiteral('ATC')),
      '22023',
      'Query sequence must be at least 4 bases long',
    );
    expect(value(context, 'kmersearch_dna2_match', dna2('ATC'), unknownLiteral('ATCG'))).toBe(false);
    // With min_score = 0 and rate 0 the threshold is 0: every extractable row matches, even a short one (F4).
    context.session.settings.set('kmersearch.min_score', 0);
    context.session.settings.set('kmersearch.min_shared_kmer_rate', 0);
    expect(value(context, 'kmersearch_dna2_match', dna2('ATC'), unknownLiteral('ATCG'))).toBe(true);
    expect(value(context, 'kmersearch_dna2_match', dna2('GGGGGG'), unknownLiteral('ATCG'))).toBe(true);
  });

  it('thresholds: max(min_score, ceil(rate × |Q|)) with the IEEE double product', () => {
    // 'AACCGGTT' has 5 distinct 4-mers at b = 0; 'AACCA' shares one of them (AACC).
    const context = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.occur_bitlen': 0 });
    const matches = (stored: string, query: string): SqlValue =>
      value(context, 'kmersearch_dna2_match', dna2(stored), unknownLiteral(query));
    const set = (name: string, setting: number): void => {
      context.session.settings.set(name, setting);
    };
    set('kmersearch.min_score', 1);
    set('kmersearch.min_shared_kmer_rate', 0.2); // 0.2 × 5 = 1.0 exactly → 1
    expect(matches('AACCA', 'AACCGGTT')).toBe(true);
    set('kmersearch.min_shared_kmer_rate', 0.21); // ceil(1.05) = 2
    expect(matches('AACCA', 'AACCGGTT')).toBe(false);
    expect(matches('AACCGG', 'AACCGGTT')).toBe(true); // AACC, ACCG, CCGG
    set('kmersearch.min_shared_kmer_rate', 0);
    set('kmersearch.min_score', 3);
    expect(matches('AACCG', 'AACCGGTT')).toBe(false);
    expect(matches('AACCGG', 'AACCGGTT')).toBe(true);

    // 103 bases at k = 4, b = 8: 100 distinct keys. 0.07 × 100 = 7.000000000000001 in IEEE → ams 8.
    const query = Array.from({ length: 103 }, (_, index) => 'ACGT'[(index * 7 + (index >> 3)) % 4]).join('');
    const wide = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.occur_bitlen': 8 });
    expect(queryKeysOf(keyLayout(4, 8), query).count).toBe(100);
    const prefix = query.slice(0, 10); // its 7 windows are the query's first 7 keys
    expect(value(wide, 'kmersearch_matchscore', dna2(prefix), unknownLiteral(query))).toBe(7);
    wide.session.settings.set('kmersearch.min_shared_kmer_rate', 0.07);
    expect(value(wide, 'kmersearch_dna2_match', dna2(prefix), unknownLiteral(query))).toBe(false);
    wide.session.settings.set('kmersearch.min_shared_kmer_rate', 0.06);
    expect(value(wide, 'kmersearch_dna2_match', dna2(prefix), unknownLiteral(query))).toBe(true);
  });

  it('a sequential scan: one query-k-mer and one actual-min-score lookup per row, each a hit or a miss (F14)', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4 });
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 0n, 0, 0]);
    expect(statistics(value(context, 'kmersearch_actual_min_score_cache_stats'))).toEqual([0n, 0n, 0, 0]);
    const rows = ['ACGTACGTAC', 'TTTTTTTT', 'ACGTAAAA'];
    const results = rows.map((row) => value(context, 'kmersearch_dna2_match', dna2(row), unknownLiteral('ACGTACGT')));
    expect(results).toEqual([true, false, false]);
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([2n, 1n, 1, 50000]);
    expect(statistics(value(context, 'kmersearch_actual_min_score_cache_stats'))).toEqual([2n, 1n, 1, 50000]);

    // matchscore: one query-k-mer lookup, no actual-min-score lookup.
    expect(value(context, 'kmersearch_matchscore', dna2('ACGT'), unknownLiteral('ACGTACGT'))).toBe(1);
    expect(value(context, 'kmersearch_matchscore', dna2('ACGT'), unknownLiteral('acgtacgt'))).toBe(1);
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([3n, 2n, 2, 50000]);
    expect(statistics(value(context, 'kmersearch_actual_min_score_cache_stats'))).toEqual([2n, 1n, 1, 50000]);

    const summary = call(context, 'kmersearch_cache_summary_rows');
    expect(summary.type).toBe(CACHE_SUMMARY_TYPE);
    expect(summary.rows?.map((row) => (row as RecordValue).values)).toEqual([
      ['query-kmer', 2, 3n, 2n, 0.6],
      ['actual_min_score', 1, 2n, 1n, 2 / 3],
    ]);

    // free returns the entries it discarded, and the counters go with them.
    expect(value(context, 'kmersearch_query_kmer_cache_free')).toBe(2);
    expect(value(context, 'kmersearch_query_kmer_cache_free')).toBe(0);
    expect(value(context, 'kmersearch_actual_min_score_cache_free')).toBe(1);
    expect(statistics(value(context, 'kmersearch_query_kmer_cache_stats'))).toEqual([0n, 0n, 0, 0]);
    expect(call(context, 'kmersearch_cache_summary_rows').rows?.map((row) => (row as RecordValue).values)).toEqual([
      ['query-kmer', 0, 0n, 0n, 0],
      ['actual_min_score', 0, 0n, 0n, 0],
    ]);
  });

  it('changing min_score frees the actual-min-score cache and the new threshold applies', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.min_shared_kmer_rate': 0 });
    expect(value(context, 'kmersearch_dna2_match', dna2('ACGTA'), unknownLiteral('ACGTACGT'))).toBe(true);
    context.session.settings.set('kmersearch.min_score', 3);
    expect(statistics(value(context, 'kmersearch_actual_min_score_cache_stats'))).toEqual([0n, 0n, 0, 0]);
    expect(value(context, 'kmersearch_dna2_match', dna2('ACGTA'), unknownLiteral('ACGTACGT'))).toBe(false);
  });

  it('the high-frequency exclusion hook: H = Q ∩ highfreq leaves Q, ams = max(1, base − |H|)', () => {
    const context = createContext({ 'kmersearch.kmer_size': 4, 'kmersearch.occur_bitlen': 0, 'kmersearch.min_shared_kmer_rate': 1 });
    const stored = parseValue('AACCGG', sqlTypes.dna2) as Parameters<typeof dnaMatchesQuery>[0];
    // Query AACCGGTT: keys AACC, ACCG, CCGG, CGGT, GGTT (|Q| = 5, base = 5); the stored row has the first three.
    expect(dnaMatchesQuery(stored, 'AACCGGTT', context)).toBe(false);
    const highFrequency = new Set([0b0000_0101, 0b1010_1111]); // AACC and GGTT as k-mer values (b = 0)
    const exclusion: HighFrequencyExclusion = {
      identity: 'test analysis',
      analysisId: 1,
      has: (keys, index) => !keys.wide && highFrequency.has(keys.values[index] ?? -1),
    };
    // H = {AACC, GGTT}: shared = |{ACCG, CCGG}| = 2, ams = max(1, 5 − 2) = 3 → no match.
    expect(dnaMatchesQuery(stored, 'AACCGGTT', context, exclusion)).toBe(false);
    const longer = parseValue('AACCGGT', sqlTypes.dna2) as Parameters<typeof dnaMatchesQuery>[0];
    // shared = |{ACCG, CCGG, CGGT}| = 3 ≥ 3.
    expect(dnaMatchesQuery(longer, 'AACCGGTT', context, exclusion)).toBe(true);
    // The threshold under an exclusion is cached apart from the plain one (F2).
    expect(dnaMatchesQuery(longer, 'AACCGGTT', context)).toBe(false);
  });

  it('property: kmersearch_dna4_match = (|S ∩ Q| ≥ ams) computed independently with src/kmer', () => {
    const bases = (letters: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
      fc.array(fc.constantFrom(...letters), { minLength, maxLength }).map((list) => list.join(''));
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 100 }),
        bases('ACGTACGTACGTMRWN', 0, 60),
        bases('ACGTACGTACGTSKN', 0, 40),
        (kmerSize, occurrenceBits, minScore, ratePercent, storedBases, queryBases) => {
          const rate = ratePercent / 100;
          const context = createContext({
            'kmersearch.kmer_size': kmerSize,
            'kmersearch.occur_bitlen': occurrenceBits,
            'kmersearch.min_score': minScore,
            'kmersearch.min_shared_kmer_rate': rate,
          });
          const stored = parseValue(storedBases, sqlTypes.dna4) as Parameters<typeof storedKeysOf>[1];
          const layout = keyLayout(kmerSize, occurrenceBits);
          if (queryBases.length < kmerSize) {
            expect(() => value(context, 'kmersearch_dna4_match', [sqlTypes.dna4, stored], text(queryBases))).toThrow(
              `Query sequence must be at least ${kmerSize} bases long`,
            );
            return;
          }
          const queryKeys = queryKeysOf(layout, queryBases);
          const shared = countShared(storedKeysOf(layout, stored), queryKeys);
          const expected =
            queryKeys.count > 0 && shared >= actualMinScore({ minScore, minSharedKmerRate: rate }, queryKeys.count);
          expect(value(context, 'kmersearch_dna4_match', [sqlTypes.dna4, stored], text(queryBases))).toBe(expected);
          // Twice, so the second answer comes through both caches.
          expect(value(context, 'kmersearch_dna4_match', [sqlTypes.dna4, stored], text(queryBases))).toBe(expected);
          expect(value(context, 'kmersearch_matchscore', [sqlTypes.dna4, stored], text(queryBases))).toBe(shared);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cache statistics functions (core §5.3, analysis §7.4)', () => {
  it('return a (hits bigint, misses bigint, current_entries integer, max_entries integer) record', () => {
    const context = createContext();
    const result = call(context, 'kmersearch_query_kmer_cache_stats');
    expect(result.type).toBe(CACHE_STATISTICS_TYPE);
    expect(result.type.fields?.map((field) => [field.name, field.type.typeName])).toEqual([
      ['hits', 'int8'],
      ['misses', 'int8'],
      ['current_entries', 'int4'],
      ['max_entries', 'int4'],
    ]);
    expect(formatValue(result.value, result.type)).toBe('(0,0,0,0)');
    expect(formatValue(value(context, 'kmersearch_actual_min_score_cache_stats'), CACHE_STATISTICS_TYPE)).toBe('(0,0,0,0)');
    expect(value(context, 'kmersearch_query_kmer_cache_free')).toBe(0);
    expect(value(context, 'kmersearch_actual_min_score_cache_free')).toBe(0);
  });

  it('max_entries is the capacity setting when the cache was created', () => {
    const context = createContext({ 'kmersearch.query_kmer_cache_max_entries': 1000 });
    value(context, 'kmersearch_matchscore', dna2('ACGT'), unknownLiteral('ACGTACGTACGTACGTACGT'));
    expect(formatValue(value(context, 'kmersearch_query_kmer_cache_stats'), CACHE_STATISTICS_TYPE)).toBe('(0,1,1,1000)');
  });

  it('the summary rows have the view columns and types of analysis §7.4', () => {
    expect(CACHE_SUMMARY_TYPE.fields?.map((field) => [field.name, field.type.formatName])).toEqual([
      ['cache_type', 'text'],
      ['total_entries', 'integer'],
      ['total_hits', 'bigint'],
      ['total_misses', 'bigint'],
      ['hit_rate', 'double precision'],
    ]);
    const [entry] = catalog.lookup('kmersearch_cache_summary_rows');
    expect(entry?.returnsSet).toBe(true);
    const [free] = catalog.lookup('kmersearch_query_kmer_cache_free');
    expect(free?.volatility).toBe('volatile');
  });
});

describe('DNA functions (core §1.5–1.7)', () => {
  const context = createContext();

  it('kmersearch_dna2_to_bytea / kmersearch_dna4_to_bytea', () => {
    const bytea = (result: SqlValue): string => formatValue(result, sqlTypes.bytea);
    expect(bytea(value(context, 'kmersearch_dna2_to_bytea', dna2('ACGTA')))).toBe('\\x0000000a1b00');
    expect(bytea(value(context, 'kmersearch_dna4_to_bytea', dna4('ACGTA')))).toBe('\\x00000014124810');
    expect(bytea(value(context, 'kmersearch_dna2_to_bytea', dna2('')))).toBe('\\x00000000');
  });

  it('bit_length, nuc_length, length, char_length (int4)', () => {
    for (const [argument, bits, bases] of [
      [dna2('ACGTA'), 10, 5],
      [dna4('ACGTN'), 20, 5],
      [dna2(''), 0, 0],
    ] as const) {
      expect(call(context, 'bit_length', argument)).toEqual({ value: bits, type: sqlTypes.int4 });
      for (const name of ['nuc_length', 'length', 'char_length']) {
        expect(call(context, name, argument)).toEqual({ value: bases, type: sqlTypes.int4 });
      }
    }
  });

  it('hash functions reproduce the reference vectors', () => {
    expect(value(context, 'kmersearch_dna2_hash', dna2(''))).toBe(-1477818771);
    expect(value(context, 'kmersearch_dna2_hash', dna2('ACGT'))).toBe(-1171487734);
    expect(value(context, 'kmersearch_dna2_hash', dna2('ACGTA'))).toBe(1847597151);
    for (const bases of ['A', 'AA', 'AAAA']) expect(value(context, 'kmersearch_dna2_hash', dna2(bases))).toBe(-1062527899);
    expect(value(context, 'kmersearch_dna2_hash_extended', dna2('ACGT'), int8(0n))).toBe(-1902094614019668982n);
    expect(value(context, 'kmersearch_dna2_hash_extended', dna2('ACGT'), int8(1n))).toBe(-2230902086080068941n);
    expect(value(context, 'kmersearch_dna2_hash_extended', dna2(''), int8(0n))).toBe(-6939563903564495251n);
    expect(value(context, 'kmersearch_dna4_hash', dna4('ACGT'))).toBe(1140359779);
    expect(value(context, 'kmersearch_dna4_hash_extended', dna4('ACGT'), int8(42n))).toBe(-316955090194637676n);
    // An integer literal seed resolves to the int8 parameter.
    expect(value(context, 'kmersearch_dna4_hash_extended', dna4('ACGT'), [sqlTypes.int4, 42])).toBe(-316955090194637676n);
  });

  it('kmersearch_dna2_cmp / kmersearch_dna4_cmp order shorter values first', () => {
    const cmp = (left: string, right: string): SqlValue => value(context, 'kmersearch_dna2_cmp', dna2(left), dna2(right));
    expect([cmp('', 'T'), cmp('T', 'AA'), cmp('CA', 'GG'), cmp('GG', 'AAA'), cmp('AC', 'AC'), cmp('AG', 'AC')]).toEqual([
      -1, -1, -1, -1, 0, 1,
    ]);
    expect(value(context, 'kmersearch_dna4_cmp', dna4('N'), dna4('A'))).toBe(1);
    expect(value(context, 'kmersearch_dna4_cmp', dna4('M'), dna4('G'))).toBe(-1);
  });

  it('kmersearch_simd_capability and kmersearch_show_buildno', () => {
    expect(call(context, 'kmersearch_simd_capability')).toEqual({ value: 'None', type: sqlTypes.text });
    const forced = createContext({ 'kmersearch.force_simd_capability': 0 });
    expect(value(forced, 'kmersearch_simd_capability')).toBe('None (forced from None)');
    expect(catalog.lookup('kmersearch_simd_capability')[0]?.strict).toBe(false);
    expect(value(context, 'kmersearch_show_buildno')).toBe('0.1.2026.02.03');
  });
});
