/** Backslash commands: the supported ones, the ignored ones, and where psql recognises them. */
import { describe, expect, it } from 'vitest';
import { parseMetaCommandLine } from '../../src/cli/meta-commands.js';
import { parseBoolean, ShellVariables } from '../../src/cli/variables.js';
import { columnTable, lines, runWith } from './helpers.js';

describe('backslash commands in scripts', () => {
  it('\\echo prints its arguments (quotes, -n, variables), \\warn prints to stderr', async () => {
    const run = await runWith([], {
      stdin: "\\echo hello   'big  world' it''s\n\\set name kmer\n\\echo -n :name :'name' :missing\n\\echo\n\\warn careful\n",
    });
    expect(run.stdout).toBe(lines('hello big  world its', "kmer 'kmer' :missing"));
    expect(run.stderr).toBe(lines('careful'));
  });

  it('\\q ends the script: nothing after it runs or is echoed', async () => {
    const run = await runWith(['-a', '-q'], { stdin: 'SELECT 1;\n\\q\nSELECT 2;\n' });
    expect(run.status).toBe(0);
    expect(run.database.statements).toEqual(['SELECT 1;']);
    expect(run.stdout).toBe(lines('SELECT 1;') + columnTable(1) + lines('\\q'));
  });

  it('\\q in a -c ends all actions', async () => {
    const run = await runWith(['-c', 'SELECT 1', '-c', '\\q', '-c', 'SELECT 2']);
    expect(run.database.statements).toEqual(['SELECT 1']);
    expect(run.status).toBe(0);
  });

  it('ignores other commands with a note, including psql-only ones such as \\pset and \\d+', async () => {
    const run = await runWith(['-q'], { stdin: '\\pset null (null)\n\\d+ t\nSELECT 1;\n' });
    expect(run.stderr).toBe(
      lines('kmersearch: backslash command \\pset is not supported; ignored', 'kmersearch: backslash command \\d+ is not supported; ignored'),
    );
    expect(run.stdout).toBe(columnTable(1));
  });

  it('recognises a command after a terminator on the same line, and inside an unfinished statement', async () => {
    const run = await runWith(['-q'], { stdin: 'SELECT 1; \\echo after\nSELECT\n\\echo inside\n  2;\n' });
    expect(run.database.statements).toEqual(['SELECT 1;', 'SELECT\n  2;']);
    expect(run.stdout).toBe(columnTable(1) + lines('after', 'inside') + columnTable(2));
  });

  it('does not take a backslash inside a literal or comment for a command', async () => {
    const run = await runWith(['-q'], {
      stdin: "SELECT E'a\\\\b' AS x; -- \\echo no\nSELECT '\n\\echo no' AS y;\n",
      script: {
        "SELECT E'a\\\\b' AS x;": { result: (await import('./fake-database.js')).tableResult(['x'], [['a\\b']]) },
        "SELECT '\n\\echo no' AS y;": { result: (await import('./fake-database.js')).tableResult(['y'], [['\n\\echo no']]) },
      },
    });
    expect(run.stderr).toBe('');
    expect(run.database.statements).toEqual(["SELECT E'a\\\\b' AS x;", "SELECT '\n\\echo no' AS y;"]);
  });

  it('\\g sends the statement (or re-sends the previous one when the buffer is empty)', async () => {
    const run = await runWith(['-q'], { stdin: 'SELECT 1 \\g\n\\g\nSELECT\n2\n\\g\n' });
    expect(run.database.statements).toEqual(['SELECT 1 ', 'SELECT 1 ', 'SELECT\n2']);
  });

  it('\\set without arguments lists the variables; invalid values are errors that count for ON_ERROR_STOP', async () => {
    const listed = await runWith([], { stdin: '\\set FOO bar baz\n\\set\n' });
    expect(listed.stdout).toBe(lines("ECHO = 'none'", "FOO = 'barbaz'", "ON_ERROR_STOP = 'off'", "QUIET = 'off'"));
    const invalid = await runWith(['-v', 'ON_ERROR_STOP=1'], { stdin: '\\set ECHO sometimes\nSELECT 1;\n' });
    expect(invalid.stderr).toBe(lines('kmersearch: unrecognized value "sometimes" for "ECHO"', 'Available values are: none, errors, queries, all.'));
    expect(invalid.status).toBe(3);
    expect(invalid.database.statements).toEqual([]);
  });

  it('a -c string starting with a backslash runs backslash commands', async () => {
    const run = await runWith(['-c', '\\echo from -c']);
    expect(run.stdout).toBe(lines('from -c'));
  });

  it('an invalid -v value is fatal: status 1', async () => {
    const run = await runWith(['-v', 'ON_ERROR_STOP=maybe', '-c', 'SELECT 1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(lines('kmersearch: error: unrecognized value "maybe" for "ON_ERROR_STOP": Boolean expected'));
    expect(run.openedPaths).toEqual([]);
  });
});

describe('backslash command parsing', () => {
  it('splits several commands on one line and reads quoted arguments', () => {
    const variables = new Map([['v', "it's"]]);
    expect(parseMetaCommandLine("\\set a 1 \\echo 'x\\ty' \"Q id\" :\"v\" pre'fix'", (name) => variables.get(name))).toEqual([
      { name: 'set', arguments: ['a', '1'] },
      { name: 'echo', arguments: ['x\ty', '"Q id"', '"it\'s"', 'prefix'] },
    ]);
    expect(parseMetaCommandLine("\\echo :'v'", (name) => variables.get(name))).toEqual([{ name: 'echo', arguments: ["'it''s'"] }]);
  });
});

describe('variables', () => {
  it('parses booleans as psql does (prefixes, case, on/off need two letters)', () => {
    for (const yes of ['on', 'ON', 'true', 't', 'TR', 'yes', 'y', '1']) expect(parseBoolean(yes)).toBe(true);
    for (const no of ['off', 'of', 'false', 'f', 'no', 'n', '0']) expect(parseBoolean(no)).toBe(false);
    for (const neither of ['o', '', '2', 'maybe', 'onn']) expect(parseBoolean(neither)).toBeUndefined();
  });

  it('\\set NAME without a value turns a boolean on; \\unset turns it off; names are validated', () => {
    const variables = new ShellVariables();
    expect(variables.assign('ON_ERROR_STOP', '')).toBeUndefined();
    expect(variables.onErrorStop).toBe(true);
    expect(variables.assign('ON_ERROR_STOP', undefined)).toBeUndefined();
    expect(variables.onErrorStop).toBe(false);
    expect(variables.assign('bad-name', 'x')).toBe('invalid variable name: "bad-name"');
    expect(variables.assign('ECHO', 'ALL')).toBeUndefined();
    expect(variables.echo).toBe('all');
  });
});
