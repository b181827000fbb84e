import { Readable } from 'node:stream';
import { runShell, type InterruptSource } from '../../src/cli/shell.js';
import { CapturedOutput, FakeDatabase, type ScriptedOutcome } from './fake-database.js';

export interface ShellRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr in write order, as with `2>&1`. */
  readonly merged: string;
  readonly database: FakeDatabase;
  readonly openedPaths: readonly (string | undefined)[];
}

export interface ShellRunOptions {
  readonly stdin?: string;
  readonly script?: Readonly<Record<string, ScriptedOutcome>>;
  readonly database?: FakeDatabase;
  readonly interrupts?: InterruptSource;
}

/** Runs the shell non-interactively against a scripted database. */
export async function runWith(argv: readonly string[], options: ShellRunOptions = {}): Promise<ShellRun> {
  const database = options.database ?? new FakeDatabase(options.script ?? {});
  const factory = database.factory();
  const captured = new CapturedOutput();
  const status = await runShell({
    argv,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout: captured.stdout,
    stderr: captured.stderr,
    createDatabase: factory,
    isTTY: false,
    env: {},
    ...(options.interrupts === undefined ? {} : { interrupts: options.interrupts }),
  });
  return { status, stdout: captured.stdoutText, stderr: captured.stderrText, merged: captured.mergedText, database, openedPaths: factory.paths };
}

/** Lines joined with newlines, with the final newline. */
export function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}

/** psql's table for `SELECT n` (one integer column named ?column?). */
export function columnTable(value: number): string {
  const text = String(value);
  const width = Math.max(8, text.length);
  return lines(' ?column? ', '-'.repeat(width + 2), ' '.repeat(width - text.length + 1) + text, '(1 row)', '');
}
