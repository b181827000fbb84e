import { describe, expect, it } from 'vitest';
import { parseExpression, parseTypeName } from '../../src/sql/parser.js';
import { errorOf, shape, withoutLocations } from './parser-helpers.js';

describe('expression precedence (gram.y)', () => {
  it.each([
    // =% is a generic operator: tighter than AND/OR and comparisons, looser than + and -.
    [`a =% 'x' AND b > 1 OR c`, `(or (and (=% a 'x') (> b 1)) c)`],
    [`seq =% 'AC' || 'GT'`, `(|| (=% seq 'AC') 'GT')`],
    [`a =% 'x' = true`, `(= (=% a 'x') true)`],
    [`a + 1 =% b * 2`, `(=% (+ a 1) (* b 2))`],
    [`a || b =% c`, `(=% (|| a b) c)`],
    [`1 + 2 * 3`, `(+ 1 (* 2 3))`],
    [`(1 + 2) * 3`, `(* (+ 1 2) 3)`],
    [`1 - 2 - 3`, `(- (- 1 2) 3)`],
    [`2 ^ 3 ^ 2`, `(^ (^ 2 3) 2)`],
    [`-2 * 3`, `(* -2 3)`],
    [`- x * 3`, `(* (prefix- x) 3)`],
    [`-2::int`, `(prefix- (:: 2 int4))`],
    [`- 2`, `-2`],
    [`- -2`, `2`],
    [`-(2)`, `-2`],
    [`+2`, `(prefix+ 2)`],
    [`-2147483648`, `-2147483648`],
    [`- 9223372036854775808`, `-9223372036854775808`],
    [`- 1.5e3`, `-1.5e3`],
    [`x IS NOT NULL`, `(is-not-null x)`],
    [`x IS NULL AND y ISNULL OR z NOTNULL`, `(or (and (is-null x) (is-null y)) (is-not-null z))`],
    [`a = b IS NULL`, `(is-null (= a b))`],
    [`x IS NULL IS NULL`, `(is-null (is-null x))`],
    [`NOT a = b`, `(not (= a b))`],
    [`NOT a IS NULL`, `(not (is-null a))`],
    [`NOT NOT a`, `(not (not a))`],
    [`a AND NOT b OR c`, `(or (and a (not b)) c)`],
    [`a AND b AND c AND d`, `(and a b c d)`],
    [`a AND (b AND c)`, `(and a (and b c))`],
    [`(a AND b) AND c`, `(and a b c)`],
    [`a OR b OR c`, `(or a b c)`],
    [`x IS TRUE OR y IS NOT FALSE OR z IS UNKNOWN`, `(or (is-true x) (is-not-false y) (is-unknown z))`],
    [`a IS DISTINCT FROM b`, `(distinct a b)`],
    [`a IS NOT DISTINCT FROM b + 1`, `(not-distinct a (+ b 1))`],
    [`x BETWEEN 1 AND 10`, `(between x 1 10)`],
    [`x NOT BETWEEN 1 + 1 AND 10 AND y`, `(and (not-between x (+ 1 1) 10) y)`],
    [`x BETWEEN SYMMETRIC 10 AND 1`, `(between-symmetric x 10 1)`],
    [`x IN (1, 2, 3)`, `(in x 1 2 3)`],
    [`x NOT IN ('a')`, `(not-in x 'a')`],
    [`x IN (SELECT 1)`, `(in x <select>)`],
    [`x IN ((SELECT 1))`, `(in x <select>)`],
    [`x IN ((SELECT 1) UNION (SELECT 2))`, `(in x <setOperation>)`],
    [`x IN ((SELECT 1), 2)`, `(in x (subquery <select>) 2)`],
    [`a = b IN (1)`, `(= a (in b 1))`],
    [`name LIKE 'a%'`, `(like name 'a%')`],
    [`name NOT ILIKE 'a%' ESCAPE '#'`, `(not-ilike name 'a%' '#')`],
    [`a LIKE b || 'c'`, `(like a (|| b 'c'))`],
    [`name SIMILAR TO 'a'`, `(~ name (call similar_to_escape 'a'))`],
    [`x = ANY (ARRAY[1, 2])`, `(= any x [1 2])`],
    [`x <> ALL ($1)`, `(<> all x $1)`],
    [`x = SOME (SELECT 1)`, `(= any x <select>)`],
    [`x::text::dna2`, `(:: (:: x text) dna2)`],
    [`'ACGT'::dna2 =% 'ACG'`, `(=% (:: 'ACGT' dna2) 'ACG')`],
    [`'t'::regclass`, `(:: 't' regclass)`],
    [`x::varchar(10)`, `(:: x varchar(10))`],
    [`x::character varying(10)`, `(:: x varchar(10))`],
    [`x::double precision`, `(:: x float8)`],
    [`x::bigint + x::int8 + x::int + x::integer + x::smallint`, `(+ (+ (+ (+ (:: x int8) (:: x int8)) (:: x int4)) (:: x int4)) (:: x int2))`],
    [`x::timestamp with time zone`, `(:: x timestamptz)`],
    [`x::int[]`, `(:: x int4[])`],
    [`CAST(x AS bigint)`, `(:: x int8)`],
    [`dna2 'ACGT'`, `(:: 'ACGT' dna2)`],
    [`integer '5'`, `(:: '5' int4)`],
    [`double precision '1.5'`, `(:: '1.5' float8)`],
    [`timestamp with time zone '2020-01-01'`, `(:: '2020-01-01' timestamptz)`],
    [`(f(x)).field`, `(. (call f x) field)`],
    [`(f(x)).*`, `(.* (call f x))`],
    [`(kmersearch_perform_highfreq_analysis('t', 'seq')).total_rows`, `(. (call kmersearch_perform_highfreq_analysis 't' 'seq') total_rows)`],
    [`((f(x)).a).b`, `(. (. (call f x) a) b)`],
    [`(x).a.b`, `(. (. x a) b)`],
    [`t.col`, `t.col`],
    [`s.t.col`, `s.t.col`],
    [`t.*`, `t.*`],
    [`t.from`, `t.from`],
    [`"Mixed Case"`, `Mixed Case`],
    [`MiXeD`, `mixed`],
    [`count(*)`, `(call count *)`],
    [`count(DISTINCT x)`, `(call count distinct x)`],
    [`count(ALL x)`, `(call count x)`],
    [`string_agg(x, ',' ORDER BY y)`, `(call string_agg x ',' (order-by y))`],
    [`sum(x) FILTER (WHERE x > 0)`, `(call sum x (filter (> x 0)))`],
    [`pg_catalog.length(x)`, `(call pg_catalog.length x)`],
    [`left(x, 2)`, `(call left x 2)`],
    [`f(a => 1, b := 2)`, `(call f (=> a 1) (=> b 2))`],
    [`now()`, `(call now)`],
    [`kmersearch_matchscore(seq, 'ACGT')`, `(call kmersearch_matchscore seq 'ACGT')`],
    [`coalesce(a, b, 0)`, `(call coalesce a b 0)`],
    [`nullif(a, b)`, `(call nullif a b)`],
    [`greatest(a, 1) + least(b, 2)`, `(+ (call greatest a 1) (call least b 2))`],
    [`extract(year FROM ts)`, `(call extract 'year' ts)`],
    [`substring(s FROM 2 FOR 3)`, `(call substring s 2 3)`],
    [`substring(s FOR 3)`, `(call substring s 1 3)`],
    [`substring(s, 2)`, `(call substring s 2)`],
    [`position('a' IN s)`, `(call position s 'a')`],
    [`trim(both 'x' FROM s)`, `(call btrim s 'x')`],
    [`trim(s)`, `(call btrim s)`],
    [`CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END`, `(case (when a 1) (when b 2) (else 3))`],
    [`CASE x WHEN 1 THEN 'a' END`, `(case x (when 1 'a'))`],
    [`ROW(1, 'a')`, `(row 1 'a')`],
    [`(1, 'a')`, `(implicit-row 1 'a')`],
    [`ROW()`, `(row)`],
    [`(SELECT 1)`, `(subquery <select>)`],
    [`(SELECT 1) + 1`, `(+ (subquery <select>) 1)`],
    [`((SELECT 1) + 1)`, `(+ (subquery <select>) 1)`],
    [`((SELECT 1) UNION (SELECT 2))`, `(subquery <setOperation>)`],
    [`((SELECT 1)).x`, `(. (subquery <select>) x)`],
    [`EXISTS (SELECT 1)`, `(exists <select>)`],
    [`NOT EXISTS (SELECT 1) AND a`, `(and (not (exists <select>)) a)`],
    [`ARRAY[[1, 2], [3, 4]]`, `[[1 2] [3 4]]`],
    [`CURRENT_TIMESTAMP`, `current_timestamp`],
    [`current_timestamp(3)`, `current_timestamp(3)`],
    [`current_schema`, `current_schema`],
    [`current_schema()`, `(call current_schema)`],
    [`$1 + $2`, `(+ $1 $2)`],
    [`DEFAULT`, `default`],
    [`~ x + 1`, `(prefix~ (+ x 1))`],
    [`x @> y @> z`, `(@> (@> x y) z)`],
    [`a=-1`, `(= a -1)`],
    [`a=%-1`, `(=%- a 1)`],
    [`a != b`, `(<> a b)`],
    [`a<>b`, `(<> a b)`],
    [`a <= b`, `(<= a b)`],
    [`true AND false OR NULL`, `(or (and true false) null)`],
    [`1.5 + .5 + 1e10 + 1.5E-3 + 1_000 + 0x1F + 0o17 + 0b101`, `(+ (+ (+ (+ (+ (+ (+ 1.5 .5) 1e10) 1.5E-3) 1000) 31) 15) 5)`],
    [`007`, `7`],
    [`3000000000`, `3000000000`],
    [`E'a\\nb'`, `'a\nb'`],
    [`ts AT TIME ZONE 'UTC' + x`, `(+ (call timezone 'UTC' ts) x)`],
    [`- ts AT TIME ZONE 'UTC'`, `(call timezone 'UTC' (prefix- ts))`],
  ])('%s', (sql, expected) => {
    expect(shape(sql)).toBe(expected);
  });

  it('comparisons, LIKE and BETWEEN are non-associative', () => {
    for (const [sql, near, position] of [
      ['a = b = c', '=', 7],
      ['a < b > c', '>', 7],
      ['a LIKE b LIKE c', 'LIKE', 10],
      ['a LIKE b IN (1)', 'IN', 10],
      ['a BETWEEN 1 AND 2 BETWEEN 3 AND 4', 'BETWEEN', 19],
      ['a IS DISTINCT FROM b IS DISTINCT FROM c', 'IS', 22],
    ] as const) {
      const error = errorOf(() => parseExpression(sql));
      expect(error.message).toBe(`syntax error at or near "${near}"`);
      expect(error.position).toBe(position);
    }
  });

  it('keeps literal text exactly and marks integers', () => {
    expect(withoutLocations(parseExpression('123'))).toEqual({ kind: 'numberLiteral', text: '123', isInteger: true });
    expect(withoutLocations(parseExpression('1.50'))).toEqual({ kind: 'numberLiteral', text: '1.50', isInteger: false });
    expect(withoutLocations(parseExpression('99999999999999999999'))).toEqual({ kind: 'numberLiteral', text: '99999999999999999999', isInteger: true });
    expect(withoutLocations(parseExpression("'it''s'"))).toEqual({ kind: 'stringLiteral', value: "it's" });
  });

  it('records locations: operators at the operator, literals and names at their first character', () => {
    const expression = parseExpression(`seq =% 'ACGT'`);
    expect(expression).toMatchObject({ kind: 'binaryOperation', location: 4, left: { location: 0 }, right: { location: 7 } });
    expect(parseExpression('  - 5')).toMatchObject({ kind: 'numberLiteral', text: '-5', location: 2 });
    expect(parseExpression('x::foo')).toMatchObject({ kind: 'typeCast', location: 1, type: { name: 'foo', location: 3 } });
  });

  it('freezes every node deeply', () => {
    const expression = parseExpression(`f(a, b) + (x).y`);
    expect(Object.isFrozen(expression)).toBe(true);
    if (expression.kind !== 'binaryOperation' || expression.left.kind !== 'functionCall') throw new Error('shape');
    expect(Object.isFrozen(expression.left)).toBe(true);
    expect(Object.isFrozen(expression.left.arguments)).toBe(true);
    expect(Object.isFrozen(expression.left.arguments[0])).toBe(true);
    expect(Object.isFrozen(expression.right)).toBe(true);
    expect(() => {
      (expression as { location: number }).location = 3;
    }).toThrow(TypeError);
  });
});

describe('type names', () => {
  it.each([
    ['dna2', { name: 'dna2', modifiers: [] }],
    ['DNA4', { name: 'dna4', modifiers: [] }],
    ['text', { name: 'text', modifiers: [] }],
    ['varchar(10)', { name: 'varchar', modifiers: [10] }],
    ['character varying(20)', { name: 'varchar', modifiers: [20] }],
    ['char varying', { name: 'varchar', modifiers: [] }],
    ['character(3)', { name: 'bpchar', modifiers: [3] }],
    ['integer', { name: 'int4', modifiers: [] }],
    ['int', { name: 'int4', modifiers: [] }],
    ['int4', { name: 'int4', modifiers: [] }],
    ['bigint', { name: 'int8', modifiers: [] }],
    ['int8', { name: 'int8', modifiers: [] }],
    ['smallint', { name: 'int2', modifiers: [] }],
    ['int2', { name: 'int2', modifiers: [] }],
    ['serial', { name: 'serial', modifiers: [] }],
    ['bigserial', { name: 'bigserial', modifiers: [] }],
    ['boolean', { name: 'bool', modifiers: [] }],
    ['bool', { name: 'bool', modifiers: [] }],
    ['real', { name: 'float4', modifiers: [] }],
    ['float4', { name: 'float4', modifiers: [] }],
    ['float', { name: 'float8', modifiers: [] }],
    ['float(24)', { name: 'float4', modifiers: [] }],
    ['float(25)', { name: 'float8', modifiers: [] }],
    ['double precision', { name: 'float8', modifiers: [] }],
    ['float8', { name: 'float8', modifiers: [] }],
    ['bytea', { name: 'bytea', modifiers: [] }],
    ['timestamptz', { name: 'timestamptz', modifiers: [] }],
    ['timestamp with time zone', { name: 'timestamptz', modifiers: [] }],
    ['timestamp(3) with time zone', { name: 'timestamptz', modifiers: [3] }],
    ['timestamp without time zone', { name: 'timestamp', modifiers: [] }],
    ['timestamp', { name: 'timestamp', modifiers: [] }],
    ['numeric(10, 2)', { name: 'numeric', modifiers: [10, 2] }],
    ['decimal', { name: 'numeric', modifiers: [] }],
    ['regclass', { name: 'regclass', modifiers: [] }],
    ['pg_catalog.int4', { schema: 'pg_catalog', name: 'int4', modifiers: [] }],
    ['"My Type"', { name: 'My Type', modifiers: [] }],
    ['text[]', { name: 'text', modifiers: [], arrayDimensions: 1 }],
    ['int[3][]', { name: 'int4', modifiers: [], arrayDimensions: 2 }],
  ])('%s', (sql, expected) => {
    expect(withoutLocations(parseTypeName(sql))).toEqual({ kind: 'typeName', arrayDimensions: 0, ...expected });
  });

  it('rejects impossible float precisions as PostgreSQL does', () => {
    expect(errorOf(() => parseTypeName('float(0)'))).toMatchObject({ code: '22023', message: 'precision for type float must be at least 1 bit' });
    expect(errorOf(() => parseTypeName('float(54)'))).toMatchObject({ code: '22023', message: 'precision for type float must be less than 54 bits' });
  });
});
