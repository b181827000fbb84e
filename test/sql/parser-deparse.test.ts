import { describe, expect, it } from 'vitest';
import type { Expression } from '../../src/sql/ast.js';
import { deparseExpression, formatExpression, formatQuery, formatTypeName, quoteIdentifier } from '../../src/sql/deparse.js';
import { parseExpression, parseStatement, parseTypeName } from '../../src/sql/parser.js';
import { withoutLocations } from './parser-helpers.js';

const explain = (sql: string, options = {}) => deparseExpression(parseExpression(sql), options);

describe('EXPLAIN-style deparse (ruleutils)', () => {
  it.each([
    [`seq =% 'ACGT'`, `(seq =% 'ACGT'::text)`],
    [`t.seq =% 'ACGT'`, `(seq =% 'ACGT'::text)`],
    [`seq =% 'ACGT' AND id > 1`, `((seq =% 'ACGT'::text) AND (id > 1))`],
    [`a =% 'x' AND b > 1 OR c`, `(((a =% 'x'::text) AND (b > 1)) OR c)`],
    [`a AND b AND c`, `(a AND b AND c)`],
    [`NOT a`, `(NOT a)`],
    [`x IS NOT NULL`, `(x IS NOT NULL)`],
    [`x IS TRUE`, `(x IS TRUE)`],
    [`x IS NOT DISTINCT FROM y`, `(NOT (x IS DISTINCT FROM y))`],
    [`id BETWEEN 1 AND 5`, `((id >= 1) AND (id <= 5))`],
    [`id NOT BETWEEN 1 AND 5`, `((id < 1) OR (id > 5))`],
    [`name LIKE 'a%'`, `(name ~~ 'a%'::text)`],
    [`name NOT ILIKE 'a%'`, `(name !~~* 'a%'::text)`],
    [`id IN (1, 2, 3)`, `(id = ANY ('{1,2,3}'::integer[]))`],
    [`name NOT IN ('a', 'b c', '')`, `(name <> ALL ('{a,"b c",""}'::text[]))`],
    [`id IN (a, b)`, `(id = ANY (ARRAY[a, b]))`],
    [`-1`, `'-1'::integer`],
    [`-2::int`, `'-2'::integer`],
    [`1.5`, `1.5`],
    [`-1.5`, `'-1.5'::numeric`],
    [`3000000000`, `'3000000000'::bigint`],
    [`true`, `true`],
    [`NULL`, `NULL`],
    [`'ACGT'::dna2`, `'ACGT'::dna2`],
    [`dna4 'ACGTN'`, `'ACGTN'::dna4`],
    [`'007'::int`, `7`],
    [`'t'::boolean`, `true`],
    // Casts of casts of constants fold as the planner folds them, so that printed text re-parses to itself.
    [`0::int4::int4`, `0`],
    [`0::int4::int8`, `'0'::bigint`],
    [`(-1)::int8`, `'-1'::bigint`],
    [`ROW(0::int4::int4) IS TRUE`, `(ROW(0) IS TRUE)`],
    [`true::bool::int4`, `(true)::integer`],
    [`NULL::text::int4`, `NULL::integer`],
    [`ARRAY[0]::int4`, `('{0}'::integer[])::integer`],
    [`ARRAY[0]::int4[]`, `'{0}'::integer[]`],
    [`ARRAY['a']::int4[]`, `('{a}'::text[])::integer[]`],
    [`x::int + 1`, `((x)::integer + 1)`],
    [`x::varchar(10)`, `(x)::character varying(10)`],
    [`x::double precision`, `(x)::double precision`],
    [`'t'::regclass`, `'t'::regclass`],
    [`kmersearch_matchscore(seq, 'ACGT') > 2`, `(kmersearch_matchscore(seq, 'ACGT'::text) > 2)`],
    [`(kmersearch_perform_highfreq_analysis('t', 'seq')).total_rows`, `(kmersearch_perform_highfreq_analysis('t'::text, 'seq'::text)).total_rows`],
    [`((f(x)).a).b`, `(f(x)).a.b`],
    [`count(*)`, `count(*)`],
    [`count(DISTINCT x)`, `count(DISTINCT x)`],
    [`coalesce(a, 0)`, `COALESCE(a, 0)`],
    [`nullif(a, 0)`, `NULLIF(a, 0)`],
    [`CASE WHEN a = 1 THEN 'x' ELSE 'y' END`, `CASE WHEN (a = 1) THEN 'x'::text ELSE 'y'::text END`],
    [`- x`, `(- x)`],
    [`$1`, `$1`],
    [`'it''s'`, `'it''s'::text`],
    [`"Mixed"`, `"Mixed"`],
    [`a || b`, `(a || b)`],
    [`x = (SELECT 1)`, `(x = (SubPlan 1))`],
    [`CURRENT_TIMESTAMP`, `CURRENT_TIMESTAMP`],
  ])('%s', (sql, expected) => {
    expect(explain(sql)).toBe(expected);
  });

  it('takes resolved constants from the caller and can qualify columns', () => {
    const constantOf = (expression: Expression) =>
      expression.kind === 'numberLiteral' ? { text: expression.text, type: 'bigint' } : undefined;
    expect(explain('id = 5', { constantOf })).toBe(`(id = '5'::bigint)`);
    expect(explain('t.id = 5', { qualifyColumns: true })).toBe('(t.id = 5)');
    expect(explain('x IN (SELECT 1)', { subquery: () => '(hashed SubPlan 1)' })).toBe('(hashed SubPlan 1)');
  });
});

describe('canonical SQL', () => {
  it.each([
    `seq =% 'ACGT' AND id > 1`,
    `-2::int`,
    `(f(x)).field`,
    `x NOT IN (1, 2) OR y LIKE 'a' ESCAPE '#'`,
    `CASE x WHEN 1 THEN 'a' ELSE NULL END`,
    `count(DISTINCT x ORDER BY y DESC NULLS FIRST) FILTER (WHERE z)`,
    `left("select", 2) || "Mixed Case".x`,
    `x = ANY (ARRAY[1, 2]) AND EXISTS (SELECT 1 FROM t WHERE t.a = x)`,
    `ROW(1, 2) IS NULL AND (1, 'a') IS NOT NULL`,
    `'a'::varchar(3)::text::dna2`,
    `x BETWEEN SYMMETRIC 1 AND 2`,
    `coalesce(a, b) + nullif(c, d) + greatest(1) + substring(s FROM 1 FOR 2)`,
  ])('%s formats to SQL that parses back to the same tree', (sql) => {
    const expression = parseExpression(sql);
    expect(withoutLocations(parseExpression(formatExpression(expression)))).toEqual(withoutLocations(expression));
  });

  it('formats queries', () => {
    const statement = parseStatement(
      "SELECT DISTINCT a AS x, count(*) FROM t AS u(a, b) LEFT JOIN generate_series(1, 2) g ON true WHERE a > 1 GROUP BY a HAVING count(*) > 1 ORDER BY 1 DESC LIMIT 2 OFFSET 1",
    );
    if (statement === undefined || statement.kind !== 'select') throw new Error('expected a select');
    const text = formatQuery(statement);
    expect(text).toBe(
      'SELECT DISTINCT a AS x, count(*) FROM (t AS u(a, b) LEFT JOIN generate_series(1, 2) AS g ON TRUE) WHERE (a > 1) GROUP BY a HAVING (count(*) > 1) ORDER BY 1 DESC LIMIT 2 OFFSET 1',
    );
    expect(withoutLocations(parseStatement(text))).toEqual(withoutLocations(statement));
  });

  it('prints types as format_type does', () => {
    for (const [sql, expected] of [
      ['int', 'integer'],
      ['int8', 'bigint'],
      ['smallint', 'smallint'],
      ['real', 'real'],
      ['float8', 'double precision'],
      ['bool', 'boolean'],
      ['varchar(10)', 'character varying(10)'],
      ['character(2)', 'character(2)'],
      ['timestamptz', 'timestamp with time zone'],
      ['timestamp(3)', 'timestamp(3) without time zone'],
      ['numeric(10,2)', 'numeric(10,2)'],
      ['dna2', 'dna2'],
      ['int[]', 'integer[]'],
      ['"My Type"', '"My Type"'],
      ['pg_catalog.text', 'pg_catalog.text'],
    ]) {
      expect(formatTypeName(parseTypeName(sql as string))).toBe(expected);
    }
  });

  it('quotes identifiers as quote_identifier does', () => {
    expect(quoteIdentifier('seq')).toBe('seq');
    expect(quoteIdentifier('kmer_size')).toBe('kmer_size');
    expect(quoteIdentifier('Seq')).toBe('"Seq"');
    expect(quoteIdentifier('select')).toBe('"select"');
    expect(quoteIdentifier('left')).toBe('"left"');
    expect(quoteIdentifier('int')).toBe('"int"');
    expect(quoteIdentifier('index')).toBe('index');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdentifier('1a')).toBe('"1a"');
  });
});
