/**
 * What loading an export script needs from the shell, as psql does it: `COPY … FROM stdin` reads the script's
 * following lines up to `\.`; a COPY that fails half-way has its remaining data lines skipped; `COPY … TO STDOUT`
 * prints; `\encoding UTF8` is accepted.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createShellDatabase } from '../../src/cli/engine-adapter.js';
import { runCommandLine } from '../../src/cli/main.js';
import { CapturedOutput } from './fake-database.js';

async function runScript(script: string, argv: readonly string[] = ['-a', '-q']): Promise<{ status: number; merged: string }> {
  const captured = new CapturedOutput();
  const status = await runCommandLine(argv, {
    stdin: Readable.from([script]),
    stdout: captured.stdout,
    stderr: captured.stderr,
    isTTY: false,
    env: {},
    createDatabase: createShellDatabase,
  });
  return { status, merged: captured.mergedText };
}

describe('loading scripts with COPY data', () => {
  it('feeds the lines after COPY FROM stdin to it, up to \\., and prints COPY TO STDOUT', async () => {
    const result = await runScript(
      [
        '\\encoding UTF8',
        'CREATE TABLE t (id int, name text, seq dna2);',
        'COPY t (id, name, seq) FROM stdin;',
        '1\tone\tACGT',
        '2\ttab\\there\t\\N',
        '\\.',
        'COPY t TO STDOUT WITH (FORMAT csv);',
        "COPY t FROM stdin WITH (FORMAT fasta);",
        '>r3',
        'GGCC',
        '\\.',
        'SELECT count(*) FROM t;',
      ].join('\n') + '\n',
    );
    expect(result.status).toBe(0);
    expect(result.merged).toBe(
      [
        '\\encoding UTF8',
        'CREATE TABLE t (id int, name text, seq dna2);',
        'COPY t (id, name, seq) FROM stdin;',
        'COPY t TO STDOUT WITH (FORMAT csv);',
        '1,one,ACGT',
        '2,tab\there,',
        'COPY t FROM stdin WITH (FORMAT fasta);',
        'SELECT count(*) FROM t;',
        ' count ',
        '-------',
        '     3',
        '(1 row)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('skips the rest of the data of a COPY that fails half-way, and loads none of it', async () => {
    const result = await runScript(
      ['CREATE TABLE t (id int);', 'COPY t FROM stdin;', '1', 'x', '3', '\\.', 'SELECT count(*) AS n FROM t;'].join('\n') + '\n',
      ['-q'],
    );
    expect(result.status).toBe(0);
    expect(result.merged).toBe(
      [
        'ERROR:  invalid input syntax for type integer: "x"',
        'DETAIL:  COPY t, line 2, column id: "x"',
        ' n ',
        '---',
        ' 0',
        '(1 row)',
        '',
        '',
      ].join('\n'),
    );
  });
});
