/**
 * What survives kmersearch_partition_table → kmersearch_unpartition_table (deviation F10): rows, defaults, serial
 * counters, NOT NULL and uniqueness — also while the table is partitioned, across partitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KmerSearch } from '../../src/index.js';
import { expectError, openDatabase, textRows } from '../sql/engine-helpers.js';

const schema = `CREATE TABLE t (
  id serial PRIMARY KEY,
  name text UNIQUE,
  seq dna2 NOT NULL,
  note text DEFAULT 'none',
  weight int NOT NULL DEFAULT 7
)`;

async function contents(database: KmerSearch): Promise<(string | null)[][]> {
  return textRows(database, 'SELECT id, name, seq, note, weight FROM t ORDER BY id');
}

/** Inserts one row relying on every default and returns its id. */
async function insertDefaulted(database: KmerSearch, name: string, seq: string): Promise<string | null> {
  const rows = await database.queryText(`INSERT INTO t (name, seq) VALUES ('${name}', '${seq}') RETURNING id, note, weight`);
  expect(rows.rows[0]?.slice(1)).toEqual(['none', '7']);
  return rows.rows[0]?.[0] ?? null;
}

async function expectConstraints(database: KmerSearch, partitioned: boolean, existingName: string, existingId: string): Promise<void> {
  const constraint = (base: string) => (partitioned ? new RegExp(`^duplicate key value violates unique constraint "t_\\d+_${base}"$`) : new RegExp(`^duplicate key value violates unique constraint "t_${base}"$`));
  // Another DNA value so that the duplicate usually lands in another partition: uniqueness holds across them.
  for (const seq of ['GGGGGGGGGGGGGGGG', 'A'.repeat(32), 'ACGT']) {
    const byName = await database.query(`INSERT INTO t (name, seq) VALUES ('${existingName}', '${seq}')`).catch((error: { code: string; message: string; detail: string }) => error);
    expect(byName).toMatchObject({ code: '23505', message: expect.stringMatching(constraint('name_key')), detail: `Key (name)=(${existingName}) already exists.` });
    const byId = await database.query(`INSERT INTO t (id, name, seq) VALUES (${existingId}, 'fresh', '${seq}')`).catch((error: { code: string; message: string; detail: string }) => error);
    expect(byId).toMatchObject({ code: '23505', message: expect.stringMatching(constraint('pkey')), detail: `Key (id)=(${existingId}) already exists.` });
  }
  await expect(database.query("INSERT INTO t (name, seq) VALUES ('nulls', NULL)")).rejects.toMatchObject({
    code: '23502',
    message: expect.stringMatching(/^null value in column "seq" of relation "t(_\d+)?" violates not-null constraint$/),
  });
}

describe('partition → unpartition round trip (F10)', () => {
  it('keeps rows, defaults, serial counters, NOT NULL and uniqueness for random small tables', async () => {
    const base = fc.constantFrom('A', 'C', 'G', 'T');
    const row = fc.record({ seq: fc.array(base, { minLength: 1, maxLength: 24 }).map((bases) => bases.join('')), note: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (rows, count) => {
        const database = await openDatabase();
        await database.exec(schema);
        for (const [index, { seq, note }] of rows.entries()) {
          await database.exec(note === undefined ? `INSERT INTO t (name, seq) VALUES ('r${index}', '${seq}')` : `INSERT INTO t (name, seq, note) VALUES ('r${index}', '${seq}', '${note}')`);
        }
        const before = await contents(database);
        await database.query('SELECT kmersearch_partition_table($1, $2)', ['t', count]);
        expect(await contents(database)).toEqual(before);
        let partitionRows = 0;
        for (let remainder = 0; remainder < count; remainder++) partitionRows += Number((await textRows(database, `SELECT count(*) FROM t_${remainder}`))[0]?.[0]);
        expect(partitionRows).toBe(rows.length);
        // nextval continues where the table was.
        expect(await insertDefaulted(database, 'during', 'ACGTACGT')).toBe(String(rows.length + 1));
        await expectConstraints(database, true, 'r0', '1');
        await database.query("SELECT kmersearch_unpartition_table('t')");
        // The four failed inserts that took the default (three duplicate names, one NULL seq) used up ids, as
        // nextval in PostgreSQL is never rolled back.
        expect(await insertDefaulted(database, 'after', 'TTTT')).toBe(String(rows.length + 6));
        await expectConstraints(database, false, 'during', String(rows.length + 1));
        expect((await contents(database)).slice(0, rows.length)).toEqual(before);
        await expectError(database, 'SELECT * FROM t_0', { code: '42P01', message: 'relation "t_0" does not exist', position: 15 });
        await database.close();
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('moves a row whose DNA value changes, and enforces uniqueness inside one statement across partitions', async () => {
    const database = await openDatabase();
    await database.exec(schema);
    await database.exec("INSERT INTO t (name, seq) VALUES ('a', 'TTTTTTTTTTTTTTTT'), ('b', 'GGGGGGGGGGGGGGGG')");
    await database.query("SELECT kmersearch_partition_table('t', 4)");
    // Appendix A: T×16 → 1, G×16 → 2, A×16 → 0.
    expect(await textRows(database, "SELECT name FROM t_1")).toEqual([['a']]);
    expect(await database.queryText("UPDATE t SET seq = 'AAAAAAAAAAAAAAAA' WHERE name = 'a' RETURNING id, name")).toMatchObject({ commandTag: 'UPDATE 1', rows: [['1', 'a']] });
    expect(await textRows(database, 'SELECT name FROM t_1')).toEqual([]);
    expect(await textRows(database, 'SELECT id, name, seq FROM t_0')).toEqual([['1', 'a', 'AAAAAAAAAAAAAAAA']]);
    expect(await textRows(database, "UPDATE t SET note = 'kept' WHERE name = 'a' RETURNING note")).toEqual([['kept']]);
    await expectError(database, "INSERT INTO t (name, seq) VALUES ('c', 'TTTTTTTTTTTTTTTT'), ('c', 'GGGGGGGGGGGGGGGG')", {
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_2_name_key"',
      detail: 'Key (name)=(c) already exists.',
    });
    await expectError(database, "UPDATE t SET name = 'b' WHERE name = 'a'", {
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_0_name_key"',
      detail: 'Key (name)=(b) already exists.',
    });
    expect(await textRows(database, 'DELETE FROM t WHERE id = 1 RETURNING name')).toEqual([['a']]);
    expect(await textRows(database, 'SELECT name FROM t')).toEqual([['b']]);
    // COPY into the parent routes too.
    await database.query('COPY t (name, seq) FROM STDIN', [], { stdin: ['x\tTTTTTTTTTTTTTTTT\ny\tCCCCCCCCCCCCCCCC\n'] });
    expect(await textRows(database, 'SELECT name FROM t_1')).toEqual([['x']]);
    expect(await textRows(database, 'SELECT name FROM t_0')).toEqual([['y']]);
  });
});
