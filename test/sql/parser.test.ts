import { describe, expect, it } from 'vitest';
import type { Expression } from '../../src/sql/ast.js';
import { parseStatement, parseStatements } from '../../src/sql/parser.js';
import { errorOf, sexp, statementOf, withoutLocations } from './parser-helpers.js';

const column = (...names: string[]) => ({ kind: 'columnReference', names });
const integer = (text: string) => ({ kind: 'numberLiteral', text, isInteger: true });
const string = (value: string) => ({ kind: 'stringLiteral', value });
const relation = (name: string, schema?: string) => (schema === undefined ? { kind: 'relationName', name } : { kind: 'relationName', schema, name });
const type = (name: string, modifiers: number[] = []) => ({ kind: 'typeName', name, modifiers, arrayDimensions: 0 });
const target = (expression: unknown, alias?: string) => (alias === undefined ? { kind: 'target', expression } : { kind: 'target', expression, alias });
const star = { kind: 'star', qualifier: [] };
const show = (expression: unknown) => sexp(expression as Expression);

describe('CREATE TABLE', () => {
  it('parses the listed types and column constraints', () => {
    expect(
      statementOf(`CREATE TABLE IF NOT EXISTS seqs (
        id serial PRIMARY KEY,
        big bigserial UNIQUE,
        name varchar(40) NOT NULL DEFAULT 'x',
        label character varying(8) NULL,
        seq dna2 NOT NULL,
        seq4 DNA4,
        n integer DEFAULT -1 NOT NULL,
        m int, o int4, p bigint, q int8, r smallint, s int2,
        flag boolean DEFAULT true, flag2 bool,
        x real, y float4, z double precision, w float8,
        raw bytea, note text,
        created timestamptz DEFAULT now(), updated timestamp with time zone,
        CONSTRAINT seqs_pk2 UNIQUE (name, label),
        PRIMARY KEY (id, big),
        CHECK (n > 0)
      )`),
    ).toEqual({
      kind: 'createTable',
      table: relation('seqs'),
      ifNotExists: true,
      temporary: false,
      columns: [
        { kind: 'columnDefinition', name: 'id', type: type('serial'), constraints: [{ kind: 'primaryKeyConstraint', columns: [] }] },
        { kind: 'columnDefinition', name: 'big', type: type('bigserial'), constraints: [{ kind: 'uniqueConstraint', columns: [] }] },
        {
          kind: 'columnDefinition',
          name: 'name',
          type: type('varchar', [40]),
          constraints: [{ kind: 'notNullConstraint' }, { kind: 'defaultConstraint', expression: string('x') }],
        },
        { kind: 'columnDefinition', name: 'label', type: type('varchar', [8]), constraints: [{ kind: 'nullConstraint' }] },
        { kind: 'columnDefinition', name: 'seq', type: type('dna2'), constraints: [{ kind: 'notNullConstraint' }] },
        { kind: 'columnDefinition', name: 'seq4', type: type('dna4'), constraints: [] },
        {
          kind: 'columnDefinition',
          name: 'n',
          type: type('int4'),
          constraints: [{ kind: 'defaultConstraint', expression: integer('-1') }, { kind: 'notNullConstraint' }],
        },
        ...[['m', 'int4'], ['o', 'int4'], ['p', 'int8'], ['q', 'int8'], ['r', 'int2'], ['s', 'int2']].map(([name, typeName]) => ({
          kind: 'columnDefinition',
          name,
          type: type(typeName as string),
          constraints: [],
        })),
        { kind: 'columnDefinition', name: 'flag', type: type('bool'), constraints: [{ kind: 'defaultConstraint', expression: { kind: 'booleanLiteral', value: true } }] },
        { kind: 'columnDefinition', name: 'flag2', type: type('bool'), constraints: [] },
        ...[['x', 'float4'], ['y', 'float4'], ['z', 'float8'], ['w', 'float8'], ['raw', 'bytea'], ['note', 'text']].map(([name, typeName]) => ({
          kind: 'columnDefinition',
          name,
          type: type(typeName as string),
          constraints: [],
        })),
        {
          kind: 'columnDefinition',
          name: 'created',
          type: type('timestamptz'),
          constraints: [
            { kind: 'defaultConstraint', expression: { kind: 'functionCall', name: ['now'], arguments: [], star: false, distinct: false, orderBy: [] } },
          ],
        },
        { kind: 'columnDefinition', name: 'updated', type: type('timestamptz'), constraints: [] },
      ],
      constraints: [
        { kind: 'uniqueConstraint', name: 'seqs_pk2', columns: ['name', 'label'] },
        { kind: 'primaryKeyConstraint', columns: ['id', 'big'] },
        { kind: 'checkConstraint', expression: { kind: 'binaryOperation', operator: '>', left: column('n'), right: integer('0') } },
      ],
    });
  });

  it('parses DEFAULT as a b_expr, so NOT NULL after it is a constraint', () => {
    const statement = statementOf('CREATE TABLE t (a int DEFAULT 1 + 2 NOT NULL, b text DEFAULT \'a\' || \'b\' NULL)');
    expect(statement).toMatchObject({
      columns: [
        { constraints: [{ kind: 'defaultConstraint', expression: { kind: 'binaryOperation', operator: '+' } }, { kind: 'notNullConstraint' }] },
        { constraints: [{ kind: 'defaultConstraint', expression: { kind: 'binaryOperation', operator: '||' } }, { kind: 'nullConstraint' }] },
      ],
    });
  });

  it('keeps quoted names, schemas and unknown type names for the executor', () => {
    expect(statementOf('create temp table "My Table" ("Id" foo_type)')).toEqual({
      kind: 'createTable',
      table: relation('My Table'),
      ifNotExists: false,
      temporary: true,
      columns: [{ kind: 'columnDefinition', name: 'Id', type: type('foo_type'), constraints: [] }],
      constraints: [],
    });
    expect(statementOf('CREATE TABLE public.t ()')).toMatchObject({ table: relation('t', 'public'), columns: [] });
  });

  it('records the type name location for 42704 errors', () => {
    const [raw] = parseStatements('CREATE TABLE t (a foo)');
    expect(raw?.statement).toMatchObject({ columns: [{ type: { name: 'foo', location: 18 } }] });
  });
});

describe('DROP, CREATE INDEX, REINDEX, TRUNCATE', () => {
  it('parses DROP TABLE', () => {
    expect(statementOf('DROP TABLE IF EXISTS a, s.b CASCADE')).toEqual({
      kind: 'dropTable',
      tables: [relation('a'), relation('b', 's')],
      ifExists: true,
      cascade: true,
    });
    expect(statementOf('drop table a restrict')).toEqual({ kind: 'dropTable', tables: [relation('a')], ifExists: false, cascade: false });
  });

  it('parses CREATE INDEX with the kmersearch operator classes', () => {
    expect(statementOf('CREATE INDEX seqs_gin ON seqs USING gin (seq kmersearch_dna2_gin_ops_int4)')).toEqual({
      kind: 'createIndex',
      name: 'seqs_gin',
      table: relation('seqs'),
      unique: false,
      concurrently: false,
      ifNotExists: false,
      method: 'gin',
      elements: [{ kind: 'indexElement', column: 'seq', operatorClass: 'kmersearch_dna2_gin_ops_int4', direction: 'default', nulls: 'default' }],
      storageOptions: [],
    });
    expect(statementOf('CREATE INDEX ON t (seq)')).toEqual({
      kind: 'createIndex',
      table: relation('t'),
      unique: false,
      concurrently: false,
      ifNotExists: false,
      elements: [{ kind: 'indexElement', column: 'seq', direction: 'default', nulls: 'default' }],
      storageOptions: [],
    });
    expect(statementOf('CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING btree (a DESC NULLS LAST, (lower(b))) WITH (fillfactor = 70)')).toMatchObject({
      unique: true,
      ifNotExists: true,
      name: 'i',
      method: 'btree',
      elements: [
        { column: 'a', direction: 'desc', nulls: 'last' },
        { expression: { kind: 'functionCall', name: ['lower'] } },
      ],
      storageOptions: [{ kind: 'option', name: 'fillfactor', value: { kind: 'numberValue', text: '70' } }],
    });
    expect(statementOf('CREATE INDEX i ON t USING gin (seq public.kmersearch_dna4_gin_ops_int8)')).toMatchObject({
      elements: [{ column: 'seq', operatorClass: 'kmersearch_dna4_gin_ops_int8' }],
    });
  });

  it('parses DROP INDEX and REINDEX', () => {
    expect(statementOf('DROP INDEX IF EXISTS a, b CASCADE')).toEqual({
      kind: 'dropIndex',
      indexes: [relation('a'), relation('b')],
      ifExists: true,
      cascade: true,
      concurrently: false,
    });
    expect(statementOf('REINDEX INDEX seqs_gin')).toEqual({ kind: 'reindex', target: 'index', name: relation('seqs_gin'), concurrently: false });
    expect(statementOf('reindex table seqs')).toEqual({ kind: 'reindex', target: 'table', name: relation('seqs'), concurrently: false });
  });

  it('parses TRUNCATE', () => {
    expect(statementOf('TRUNCATE TABLE a, b RESTART IDENTITY CASCADE')).toEqual({
      kind: 'truncate',
      tables: [relation('a'), relation('b')],
      restartIdentity: true,
      cascade: true,
    });
  });
});

describe('INSERT, UPDATE, DELETE', () => {
  it('parses INSERT … VALUES with DEFAULT, parameters and RETURNING', () => {
    expect(statementOf(`INSERT INTO seqs (name, seq) VALUES ('a', 'ACGT'), (DEFAULT, $1) RETURNING *, id AS key`)).toEqual({
      kind: 'insert',
      table: relation('seqs'),
      columns: ['name', 'seq'],
      source: {
        kind: 'values',
        rows: [
          [string('a'), string('ACGT')],
          [{ kind: 'setToDefault' }, { kind: 'parameter', number: 1 }],
        ],
        orderBy: [],
      },
      returning: [target(star), target(column('id'), 'key')],
    });
  });

  it('parses INSERT … SELECT, DEFAULT VALUES and ON CONFLICT', () => {
    expect(statementOf(`INSERT INTO t SELECT i, repeat('A', i) FROM generate_series(1, 3) AS g(i)`)).toMatchObject({
      kind: 'insert',
      columns: [],
      source: { kind: 'select', from: [{ kind: 'functionReference', alias: { name: 'g', columns: ['i'] } }] },
      returning: [],
    });
    expect(statementOf('INSERT INTO t (a) (SELECT 1)')).toMatchObject({ columns: ['a'], source: { kind: 'select' } });
    expect(statementOf('INSERT INTO t DEFAULT VALUES')).toMatchObject({ source: null });
    expect(statementOf('INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2 WHERE a < 2')).toMatchObject({
      onConflict: { targetColumns: ['id'], action: 'update', assignments: [{ column: 'a', value: integer('2') }], where: { operator: '<' } },
    });
    expect(statementOf('INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING')).toMatchObject({
      onConflict: { kind: 'onConflict', targetColumns: [], action: 'nothing', assignments: [] },
    });
  });

  it('parses UPDATE', () => {
    expect(statementOf('UPDATE seqs AS s SET name = upper(name), n = n + 1 WHERE id = 3 RETURNING id')).toEqual({
      kind: 'update',
      table: relation('seqs'),
      alias: 's',
      only: false,
      assignments: [
        { kind: 'assignment', column: 'name', value: { kind: 'functionCall', name: ['upper'], arguments: [column('name')], star: false, distinct: false, orderBy: [] } },
        { kind: 'assignment', column: 'n', value: { kind: 'binaryOperation', operator: '+', left: column('n'), right: integer('1') } },
      ],
      from: [],
      where: { kind: 'binaryOperation', operator: '=', left: column('id'), right: integer('3') },
      returning: [target(column('id'))],
    });
    // SET is not taken as an alias (gram.y's %nonassoc SET); (a, b) = (…) assigns column by column.
    expect(statementOf('UPDATE t SET (a, b) = (1, DEFAULT)')).toMatchObject({
      assignments: [{ column: 'a', value: integer('1') }, { column: 'b', value: { kind: 'setToDefault' } }],
    });
  });

  it('parses DELETE', () => {
    expect(statementOf('DELETE FROM seqs WHERE seq =% $1 RETURNING name')).toEqual({
      kind: 'delete',
      table: relation('seqs'),
      only: false,
      using: [],
      where: { kind: 'binaryOperation', operator: '=%', left: column('seq'), right: { kind: 'parameter', number: 1 } },
      returning: [target(column('name'))],
    });
    expect(statementOf('delete from t')).toEqual({ kind: 'delete', table: relation('t'), only: false, using: [], returning: [] });
  });
});

describe('SELECT', () => {
  it('parses every clause', () => {
    const statement = statementOf(`
      SELECT DISTINCT s.name AS n, kmersearch_matchscore(seq, 'ACGTACGT') score, count(*)
      FROM seqs s, generate_series(1, 2) g
      WHERE seq =% 'ACGTACGT' AND s.id > 1
      GROUP BY 1, s.name
      HAVING count(*) > 0
      ORDER BY score DESC NULLS LAST, n ASC, 3
      LIMIT 10 OFFSET 5`);
    expect(statement).toMatchObject({
      kind: 'select',
      distinct: true,
      distinctOn: [],
      targets: [
        target(column('s', 'name'), 'n'),
        { alias: 'score', expression: { kind: 'functionCall', name: ['kmersearch_matchscore'] } },
        { expression: { kind: 'functionCall', name: ['count'], star: true } },
      ],
      from: [
        { kind: 'tableReference', relation: relation('seqs'), alias: { kind: 'alias', name: 's', columns: [] }, only: false },
        { kind: 'functionReference', call: { name: ['generate_series'] }, alias: { name: 'g', columns: [] }, withOrdinality: false },
      ],
      groupBy: [integer('1'), column('s', 'name')],
      orderBy: [
        { kind: 'sortKey', expression: column('score'), direction: 'desc', nulls: 'last' },
        { kind: 'sortKey', expression: column('n'), direction: 'asc', nulls: 'default' },
        { kind: 'sortKey', expression: integer('3'), direction: 'default', nulls: 'default' },
      ],
      limit: integer('10'),
      offset: integer('5'),
    });
    const where = (statement as { where: Expression }).where;
    expect(show(where)).toBe(`(and (=% seq 'ACGTACGT') (> s.id 1))`);
  });

  it('parses targets: *, t.*, (composite).*, expressions with and without AS', () => {
    expect(statementOf('SELECT *, t.*, (f(x)).*, 1 one, 2 AS "Two", 3 AS from, 4 "quoted", a desc FROM t')).toMatchObject({
      targets: [
        target(star),
        target({ kind: 'star', qualifier: ['t'] }),
        target({ kind: 'fieldStar', operand: { kind: 'functionCall' } }),
        target(integer('1'), 'one'),
        target(integer('2'), 'Two'),
        target(integer('3'), 'from'),
        target(integer('4'), 'quoted'),
        target(column('a'), 'desc'),
      ],
    });
  });

  it('parses SELECT without FROM, without targets, LIMIT ALL and FETCH FIRST', () => {
    expect(statementOf('SELECT 1')).toEqual({
      kind: 'select',
      distinct: false,
      distinctOn: [],
      targets: [target(integer('1'))],
      from: [],
      groupBy: [],
      orderBy: [],
    });
    expect(statementOf('SELECT FROM t')).toMatchObject({ targets: [], from: [{ relation: relation('t') }] });
    expect(statementOf('SELECT 1 LIMIT ALL')).not.toHaveProperty('limit');
    expect(statementOf('SELECT 1 OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY')).toMatchObject({ limit: integer('3'), offset: integer('2') });
    expect(statementOf('SELECT 1 FETCH NEXT ROW ONLY')).toMatchObject({ limit: integer('1') });
    expect(statementOf('SELECT DISTINCT ON (a) a, b FROM t')).toMatchObject({ distinct: true, distinctOn: [column('a')] });
  });

  it('parses FROM items: functions with column aliases, subqueries, joins', () => {
    expect(statementOf('SELECT * FROM kmersearch_parallel_create_index(\'t\', \'seq\') AS r(p, i)')).toMatchObject({
      from: [{ kind: 'functionReference', call: { name: ['kmersearch_parallel_create_index'], arguments: [string('t'), string('seq')] }, alias: { name: 'r', columns: ['p', 'i'] } }],
    });
    expect(statementOf('SELECT * FROM (SELECT 1 AS x) sub, (VALUES (1), (2)) AS v(n), (SELECT 2)')).toMatchObject({
      from: [
        { kind: 'subqueryReference', query: { kind: 'select' }, alias: { name: 'sub' } },
        { kind: 'subqueryReference', query: { kind: 'values', rows: [[integer('1')], [integer('2')]] }, alias: { name: 'v', columns: ['n'] } },
        { kind: 'subqueryReference', query: { kind: 'select' } },
      ],
    });
    expect(statementOf('SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id) CROSS JOIN d NATURAL JOIN e')).toMatchObject({
      from: [
        {
          kind: 'join',
          joinType: 'inner',
          natural: true,
          right: { relation: relation('e') },
          left: {
            joinType: 'cross',
            right: { relation: relation('d') },
            left: {
              joinType: 'left',
              using: ['id'],
              left: { joinType: 'inner', on: { operator: '=' }, left: { relation: relation('a') }, right: { relation: relation('b') } },
            },
          },
        },
      ],
    });
    expect(statementOf('SELECT * FROM ONLY t')).toMatchObject({ from: [{ only: true }] });
    expect(statementOf('SELECT * FROM (a JOIN b USING (x)) AS j')).toMatchObject({ from: [{ kind: 'join', alias: { name: 'j' } }] });
  });

  it('parses set operations with PostgreSQL precedence and a trailing ORDER BY / LIMIT for the whole', () => {
    expect(statementOf('SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4 ORDER BY 1 LIMIT 2')).toMatchObject({
      kind: 'setOperation',
      operator: 'except',
      all: false,
      left: { kind: 'setOperation', operator: 'union', all: true, right: { kind: 'setOperation', operator: 'intersect' } },
      right: { kind: 'select' },
      orderBy: [{ expression: integer('1') }],
      limit: integer('2'),
    });
    expect(statementOf('(SELECT 1 ORDER BY 1) UNION (SELECT 2)')).toMatchObject({ left: { orderBy: [{}] }, orderBy: [] });
    expect(statementOf('VALUES (1, 2), (3, 4) ORDER BY 1')).toMatchObject({ kind: 'values', orderBy: [{}] });
    expect(statementOf('TABLE seqs')).toMatchObject({ kind: 'select', targets: [target(star)], from: [{ relation: relation('seqs') }] });
  });
});

describe('SET, SHOW, RESET', () => {
  it('parses SET forms', () => {
    expect(statementOf('SET kmersearch.kmer_size = 4')).toEqual({
      kind: 'set',
      local: false,
      name: 'kmersearch.kmer_size',
      values: [{ kind: 'numberValue', text: '4' }],
      toDefault: false,
    });
    expect(statementOf('SET LOCAL kmersearch.min_shared_kmer_rate TO 0.5')).toMatchObject({ local: true, values: [{ kind: 'numberValue', text: '0.5' }] });
    expect(statementOf('SET SESSION kmersearch.preclude_highfreq_kmer = on')).toMatchObject({ local: false, values: [{ kind: 'wordValue', value: 'on' }] });
    expect(statementOf('SET x = TRUE')).toMatchObject({ values: [{ kind: 'wordValue', value: 'true' }] });
    expect(statementOf('SET x = off')).toMatchObject({ values: [{ kind: 'wordValue', value: 'off' }] });
    expect(statementOf("SET x = 'str'")).toMatchObject({ values: [{ kind: 'stringValue', value: 'str' }] });
    expect(statementOf('SET kmersearch.force_simd_capability = -1')).toMatchObject({ values: [{ kind: 'numberValue', text: '-1' }] });
    expect(statementOf('SET x = - 0.5')).toMatchObject({ values: [{ kind: 'numberValue', text: '-0.5' }] });
    expect(statementOf("SET search_path TO a, 'b', c")).toMatchObject({ values: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    expect(statementOf('SET x TO DEFAULT')).toEqual({ kind: 'set', local: false, name: 'x', values: [], toDefault: true });
    expect(statementOf('SET x = DEFAULT')).toMatchObject({ toDefault: true });
    expect(statementOf("SET TIME ZONE 'UTC'")).toMatchObject({ name: 'timezone', values: [{ value: 'UTC' }] });
    expect(statementOf('SET "Kmersearch".x = 1')).toMatchObject({ name: 'Kmersearch.x' });
    expect(statementOf('SET local = 1')).toMatchObject({ local: false, name: 'local' });
    expect(statementOf('SET maintenance_work_mem = \'64MB\'')).toMatchObject({ name: 'maintenance_work_mem', values: [{ kind: 'stringValue', value: '64MB' }] });
  });

  it('parses SHOW and RESET', () => {
    expect(statementOf('SHOW kmersearch.kmer_size')).toEqual({ kind: 'show', name: 'kmersearch.kmer_size' });
    expect(statementOf('SHOW ALL')).toEqual({ kind: 'show', name: 'all' });
    expect(statementOf('SHOW TIME ZONE')).toEqual({ kind: 'show', name: 'timezone' });
    expect(statementOf('RESET kmersearch.kmer_size')).toEqual({ kind: 'reset', all: false, name: 'kmersearch.kmer_size' });
    expect(statementOf('RESET ALL')).toEqual({ kind: 'reset', all: true, name: '' });
  });
});

describe('transactions', () => {
  it.each([
    ['BEGIN', 'begin'],
    ['BEGIN TRANSACTION', 'begin'],
    ['begin work', 'begin'],
    ['START TRANSACTION', 'start'],
    ['COMMIT', 'commit'],
    ['COMMIT WORK', 'commit'],
    ['END', 'commit'],
    ['END TRANSACTION', 'commit'],
    ['ROLLBACK', 'rollback'],
    ['ABORT', 'rollback'],
  ])('%s', (sql, action) => {
    expect(statementOf(sql)).toEqual({ kind: 'transaction', action, modes: [], chain: false });
  });

  it('parses modes and savepoints', () => {
    expect(statementOf('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY')).toMatchObject({ modes: ['isolation level repeatable read', 'read only'] });
    expect(statementOf('SAVEPOINT s1')).toMatchObject({ action: 'savepoint', savepoint: 's1' });
    expect(statementOf('RELEASE SAVEPOINT s1')).toMatchObject({ action: 'release', savepoint: 's1' });
    expect(statementOf('ROLLBACK TO s1')).toMatchObject({ action: 'rollbackToSavepoint', savepoint: 's1' });
    expect(statementOf('COMMIT AND CHAIN')).toMatchObject({ action: 'commit', chain: true });
  });
});

describe('EXPLAIN, extensions, COPY, VACUUM', () => {
  it('parses EXPLAIN in the legacy and the option-list form', () => {
    expect(statementOf("EXPLAIN SELECT * FROM t WHERE seq =% 'ACGT'")).toMatchObject({ kind: 'explain', options: [], statement: { kind: 'select' } });
    expect(statementOf('EXPLAIN ANALYZE VERBOSE SELECT 1')).toMatchObject({ options: [{ name: 'analyze' }, { name: 'verbose' }] });
    expect(statementOf('EXPLAIN (ANALYZE, COSTS OFF, FORMAT TEXT) DELETE FROM t')).toMatchObject({
      options: [
        { kind: 'option', name: 'analyze' },
        { name: 'costs', value: { kind: 'wordValue', value: 'off' } },
        { name: 'format', value: { kind: 'wordValue', value: 'text' } },
      ],
      statement: { kind: 'delete' },
    });
    expect(statementOf('EXPLAIN (SELECT 1)')).toMatchObject({ options: [], statement: { kind: 'select' } });
  });

  it('parses CREATE / DROP EXTENSION', () => {
    expect(statementOf('CREATE EXTENSION IF NOT EXISTS pg_kmersearch CASCADE')).toEqual({
      kind: 'createExtension',
      name: 'pg_kmersearch',
      ifNotExists: true,
      cascade: true,
    });
    expect(statementOf('CREATE EXTENSION pg_kmersearch WITH SCHEMA public VERSION \'1.0\'')).toMatchObject({ schema: 'public', version: '1.0', cascade: false });
    expect(statementOf('DROP EXTENSION IF EXISTS pg_kmersearch CASCADE')).toEqual({ kind: 'dropExtension', names: ['pg_kmersearch'], ifExists: true, cascade: true });
    expect(statementOf('DROP EXTENSION pg_kmersearch')).toEqual({ kind: 'dropExtension', names: ['pg_kmersearch'], ifExists: false, cascade: false });
  });

  it('parses COPY FROM with generic options', () => {
    expect(statementOf("COPY seqs (name, seq) FROM '/data/x.fa.gz' WITH (FORMAT fasta)")).toEqual({
      kind: 'copy',
      relation: relation('seqs'),
      columns: ['name', 'seq'],
      direction: 'from',
      file: '/data/x.fa.gz',
      options: [{ kind: 'option', name: 'format', value: { kind: 'wordValue', value: 'fasta' } }],
    });
    expect(statementOf("COPY t FROM STDIN (FORMAT csv, HEADER, DELIMITER ';', NULL '', FORCE_NOT_NULL (a, b), FORCE_QUOTE *)")).toEqual({
      kind: 'copy',
      relation: relation('t'),
      columns: [],
      direction: 'from',
      options: [
        { kind: 'option', name: 'format', value: { kind: 'wordValue', value: 'csv' } },
        { kind: 'option', name: 'header' },
        { kind: 'option', name: 'delimiter', value: { kind: 'stringValue', value: ';' } },
        { kind: 'option', name: 'null', value: { kind: 'stringValue', value: '' } },
        { kind: 'option', name: 'force_not_null', value: { kind: 'listValue', items: [{ kind: 'wordValue', value: 'a' }, { kind: 'wordValue', value: 'b' }] } },
        { kind: 'option', name: 'force_quote', value: { kind: 'starValue' } },
      ],
    });
    expect(statementOf("COPY t FROM '/x.fq' WITH (FORMAT fastq, HEADER false) WHERE id > 1")).toMatchObject({
      options: [{ name: 'format' }, { name: 'header', value: { value: 'false' } }],
      where: { operator: '>' },
    });
  });

  it('parses COPY TO, COPY (query) TO and the old option syntax', () => {
    expect(statementOf("COPY t TO '/out.csv' WITH CSV HEADER DELIMITER AS '|'")).toEqual({
      kind: 'copy',
      relation: relation('t'),
      columns: [],
      direction: 'to',
      file: '/out.csv',
      options: [
        { kind: 'option', name: 'format', value: { kind: 'wordValue', value: 'csv' } },
        { kind: 'option', name: 'header', value: { kind: 'wordValue', value: 'true' } },
        { kind: 'option', name: 'delimiter', value: { kind: 'stringValue', value: '|' } },
      ],
    });
    expect(statementOf('COPY (SELECT name FROM t ORDER BY 1) TO STDOUT WITH (FORMAT text)')).toMatchObject({
      kind: 'copy',
      columns: [],
      query: { kind: 'select', orderBy: [{}] },
      direction: 'to',
      options: [{ name: 'format' }],
    });
    expect(statementOf('COPY t TO STDOUT')).toEqual({ kind: 'copy', relation: relation('t'), columns: [], direction: 'to', options: [] });
    expect(statementOf('COPY BINARY t FROM STDIN')).toMatchObject({ options: [{ name: 'format', value: { value: 'binary' } }] });
  });

  it('accepts VACUUM and ANALYZE', () => {
    expect(statementOf('VACUUM')).toEqual({ kind: 'vacuum', analyzeOnly: false, options: [], tables: [] });
    expect(statementOf('VACUUM FULL ANALYZE t')).toMatchObject({ options: [{ name: 'full' }, { name: 'analyze' }], tables: [relation('t')] });
    expect(statementOf('ANALYZE t, u')).toMatchObject({ analyzeOnly: true, tables: [relation('t'), relation('u')] });
  });
});

describe('statement lists', () => {
  it('splits on semicolons, skips empty statements and records extents', () => {
    const sql = ' SELECT 1 ; ; INSERT INTO t VALUES (1);SELECT 2';
    const statements = parseStatements(sql);
    expect(statements.map((raw) => raw.statement.kind)).toEqual(['select', 'insert', 'select']);
    expect(statements.map((raw) => [raw.location, raw.length])).toEqual([[1, 9], [14, 24], [39, 8]]);
    expect(statements.map((raw) => sql.slice(raw.location, raw.location + raw.length).trim())).toEqual([
      'SELECT 1',
      'INSERT INTO t VALUES (1)',
      'SELECT 2',
    ]);
    expect(parseStatements('  ;; -- nothing\n')).toEqual([]);
    expect(Object.isFrozen(statements)).toBe(true);
  });

  it('parseStatement takes one statement (a trailing semicolon is fine)', () => {
    expect(withoutLocations(parseStatement('SHOW ALL;'))).toEqual({ kind: 'show', name: 'all' });
    expect(parseStatement(' -- only a comment')).toBeUndefined();
    expect(errorOf(() => parseStatement('SELECT 1; SELECT 2'))).toMatchObject({
      code: '42601',
      message: 'cannot insert multiple commands into a prepared statement',
    });
  });

  it('keeps parameters as $n nodes: their values never reach the lexer', () => {
    const statement = statementOf("SELECT * FROM t WHERE name = $1 AND seq =% $2 LIMIT $3");
    expect(JSON.stringify(statement)).toContain('"kind":"parameter","number":3');
  });
});
