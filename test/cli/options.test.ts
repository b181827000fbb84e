/** Command-line options, --help, --version and the statuses of option errors. */
import { describe, expect, it } from 'vitest';
import { parseShellArguments } from '../../src/cli/options.js';
import { packageVersion } from '../../src/cli/shell.js';
import { lines, runWith } from './helpers.js';

describe('options', () => {
  it('keeps -c/-f and variable assignments in command-line order', () => {
    const parsed = parseShellArguments(['-c', 'SELECT 1', '-f', 'a.sql', '--command=SELECT 2', '-a', '-q', '-v', 'X=1', '-v', 'Y', '-X', '-d', 'db']);
    expect(parsed).toEqual({
      ok: true,
      options: {
        databasePath: 'db',
        actions: [
          { kind: 'command', text: 'SELECT 1' },
          { kind: 'file', path: 'a.sql' },
          { kind: 'command', text: 'SELECT 2' },
        ],
        variableAssignments: [
          ['ECHO', 'all'],
          ['QUIET', 'on'],
          ['X', '1'],
          ['Y', undefined],
        ],
        help: false,
        version: false,
        warnings: [],
      },
    });
  });

  it('takes the first positional argument as the database and warns about the others', async () => {
    const run = await runWith(['mydb', 'extra', '-c', 'SELECT 1']);
    expect(run.openedPaths).toEqual(['mydb']);
    expect(run.stderr).toBe(lines('kmersearch: warning: extra command-line argument "extra" ignored'));
    const temporary = await runWith(['-c', 'SELECT 1']);
    expect(temporary.openedPaths).toEqual([undefined]);
    expect(temporary.database.closed).toBe(true);
  });

  it('--help and -? print the usage; --version the version; status 0, no database opened', async () => {
    for (const flag of ['--help', '-?']) {
      const run = await runWith([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Usage:\n  kmersearch [OPTION]... [DBDIR]');
      expect(run.stdout).toContain('-v, --set=, --variable=NAME=VALUE');
      expect(run.openedPaths).toEqual([]);
    }
    const version = await runWith(['--version']);
    expect(version.stdout).toBe(`kmersearch ${packageVersion()}\n`);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/u);
  });

  it('a bad option is fatal with getopt-style messages: status 1', async () => {
    const unknown = await runWith(['-z']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(lines("kmersearch: invalid option -- 'z'", 'kmersearch: hint: Try "kmersearch --help" for more information.'));
    expect((await runWith(['--frobnicate'])).stderr.split('\n')[0]).toBe("kmersearch: unrecognized option '--frobnicate'");
    const missing = await runWith(['-c']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe("kmersearch: option requires an argument -- 'c'");
    expect(missing.openedPaths).toEqual([]);
  });
});
