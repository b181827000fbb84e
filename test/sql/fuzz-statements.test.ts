/**
 * Hostile input, whole statements (docs/reliability.md, "Hostile input"): random and mutated SQL through
 * KmerSearch.query on a database with a few tables. Every failure must be a KmerSearchError with a five-character
 * SQLSTATE that is not XX000 (a JavaScript bug surfacing), and a failing statement must leave the database as it
 * was. The parser alone is fuzzed in parser-properties.test.ts; this file goes through binder, planner and
 * executor too, where a statement the parser accepts can still overflow the stack or run for long.
 *
 * Run counts and seeds: test/fuzz-options.ts (FUZZ_SEED, FUZZ_RUNS).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KmerSearch, KmerSearchError } from '../../src/index.js';
import { reservedKeywords, splitScript, tokenize, type Token } from '../../src/sql/lexer.js';
import type { StorageEngine } from '../../src/storage/index.js';
import { fuzzParameters, fuzzTestTimeout, traceInput } from '../fuzz-options.js';

// ---------------------------------------------------------------------------------------------------------------
// The corpus: statements of the golden scripts and of docs/sql.md
// ---------------------------------------------------------------------------------------------------------------

/** The SQL of a psql script without meta-commands and without the data lines of `COPY … FROM stdin`. */
function scriptStatements(script: string): string[] {
  const kept: string[] = [];
  let inCopyData = false;
  for (const line of script.split('\n')) {
    if (inCopyData) {
      if (line === '\\.') inCopyData = false;
      continue;
    }
    if (line.startsWith('\\')) continue;
    kept.push(line);
    if (/from\s+stdin\s*;/i.test(line)) inCopyData = true;
  }
  return splitScript(kept.join('\n'))
    .filter((piece) => piece.kind === 'statement')
    .map((piece) => piece.text);
}

function corpus(): string[] {
  const golden = fileURLToPath(new URL('./golden/', import.meta.url));
  const scripts = readdirSync(golden)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => readFileSync(golden + name, 'utf8'));
  const sqlDoc = readFileSync(fileURLToPath(new URL('../../docs/sql.md', import.meta.url)), 'utf8');
  for (const block of sqlDoc.matchAll(/```sql\n([\s\S]*?)```/g)) scripts.push(block[1] as string);
  return [...new Set(scripts.flatMap(scriptStatements))].filter(isHarmless);
}

/**
 * Statements that may run against the test process's files are left out: COPY … TO 'file' would write into the
 * working directory (COPY FROM a file only reads, and is kept). A mutation can turn any statement into a COPY, so
 * the same check runs on every generated statement.
 */
function isHarmless(sql: string): boolean {
  return !(/copy/i.test(sql) && /to/i.test(sql));
}

const statements = corpus();
/** The tokens of each statement that tokenizes (05_errors.sql has some that do not, on purpose). */
const statementTokens: readonly (readonly Token[])[] = statements.flatMap((sql) => {
  try {
    return [tokenize(sql).filter((token) => token.type !== 'eof')];
  } catch {
    return [];
  }
});

/** Every token text of the corpus, the reserved keywords, and pieces that unbalance or stress the lexer. */
const vocabulary: readonly string[] = [
  ...new Set([
    ...statementTokens.flatMap((tokens) => tokens.map((token) => token.text)),
    ...reservedKeywords,
    "'", '"', '(', ')', '[', ']', '/*', '*/', '--', '$$', '$q$', "E'\\", "E'\\x", "U&'\\", '\\', ';', '::', '$1', '$0',
    '$2147483648', '\0', '\uD800', '\uDFFF', '\uFFFD', '9'.repeat(400), `1e${'9'.repeat(30)}`, '0x', '1..2', '.e5',
  ]),
];

// ---------------------------------------------------------------------------------------------------------------
// The database and its digest
// ---------------------------------------------------------------------------------------------------------------

/** The tables of the database the statements run on, each with the statements that create and fill it. */
const fixtureTables: Readonly<Record<string, string>> = {
  seqs: `CREATE TABLE seqs (id serial PRIMARY KEY, name text, seq dna2);
    INSERT INTO seqs (name, seq) VALUES ('a', 'ACGTACGTACGTACGT'), ('b', 'GGGGCCCCAAAATTTT'), ('c', NULL);
    CREATE INDEX seqs_seq_idx ON seqs USING gin (seq kmersearch_dna2_gin_ops_int8);`,
  reads: `CREATE TABLE reads (id serial PRIMARY KEY, name text DEFAULT 'unnamed', seq dna4, added boolean DEFAULT true);
    INSERT INTO reads (name, seq) VALUES ('r1', 'ACGTNACGTAMRWSYK'), ('r2', 'NNNNACGT');`,
  e: `CREATE TABLE e (id integer PRIMARY KEY, name varchar(5) NOT NULL, seq dna2);
    INSERT INTO e VALUES (1, 'one', 'ACGT'), (2, 'two', 'TTTT');`,
};

function storageOf(database: KmerSearch): StorageEngine {
  return (database as unknown as { readonly storage: StorageEngine }).storage;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const bigintAsText = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? `${value}n` : value);

/**
 * What a failing statement must not change, read from storage directly (fast, and independent of the SQL layer
 * under test): per table its catalog record, its indexes and a hash of its heap blocks and deleted-row bitmaps;
 * the names of sequences (their positions are not transactional, in PostgreSQL either); the entry counts of the
 * index and unique-key stores.
 */
function digest(database: KmerSearch): Map<string, string> {
  const storage = storageOf(database);
  const snapshot = storage.beginRead();
  const parts = new Map<string, string>();
  try {
    for (const table of snapshot.listTables()) {
      const hash = createHash('sha1');
      hash.update(JSON.stringify({ table, indexes: snapshot.listIndexes(table.id) }, bigintAsText));
      const heap = snapshot.openHeap(table.id);
      hash.update(String(heap.rowIdLimit));
      for (const block of heap.blocks()) {
        hash.update(`block ${block.block}`);
        hash.update(block.bytes);
        const deleted = heap.tombstones(block.block);
        if (deleted !== undefined) hash.update(deleted);
      }
      parts.set(`table ${table.name}`, hash.digest('hex'));
    }
    parts.set('sequences', snapshot.listSequences().map((sequence) => sequence.name).sort().join(','));
  } finally {
    snapshot.close();
  }
  const usage = storage.spaceUsage();
  parts.set('entries', [usage.gin.entries, usage.unique.entries].join(','));
  return parts;
}

/**
 * How long one generated statement may run before statement_timeout cancels it (57014 is an acceptable outcome).
 * statement_timeout rather than an AbortSignal: pg_sleep blocks the thread, so only a deadline can stop it.
 */
const statementBudget = 'SET statement_timeout = 3000';

let database: KmerSearch;
let pristine: Map<string, string>;
let current: Map<string, string>;

/**
 * Puts the fixture back after a statement that succeeded and changed it: tables it created are dropped, fixture
 * tables it changed are created anew (only those: CREATE INDEX costs). A sequence it created stays (there is no
 * DROP SEQUENCE); the restored state becomes the new reference.
 */
async function restoreFixture(after: Map<string, string>): Promise<void> {
  const snapshot = storageOf(database).beginRead();
  const tables = snapshot.listTables().map((table) => table.name);
  snapshot.close();
  for (const table of tables) {
    const fixture = fixtureTables[table];
    if (fixture === undefined || after.get(`table ${table}`) !== pristine.get(`table ${table}`)) {
      await database.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)} CASCADE`);
    }
  }
  for (const [table, fixture] of Object.entries(fixtureTables)) {
    if (after.get(`table ${table}`) !== pristine.get(`table ${table}`)) await database.exec(fixture);
  }
}

beforeAll(async () => {
  database = await KmerSearch.open();
  for (const fixture of Object.values(fixtureTables)) await database.exec(fixture);
  await database.query(statementBudget);
  pristine = digest(database);
  current = pristine;
  return async () => database.close();
});

/**
 * Runs one hostile statement and checks the outcome. Afterwards the session is put back (ROLLBACK of a block the
 * statement may have opened, RESET ALL of a setting it may have changed) and so is the fixture, so that every run
 * starts from the same database.
 */
async function checkStatement(sql: string, parameters?: readonly unknown[]): Promise<void> {
  if (!isHarmless(sql)) return;
  traceInput(sql);
  let failure: unknown;
  try {
    await database.query(sql, parameters, { onNotice: () => undefined });
  } catch (error) {
    failure = error;
  }
  if (failure !== undefined) {
    if (!(failure instanceof KmerSearchError)) {
      throw new Error(`${String(failure)} is not a KmerSearchError, for ${JSON.stringify(sql)}`, { cause: failure });
    }
    expect(failure.code, `${failure.message} for ${JSON.stringify(sql)}`).toMatch(/^[0-9A-Z]{5}$/);
    expect(failure.code, `${failure.message} for ${JSON.stringify(sql)}`).not.toBe('XX000');
    expect(typeof failure.message).toBe('string');
    if (failure.position !== undefined) {
      expect(failure.position).toBeGreaterThanOrEqual(1);
      expect(failure.position).toBeLessThanOrEqual([...sql].length + 1);
    }
  }
  await database.query('ROLLBACK', [], { onNotice: () => undefined });
  await database.query('RESET ALL');
  await database.query(statementBudget);
  const after = digest(database);
  if (failure !== undefined) expect(after, `the failing statement ${JSON.stringify(sql)} changed the database`).toEqual(current);
  if (!sameDigest(after, pristine)) {
    await restoreFixture(after);
    // Tables created anew have new ids, so the restored fixture is the new reference.
    pristine = digest(database);
    current = pristine;
  } else {
    current = after;
  }
}

function sameDigest(left: Map<string, string>, right: Map<string, string>): boolean {
  return left.size === right.size && [...left].every(([key, value]) => right.get(key) === value);
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

const vocabularyToken = fc.constantFrom(...vocabulary);

type Mutation = (tokens: string[]) => string[];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((at): Mutation => (tokens) => tokens.slice(0, at % (tokens.length + 1))),
  fc.nat().map((at): Mutation => (tokens) => tokens.filter((_, index) => index !== at % Math.max(tokens.length, 1))),
  fc.nat().map((at): Mutation => (tokens) => {
    const index = at % Math.max(tokens.length, 1);
    return [...tokens.slice(0, index + 1), ...tokens.slice(index)];
  }),
  fc.tuple(fc.nat(), vocabularyToken).map(([at, token]): Mutation => (tokens) => {
    const index = at % (tokens.length + 1);
    return [...tokens.slice(0, index), token, ...tokens.slice(index)];
  }),
  fc.tuple(fc.nat(), vocabularyToken).map(([at, token]): Mutation => (tokens) => tokens.map((old, index) => (index === at % Math.max(tokens.length, 1) ? token : old))),
  fc.tuple(fc.nat(), fc.nat()).map(([from, to]): Mutation => (tokens) => {
    // (A list an earlier mutation emptied has nothing to swap: swapping would put undefined into it.)
    if (tokens.length === 0) return tokens;
    const copy = [...tokens];
    const left = from % Math.max(copy.length, 1);
    const right = to % Math.max(copy.length, 1);
    [copy[left], copy[right]] = [copy[right] as string, copy[left] as string];
    return copy;
  }),
  // A numeric token made huge, negative or fractional.
  fc.constantFrom('9'.repeat(40), '-2147483649', '9223372036854775808', '1e308', '1e-400', '0.000000000001', '-0').map(
    (number): Mutation => (tokens) => tokens.map((token) => (/^\d+$/.test(token) ? number : token)),
  ),
  // A string literal's content replaced by random text (quotes doubled, so the literal stays one token).
  fc.string({ unit: 'binary', maxLength: 30 }).map((text): Mutation => (tokens) => tokens.map((token) => (token.startsWith("'") ? `'${text.replaceAll("'", "''")}'` : token))),
  // Nesting: the token list wrapped in many parentheses.
  fc.integer({ min: 1, max: 600 }).map((depth): Mutation => (tokens) => ['SELECT', '('.repeat(depth), ...tokens, ')'.repeat(depth)]),
);

const mutatedStatement = fc
  .tuple(fc.nat({ max: statementTokens.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', '', '\n', '\t', ' /**/ '))
  .map(([which, mutations, separator]) => mutations.reduce((tokens, apply) => apply(tokens), (statementTokens[which] as readonly Token[]).map((token) => token.text)).join(separator));

/** Strings as a caller might pass them from anywhere: random UTF-16 (lone surrogates included) and decoded bytes. */
const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 }),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const tokenSoup = fc.array(vocabularyToken, { minLength: 1, maxLength: 20 }).chain((tokens) =>
  fc.constantFrom(' ', '').map((separator) => tokens.join(separator)),
);

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

describe('hostile statements through KmerSearch.query', () => {
  it('the corpus is what the generators start from', () => {
    expect(statements.length).toBeGreaterThan(100);
    expect(statements.some((sql) => sql.startsWith('CREATE INDEX'))).toBe(true);
  });

  it('mutated statements of the golden scripts and docs/sql.md fail cleanly and change nothing', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(fc.asyncProperty(mutatedStatement, (sql) => checkStatement(sql)), fuzzParameters(200, 1));
  });

  it('token soups from the real vocabulary fail cleanly and change nothing', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(fc.asyncProperty(tokenSoup, (sql) => checkStatement(sql)), fuzzParameters(300, 2));
  });

  it('random text fails cleanly and changes nothing', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(fc.asyncProperty(randomText, (sql) => checkStatement(sql)), fuzzParameters(300, 3));
  });

  it('random text inside the statements of the corpus (as literal, identifier and raw text)', { timeout: fuzzTestTimeout }, async () => {
    const spliced = fc
      .tuple(fc.nat({ max: statements.length - 1 }), fc.nat(), randomText, fc.constantFrom('raw', 'literal', 'identifier'))
      .map(([which, at, text, as]) => {
        const sql = statements[which] as string;
        const offset = at % (sql.length + 1);
        const piece = as === 'raw' ? text : as === 'literal' ? ` '${text.replaceAll("'", "''")}' ` : ` ${quoteIdentifier(text)} `;
        return sql.slice(0, offset) + piece + sql.slice(offset);
      });
    await fc.assert(fc.asyncProperty(spliced, (sql) => checkStatement(sql)), fuzzParameters(200, 4));
  });
});

describe('random calls of the builtin functions', () => {
  const functionNames = [
    'abs', 'bit_length', 'btrim', 'char_length', 'decode', 'encode', 'floor', 'generate_series', 'hashtext', 'hashtextextended',
    'kmersearch_matchscore', 'kmersearch_dna2_match', 'kmersearch_dna4_match', 'kmersearch_dna2_cmp', 'kmersearch_dna4_hash_extended',
    'kmersearch_dna2_to_bytea', 'kmersearch_query_kmer_cache_stats', 'kmersearch_show_buildno', 'left', 'length', 'lower', 'lpad',
    'ltrim', 'md5', 'mod', 'nuc_length', 'nullif', 'octet_length', 'position', 'repeat', 'replace', 'reverse', 'right', 'round', 'rpad',
    'rtrim', 'sqrt', 'starts_with', 'strpos', 'to_hex', 'trunc', 'upper', 'coalesce', 'greatest', 'least', 'concat', 'substring',
    'count', 'sum', 'avg', 'min', 'max', 'string_agg', 'current_setting', 'set_config', 'nextval', 'currval', 'setval',
  ];
  const argument = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('NULL', '0', '-1', '1', '2147483647', '-2147483648', '9223372036854775807', '1e308', "'NaN'::float8", '0.5', '1e131071', '-0.0'),
      fc.constantFrom("'ACGT'", "''", "'ACGT'::dna2", "'NNNN'::dna4", "'\\xff'::bytea", "'hex'", "'base64'", 'true', 'seq', 'name', 'id', "'seqs'", "'kmersearch.kmer_size'"),
      fc.string({ unit: 'binary', maxLength: 8 }).map((text) => `'${text.replaceAll("'", "''")}'`),
      fc.integer({ min: 0, max: 100_000_000 }).map(String),
      fc.tuple(fc.constantFrom(...functionNames), fc.array(tie('value'), { maxLength: 3 })).map(([name, args]) => `${name}(${args.join(', ')})`),
    ),
  })).value;
  const call = fc
    .tuple(fc.constantFrom(...functionNames), fc.array(argument, { maxLength: 4 }), fc.constantFrom('', ' FROM seqs', ' FROM reads GROUP BY id', ' FROM seqs WHERE seq =% \'ACGTACGT\''))
    .map(([name, args, from]) => `SELECT ${name}(${args.join(', ')})${from}`);

  it('give a result or a typed error and change nothing', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(fc.asyncProperty(call, (sql) => checkStatement(sql)), fuzzParameters(300, 7));
  });
});

describe('deep and wide statements end with 54001 or a result, never a crash', () => {
  const depth = 100_000;
  const cases: [string, string][] = [
    ['100,000 nested parentheses', `SELECT ${'('.repeat(depth)}1${')'.repeat(depth)}`],
    ['100,000 nested ARRAY[', `SELECT ${'ARRAY['.repeat(depth)}1${']'.repeat(depth)}`],
    ['100,000 NOT', `SELECT ${'NOT '.repeat(depth)}true`],
    ['10,000 terms of ||', `SELECT ${Array(10_000).fill("'a'").join(' || ')}`],
    ['10,000 casts', `SELECT 1${'::int'.repeat(10_000)}`],
    ['5,000 UNION ALL', Array(5000).fill('SELECT 1').join(' UNION ALL ')],
    ['1,000 nested subqueries', `SELECT ${'(SELECT '.repeat(1000)}1${')'.repeat(1000)}`],
    ['a WHERE clause of 3,000 comparisons joined by OR', `SELECT count(*) FROM seqs WHERE ${Array.from({ length: 3000 }, (_, i) => `id = ${i}`).join(' OR ')}`],
  ];
  for (const [name, sql] of cases) {
    it(name, async () => {
      const before = current;
      try {
        await database.query(sql);
      } catch (error) {
        expect(error).toBeInstanceOf(KmerSearchError);
        expect({ code: (error as KmerSearchError).code, message: (error as KmerSearchError).message }).toEqual({ code: '54001', message: 'stack depth limit exceeded' });
        expect((error as KmerSearchError).hint).toBe(
          'Increase the configuration parameter "max_stack_depth" (currently 2048kB), after ensuring the platform\'s stack depth limit is adequate.',
        );
      }
      expect(digest(database)).toEqual(before);
      expect((await database.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  }

  it('a long chain of + fails with 54001 (regression: XX000 "Maximum call stack size exceeded"), in a block like any error', async () => {
    await database.query('BEGIN');
    await expect(database.query(`SELECT ${Array(100_000).fill('1').join('+')}`)).rejects.toMatchObject({ code: '54001' });
    await expect(database.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await database.query('ROLLBACK');
    expect((await database.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a call with 100,000 arguments binds in linear time (regression: positions were counted from the start for each argument)', async () => {
    // Before the fix this took about 11 s; the limit is far above the linear time and far below the quadratic one.
    const started = performance.now();
    const result = await database.query(`SELECT coalesce(${Array(100_000).fill('NULL').join(',')}, 7) AS value`);
    expect(result.rows).toEqual([{ value: 7 }]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('values too large for JavaScript end with 54000 out of memory, as PostgreSQL past its 1 GB limit', () => {
  // Regression: both were XX000 "Invalid string length".
  for (const sql of [
    "SELECT replace(repeat('a', 100000), 'a', repeat('b', 100000))",
    "SELECT length(string_agg(repeat('a', 1000000), '')) FROM generate_series(1, 1000)",
  ]) {
    it(sql, async () => {
      await expect(database.query(sql)).rejects.toMatchObject({
        code: '54000',
        message: 'out of memory',
        detail: 'The value is larger than the JavaScript engine can hold (Invalid string length).',
      });
      expect((await database.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  }
});

describe('big values are built in one piece, not character by character', () => {
  // Regression: lpad appended one character at a time; 3 rows of lpad(…, 61150448) ran the 4 GB heap out (a crash).
  it('lpad and rpad to 50 million characters', async () => {
    const result = await database.query("SELECT length(lpad('x', 50000000, 'ab')) AS l, length(rpad('x', 50000000)) AS r, right(lpad('x', 50000000, 'ab'), 3) AS tail");
    expect(result.rows).toEqual([{ l: 50_000_000, r: 50_000_000, tail: 'bax' }]);
  });

  // Regression: encode, decode and bytea output appended per byte (12 s and 1.9 GB for 30 MB; more ran out of heap).
  it('encode and decode of a 1 MB bytea in every format, and its text output', async () => {
    const result = await database.query(`
      SELECT length(v) AS bytes, length(encode(v, 'hex')) AS hex, length(encode(v, 'escape')) AS escape,
             length(encode(v, 'base64')) AS base64, length(v::text) AS text,
             decode(encode(v, 'base64'), 'base64') = v AS base64_round_trip, decode(encode(v, 'escape'), 'escape') = v AS escape_round_trip
      FROM (SELECT decode(repeat('00ff5c41', 250000), 'hex') AS v) AS b`);
    expect(result.rows).toEqual([
      { bytes: 1_000_000, hex: 2_000_000, escape: 2_750_000, base64: 1_350_879, text: 2_000_002, base64_round_trip: true, escape_round_trip: true },
    ]);
  });
});

describe('what JavaScript callers can pass besides SQL text', () => {
  it('a statement that is not a string is a typed error (regression: XX000 from the lexer)', async () => {
    for (const [value, name] of [[42, 'number'], [null, 'null'], [undefined, 'undefined'], [{}, 'object']] as const) {
      await expect(database.query(value as unknown as string)).rejects.toMatchObject({
        code: '22023',
        message: `the statement text must be a string, not ${name}`,
      });
    }
    await expect(database.exec(7 as unknown as string)).rejects.toMatchObject({ code: '22023' });
    await expect(database.queryText(7 as unknown as string)).rejects.toMatchObject({ code: '22023' });
  });

  it('parameters that are not an array are a typed error (regression: TypeError)', async () => {
    await expect(database.query('SELECT 1', 'abc' as unknown as unknown[])).rejects.toMatchObject({
      code: '22023',
      message: 'the parameters must be an array, not string',
    });
    expect((await database.query('SELECT 1 AS one', null as unknown as unknown[])).rows).toEqual([{ one: 1 }]);
  });

  it('any JavaScript value as a parameter gives a result or a typed error', { timeout: fuzzTestTimeout }, async () => {
    const sqlUsingParameter = fc.constantFrom(
      'SELECT $1',
      'SELECT $1::text',
      'SELECT $1::dna2',
      'SELECT $1::dna4',
      'SELECT $1::int4',
      'SELECT $1::numeric',
      'SELECT kmersearch_matchscore(seq, $1) FROM seqs',
      'SELECT count(*) FROM seqs WHERE seq =% $1',
      'INSERT INTO e VALUES (99, $1, NULL)',
      'UPDATE e SET name = $1 WHERE id = 1',
    );
    await fc.assert(
      fc.asyncProperty(sqlUsingParameter, fc.array(fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }), { maxLength: 2 }), async (sql, parameters) => {
        await checkStatement(sql, parameters);
      }),
      fuzzParameters(300, 5),
    );
  });
});

describe('parameters are values, never SQL', () => {
  const payload = fc.oneof(
    fc.constantFrom(
      "'; DROP TABLE e; --",
      "'); DELETE FROM e; --",
      "\\'; DROP TABLE e; --",
      "' OR '1'='1",
      '$1',
      '$$; DROP TABLE e; $$',
      '1; DROP TABLE e',
      '*/ DROP TABLE e /*',
      "E'\\x00'",
      '\\',
      '\\\\',
      "''",
      '"e"',
      'ACGT',
      'ACGT; DROP TABLE e',
      '\0',
      'a\0b',
      '\uD800',
    ),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const hostileString = fc.array(payload, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(''));
  /** PostgreSQL cannot store NUL in text, nor a lone surrogate (it is not UTF-8): 22021. */
  const storable = (value: string): boolean => !value.includes('\0') && value === Buffer.from(value, 'utf8').toString('utf8');

  it('round-trip through SELECT, INSERT and WHERE unchanged, and leave the other tables alone', { timeout: fuzzTestTimeout }, async () => {
    await database.query('CREATE TABLE notes (id int PRIMARY KEY, body text, seq dna2)');
    const others = (parts: Map<string, string>): string[] => [...parts].filter(([key]) => key !== 'table notes').map(([key, value]) => `${key}=${value}`);
    const reference = others(digest(database));
    let id = 0;
    try {
      await fc.assert(
        fc.asyncProperty(hostileString, async (value) => {
          id++;
          expect((await database.query('SELECT $1::text AS value, length($1) AS characters', [value])).rows).toEqual([{ value, characters: [...value].length }]);
          expect((await database.query('SELECT $1 AS value', [value])).rows).toEqual([{ value }]);
          expect((await database.query('SELECT count(*) AS n FROM e WHERE name = $1 OR $1 IS NULL', [value])).rows).toEqual([
            { n: ['one', 'two'].includes(value) ? 1 : 0 },
          ]);
          const insert = database.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, value]);
          if (storable(value)) {
            await insert;
            expect((await database.query('SELECT body FROM notes WHERE id = $1', [id])).rows).toEqual([{ body: value }]);
            expect((await database.query('SELECT id FROM notes WHERE body = $1', [value])).rows).toEqual([{ id }]);
          } else {
            await expect(insert).rejects.toMatchObject({ code: '22021' });
            expect((await database.query('SELECT count(*) AS n FROM notes WHERE id = $1', [id])).rows).toEqual([{ n: 0 }]);
          }
          // As a DNA value the string is input to dna2's input function, and fails there unless it is DNA.
          const dna = database.query('UPDATE notes SET seq = $1 WHERE id = $2', [value, id]);
          if (/^[ACGTUacgtu]*$/.test(value)) await dna;
          else await expect(dna).rejects.toMatchObject({ code: expect.stringMatching(/^22(P02|021)$/) });
          await database.query('DELETE FROM notes WHERE id = $1', [id]);
          expect(others(digest(database))).toEqual(reference);
        }),
        fuzzParameters(100, 6),
      );
    } finally {
      await database.query('DROP TABLE notes');
    }
    pristine = digest(database);
    current = pristine;
  });
});
