import { describe, expect, it } from 'vitest';
import {
  DNA2_TYPE_OID,
  DNA4_TYPE_OID,
  Numeric,
  encodedTypeModifier,
  formatTypeWithModifier,
  formatValue,
  lookupType,
  recordType,
  sqlTypes,
  typeNumberLiteral,
  typeStringLiteral,
} from '../../src/sql/types.js';
import { expectError } from './types-helpers.js';

const t = sqlTypes;

describe('type descriptors', () => {
  it('carry PostgreSQL names, OIDs, alignment, category and preference', () => {
    const rows = Object.values(t).map((type) => [
      type.typeName,
      type.formatName,
      type.oid,
      type.alignRight,
      type.category,
      type.preferred,
    ]);
    expect(rows).toEqual([
      ['unknown', 'unknown', 705, false, 'X', false],
      ['text', 'text', 25, false, 'S', true],
      ['varchar', 'character varying', 1043, false, 'S', false],
      ['name', 'name', 19, false, 'S', false],
      ['bool', 'boolean', 16, false, 'B', true],
      ['int2', 'smallint', 21, true, 'N', false],
      ['int4', 'integer', 23, true, 'N', false],
      ['int8', 'bigint', 20, true, 'N', false],
      ['float4', 'real', 700, true, 'N', false],
      ['float8', 'double precision', 701, true, 'N', true],
      ['numeric', 'numeric', 1700, true, 'N', false],
      ['bytea', 'bytea', 17, false, 'U', false],
      ['timestamptz', 'timestamp with time zone', 1184, false, 'D', true],
      ['dna2', 'dna2', DNA2_TYPE_OID, false, 'U', false],
      ['dna4', 'dna4', DNA4_TYPE_OID, false, 'U', false],
      ['regclass', 'regclass', 2205, false, 'N', false],
      ['oid', 'oid', 26, true, 'N', true],
      ['record', 'record', 2249, false, 'P', false],
      ['void', 'void', 2278, false, 'P', false],
    ]);
  });

  it('name composites and print modifiers as format_type does', () => {
    const named = recordType([{ name: 'hits', type: t.int8 }], 'kmersearch_cache_stats');
    expect([named.typeName, named.formatName, named.oid, named.fields?.length]).toEqual(['kmersearch_cache_stats', 'kmersearch_cache_stats', 2249, 1]);
    expect(formatTypeWithModifier(lookupType('varchar', [10]))).toBe('character varying(10)');
    expect(formatTypeWithModifier(lookupType('numeric', [10, 2]))).toBe('numeric(10,2)');
    expect(formatTypeWithModifier(lookupType('numeric', [7]))).toBe('numeric(7,0)');
    expect(formatTypeWithModifier(lookupType('timestamptz', [3]))).toBe('timestamp(3) with time zone');
    expect(formatTypeWithModifier(t.int4)).toBe('integer');
    expect(encodedTypeModifier(lookupType('varchar', [10]))).toBe(14);
    expect(encodedTypeModifier(lookupType('numeric', [10, 2]))).toBe(655366);
    expect(encodedTypeModifier(t.text)).toBe(-1);
  });
});

describe('lookupType', () => {
  it('knows the internal names and the SQL spellings', () => {
    const names: readonly (readonly [string, string])[] = [
      ['int', 'int4'], ['integer', 'int4'], ['int4', 'int4'], ['smallint', 'int2'], ['bigint', 'int8'],
      ['real', 'float4'], ['double precision', 'float8'], ['float8', 'float8'], ['float', 'float8'],
      ['decimal', 'numeric'], ['boolean', 'bool'], ['character  varying', 'varchar'], ['timestamptz', 'timestamptz'],
      ['timestamp with time zone', 'timestamptz'], ['dna2', 'dna2'], ['dna4', 'dna4'], ['regclass', 'regclass'],
      ['bytea', 'bytea'], ['text', 'text'], ['oid', 'oid'], ['name', 'name'],
    ];
    for (const [name, typeName] of names) expect([name, lookupType(name).typeName]).toEqual([name, typeName]);
    expect(lookupType('float', [24]).typeName).toBe('float4');
    expect(lookupType('float', [25]).typeName).toBe('float8');
    expect(lookupType('timestamptz', [9]).modifier).toEqual({ kind: 'precision', precision: 6 });
  });

  it('raises PostgreSQL errors for unknown types and bad modifiers', () => {
    expectError(() => lookupType('dna3'), '42704', 'type "dna3" does not exist');
    expectError(() => lookupType('int4', [3]), '42601', 'type modifier is not allowed for type "int4"');
    expectError(() => lookupType('dna2', [3]), '42601', 'type modifier is not allowed for type "dna2"');
    expectError(() => lookupType('varchar', [0]), '22023', 'length for type varchar must be at least 1');
    expectError(() => lookupType('varchar', [10485761]), '22023', 'length for type varchar cannot exceed 10485760');
    expectError(() => lookupType('numeric', [0]), '22023', 'NUMERIC precision 0 must be between 1 and 1000');
    expectError(() => lookupType('numeric', [5, 1001]), '22023', 'NUMERIC scale 1001 must be between -1000 and 1000');
    expectError(() => lookupType('float', [0]), '22023', 'precision for type float must be at least 1 bit');
    expectError(() => lookupType('float', [54]), '22023', 'precision for type float must be less than 54 bits');
    expectError(() => lookupType('timestamptz', [-1]), '22023', 'TIMESTAMP(-1) WITH TIME ZONE precision must not be negative');
  });
});

describe('literal typing', () => {
  it('integers are int4, then int8, then numeric; decimals are numeric', () => {
    const typed = (text: string): [string, string] => {
      const { type, value } = typeNumberLiteral(text);
      return [type.typeName, formatValue(value, type)];
    };
    expect(typed('42')).toEqual(['int4', '42']);
    expect(typed('-2147483648')).toEqual(['int4', '-2147483648']);
    expect(typed('2147483648')).toEqual(['int8', '2147483648']);
    expect(typed('-9223372036854775808')).toEqual(['int8', '-9223372036854775808']);
    expect(typed('9223372036854775808')).toEqual(['numeric', '9223372036854775808']);
    expect(typed('1.50')).toEqual(['numeric', '1.50']);
    expect(typed('1e5')).toEqual(['numeric', '100000']);
    expect(typed('.5')).toEqual(['numeric', '0.5']);
    expect(typed('-1.5e-3')).toEqual(['numeric', '-0.0015']);
    expect(typeNumberLiteral('7').value).toBe(7);
    expect(typeNumberLiteral('0.1').value).toBeInstanceOf(Numeric);
    expect(typeStringLiteral('ACGT')).toEqual({ type: t.unknown, value: 'ACGT' });
  });
});
