/** Errors, notices, their psql prefixes and their order relative to tables. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmerSearchError, SqlState } from '../../src/errors.js';
import { tableResult, tagResult } from './fake-database.js';
import { columnTable, lines, runWith } from './helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'kmersearch-cli-'));
function scriptFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

const invalidDna = new KmerSearchError(SqlState.invalidTextRepresentation, 'invalid input syntax for type dna2: "ACGX"', {
  position: 8,
  detail: 'Invalid character "X" at position 4.',
  hint: 'DNA2 accepts A, C, G and T only.\nUse dna4 for degenerate bases.',
});
const insertText = "SELECT 'ACGX'::dna2;";

const highFrequencyNotice = {
  severity: 'NOTICE' as const,
  code: '00000',
  message: 'high-frequency k-mers are excluded',
  detail: '3 k-mers',
  hint: 'Run kmersearch_perform_highfreq_analysis.',
};

describe('errors', () => {
  it('prints ERROR, LINE with caret, DETAIL and HINT to stderr and continues', async () => {
    const run = await runWith([], { stdin: `${insertText}\nSELECT 1;\n`, script: { [insertText]: { error: invalidDna } } });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      lines(
        'ERROR:  invalid input syntax for type dna2: "ACGX"',
        "LINE 1: SELECT 'ACGX'::dna2;",
        '               ^',
        'DETAIL:  Invalid character "X" at position 4.',
        'HINT:  DNA2 accepts A, C, G and T only.',
        'Use dna4 for degenerate bases.',
      ),
    );
    expect(run.stdout).toBe(columnTable(1));
  });

  it('turns any other thrown error into an XX000 ERROR line', async () => {
    const database = new (await import('./fake-database.js')).FakeDatabase();
    database.runText = async () => {
      throw new Error('boom');
    };
    const run = await runWith(['-c', 'SELECT 1'], { database });
    expect(run.stderr).toBe(lines('ERROR:  boom'));
    expect(run.status).toBe(1);
  });

  it('-c: positions and LINE n refer to the whole command string, later statements of it are skipped', async () => {
    const run = await runWith(['-c', 'SELECT 1;\nbogus 2; SELECT 3', '-c', 'SELECT 4']);
    expect(run.stderr).toBe(lines('ERROR:  syntax error at or near "bogus"', 'LINE 2: bogus 2; SELECT 3', '        ^'));
    expect(run.database.statements).toEqual(['SELECT 1;', 'bogus 2;', 'SELECT 4']);
    // psql's status is the last action's: the failed -c does not decide it.
    expect(run.status).toBe(0);
  });

  it('-c: the statements of a string of several are one implicit transaction block (REINDEX of a partitioned table refuses it)', async () => {
    const run = await runWith(['-c', 'SELECT 1; SELECT 2', '-c', 'SELECT 3;', '-c', 'SELECT 4;;', '-c', '\\set x 1', '-c', 'SELECT 5; \\set y 2']);
    expect(run.database.statements).toEqual(['SELECT 1;', 'SELECT 2', 'SELECT 3;', 'SELECT 4;', 'SELECT 5;']);
    expect(run.database.implicitBlocks).toEqual([true, true, false, false, false]);
  });
});

describe('notices', () => {
  it('come before the table of their statement when stdout and stderr are one stream', async () => {
    const run = await runWith(['-q'], {
      stdin: 'SELECT 1;\nSELECT 2;\n',
      script: { 'SELECT 2;': { result: tableResult([['?column?', 'right']], [['2']]), notices: [highFrequencyNotice, { severity: 'WARNING', code: '01000', message: 'careful' }] } },
    });
    expect(run.merged).toBe(
      columnTable(1) +
        lines('NOTICE:  high-frequency k-mers are excluded', 'DETAIL:  3 k-mers', 'HINT:  Run kmersearch_perform_highfreq_analysis.', 'WARNING:  careful') +
        columnTable(2),
    );
  });

  it('come before the command tag and interleave with echoed lines', async () => {
    const run = await runWith(['-a'], {
      stdin: 'SET kmersearch.kmer_size = 8;\n',
      script: { 'SET kmersearch.kmer_size = 8;': { result: tagResult('SET'), notices: [{ severity: 'INFO', code: '00000', message: 'cache cleared' }] } },
    });
    expect(run.merged).toBe(lines('SET kmersearch.kmer_size = 8;', 'INFO:  cache cleared', 'SET'));
  });
});

describe('message prefixes', () => {
  const text = 'SELECT 1;\n\nSELECT\n  2;\nbogus;\nSELECT 3;\nSELECT 4';
  const script = {
    'SELECT\n  2;': { result: tableResult([['?column?', 'right']], [['2']]), notices: [{ severity: 'NOTICE' as const, code: '00000', message: 'two' }] },
    'SELECT 4': { error: new KmerSearchError(SqlState.undefinedColumn, 'column "x" does not exist') },
  };

  it('-f FILE prefixes errors and notices with kmersearch:FILE:LINE (the line holding the terminator)', async () => {
    const path = scriptFile('prefix.sql', text);
    const run = await runWith(['-f', path], { script });
    expect(run.stderr).toBe(
      lines(
        `kmersearch:${path}:4: NOTICE:  two`,
        `kmersearch:${path}:5: ERROR:  syntax error at or near "bogus"`,
        'LINE 1: bogus;',
        '        ^',
        // The statement left without `;` runs at end of input, on the last line.
        `kmersearch:${path}:7: ERROR:  column "x" does not exist`,
      ),
    );
    expect(run.status).toBe(0);
  });

  it('-f - names standard input <stdin>', async () => {
    const run = await runWith(['-f', '-'], { stdin: 'bogus;\n' });
    expect(run.stderr.split('\n')[0]).toBe('kmersearch:<stdin>:1: ERROR:  syntax error at or near "bogus"');
  });

  it('no prefix for a script on standard input (pg_regress) or for -c', async () => {
    const fromStdin = await runWith([], { stdin: text, script });
    expect(fromStdin.stderr).toBe(
      lines('NOTICE:  two', 'ERROR:  syntax error at or near "bogus"', 'LINE 1: bogus;', '        ^', 'ERROR:  column "x" does not exist'),
    );
    const fromCommand = await runWith(['-c', 'bogus']);
    expect(fromCommand.stderr).toBe(lines('ERROR:  syntax error at or near "bogus"', 'LINE 1: bogus', '        ^'));
  });

  it('the shell notes an unsupported backslash command with the same location rule', async () => {
    const path = scriptFile('note.sql', 'SELECT 1;\n\\timing on\n');
    const fromFile = await runWith(['-f', path]);
    expect(fromFile.stderr).toBe(lines(`kmersearch:${path}:2: backslash command \\timing is not supported; ignored`));
    const fromStdin = await runWith([], { stdin: '\\x\n' });
    expect(fromStdin.stderr).toBe(lines('kmersearch: backslash command \\x is not supported; ignored'));
  });
});

describe('ON_ERROR_STOP and exit statuses', () => {
  const text = 'SELECT 1;\nbogus;\nSELECT 2;\n';

  it('without it, errors are printed and the script goes on: status 0', async () => {
    const run = await runWith(['-a', '-q'], { stdin: text });
    expect(run.status).toBe(0);
    expect(run.database.statements).toEqual(['SELECT 1;', 'bogus;', 'SELECT 2;']);
  });

  it('with -v ON_ERROR_STOP=1 the script stops at the error (no further echo): status 3', async () => {
    const run = await runWith(['-a', '-q', '-v', 'ON_ERROR_STOP=1'], { stdin: text });
    expect(run.status).toBe(3);
    expect(run.database.statements).toEqual(['SELECT 1;', 'bogus;']);
    expect(run.merged).toBe(lines('SELECT 1;') + columnTable(1) + lines('bogus;', 'ERROR:  syntax error at or near "bogus"', 'LINE 1: bogus;', '        ^'));
  });

  it('also stops the rest of the line, and is honoured when set by \\set, --set or --variable', async () => {
    for (const argv of [['--set=ON_ERROR_STOP=on'], ['--variable', 'ON_ERROR_STOP=true']]) {
      const run = await runWith(argv, { stdin: 'bogus; SELECT 1;' });
      expect(run.status).toBe(3);
      expect(run.database.statements).toEqual(['bogus;']);
    }
    const set = await runWith([], { stdin: 'bogus;\n\\set ON_ERROR_STOP on\nSELECT 1;\nbogus;\nSELECT 2;' });
    expect(set.status).toBe(3);
    expect(set.database.statements).toEqual(['bogus;', 'SELECT 1;', 'bogus;']);
    const off = await runWith(['-v', 'ON_ERROR_STOP=1'], { stdin: '\\set ON_ERROR_STOP off\nbogus;\nSELECT 2;' });
    expect(off.status).toBe(0);
  });

  it('stops at an error in a trailing statement without semicolon: status 3', async () => {
    const run = await runWith(['-v', 'ON_ERROR_STOP=1'], { stdin: 'SELECT 1;\nbogus' });
    expect(run.status).toBe(3);
  });

  it('-c and -f run in command-line order; ON_ERROR_STOP stops the remaining actions', async () => {
    const first = scriptFile('first.sql', 'SELECT 2;\nbogus;\nSELECT 3;\n');
    const run = await runWith(['-c', 'SELECT 1', '-f', first, '-c', 'SELECT 4']);
    expect(run.database.statements).toEqual(['SELECT 1', 'SELECT 2;', 'bogus;', 'SELECT 3;', 'SELECT 4']);
    expect(run.status).toBe(0);
    const stopped = await runWith(['-v', 'ON_ERROR_STOP=1', '-c', 'SELECT 1', '-f', first, '-c', 'SELECT 4']);
    expect(stopped.database.statements).toEqual(['SELECT 1', 'SELECT 2;', 'bogus;']);
    expect(stopped.status).toBe(3);
  });

  it('a failing -c gives status 1 (psql: the command failed), also with ON_ERROR_STOP', async () => {
    expect((await runWith(['-c', 'bogus'])).status).toBe(1);
    const stopped = await runWith(['-v', 'ON_ERROR_STOP=1', '-c', 'bogus', '-c', 'SELECT 1']);
    expect(stopped.status).toBe(1);
    expect(stopped.database.statements).toEqual(['bogus']);
  });

  it('a file that cannot be read is a fatal error of the shell: status 1', async () => {
    const missing = join(directory, 'missing.sql');
    const run = await runWith(['-f', missing]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(lines(`kmersearch: error: ${missing}: No such file or directory`));
    const isDirectory = await runWith(['-f', directory]);
    expect(isDirectory.status).toBe(1);
    expect(isDirectory.stderr).toBe(lines(`kmersearch: error: ${directory}: Is a directory`));
  });

  it('a database that cannot be opened: status 2, nothing run', async () => {
    const captured = await import('./fake-database.js');
    const output = new captured.CapturedOutput();
    const { runShell } = await import('../../src/cli/shell.js');
    const { Readable } = await import('node:stream');
    const status = await runShell({
      argv: ['-d', '/nonexistent/db', '-c', 'SELECT 1'],
      stdin: Readable.from([]),
      stdout: output.stdout,
      stderr: output.stderr,
      createDatabase: async () => {
        throw new KmerSearchError(SqlState.undefinedFile, 'could not open database "/nonexistent/db"');
      },
      isTTY: false,
    });
    expect(status).toBe(2);
    expect(output.stderrText).toBe(lines('kmersearch: error: could not open database "/nonexistent/db"'));
  });
});
