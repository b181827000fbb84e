import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import type { Expression, Query, TypeName } from '../../src/sql/ast.js';
import { deparseExpression, formatExpression } from '../../src/sql/deparse.js';
import { splitScript } from '../../src/sql/lexer.js';
import { parseExpression, parseStatement, parseStatements, parseTypeName } from '../../src/sql/parser.js';
import { withoutLocations } from './parser-helpers.js';

/** Codes the front end may raise: syntax, unsupported feature, bad byte sequence, nesting, float precision. */
const frontEndCodes = new Set(['42601', '0A000', '22021', '54001', '22023']);

/** Parses `sql`; returns normally or with a front-end KmerSearchError, fails the property otherwise. */
function parsesOrFailsCleanly(sql: string): void {
  const started = performance.now();
  try {
    parseStatements(sql);
  } catch (error) {
    if (!(error instanceof KmerSearchError)) throw new Error(`non-KmerSearchError for ${JSON.stringify(sql)}: ${String(error)}`);
    if (!frontEndCodes.has(error.code)) throw new Error(`unexpected code ${error.code} for ${JSON.stringify(sql)}`);
    if (error.position !== undefined) {
      expect(error.position).toBeGreaterThanOrEqual(1);
      expect(error.position).toBeLessThanOrEqual([...sql].length + 1);
    }
  }
  expect(performance.now() - started).toBeLessThan(1000);
}

const sqlTokens = [
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'LIKE', 'CASE', 'WHEN', 'THEN', 'ELSE',
  'END', 'CAST', 'AS', 'CREATE', 'TABLE', 'INDEX', 'ON', 'USING', 'gin', 'INSERT', 'INTO', 'VALUES', 'DEFAULT',
  'UPDATE', 'SET', 'DELETE', 'DROP', 'IF', 'EXISTS', 'COPY', 'TO', 'STDIN', 'WITH', 'FORMAT', 'fasta', 'EXPLAIN',
  'ANALYZE', 'SHOW', 'RESET', 'ALL', 'BEGIN', 'COMMIT', 'ROLLBACK', 'ORDER', 'BY', 'DESC', 'LIMIT', 'OFFSET',
  'GROUP', 'HAVING', 'DISTINCT', 'UNION', 'JOIN', 'LEFT', 'RETURNING', 'PRIMARY', 'KEY', 'UNIQUE', 'dna2', 'int',
  'varchar', 'double', 'precision', 'timestamp', 'time', 'zone', 'ARRAY', 'ROW', 'ANY', 'count', 'generate_series',
  'kmersearch_matchscore', 'seq', 't', 'x', '"Q"', '""', '1', '2.5', '-3', '1e', '0x', "'ACGT'", "'it''s'", "E'\\x41'",
  "E'\\xff'", "'open", '$$', '$$ body $$', '$t$', '$1', '$99', '=%', '=', '<>', '!=', '<=', '>=', '<', '>', '+',
  '-', '*', '/', '%', '^', '||', '::', '(', ')', '[', ']', ',', ';', '.', '..', ':', '=>', '/*', '*/', '--', '\n',
  '\\', '{', '@', '~', '`', '?', '#',
];

describe('fuzzing: never anything but KmerSearchError, never a hang', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), parsesOrFailsCleanly), { numRuns: 3000 });
  });

  it('random SQL-ish character soup', () => {
    const soup = fc.string({ unit: fc.constantFrom(...'SELCTFROMWHEREandor ()[],.;:=%<>!-+*/|$\'"E\\0123456789xe_\n'.split('')), maxLength: 60 });
    fc.assert(fc.property(soup, parsesOrFailsCleanly), { numRuns: 3000 });
  });

  it('random token sequences', () => {
    const sequence = fc.array(fc.constantFrom(...sqlTokens), { maxLength: 25 }).map((tokens) => tokens.join(' '));
    fc.assert(fc.property(sequence, parsesOrFailsCleanly), { numRuns: 5000 });
  });

  it('random token sequences glued without spaces', () => {
    const sequence = fc.array(fc.constantFrom(...sqlTokens), { maxLength: 25 }).map((tokens) => tokens.join(''));
    fc.assert(fc.property(sequence, parsesOrFailsCleanly), { numRuns: 2000 });
  });

  it('deep and long inputs stay bounded', () => {
    const shapes = fc.oneof(
      fc.integer({ min: 1, max: 3000 }).map((depth) => `SELECT ${'('.repeat(depth)}1${')'.repeat(depth)}`),
      fc.integer({ min: 1, max: 3000 }).map((depth) => `SELECT ${'ARRAY['.repeat(depth)}1${']'.repeat(depth)}`),
      fc.integer({ min: 1, max: 3000 }).map((depth) => `SELECT ${'CASE WHEN a THEN '.repeat(depth)}1${' END'.repeat(depth)}`),
      fc.integer({ min: 1, max: 3000 }).map((count) => `SELECT ${Array.from({ length: count }, (_, i) => `a${i}`).join(' + ')}`),
      fc.integer({ min: 1, max: 2000 }).map((depth) => `SELECT * FROM ${'(SELECT * FROM '.repeat(depth)}t${') s'.repeat(depth)}`),
      fc.integer({ min: 1, max: 2000 }).map((depth) => `SELECT ${'((SELECT 1) + '.repeat(depth)}1${')'.repeat(depth)}`),
    );
    fc.assert(fc.property(shapes, parsesOrFailsCleanly), { numRuns: 60 });
  });

  it('script splitting never throws and returns pieces of the script', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(fc.constantFrom(...sqlTokens), { maxLength: 30 }).map((tokens) => tokens.join(' '))), (script) => {
        const pieces = splitScript(script);
        let previousEnd = 0;
        for (const piece of pieces) {
          expect(script.slice(piece.offset, piece.offset + piece.text.length)).toBe(piece.text);
          expect(piece.offset).toBeGreaterThanOrEqual(previousEnd);
          previousEnd = piece.offset + piece.text.length;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random expression trees, shaped exactly as the parser builds them (without locations)
// ---------------------------------------------------------------------------------------------------------------

type Loose = Record<string, unknown>;

const identifiers = fc.constantFrom('a', 'b', 'seq', 'name', 'Mixed', 'select', 'left', 'int', 'index', 'x y', 'q"uote', 'é', '_1');
const types: readonly TypeName[] = [
  'int4', 'int8', 'int2', 'text', 'dna2', 'dna4', 'varchar(10)', 'varchar', 'character(3)', 'numeric(10,2)', 'float8',
  'real', 'timestamptz', 'timestamp(3)', 'bool', 'regclass', 'bytea', '"Weird Type"', 'int4[]', 'pg_catalog.int4',
  'int4(5)', 'bit', 'varbit(4)', 'interval', 'serial', 'double',
].map((sql) => withoutLocations(parseTypeName(sql)));

const queries: readonly Query[] = ['SELECT 1', 'SELECT a FROM t WHERE (b > 1)', 'VALUES (1), (2)', '(SELECT 1) UNION ALL (SELECT 2 ORDER BY 1)'].map(
  (sql) => withoutLocations(parseStatement(sql)) as Query,
);

const integerLiteral = fc.oneof(
  fc.integer({ min: -2147483648, max: 2147483647 }).map((value) => String(value)),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).filter((value) => value > 2147483647n || value < -2147483648n).map(String),
).map((text): Loose => ({ kind: 'numberLiteral', text, isInteger: true }));

const decimalLiteral = fc
  .tuple(fc.boolean(), fc.nat({ max: 10_000 }), fc.nat({ max: 999 }), fc.constantFrom('', 'e5', 'E-3', 'e+2'), fc.boolean())
  .map(([negative, whole, fraction, exponent, leadingDot]): Loose => {
    const body = leadingDot ? `.${fraction}` : `${whole}.${fraction}`;
    return { kind: 'numberLiteral', text: `${negative ? '-' : ''}${body}${exponent}`, isInteger: false };
  });

const leaf: fc.Arbitrary<Loose> = fc.oneof(
  fc.array(identifiers, { minLength: 1, maxLength: 2 }).map((names) => ({ kind: 'columnReference', names })),
  identifiers.map((qualifier) => ({ kind: 'star', qualifier: [qualifier] })),
  fc.integer({ min: 1, max: 99 }).map((number) => ({ kind: 'parameter', number })),
  integerLiteral,
  decimalLiteral,
  fc.string({ unit: 'binary', maxLength: 8 }).map((value) => ({ kind: 'stringLiteral', value })),
  fc.boolean().map((value) => ({ kind: 'booleanLiteral', value })),
  fc.constant({ kind: 'nullLiteral' }),
  fc.constant({ kind: 'setToDefault' }),
  fc.constantFrom('current_date', 'current_user', 'session_user', 'user', 'current_schema', 'localtimestamp').map((name) => ({ kind: 'sqlValueFunction', name })),
  fc.tuple(fc.constantFrom('current_timestamp', 'localtime'), fc.integer({ min: 0, max: 6 })).map(([name, precision]) => ({ kind: 'sqlValueFunction', name, precision })),
);

const binaryOperators = ['=', '<>', '<', '>=', '+', '-', '*', '/', '%', '^', '||', '=%', '~~', '@>', '&&', '<->', '!~'];
const prefixOperators = ['+', '-', '~', '@', '|/'];
const functionNames = [['f'], ['kmersearch_matchscore'], ['pg_catalog', 'length'], ['left'], ['coalesce'], ['nullif'], ['count'], ['Mixed Fn'], ['substring'], ['greatest']];
const isSubquery = (expression: Loose): boolean => expression.kind === 'scalarSubquery';
const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });
/** Drops undefined fields, as the parser's frozen nodes leave absent optional fields out. */
const compact = (fields: Loose): Loose => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

const { expression } = fc.letrec<{ expression: Loose }>((tie) => {
  const child = tie('expression');
  const sortKey = fc
    .tuple(child, fc.constantFrom('default', 'asc', 'desc'), fc.constantFrom('default', 'first', 'last'))
    .map(([key, direction, nulls]): Loose => ({ kind: 'sortKey', expression: key, direction, nulls }));
  const functionArgument = fc.oneof(
    { weight: 4, arbitrary: child },
    { weight: 1, arbitrary: fc.tuple(identifiers, child).map(([name, value]): Loose => ({ kind: 'namedArgument', name, value })) },
  );
  const functionCall = fc
    .tuple(fc.constantFrom(...functionNames), fc.array(functionArgument, { maxLength: 3 }), fc.boolean(), fc.boolean(), fc.array(sortKey, { maxLength: 2 }), optional(child))
    .map(([name, args, star, distinct, orderBy, filter]): Loose =>
      compact({
        kind: 'functionCall',
        name,
        arguments: star ? [] : args,
        star: star,
        distinct: !star && args.length > 0 && distinct,
        orderBy: !star && args.length > 0 ? orderBy : [],
        filter,
      }),
    );
  const recursive: fc.Arbitrary<Loose> = fc.oneof(
    fc.tuple(child, fc.constantFrom(...types)).map(([operand, type]) => ({ kind: 'typeCast', operand, type })),
    fc
      .tuple(fc.constantFrom(...prefixOperators), child)
      .filter(([operator, operand]) => !(operator === '-' && operand.kind === 'numberLiteral'))
      .map(([operator, operand]) => ({ kind: 'unaryOperation', operator, operand })),
    fc.tuple(fc.constantFrom(...binaryOperators), child, child).map(([operator, left, right]) => ({ kind: 'binaryOperation', operator, left, right })),
    fc
      .tuple(fc.constantFrom('and', 'or'), fc.array(child, { minLength: 2, maxLength: 3 }))
      .filter(([kind, args]) => args[0]?.kind !== kind)
      .map(([kind, args]) => ({ kind, arguments: args })),
    child.map((operand) => ({ kind: 'not', operand })),
    fc.tuple(child, fc.boolean()).map(([operand, negated]) => ({ kind: 'nullTest', operand, negated })),
    fc.tuple(child, fc.constantFrom('true', 'false', 'unknown'), fc.boolean()).map(([operand, test, negated]) => ({ kind: 'booleanTest', operand, test, negated })),
    fc.tuple(child, child, fc.boolean()).map(([left, right, negated]) => ({ kind: 'distinctFrom', left, right, negated })),
    fc.tuple(child, child, child, fc.boolean(), fc.boolean()).map(([operand, low, high, negated, symmetric]) => ({ kind: 'between', operand, low, high, negated, symmetric })),
    fc
      .tuple(child, child, optional(child), fc.boolean(), fc.boolean())
      .map(([operand, pattern, escape, negated, caseInsensitive]) => compact({ kind: 'like', operand, pattern, escape, negated, caseInsensitive })),
    fc
      .tuple(child, fc.array(child, { minLength: 1, maxLength: 3 }), fc.boolean())
      .filter(([, values]) => !(values.length === 1 && values[0] !== undefined && isSubquery(values[0])))
      .map(([operand, values, negated]) => ({ kind: 'inList', operand, values, negated })),
    fc.tuple(child, fc.constantFrom(...queries), fc.boolean()).map(([operand, query, negated]) => ({ kind: 'inSubquery', operand, query, negated })),
    fc
      .tuple(fc.constantFrom('=', '<>', '<', '=%'), fc.constantFrom('any', 'all'), child, fc.oneof(child.filter((right) => !isSubquery(right)), fc.constantFrom(...queries)))
      .map(([operator, quantifier, left, right]) => ({ kind: 'quantified', operator, quantifier, left, right })),
    fc.array(child, { maxLength: 3 }).map((elements) => ({ kind: 'arrayConstructor', elements })),
    fc.constantFrom(...queries).map((query) => ({ kind: 'scalarSubquery', query })),
    fc.constantFrom(...queries).map((query) => ({ kind: 'exists', query })),
    functionCall,
    fc
      .tuple(optional(child), fc.array(fc.tuple(child, child), { minLength: 1, maxLength: 2 }), optional(child))
      .map(([operand, whens, elseResult]) =>
        compact({ kind: 'case', operand, whens: whens.map(([condition, result]) => ({ kind: 'caseWhen', condition, result })), elseResult }),
      ),
    fc.tuple(child, identifiers).map(([operand, field]) => ({ kind: 'fieldSelection', operand, field })),
    child.map((operand) => ({ kind: 'fieldStar', operand })),
    fc.array(child, { maxLength: 3 }).map((fields) => ({ kind: 'row', fields, explicit: true })),
    fc.array(child, { minLength: 2, maxLength: 3 }).map((fields) => ({ kind: 'row', fields, explicit: false })),
  );
  return { expression: fc.oneof({ maxDepth: 4, depthSize: 'small', withCrossShrink: true }, leaf, recursive) };
});

/**
 * Subqueries print as `(SubPlan n)` and `t.*` loses its qualifier in EXPLAIN style (as in PostgreSQL), so such
 * trees cannot be re-parsed from their EXPLAIN text.
 */
function hasUnparsableExplainText(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUnparsableExplainText);
  if (value === null || typeof value !== 'object') return false;
  const record = value as Loose;
  if (['scalarSubquery', 'exists', 'inSubquery', 'select', 'values', 'setOperation', 'star'].includes(String(record.kind))) return true;
  return Object.values(record).some(hasUnparsableExplainText);
}

describe('deparse round trips', () => {
  it('formatExpression output parses back to the same tree', () => {
    fc.assert(
      fc.property(expression, (tree) => {
        const sql = formatExpression(tree as unknown as Expression);
        expect(withoutLocations(parseExpression(sql))).toEqual(tree);
      }),
      { numRuns: 3000 },
    );
  });

  it('EXPLAIN-style output is stable: deparse(parse(deparse(e))) = deparse(e)', () => {
    fc.assert(
      fc.property(
        expression.filter((tree) => !hasUnparsableExplainText(tree)),
        (tree) => {
          const text = deparseExpression(tree as unknown as Expression);
          expect(deparseExpression(parseExpression(text))).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

});
