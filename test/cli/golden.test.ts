/** The golden-test runner produces pg_regress's .out format. */
import { describe, expect, it } from 'vitest';
import { KmerSearchError, SqlState } from '../../src/errors.js';
import { FakeDatabase, tableResult, tagResult } from './fake-database.js';
import { runGolden, runGoldenWithStatus } from './golden.js';

describe('runGolden', () => {
  it('echoes input, omits tags, and interleaves errors and notices where psql prints them', async () => {
    const sql = [
      '-- Test DNA2 input',
      'CREATE EXTENSION IF NOT EXISTS pg_kmersearch;',
      '',
      "SELECT 'ACGT'::dna2 AS seq, 4 AS n;",
      "SELECT 'ACGX'::dna2;",
      'SET kmersearch.kmer_size = 8;',
      '\\set VERBOSITY terse',
      'SELECT 1',
    ].join('\n');
    const database = new FakeDatabase({
      'CREATE EXTENSION IF NOT EXISTS pg_kmersearch;': { result: tagResult('CREATE EXTENSION') },
      "SELECT 'ACGT'::dna2 AS seq, 4 AS n;": { result: tableResult(['seq', ['n', 'right']], [['ACGT', '4']]) },
      "SELECT 'ACGX'::dna2;": { error: new KmerSearchError(SqlState.invalidTextRepresentation, 'invalid input syntax for type dna2: "ACGX"', { position: 8 }) },
      'SET kmersearch.kmer_size = 8;': {
        result: tagResult('SET'),
        notices: [{ severity: 'NOTICE', code: '00000', message: 'k-mer size changed', hint: 'Rebuild the indexes.' }],
      },
    });
    expect(await runGolden(sql, database.factory())).toBe(
      [
        '-- Test DNA2 input',
        'CREATE EXTENSION IF NOT EXISTS pg_kmersearch;',
        "SELECT 'ACGT'::dna2 AS seq, 4 AS n;",
        ' seq  | n ',
        '------+---',
        ' ACGT | 4',
        '(1 row)',
        '',
        "SELECT 'ACGX'::dna2;",
        'ERROR:  invalid input syntax for type dna2: "ACGX"',
        "LINE 1: SELECT 'ACGX'::dna2;",
        '               ^',
        'SET kmersearch.kmer_size = 8;',
        'NOTICE:  k-mer size changed',
        'HINT:  Rebuild the indexes.',
        '\\set VERBOSITY terse',
        'SELECT 1',
        ' ?column? ',
        '----------',
        '        1',
        '(1 row)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('reports the exit status and accepts extra arguments', async () => {
    const run = await runGoldenWithStatus('bogus;\nSELECT 1;\n', new FakeDatabase().factory(), ['-v', 'ON_ERROR_STOP=1']);
    expect(run.exitStatus).toBe(3);
    expect(run.output).toBe('bogus;\nERROR:  syntax error at or near "bogus"\nLINE 1: bogus;\n        ^\n');
  });
});
