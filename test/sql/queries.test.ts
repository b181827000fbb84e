/** SELECT: FROM items and joins, WHERE, grouping, ordering, limits, set operations, subqueries, output names. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, openDatabase, textRows } from './engine-helpers.js';

let db: KmerSearch;

beforeEach(async () => {
  db = await openDatabase();
  await db.exec(`
    CREATE TABLE reads (id int PRIMARY KEY, name text, seq dna4, score bigint);
    INSERT INTO reads VALUES (1, 'r1', 'ACGT', 10), (2, 'r2', 'ACGTN', 20), (3, NULL, 'TTTT', NULL), (4, 'r4', NULL, 20);
    CREATE TABLE hits (read_id int, kind text);
    INSERT INTO hits VALUES (1, 'a'), (1, 'b'), (2, 'a'), (9, 'z');
  `);
});

async function rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
  return (await db.query(sql, params)).rows;
}

describe('output names and values', () => {
  it('names unaliased columns as FigureColname does', async () => {
    const result = await db.query(
      "SELECT id, reads.name, 1, 'A'::dna2, 1::integer, upper(name), count(*) OVER_ignored, CASE WHEN true THEN 1 END, (SELECT max(read_id) FROM hits), EXISTS (SELECT 1), 2 + 2 FROM reads GROUP BY id, name LIMIT 1".replace(' OVER_ignored', ''),
    );
    expect(result.fields.map((field) => field.name)).toEqual([
      'id', 'name', '?column?', 'dna2', 'int4', 'upper', 'count', 'case', 'max', 'exists', '?column?',
    ]);
  });

  it('returns JavaScript values as PGlite and node-postgres do', async () => {
    const [row] = await rows(
      "SELECT 1::int2 AS a, 2 AS b, 3::bigint AS c, 9007199254740993::bigint AS d, 1.50 AS e, 0.5::float4 AS f, true AS g, 'ACGT'::dna2 AS h, '\\x01ff'::bytea AS i, '2024-01-02 03:04:05+00'::timestamptz AS j, 'reads'::regclass AS k, NULL AS l, kmersearch_query_kmer_cache_stats() AS m",
    );
    expect(row).toEqual({
      a: 1,
      b: 2,
      c: 3,
      d: 9007199254740993n,
      e: '1.50',
      f: 0.5,
      g: true,
      h: 'ACGT',
      i: new Uint8Array([1, 255]),
      j: new Date('2024-01-02T03:04:05Z'),
      k: 'reads',
      l: null,
      m: '(0,0,0,0)',
    });
    const fields = (await db.query('SELECT 1 AS n, $1::dna4 AS s', ['A'])).fields;
    expect(fields).toEqual([
      { name: 'n', dataTypeID: 23, typeName: 'integer', alignRight: true },
      { name: 's', dataTypeID: 16386, typeName: 'dna4', alignRight: false },
    ]);
  });

  it('keeps the last of duplicate column names, as node-postgres does', async () => {
    expect(await rows('SELECT 1 AS x, 2 AS x')).toEqual([{ x: 2 }]);
    expect((await db.query('SELECT 1 AS x, 2 AS x')).fields).toHaveLength(2);
  });

  it('prints PostgreSQL text forms for queryText', async () => {
    expect(await textRows(db, "SELECT 1.0::float8, 't'::boolean, NULL::text, 'ACGN'::dna4, 10000000000")).toEqual([['1', 't', null, 'ACGN', '10000000000']]);
  });
});

describe('FROM', () => {
  it('reads tables, aliases and column aliases', async () => {
    expect(await rows('SELECT r.id, x FROM reads AS r(id, x) WHERE r.id < 3 ORDER BY 1')).toEqual([
      { id: 1, x: 'r1' },
      { id: 2, x: 'r2' },
    ]);
  });

  it('expands set-returning and composite-returning functions', async () => {
    expect(await rows('SELECT * FROM generate_series(1, 3) AS g(i) WHERE i > 1')).toEqual([{ i: 2 }, { i: 3 }]);
    expect(await rows('SELECT g FROM generate_series(2, 3) g')).toEqual([{ g: 2 }, { g: 3 }]);
    expect(await rows('SELECT * FROM generate_series(1, 2) WITH ORDINALITY')).toEqual([
      { generate_series: 1, ordinality: 1 },
      { generate_series: 2, ordinality: 2 },
    ]);
    expect(await rows('SELECT * FROM kmersearch_query_kmer_cache_stats()')).toEqual([{ hits: 0, misses: 0, current_entries: 0, max_entries: 0 }]);
    expect(await rows('SELECT (kmersearch_query_kmer_cache_stats()).*')).toEqual([{ hits: 0, misses: 0, current_entries: 0, max_entries: 0 }]);
    expect(await rows('SELECT (kmersearch_actual_min_score_cache_stats()).max_entries')).toEqual([{ max_entries: 0 }]);
    expect(await rows('SELECT generate_series(1, 2) AS n, 5 AS k')).toEqual([{ n: 1, k: 5 }, { n: 2, k: 5 }]);
  });

  it('reads subqueries and VALUES lists', async () => {
    expect(await rows('SELECT s.n FROM (SELECT id * 2 AS n FROM reads) s WHERE s.n > 4 ORDER BY n DESC')).toEqual([{ n: 8 }, { n: 6 }]);
    expect(await rows("SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS v(n, t) ORDER BY n")).toEqual([
      { n: 1, t: 'a' },
      { n: 2, t: null },
    ]);
    expect(await rows('VALUES (2), (1) ORDER BY column1')).toEqual([{ column1: 1 }, { column1: 2 }]);
  });

  it('joins by nested loops: comma, CROSS, INNER, LEFT, RIGHT, FULL, USING', async () => {
    expect(await rows('SELECT r.id, h.kind FROM reads r, hits h WHERE r.id = h.read_id ORDER BY 1, 2')).toEqual([
      { id: 1, kind: 'a' },
      { id: 1, kind: 'b' },
      { id: 2, kind: 'a' },
    ]);
    expect((await rows('SELECT * FROM reads CROSS JOIN hits')).length).toBe(16);
    expect(await rows('SELECT r.id, h.kind FROM reads r LEFT JOIN hits h ON h.read_id = r.id AND h.kind = \'a\' ORDER BY 1')).toEqual([
      { id: 1, kind: 'a' },
      { id: 2, kind: 'a' },
      { id: 3, kind: null },
      { id: 4, kind: null },
    ]);
    expect(await rows('SELECT r.id, h.read_id FROM reads r RIGHT JOIN hits h ON h.read_id = r.id ORDER BY 2, 1')).toEqual([
      { id: 1, read_id: 1 },
      { id: 1, read_id: 1 },
      { id: 2, read_id: 2 },
      { id: null, read_id: 9 },
    ]);
    expect((await rows('SELECT r.id, h.read_id FROM reads r FULL JOIN hits h ON h.read_id = r.id')).length).toBe(6);
    const using = await db.query('SELECT * FROM reads JOIN (SELECT read_id AS id, kind FROM hits) h USING (id) ORDER BY kind, id');
    expect(using.fields.map((field) => field.name)).toEqual(['id', 'name', 'seq', 'score', 'kind']);
    expect(using.rows.map((row) => [row['id'], row['kind']])).toEqual([[1, 'a'], [2, 'a'], [1, 'b']]);
  });
});

describe('WHERE and expressions', () => {
  it('follows three-valued logic', async () => {
    expect(await rows('SELECT id FROM reads WHERE name IS NULL OR score IS NULL ORDER BY id')).toEqual([{ id: 3 }]);
    expect(await rows('SELECT id FROM reads WHERE NOT (score = 20) ORDER BY id')).toEqual([{ id: 1 }]);
    expect(await textRows(db, 'SELECT NULL AND false, NULL AND true, NULL OR true, NULL OR false, NOT NULL::boolean')).toEqual([['f', null, 't', null, null]]);
    expect(await textRows(db, 'SELECT 1 IN (2, NULL), 1 NOT IN (2, 3), NULL::int IN (1), 2 IN (SELECT read_id FROM hits), 3 NOT IN (SELECT NULL::int)')).toEqual([[null, 't', null, 't', null]]);
    expect(await textRows(db, 'SELECT NULL IS DISTINCT FROM 1, NULL::int IS NOT DISTINCT FROM NULL, true IS TRUE, NULL::boolean IS UNKNOWN')).toEqual([['t', 't', 't', 't']]);
  });

  it('evaluates CASE, BETWEEN, LIKE, casts and operators', async () => {
    expect(await rows("SELECT id, CASE WHEN score > 15 THEN 'high' WHEN score IS NULL THEN 'none' ELSE 'low' END AS level FROM reads ORDER BY id")).toEqual([
      { id: 1, level: 'low' },
      { id: 2, level: 'high' },
      { id: 3, level: 'none' },
      { id: 4, level: 'high' },
    ]);
    expect(await rows('SELECT id FROM reads WHERE id BETWEEN 2 AND 3 ORDER BY id')).toEqual([{ id: 2 }, { id: 3 }]);
    expect(await rows('SELECT id FROM reads WHERE id NOT BETWEEN SYMMETRIC 3 AND 2 ORDER BY id')).toEqual([{ id: 1 }, { id: 4 }]);
    expect(await textRows(db, "SELECT 'r1' LIKE 'r_', 'R1' ILIKE 'r%', 'a%b' LIKE 'a\\%b', 'axb' LIKE 'a\\%b', 'x' NOT LIKE '%'")).toEqual([['t', 't', 't', 'f', 'f']]);
    expect(await textRows(db, "SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END, '42'::int + 1, 7 / 2, 7 % 3, 'ACGT'::dna2::text || 'x'")).toEqual([
      ['two', '43', '3', '1', 'ACGTx'],
    ]);
    expect(await textRows(db, "SELECT 'reads'::regclass::oid = 'reads'::regclass::int, coalesce(NULL, NULL, 3), nullif(1, 1), greatest(1, 5, 3)")).toEqual([['t', '3', null, '5']]);
  });

  it('runs correlated and uncorrelated subqueries', async () => {
    expect(await rows('SELECT id, (SELECT count(*) FROM hits WHERE read_id = reads.id) AS n FROM reads ORDER BY id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 1 },
      { id: 3, n: 0 },
      { id: 4, n: 0 },
    ]);
    expect(await rows('SELECT id FROM reads r WHERE EXISTS (SELECT 1 FROM hits h WHERE h.read_id = r.id AND h.kind = \'b\')')).toEqual([{ id: 1 }]);
    expect(await rows('SELECT id FROM reads WHERE id = ANY (SELECT read_id FROM hits) AND id < ALL (SELECT 2)')).toEqual([{ id: 1 }]);
    expect(await rows('SELECT id FROM reads WHERE score > (SELECT min(score) FROM reads) ORDER BY id')).toEqual([{ id: 2 }, { id: 4 }]);
  });
});

describe('grouping and aggregates', () => {
  it('groups by expressions, ordinals and output names', async () => {
    expect(await rows('SELECT score, count(*) AS n FROM reads GROUP BY score ORDER BY score NULLS FIRST')).toEqual([
      { score: null, n: 1 },
      { score: 10, n: 1 },
      { score: 20, n: 2 },
    ]);
    expect(await rows('SELECT score / 10 AS tens, sum(id) FROM reads WHERE score IS NOT NULL GROUP BY 1 ORDER BY 1')).toEqual([
      { tens: 1, sum: 1 },
      { tens: 2, sum: 6 },
    ]);
    expect(await rows('SELECT upper(name) AS u, count(*) FROM reads GROUP BY u HAVING count(*) = 1 AND upper(name) <> \'R4\' ORDER BY u')).toEqual([
      { u: 'R1', count: 1 },
      { u: 'R2', count: 1 },
    ]);
  });

  it('computes count/sum/avg/min/max, DISTINCT, FILTER and string_agg with PostgreSQL result types', async () => {
    const [row] = await rows(
      "SELECT count(*) AS n, count(score) AS c, count(DISTINCT score) AS d, sum(score) AS s, avg(id) AS a, min(name) AS lo, max(id) AS hi, count(*) FILTER (WHERE score = 20) AS f, string_agg(name, ',' ORDER BY id DESC) AS names FROM reads",
    );
    expect(row).toEqual({ n: 4, c: 3, d: 2, s: '50', a: '2.5000000000000000', lo: 'r1', hi: 4, f: 2, names: 'r4,r2,r1' });
    expect(await rows('SELECT count(*), sum(id), max(id) FROM reads WHERE false')).toEqual([{ count: 0, sum: null, max: null }]);
    expect(await rows('SELECT count(*) FROM reads HAVING count(*) > 10')).toEqual([]);
    expect(await rows('SELECT count(*) AS n')).toEqual([{ n: 1 }]);
  });

  it('removes duplicates with DISTINCT and UNION, INTERSECT and EXCEPT', async () => {
    expect(await rows('SELECT DISTINCT score FROM reads ORDER BY score')).toEqual([{ score: 10 }, { score: 20 }, { score: null }]);
    expect(await rows('SELECT read_id FROM hits UNION SELECT id FROM reads ORDER BY 1 DESC LIMIT 3')).toEqual([{ read_id: 9 }, { read_id: 4 }, { read_id: 3 }]);
    expect((await rows('SELECT read_id FROM hits UNION ALL SELECT id FROM reads')).length).toBe(8);
    expect(await rows('SELECT id FROM reads INTERSECT SELECT read_id FROM hits ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await rows('SELECT read_id FROM hits EXCEPT ALL SELECT id FROM reads')).toEqual([{ read_id: 1 }, { read_id: 9 }]);
    expect(await rows("SELECT 1 AS n UNION SELECT 2.5 ORDER BY n")).toEqual([{ n: '1' }, { n: '2.5' }]);
  });
});

describe('types of set operations and VALUES (select_common_type)', () => {
  async function typed(sql: string): Promise<{ types: string[]; rows: (string | null)[][] }> {
    const result = await db.queryText(sql);
    return { types: result.fields.map((field) => field.typeName), rows: result.rows.map((row) => [...row]) };
  }

  it('coerces an untyped literal to the other input type through its input function', async () => {
    expect(await typed("SELECT 1 UNION SELECT '2' ORDER BY 1")).toEqual({ types: ['integer'], rows: [['1'], ['2']] });
    expect(await typed("SELECT '2' UNION ALL SELECT 1")).toEqual({ types: ['integer'], rows: [['2'], ['1']] });
    expect(await typed("SELECT 1 INTERSECT SELECT '1'")).toEqual({ types: ['integer'], rows: [['1']] });
    expect(await typed("SELECT 1 EXCEPT SELECT '1'")).toEqual({ types: ['integer'], rows: [] });
    expect(await typed("SELECT NULL UNION ALL SELECT 1")).toEqual({ types: ['integer'], rows: [[null], ['1']] });
    expect(await typed("SELECT 'ACGT'::dna2 UNION SELECT 'GGCC' ORDER BY 1")).toEqual({ types: ['dna2'], rows: [['ACGT'], ['GGCC']] });
    expect(await typed("SELECT seq FROM reads WHERE id = 2 UNION ALL SELECT 'ACGTN'")).toEqual({ types: ['dna4'], rows: [['ACGTN'], ['ACGTN']] });
    expect(await typed("SELECT 1 UNION SELECT '2' UNION SELECT '3' ORDER BY 1")).toEqual({ types: ['integer'], rows: [['1'], ['2'], ['3']] });
    expect(await typed("SELECT * FROM (SELECT 1 UNION SELECT '2') AS s (n) ORDER BY n")).toEqual({ types: ['integer'], rows: [['1'], ['2']] });
    expect(await typed("VALUES (1), ('2')")).toEqual({ types: ['integer'], rows: [['1'], ['2']] });
    expect(await typed("VALUES ('ACGT'::dna4), ('ACGTN')")).toEqual({ types: ['dna4'], rows: [['ACGT'], ['ACGTN']] });
    expect(await typed("INSERT INTO hits SELECT 5, 'x' UNION ALL SELECT '6', 'y' RETURNING read_id")).toEqual({ types: ['integer'], rows: [['5'], ['6']] });
  });

  it('resolves inputs that are all untyped to text, and known types by category and preference', async () => {
    expect(await typed("SELECT 'b' UNION SELECT 'a' ORDER BY 1")).toEqual({ types: ['text'], rows: [['a'], ['b']] });
    expect(await typed("VALUES ('b'), ('a')")).toEqual({ types: ['text'], rows: [['b'], ['a']] });
    expect((await typed('SELECT 1 UNION SELECT 2::bigint')).types).toEqual(['bigint']);
    expect((await typed('SELECT 1 UNION SELECT 2.5')).types).toEqual(['numeric']);
    expect((await typed('SELECT 1 UNION SELECT 2.5::float8')).types).toEqual(['double precision']);
    expect((await typed('VALUES (1), (2::bigint)')).types).toEqual(['bigint']);
    expect((await typed("SELECT name FROM reads UNION SELECT 'x'::varchar(3)")).types).toEqual(['text']);
    expect((await typed("SELECT 'x'::varchar(3) UNION SELECT 'y'::varchar(3)")).types).toEqual(['character varying']);
    // An untyped literal that DISTINCT, GROUP BY or ORDER BY of its leaf uses became text there first.
    expect((await typed("SELECT DISTINCT 'a' UNION SELECT 'b'")).types).toEqual(['text']);
  });

  it('compares an untyped IN operand with each value on its own when the list has no common type', async () => {
    // PostgreSQL's transformAExprIn: an OR of `=` (NOT IN: an AND of `<>`), each operator resolved for its pair.
    expect((await typed("SELECT '1' IN (1, '1'::text), '2' IN (1, '1'::text), '2' NOT IN (1, '1'::text), '1' NOT IN (1, '1'::text)")).rows).toEqual([
      ['t', 'f', 't', 'f'],
    ]);
    expect((await typed("SELECT NULL IN (1, 'x'::text), '7' IN (NULL, 7, 'x'::text), '8' NOT IN (NULL, 7, 'x'::text)")).rows).toEqual([[null, 't', null]]);
  });

  it('reports invalid literals at the literal and unmatched types at the later input', async () => {
    await expectError(db, "SELECT 1 UNION SELECT 'a'", { code: '22P02', message: 'invalid input syntax for type integer: "a"', position: 23 });
    await expectError(db, "SELECT 'a' UNION SELECT 1", { code: '22P02', message: 'invalid input syntax for type integer: "a"', position: 8 });
    await expectError(db, "SELECT 1, 'x' UNION SELECT '2', 3", { code: '22P02', message: 'invalid input syntax for type integer: "x"', position: 11 });
    await expectError(db, "VALUES (1), ('a')", { code: '22P02', message: 'invalid input syntax for type integer: "a"', position: 14 });
    await expectError(db, "SELECT 'ACGT'::dna2 UNION SELECT 'GGXC'", {
      code: '22P02',
      message: "invalid character 'X' for DNA2 type",
      position: 34,
      hint: 'DNA2 type accepts only A, C, G, T, U characters',
    });
    await expectError(db, "SELECT 1 UNION SELECT 'a'::text", { code: '42804', message: 'UNION types integer and text cannot be matched', position: 23 });
    await expectError(db, 'SELECT id FROM reads INTERSECT SELECT kind FROM hits', { code: '42804', message: 'INTERSECT types integer and text cannot be matched', position: 39 });
    await expectError(db, "SELECT '1' UNION SELECT '2' EXCEPT SELECT 3", { code: '42804', message: 'EXCEPT types text and integer cannot be matched', position: 43 });
    await expectError(db, "SELECT DISTINCT '1' UNION SELECT 2", { code: '42804', message: 'UNION types text and integer cannot be matched', position: 34 });
    await expectError(db, "(SELECT '1' ORDER BY 1) UNION SELECT 2", { code: '42804', message: 'UNION types text and integer cannot be matched', position: 38 });
    await expectError(db, "SELECT '1' FROM reads GROUP BY 1 UNION SELECT 2", { code: '42804', message: 'UNION types text and integer cannot be matched', position: 47 });
    await expectError(db, "VALUES (1), ('a'::text)", { code: '42804', message: 'VALUES types integer and text cannot be matched', position: 14 });
    await expectError(db, "SELECT 'ACGT'::dna2 UNION SELECT 'ACGT'::dna4", { code: '42846', message: 'UNION could not convert type dna4 to dna2', position: 34 });
  });
});

describe('ORDER BY, LIMIT and OFFSET', () => {
  it('sorts by output names, ordinals and expressions with PostgreSQL NULL placement', async () => {
    expect((await rows('SELECT id FROM reads ORDER BY score DESC, id')).map((row) => row['id'])).toEqual([3, 2, 4, 1]);
    expect((await rows('SELECT id FROM reads ORDER BY score ASC NULLS FIRST, id DESC')).map((row) => row['id'])).toEqual([3, 1, 4, 2]);
    expect((await rows('SELECT id AS k FROM reads ORDER BY k DESC')).map((row) => row['k'])).toEqual([4, 3, 2, 1]);
    expect((await rows('SELECT id FROM reads ORDER BY id % 2, -id')).map((row) => row['id'])).toEqual([4, 2, 3, 1]);
    expect((await rows('SELECT seq FROM reads ORDER BY seq NULLS FIRST')).map((row) => row['seq'])).toEqual([null, 'ACGT', 'TTTT', 'ACGTN']);
  });

  it('applies LIMIT and OFFSET, NULL meaning no limit', async () => {
    expect((await rows('SELECT id FROM reads ORDER BY id LIMIT 2 OFFSET 1')).map((row) => row['id'])).toEqual([2, 3]);
    expect((await rows('SELECT id FROM reads ORDER BY id LIMIT NULL OFFSET 3')).map((row) => row['id'])).toEqual([4]);
    expect((await rows('SELECT id FROM reads ORDER BY id LIMIT ALL')).length).toBe(4);
    expect(await rows('SELECT id FROM reads LIMIT 0')).toEqual([]);
    expect((await rows('SELECT id FROM reads ORDER BY id LIMIT $1', [1])).map((row) => row['id'])).toEqual([1]);
  });
});

describe('limits of the grouping implementation', () => {
  it('rejects correlated subqueries in grouped target lists instead of answering wrongly', async () => {
    const error = await db.query('SELECT name, (SELECT count(*) FROM hits WHERE kind = reads.name) FROM reads GROUP BY name').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: '0A000', message: 'correlated subqueries in a grouped query are not supported' });
    expect(await rows('SELECT name, (SELECT count(*) FROM hits) AS n FROM reads WHERE id < 3 GROUP BY name ORDER BY name')).toEqual([
      { name: 'r1', n: 4 },
      { name: 'r2', n: 4 },
    ]);
  });
});
