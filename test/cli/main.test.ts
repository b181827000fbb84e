/** The `kmersearch` entry point as a process: shebang, dispatch to the shell or a subcommand, exit statuses. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../src/cli/main.js';
import { CapturedOutput, FakeDatabase } from './fake-database.js';

const mainPath = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function runProcess(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', mainPath, ...argv], { encoding: 'utf8', input: '', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('main', () => {
  it('is an executable node script', () => {
    expect(readFileSync(mainPath, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs as a process: --version, a subcommand, a bad option', () => {
    const version = runProcess(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^kmersearch \d+\.\d+\.\d+\n$/u);
    const subcommand = runProcess(['analyze', 'x.fa']);
    expect(subcommand.status).toBe(1);
    expect(subcommand.stderr).toBe(
      'kmersearch analyze: error: no database directory given (-d DBDIR)\nkmersearch analyze: hint: Try "kmersearch analyze --help" for more information.\n',
    );
    expect(runProcess(['-z']).status).toBe(1);
  });

  it('dispatches subcommands by their first argument and everything else to the shell', async () => {
    for (const name of ['import', 'search', 'analyze', 'export']) {
      const captured = new CapturedOutput();
      const database = new FakeDatabase();
      const status = await runCommandLine([name], {
        stdin: Readable.from([]),
        stdout: captured.stdout,
        stderr: captured.stderr,
        isTTY: false,
        env: {},
        createDatabase: database.factory(),
      });
      expect(status).toBe(1);
      expect(captured.stderrText).toBe(
        `kmersearch ${name}: error: no database directory given (-d DBDIR)\nkmersearch ${name}: hint: Try "kmersearch ${name} --help" for more information.\n`,
      );
    }
    const captured = new CapturedOutput();
    const status = await runCommandLine(['-q', '-c', 'SELECT 1'], {
      stdin: Readable.from([]),
      stdout: captured.stdout,
      stderr: captured.stderr,
      isTTY: false,
      env: {},
      createDatabase: new FakeDatabase().factory(),
    });
    expect(status).toBe(0);
    expect(captured.stdoutText).toContain('(1 row)');
  });
});
