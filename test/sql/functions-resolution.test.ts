import { describe, expect, it } from 'vitest';
import {
  type FunctionCatalog,
  type ScalarFunction,
  type SqlFunction,
  resolveCommonType,
  resolveFunctionCall,
} from '../../src/sql/functions/index.js';
import { type SqlType, lookupType, sqlTypes, varcharType } from '../../src/sql/types.js';
import { catalog, createContext } from './functions-helpers.js';
import { expectError, thrownError } from './types-helpers.js';

const t = sqlTypes;

function resolvedTypes(name: string, inputs: readonly SqlType[]): string[] {
  return resolveFunctionCall(catalog, name, inputs).argumentTypes.map((type) => type.typeName);
}

describe('resolveFunctionCall', () => {
  it('resolves unknown literals as PostgreSQL does', () => {
    expect(resolvedTypes('kmersearch_matchscore', [t.dna2, t.unknown])).toEqual(['dna2', 'text']);
    expect(resolvedTypes('kmersearch_matchscore', [t.dna4, t.unknown])).toEqual(['dna4', 'text']);
    expect(resolvedTypes('length', [t.unknown])).toEqual(['text']);
    expect(resolvedTypes('length', [t.dna2])).toEqual(['dna2']);
    expect(resolvedTypes('length', [t.varchar])).toEqual(['text']);
    expect(resolvedTypes('repeat', [t.unknown, t.int4])).toEqual(['text', 'int4']);
    expect(resolvedTypes('repeat', [t.unknown, t.unknown])).toEqual(['text', 'int4']);
    expect(resolvedTypes('abs', [t.unknown])).toEqual(['float8']);
    expect(resolvedTypes('round', [t.int4])).toEqual(['float8']);
    expect(resolvedTypes('round', [t.numeric, t.int4])).toEqual(['numeric', 'int4']);
    expect(resolvedTypes('generate_series', [t.int4, t.int8])).toEqual(['int8', 'int8']);
    expect(resolvedTypes('kmersearch_dna2_hash_extended', [t.dna2, t.int4])).toEqual(['dna2', 'int8']);
  });

  it('returns the entry and its result type', () => {
    const resolved = resolveFunctionCall(catalog, 'kmersearch_dna2_match', [t.dna2, t.unknown]);
    expect(resolved.function.name).toBe('kmersearch_dna2_match');
    expect(resolved.function).toBe(catalog.lookup('kmersearch_dna2_match')[0]);
    expect(resolved.resultType).toBe(t.bool);
  });

  it('42883: function f(integer, unknown) does not exist, with PostgreSQL hint', () => {
    const error = expectError(
      () => resolveFunctionCall(catalog, 'f', [t.int4, t.unknown]),
      '42883',
      'function f(integer, unknown) does not exist',
    );
    expect(error.hint).toBe('No function matches the given name and argument types. You might need to add explicit type casts.');
    expect(error.position).toBeUndefined();
    expectError(() => resolveFunctionCall(catalog, 'length', [t.int4]), '42883', 'function length(integer) does not exist');
    expectError(
      () => resolveFunctionCall(catalog, 'kmersearch_dna2_match', [t.dna4, t.text]),
      '42883',
      'function kmersearch_dna2_match(dna4, text) does not exist',
    );
    expectError(() => resolveFunctionCall(catalog, 'concat', []), '42883', 'function concat() does not exist');
    expectError(
      () => resolveFunctionCall(catalog, 'lpad', [varcharType(3), t.int8]),
      '42883',
      'function lpad(character varying, bigint) does not exist',
    );
    expectError(() => resolveFunctionCall(catalog, 'now', [t.int4]), '42883', 'function now(integer) does not exist');
  });

  it('42725: function f(unknown) is not unique, with PostgreSQL hint', () => {
    const error = expectError(
      () => resolveFunctionCall(catalog, 'to_hex', [t.unknown]),
      '42725',
      'function to_hex(unknown) is not unique',
    );
    expect(error.hint).toBe('Could not choose a best candidate function. You might need to add explicit type casts.');
    expectError(
      () => resolveFunctionCall(catalog, 'generate_series', [t.int2, t.int2]),
      '42725',
      'function generate_series(smallint, smallint) is not unique',
    );
    expectError(
      () => resolveFunctionCall(catalog, 'kmersearch_matchscore', [t.unknown, t.unknown]),
      '42725',
      'function kmersearch_matchscore(unknown, unknown) is not unique',
    );
  });

  it('VARIADIC "any": concat keeps each argument type (unknown becomes text) and binds an entry to them', () => {
    const resolved = resolveFunctionCall(catalog, 'concat', [t.unknown, t.int4, t.dna2]);
    expect(resolved.argumentTypes.map((type) => type.typeName)).toEqual(['text', 'int4', 'dna2']);
    expect(resolved.resultType).toBe(t.text);
    expect(resolved.function).not.toBe(catalog.lookup('concat')[0]);
    expect(resolved.function.strict).toBe(false);
    const separated = resolveFunctionCall(catalog, 'concat_ws', [t.unknown, t.bool]);
    expect(separated.argumentTypes.map((type) => type.typeName)).toEqual(['text', 'bool']);
    expectError(() => resolveFunctionCall(catalog, 'concat_ws', [t.unknown]), '42883', 'function concat_ws(unknown) does not exist');
    expectError(
      () => resolveFunctionCall(catalog, 'concat_ws', [t.int4, t.int4]),
      '42883',
      'function concat_ws(integer, integer) does not exist',
    );
    // The unbound entry refuses to run: only resolveFunctionCall knows the types to print.
    const entry = catalog.lookup('concat')[0] as ScalarFunction;
    expect(entry.callTyping).toBe('variadic-any');
    expect(() => entry.evaluate(['a'], createContext())).toThrow('must be resolved with resolveFunctionCall');
  });

  it('special forms: COALESCE / GREATEST / LEAST take the common type; NULLIF the = operator types', () => {
    const coalesce = resolveFunctionCall(catalog, 'coalesce', [t.int4, t.unknown, t.numeric]);
    expect(coalesce.argumentTypes.map((type) => type.typeName)).toEqual(['numeric', 'numeric', 'numeric']);
    expect(coalesce.resultType).toBe(t.numeric);
    expect(coalesce.function.callTyping).toBe('coalesce');
    expect(coalesce.function.strict).toBe(false);
    expect(resolveFunctionCall(catalog, 'greatest', [t.unknown, t.unknown]).resultType).toBe(t.text);
    expect(resolveFunctionCall(catalog, 'least', [t.dna4, t.unknown]).resultType).toBe(t.dna4);
    const nullIf = resolveFunctionCall(catalog, 'nullif', [t.int2, t.int8]);
    expect(nullIf.argumentTypes.map((type) => type.typeName)).toEqual(['int2', 'int8']);
    expect(nullIf.resultType).toBe(t.int2);
    expect(resolveFunctionCall(catalog, 'nullif', [t.varchar, t.unknown]).resultType).toBe(t.text);
    const error = expectError(
      () => resolveFunctionCall(catalog, 'coalesce', [t.int4, t.text], [8, 11]),
      '42804',
      'COALESCE types integer and text cannot be matched',
    );
    expect(error.position).toBe(11);
    expectError(
      () => resolveFunctionCall(catalog, 'greatest', [t.bool, t.int4]),
      '42804',
      'GREATEST types boolean and integer cannot be matched',
    );
    expectError(() => resolveFunctionCall(catalog, 'nullif', [t.int4, t.bytea]), '42883', 'operator does not exist: integer = bytea');
    expectError(() => resolveFunctionCall(catalog, 'nullif', [t.int4]), '42883', 'function nullif(integer) does not exist');
  });

  it('COALESCE bound evaluate returns the first non-NULL argument; GREATEST/LEAST ignore NULLs', () => {
    const context = createContext();
    const coalesce = resolveFunctionCall(catalog, 'coalesce', [t.int4, t.int4, t.int4]).function as ScalarFunction;
    expect(coalesce.evaluate([null, 2, 3], context)).toBe(2);
    expect(coalesce.evaluate([null, null], context)).toBeNull();
    const greatest = resolveFunctionCall(catalog, 'greatest', [t.text, t.text, t.text]).function as ScalarFunction;
    expect(greatest.evaluate(['b', null, 'c'], context)).toBe('c');
    const least = resolveFunctionCall(catalog, 'least', [t.int8, t.int8]).function as ScalarFunction;
    expect(least.evaluate([null, null], context)).toBeNull();
  });

  it('VARIADIC and DEFAULT parameters of other entries', () => {
    const entry = (name: string, argumentTypes: readonly SqlType[], extra: Partial<ScalarFunction>): SqlFunction => ({
      name,
      argumentTypes,
      resultType: t.int4,
      returnsSet: false,
      strict: true,
      volatility: 'immutable',
      evaluate: (args) => args.length,
      ...extra,
    });
    const functions: SqlFunction[] = [
      entry('sum_all', [t.text, t.int8], { variadic: true }),
      entry('defaulted', [t.int4, t.int4, t.text], { optionalArguments: 2 }),
    ];
    const custom: FunctionCatalog = {
      lookup: (name) => functions.filter((fn) => fn.name === name),
      operators: () => [],
    };
    expect(resolveFunctionCall(custom, 'sum_all', [t.unknown, t.int4, t.int2, t.int8]).argumentTypes.map((type) => type.typeName)).toEqual([
      'text',
      'int8',
      'int8',
      'int8',
    ]);
    expectError(() => resolveFunctionCall(custom, 'sum_all', [t.text]), '42883', 'function sum_all(text) does not exist');
    expect(resolveFunctionCall(custom, 'defaulted', [t.int4]).argumentTypes).toEqual([t.int4]);
    expect(resolveFunctionCall(custom, 'defaulted', [t.int4, t.int2, t.unknown]).argumentTypes).toEqual([t.int4, t.int4, t.text]);
    expectError(() => resolveFunctionCall(custom, 'defaulted', []), '42883', 'function defaulted() does not exist');
  });

  it('every catalog entry is frozen, named in lower case, and strict unless PostgreSQL says otherwise', () => {
    const notStrict = new Set(['concat', 'concat_ws', 'coalesce', 'greatest', 'least', 'nullif', 'kmersearch_simd_capability']);
    const names = [
      'kmersearch_dna2_match', 'kmersearch_dna4_match', 'kmersearch_matchscore', 'kmersearch_matchscore_dna2',
      'kmersearch_matchscore_dna4', 'kmersearch_dna2_to_bytea', 'kmersearch_dna4_to_bytea', 'bit_length', 'nuc_length',
      'length', 'char_length', 'kmersearch_dna2_hash', 'kmersearch_dna4_hash', 'kmersearch_dna2_hash_extended',
      'kmersearch_dna4_hash_extended', 'kmersearch_dna2_cmp', 'kmersearch_dna4_cmp', 'kmersearch_simd_capability',
      'kmersearch_show_buildno', 'kmersearch_query_kmer_cache_stats', 'kmersearch_actual_min_score_cache_stats',
      'kmersearch_query_kmer_cache_free', 'kmersearch_actual_min_score_cache_free', 'kmersearch_cache_summary_rows',
      'repeat', 'character_length', 'octet_length', 'upper', 'lower', 'substr', 'substring', 'position', 'strpos',
      'replace', 'reverse', 'left', 'right', 'lpad', 'rpad', 'btrim', 'ltrim', 'rtrim', 'concat', 'concat_ws', 'md5',
      'coalesce', 'nullif', 'greatest', 'least', 'abs', 'round', 'ceil', 'floor', 'sqrt', 'power', 'mod', 'random', 'now',
      'statement_timestamp', 'clock_timestamp', 'generate_series', 'pg_sleep', 'version', 'current_database', 'hashtext',
      'encode', 'decode', 'to_hex',
    ];
    for (const name of names) {
      const entries = catalog.lookup(name);
      expect(entries.length, name).toBeGreaterThan(0);
      for (const fn of entries) {
        expect(Object.isFrozen(fn), name).toBe(true);
        expect(fn.name).toBe(name);
        expect(fn.strict, name).toBe(!notStrict.has(name));
      }
    }
    expect(catalog.lookup('LENGTH')).toEqual([]);
    expect(catalog.lookup('string_agg')).toEqual([]);
  });
});

describe('resolveCommonType (select_common_type)', () => {
  const common = (names: readonly string[], construct = 'CASE'): string =>
    resolveCommonType(names.map((name) => (name === 'unknown' ? t.unknown : lookupType(name))), construct).typeName;

  it('follows the category and preferred-type rules', () => {
    expect(common(['unknown', 'unknown'])).toBe('text');
    expect(common(['unknown', 'int4'])).toBe('int4');
    expect(common(['int4', 'int8'])).toBe('int8');
    expect(common(['int8', 'int4'])).toBe('int8');
    expect(common(['int4', 'numeric', 'int8'])).toBe('numeric');
    expect(common(['int4', 'float4'])).toBe('float4');
    expect(common(['float4', 'numeric'])).toBe('float4');
    expect(common(['numeric', 'float8', 'int4'])).toBe('float8');
    expect(common(['varchar', 'text'])).toBe('varchar');
    expect(common(['text', 'varchar'])).toBe('text');
    expect(common(['int4', 'oid'])).toBe('oid');
    expect(common(['dna2', 'unknown'])).toBe('dna2');
  });

  it('keeps a modifier shared by every input and drops differing ones', () => {
    expect(resolveCommonType([varcharType(5), varcharType(5)], 'UNION')).toEqual(varcharType(5));
    expect(resolveCommonType([varcharType(5), varcharType(10)], 'UNION')).toBe(t.varchar);
    expect(resolveCommonType([varcharType(5), t.unknown], 'UNION')).toBe(t.varchar);
  });

  it('raises 42804 across categories and 42846 when an input cannot convert, at the input position', () => {
    const mismatch = thrownError(() => resolveCommonType([t.int4, t.unknown, t.text], 'CASE', [1, 5, 9]));
    expect([mismatch.code, mismatch.message, mismatch.position]).toEqual(['42804', 'CASE types integer and text cannot be matched', 9]);
    expectError(() => resolveCommonType([t.dna2, t.dna4], 'VALUES'), '42846', 'VALUES could not convert type dna4 to dna2');
    expectError(() => resolveCommonType([t.dna2, t.bytea], 'UNION'), '42846', 'UNION could not convert type bytea to dna2');
  });
});
