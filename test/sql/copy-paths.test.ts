/**
 * COPY file paths (docs/sql.md "COPY", docs/deviations.md "COPY"): relative paths resolve against the process's
 * working directory — for COPY FROM and COPY TO, in every format, and not against the database directory —
 * absolute paths are taken as they are, and a file that cannot be opened fails before any row is read with
 * PostgreSQL's text naming the path as written and errcode_for_file_access's SQLSTATE.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmerSearch } from '../../src/index.js';
import { temporaryDirectory } from '../formats/helpers.js';
import { expectError } from './engine-helpers.js';

const directory = temporaryDirectory();

/** Runs `action` with the working directory set to `path`. */
async function inDirectory<T>(path: string, action: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(path);
  try {
    return await action();
  } finally {
    process.chdir(previous);
  }
}

async function rowsOf(db: KmerSearch): Promise<unknown[]> {
  return (await db.query('SELECT name, seq::text AS seq FROM t ORDER BY name')).rows;
}

describe('COPY paths', () => {
  const work = join(directory.path, 'work');
  let db: KmerSearch;

  beforeAll(async () => {
    mkdirSync(join(work, 'sub'), { recursive: true });
    writeFileSync(join(work, 'reads.fa'), '>cwd\nACGT\n');
    writeFileSync(join(work, 'sub', 'reads.csv'), 'csv,TTTT\n');
    db = await KmerSearch.open({ path: join(directory.path, 'database') });
    // The same name in the database directory, which a relative path must not reach.
    writeFileSync(join(db.path, 'reads.fa'), '>database-directory\nGGGG\n');
  });

  afterAll(async () => {
    await db.close();
    directory.remove();
  });

  it('resolve relative paths against the working directory, for FROM and TO alike', async () => {
    await db.query('CREATE TABLE t (name text, seq dna2)');
    await inDirectory(work, async () => {
      await db.query("COPY t FROM 'reads.fa' WITH (FORMAT fasta)");
      await db.query("COPY t FROM './sub/../sub/reads.csv' WITH (FORMAT csv)");
      await db.query("COPY t TO 'copied.txt'");
      await db.query("COPY (SELECT name, seq FROM t ORDER BY name) TO 'sub/copied.fa' WITH (FORMAT fasta)");
    });
    expect(await rowsOf(db)).toEqual([{ name: 'csv', seq: 'TTTT' }, { name: 'cwd', seq: 'ACGT' }]);
    expect(readFileSync(join(work, 'copied.txt'), 'utf8')).toBe('cwd\tACGT\ncsv\tTTTT\n');
    expect(readFileSync(join(work, 'sub', 'copied.fa'), 'utf8')).toBe('>csv\nTTTT\n>cwd\nACGT\n');
    await db.query('DROP TABLE t');
  });

  it('take absolute paths as they are', async () => {
    await db.query('CREATE TABLE t (name text, seq dna2)');
    await db.query(`COPY t FROM '${join(work, 'reads.fa')}' WITH (FORMAT fasta)`);
    await db.query(`COPY t TO '${join(work, 'absolute.txt')}'`);
    expect(readFileSync(join(work, 'absolute.txt'), 'utf8')).toBe('cwd\tACGT\n');
    await db.query('DROP TABLE t');
  });

  it('name a missing file as written, with 58P01, and load nothing', async () => {
    await db.query('CREATE TABLE t (name text, seq dna2)');
    await inDirectory(work, async () => {
      await expectError(db, "COPY t FROM 'missing.fa' WITH (FORMAT fasta)", {
        code: '58P01',
        message: 'could not open file "missing.fa" for reading: No such file or directory',
      });
      await expectError(db, "COPY t FROM 'sub/missing.csv' WITH (FORMAT csv)", {
        code: '58P01',
        message: 'could not open file "sub/missing.csv" for reading: No such file or directory',
      });
      await expectError(db, "COPY t TO 'no-such-folder/out.txt'", {
        code: '58P01',
        message: 'could not open file "no-such-folder/out.txt" for writing: No such file or directory',
      });
    });
    const absolute = join(work, 'missing.fa');
    await expectError(db, `COPY t FROM '${absolute}' WITH (FORMAT fasta)`, {
      code: '58P01',
      message: `could not open file "${absolute}" for reading: No such file or directory`,
    });
    expect(await rowsOf(db)).toEqual([]);
    await db.query('DROP TABLE t');
  });

  it('refuse a directory, and a path through a file, with 42809', async () => {
    await db.query('CREATE TABLE t (name text, seq dna2)');
    await inDirectory(work, async () => {
      await expectError(db, "COPY t FROM 'sub' WITH (FORMAT fasta)", { code: '42809', message: '"sub" is a directory' });
      await expectError(db, "COPY t FROM 'sub'", { code: '42809', message: '"sub" is a directory' });
      await expectError(db, "COPY t TO 'sub'", { code: '42809', message: 'could not open file "sub" for writing: Is a directory' });
      await expectError(db, "COPY t FROM 'reads.fa/x' WITH (FORMAT fasta)", {
        code: '42809',
        message: 'could not open file "reads.fa/x" for reading: Not a directory',
      });
    });
    expect(await rowsOf(db)).toEqual([]);
    await db.query('DROP TABLE t');
  });

  it('refuse a path with a NUL as PostgreSQL refuses the text (regression: Node\'s ERR_INVALID_ARG_VALUE wording as 58030)', async () => {
    await db.query('CREATE TABLE t (name text, seq dna2)');
    for (const sql of ["COPY t FROM 'reads\0.fa' WITH (FORMAT fasta)", "COPY t FROM 'reads\0.csv'", "COPY t TO 'out\0.txt'", "COPY t TO 'out\0.fa' WITH (FORMAT fasta)"]) {
      await expectError(db, sql, { code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' });
    }
    await db.query('DROP TABLE t');
  });

  // chmod does not deny root, so these run only as an ordinary user.
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  it.skipIf(root)('name a file it may not read or write, with 42501', async () => {
    await db.query('CREATE TABLE t (name text, seq dna2)');
    const unreadable = join(work, 'unreadable.fa');
    writeFileSync(unreadable, '>a\nACGT\n');
    chmodSync(unreadable, 0o000);
    const readOnly = join(work, 'read-only.txt');
    writeFileSync(readOnly, '');
    chmodSync(readOnly, 0o444);
    try {
      await inDirectory(work, async () => {
        await expectError(db, "COPY t FROM 'unreadable.fa' WITH (FORMAT fasta)", {
          code: '42501',
          message: 'could not open file "unreadable.fa" for reading: Permission denied',
        });
        await expectError(db, "COPY t TO 'read-only.txt'", {
          code: '42501',
          message: 'could not open file "read-only.txt" for writing: Permission denied',
        });
      });
    } finally {
      chmodSync(unreadable, 0o644);
      chmodSync(readOnly, 0o644);
    }
    expect(await rowsOf(db)).toEqual([]);
    await db.query('DROP TABLE t');
  });
});
