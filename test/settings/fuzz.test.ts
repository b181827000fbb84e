/**
 * Hostile input, settings (docs/reliability.md, "Hostile input"): `SET`, `SET LOCAL`, `RESET`, `SHOW`,
 * set_config and current_setting with random names and values, through SQL. A failure is a KmerSearchError with
 * one of PostgreSQL's codes for the case (never XX000) and leaves every setting as it was (SHOW ALL and the named
 * setting compared before and after). The settings model itself is settings.test.ts and parse.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmerSearch, KmerSearchError } from '../../src/index.js';
import { settingDefinitions } from '../../src/settings/index.js';
import { fuzzParameters, fuzzTestTimeout } from '../fuzz-options.js';

let database: KmerSearch;

beforeAll(async () => {
  database = await KmerSearch.open();
});

afterAll(async () => {
  await database.close();
});

/**
 * The codes a settings statement may fail with: bad value (22023), unknown or reserved name (42704, 42602),
 * syntax (42601), bad text (22021, 22P02), out of range (22003), a setting that cannot change now (55P02, 0A000),
 * and a failed block (25P02).
 */
const settingsCodes = new Set(['22023', '42704', '42602', '42601', '22021', '22P02', '22003', '55P02', '0A000', '25P02', '42883', '42804']);

const knownNames = settingDefinitions.map((definition) => definition.name);
const name = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...knownNames) },
  { weight: 1, arbitrary: fc.constantFrom(...knownNames.map((known) => known.toUpperCase()), ...knownNames.map((known) => `"${known}"`)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('kmersearch.nope', 'nope', 'nope.x', 'a.b.c', 'kmersearch', 'kmersearch.', '"kmersearch.kmer_size "', 'search_path', 'time zone', 'all', 'x.', '"a b".c', '""'),
  },
);

const value = fc.oneof(
  fc.integer({ min: -100, max: 100 }).map(String),
  fc.constantFrom('0', '-0', '8.5', '1e400', '1e-400', '99999999999999999999', '-2147483649', '2147483648', '0x10', '1_000', '.5', '5.', 'NaN', "'NaN'", "'Infinity'", "'-inf'"),
  fc.constantFrom('on', 'off', 'true', 'false', "'o'", "'of'", "'yes'", "'1'", 'DEFAULT', 'LOCAL', 'NULL', "''", "' 8 '", "'8 '", "'1GB'", "'10 ms'", "'1e30 ms'", "'-1s'", "'99999999999TB'"),
  fc.constantFrom('avx2', "'none'", "'debug'", "'ERROR'", 'notice', '"Debug5"', "'warning'"),
  fc.string({ unit: 'binary', maxLength: 12 }).map((text) => `'${text.replaceAll("'", "''")}'`),
  fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 })).map(([first, second]) => `${first}, ${second}`),
);

const statement = fc.oneof(
  fc.tuple(fc.constantFrom('SET', 'SET SESSION', 'SET LOCAL'), name, fc.constantFrom('=', 'TO', ''), value).map(([verb, setting, operator, assigned]) => `${verb} ${setting} ${operator} ${assigned}`),
  name.map((setting) => `RESET ${setting}`),
  name.map((setting) => `SHOW ${setting}`),
  fc.constantFrom('RESET ALL', 'SHOW ALL', 'BEGIN', 'COMMIT', 'ROLLBACK'),
  fc.tuple(name, value, fc.boolean()).map(([setting, assigned, local]) => `SELECT set_config('${setting.replaceAll("'", "''")}', '${assigned.replaceAll("'", "''")}', ${local})`),
  fc.tuple(name, fc.boolean()).map(([setting, missingOk]) => `SELECT current_setting('${setting.replaceAll("'", "''")}', ${missingOk})`),
);

/** Every setting's value, as SHOW ALL and current_setting of the names the statement might have touched show it. */
async function snapshot(): Promise<string> {
  const all = (await database.query('SHOW ALL')).rows;
  const custom = (await database.query("SELECT current_setting('nope.x', true) AS x, current_setting('a.b.c', true) AS y")).rows;
  return JSON.stringify([all, custom]);
}

describe('settings statements with random names and values', () => {
  it('fail with PostgreSQL codes and change nothing when they fail', { timeout: fuzzTestTimeout }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 6 }), async (statements) => {
        await database.query('ROLLBACK', [], { onNotice: () => undefined });
        await database.query('RESET ALL');
        // Before BEGIN: what a failure inside the block must come back to after ROLLBACK (the block is lost).
        let blockStart: string | undefined;
        for (const sql of statements) {
          const before = await snapshot();
          try {
            await database.query(sql, [], { onNotice: () => undefined });
          } catch (error) {
            if (!(error instanceof KmerSearchError)) throw new Error(`${String(error)} for ${sql}`, { cause: error });
            expect(settingsCodes.has(error.code), `${error.code} ${error.message} for ${sql}`).toBe(true);
            if (blockStart !== undefined) {
              await database.query('ROLLBACK');
              expect(await snapshot(), `${sql} failed in a block, and ROLLBACK did not restore the settings`).toBe(blockStart);
              blockStart = undefined;
            } else {
              expect(await snapshot(), `${sql} failed but changed a setting`).toBe(before);
            }
            continue;
          }
          if (sql === 'BEGIN') blockStart ??= before;
          if (sql === 'COMMIT' || sql === 'ROLLBACK') blockStart = undefined;
        }
      }),
      fuzzParameters(300, 41),
    );
    await database.query('ROLLBACK', [], { onNotice: () => undefined });
    await database.query('RESET ALL');
  });

  it('a failed SET keeps the value set before it, with the PostgreSQL text', async () => {
    await database.query('SET kmersearch.kmer_size = 12');
    await expect(database.query('SET kmersearch.kmer_size = 1e400')).rejects.toMatchObject({
      code: '22023',
      message: 'invalid value for parameter "kmersearch.kmer_size": "1e400"',
    });
    await expect(database.query('SET kmersearch.kmer_size = 99999999999999999999')).rejects.toMatchObject({
      code: '22023',
      message: 'invalid value for parameter "kmersearch.kmer_size": "99999999999999999999"',
      hint: 'Value exceeds integer range.',
    });
    await expect(database.query('SET kmersearch.nope = 1')).rejects.toMatchObject({
      code: '42602',
      message: 'invalid configuration parameter name "kmersearch.nope"',
      detail: '"kmersearch" is a reserved prefix.',
    });
    await expect(database.query('SET nope = 1')).rejects.toMatchObject({ code: '42704', message: 'unrecognized configuration parameter "nope"' });
    expect((await database.query('SHOW kmersearch.kmer_size')).rows).toEqual([{ 'kmersearch.kmer_size': '12' }]);
    await database.query('RESET ALL');
  });
});
