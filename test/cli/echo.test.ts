/** -a echo and the text sent, as psql's MainLoop produces them (what pg_regress records). */
import { describe, expect, it } from 'vitest';
import { tableResult, tagResult } from './fake-database.js';
import { columnTable, lines, runWith } from './helpers.js';

describe('-a echo', () => {
  it('echoes every line as read, before the output of the statements it completes; skips empty lines', async () => {
    const script = [
      '-- header comment',
      '--',
      '',
      'SELECT 1;',
      '/* block',
      '   comment */',
      'SELECT',
      '  2;   SELECT 3;',
      '',
      '   ',
      'CREATE TABLE t (a int);',
      '-- trailing comment',
      '',
    ].join('\n');
    const run = await runWith(['-a', '-q', '-X'], {
      stdin: script,
      script: { '/* block\n   comment */\nSELECT\n  2;': { result: tableResult([['?column?', 'right']], [['2']]) } },
    });
    expect(run.status).toBe(0);
    expect(run.merged).toBe(
      lines('-- header comment', '--', 'SELECT 1;') +
        columnTable(1) +
        lines('/* block', '   comment */', 'SELECT', '  2;   SELECT 3;') +
        columnTable(2) +
        columnTable(3) +
        // A line of spaces is not empty: psql echoes it.
        lines('   ', 'CREATE TABLE t (a int);', '-- trailing comment'),
    );
    // Leading `--` comments are not sent, block comments are; the statement on the same line starts clean.
    expect(run.database.statements).toEqual(['SELECT 1;', '/* block\n   comment */\nSELECT\n  2;', 'SELECT 3;', 'CREATE TABLE t (a int);']);
  });

  it('keeps empty lines inside literals and comments (echoed and sent) and drops them elsewhere', async () => {
    const script = "SELECT 'a\n\nb' AS x;\nSELECT\n\n1;\nSELECT 1 /* c\n\n*/ + 1;\n";
    const run = await runWith(['-a', '-q'], {
      stdin: script,
      script: {
        "SELECT 'a\n\nb' AS x;": { result: tableResult(['x'], [['a\n\nb']]) },
        'SELECT 1 /* c\n\n*/ + 1;': { result: tableResult([['?column?', 'right']], [['2']]) },
      },
    });
    expect(run.database.statements).toEqual(["SELECT 'a\n\nb' AS x;", 'SELECT\n1;', 'SELECT 1 /* c\n\n*/ + 1;']);
    expect(run.stdout).toBe(
      lines("SELECT 'a", '', "b' AS x;", ' x ', '---', ' a+', '  +', ' b', '(1 row)', '') +
        lines('SELECT', '1;') +
        columnTable(1) +
        lines('SELECT 1 /* c', '', '*/ + 1;') +
        columnTable(2),
    );
  });

  it('prints only echoed lines for a script of comments, and nothing without -a', async () => {
    const script = '-- one\n\n/* two */\n  -- three\n;\n';
    const echoed = await runWith(['-a'], { stdin: script });
    expect(echoed.merged).toBe(lines('-- one', '/* two */', '  -- three', ';'));
    expect(echoed.database.statements).toEqual([]);
    const silent = await runWith([], { stdin: script });
    expect(silent.merged).toBe('');
    expect(silent.status).toBe(0);
  });

  it('runs a statement left without a semicolon at the end of input, after echoing all lines', async () => {
    const run = await runWith(['-a', '-q'], { stdin: 'SELECT 1;\nSELECT\n  2' });
    expect(run.database.statements).toEqual(['SELECT 1;', 'SELECT\n  2']);
    expect(run.stdout).toBe(lines('SELECT 1;') + columnTable(1) + lines('SELECT', '  2') + columnTable(2));
  });

  it('echoes a -c string once before running it', async () => {
    const run = await runWith(['-a', '-c', 'SELECT 1; SELECT 2']);
    expect(run.stdout).toBe(lines('SELECT 1; SELECT 2') + columnTable(1) + columnTable(2));
  });

  it('-e echoes each statement as sent, -b echoes a failed one to stderr', async () => {
    const queries = await runWith(['-e', '-q'], { stdin: '-- c\nSELECT\n 1;' });
    expect(queries.stdout).toBe(lines('SELECT', ' 1;') + columnTable(1));
    const errors = await runWith(['-b'], { stdin: 'SELECT 1;\nbogus;\n' });
    expect(errors.stderr).toBe(lines('ERROR:  syntax error at or near "bogus"', 'LINE 1: bogus;', '        ^', 'STATEMENT:  bogus;'));
  });
});

describe('command tags', () => {
  const script = {
    'INSERT INTO t VALUES (1) RETURNING a;': { result: tableResult([['a', 'right']], [['1']], 'INSERT 0 1') },
    'UPDATE t SET a = 2 RETURNING a;': { result: tableResult([['a', 'right']], [['2']], 'UPDATE 1') },
    'SHOW kmersearch.kmer_size;': { result: tableResult(['kmersearch.kmer_size'], [['16']], 'SHOW') },
    'EXPLAIN SELECT 1;': { result: tableResult(['QUERY PLAN'], [['Result']], 'EXPLAIN') },
    'SET kmersearch.kmer_size = 8;': { result: tagResult('SET') },
  };
  const input = [
    'CREATE TABLE t (a int);',
    'INSERT INTO t VALUES (1) RETURNING a;',
    'UPDATE t SET a = 2 RETURNING a;',
    'SHOW kmersearch.kmer_size;',
    'EXPLAIN SELECT 1;',
    'SET kmersearch.kmer_size = 8;',
    'SELECT 1;',
  ].join('\n');
  const tables = {
    insert: lines(' a ', '---', ' 1', '(1 row)', ''),
    update: lines(' a ', '---', ' 2', '(1 row)', ''),
    show: lines(' kmersearch.kmer_size ', '----------------------', ' 16', '(1 row)', ''),
    explain: lines(' QUERY PLAN ', '------------', ' Result', '(1 row)', ''),
  };

  it('prints tags for commands, and after a table only for INSERT/UPDATE/DELETE/MERGE', async () => {
    const run = await runWith([], { stdin: input, script });
    expect(run.stdout).toBe(
      lines('CREATE TABLE') + tables.insert + lines('INSERT 0 1') + tables.update + lines('UPDATE 1') + tables.show + tables.explain + lines('SET') + columnTable(1),
    );
  });

  it('-q suppresses every tag but keeps the tables', async () => {
    const run = await runWith(['-q'], { stdin: input, script });
    expect(run.stdout).toBe(tables.insert + tables.update + tables.show + tables.explain + columnTable(1));
  });

  it('\\set QUIET toggles tags mid-script', async () => {
    const run = await runWith([], { stdin: 'BEGIN;\n\\set QUIET on\nCOMMIT;\n\\set QUIET off\nBEGIN;' });
    expect(run.stdout).toBe(lines('BEGIN', 'BEGIN'));
  });
});
