/**
 * The golden-test runner: feeds a SQL script to the shell on stdin with `-a -q -X`, stdout and stderr merged —
 * exactly how pg_regress runs psql (`psql -a -q -X < file.sql > file.out 2>&1`), so a test/sql/*.sql script's
 * output can be compared with what PostgreSQL + pg_kmersearch print for it.
 */
import { Readable } from 'node:stream';
import { runShell } from '../../src/cli/shell.js';
import type { ShellDatabaseFactory } from '../../src/cli/shell-database.js';
import { CapturedOutput } from './fake-database.js';

export interface GoldenRun {
  /** stdout and stderr interleaved in write order. */
  readonly output: string;
  readonly exitStatus: number;
}

export async function runGoldenWithStatus(sqlText: string, factory: ShellDatabaseFactory, extraArguments: readonly string[] = []): Promise<GoldenRun> {
  const captured = new CapturedOutput();
  const exitStatus = await runShell({
    argv: ['-a', '-q', '-X', ...extraArguments],
    stdin: Readable.from([sqlText]),
    stdout: captured.stdout,
    stderr: captured.stderr,
    createDatabase: factory,
    isTTY: false,
    env: {},
  });
  return { output: captured.mergedText, exitStatus };
}

/** The output pg_regress would record for `sqlText`. */
export async function runGolden(sqlText: string, factory: ShellDatabaseFactory): Promise<string> {
  return (await runGoldenWithStatus(sqlText, factory)).output;
}
