/**
 * The psql-like shell: `kmersearch [options] [DBDIR]`. Everything it touches comes in through RunShellOptions
 * (argument list, streams, database factory, terminal flag, Ctrl-C source), so tests drive it end to end with a
 * scripted database and in-memory streams.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runInteractive } from './interactive.js';
import { helpText, parseShellArguments, type ShellOptions } from './options.js';
import { ExitStatus, readLines, runCommandString, runScriptFile, runScriptLines } from './script.js';
import { programName, ShellSession } from './session.js';
import type { ShellDatabaseFactory } from './shell-database.js';
import { ShellVariables } from './variables.js';

/** Subscribes to Ctrl-C (SIGINT); returns the unsubscribe function. */
export type InterruptSource = (listener: () => void) => () => void;

export interface RunShellOptions {
  readonly argv: readonly string[];
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly createDatabase: ShellDatabaseFactory;
  /** True when stdin and stdout are terminals: without -c/-f the shell is then interactive. */
  readonly isTTY: boolean;
  /** Environment for KMERSEARCH_HISTORY and HOME (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where Ctrl-C comes from outside readline (the process's SIGINT in the real command). */
  readonly interrupts?: InterruptSource;
}

/** The version in package.json (two levels up from both src/cli and dist/cli). */
export function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** psql's history file rule, with our names: $KMERSEARCH_HISTORY (empty: no history), else ~/.kmersearch_history. */
export function historyFilePath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const configured = env['KMERSEARCH_HISTORY'];
  if (configured !== undefined) return configured.length > 0 ? configured : undefined;
  return join(env['HOME'] ?? homedir(), '.kmersearch_history');
}

/** Runs the shell to completion and returns its exit status (0, 1, 2, 3 or 130; see the help text). */
export async function runShell(options: RunShellOptions): Promise<number> {
  const { stdout, stderr } = options;
  const parsed = parseShellArguments(options.argv);
  if (!parsed.ok) {
    stderr.write(`${programName}: ${parsed.message}\n${programName}: hint: Try "${programName} --help" for more information.\n`);
    return ExitStatus.failure;
  }
  const shellOptions = parsed.options;
  if (shellOptions.help) {
    stdout.write(helpText);
    return ExitStatus.success;
  }
  if (shellOptions.version) {
    stdout.write(`${programName} ${packageVersion()}\n`);
    return ExitStatus.success;
  }
  for (const warning of shellOptions.warnings) stderr.write(`${programName}: ${warning}\n`);

  const variables = new ShellVariables();
  for (const [name, value] of shellOptions.variableAssignments) {
    const error = variables.assign(name, value);
    if (error !== undefined) {
      stderr.write(`${programName}: error: ${error}\n`);
      return ExitStatus.failure;
    }
  }

  let database;
  try {
    database = await options.createDatabase(shellOptions.databasePath);
  } catch (error) {
    // psql's status for a connection that could not be made.
    stderr.write(`${programName}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitStatus.badConnection;
  }

  const session = new ShellSession(database, stdout, stderr, variables);
  const interactive = options.isTTY && shellOptions.actions.length === 0;
  let stopIdle: (status: number) => void = () => undefined;
  const interruptedWhileIdle = new Promise<number>((resolve) => {
    stopIdle = resolve;
  });
  const unsubscribe = options.interrupts?.(() => {
    const cancelled = session.cancelRunningStatement();
    if (interactive) return;
    session.interruptRequested = true;
    // Nothing running (e.g. waiting for input): there is nothing to roll back, so stop now.
    if (!cancelled) stopIdle(ExitStatus.interrupted);
  });

  try {
    let work: Promise<number>;
    if (interactive) {
      if (!variables.quiet) stdout.write(`${programName} ${packageVersion()}\nType "help" for help.\n\n`);
      work = runInteractive(session, { input: options.stdin, output: stdout, historyFile: historyFilePath(options.env ?? process.env) });
    } else if (shellOptions.actions.length > 0) {
      work = runActions(session, shellOptions, options);
    } else {
      work = runScriptLines(session, readLines(options.stdin));
    }
    // The race may leave `work` waiting for input; it must not surface later as an unhandled rejection.
    work.catch(() => undefined);
    return await Promise.race([work, interruptedWhileIdle]);
  } finally {
    unsubscribe?.();
    try {
      await database.close();
    } catch (error) {
      stderr.write(`${programName}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

/** -c and -f in command-line order; the status is the last one's, and ON_ERROR_STOP stops at the first failure. */
async function runActions(session: ShellSession, shellOptions: ShellOptions, options: RunShellOptions): Promise<number> {
  let status: number = ExitStatus.success;
  for (const action of shellOptions.actions) {
    status =
      action.kind === 'command'
        ? await runCommandString(session, action.text)
        : await runScriptFile(session, action.path, options.stdin, options.stderr);
    if (session.interruptRequested) return ExitStatus.interrupted;
    if (session.quitRequested) break;
    if (status !== ExitStatus.success && session.variables.onErrorStop) break;
  }
  return status;
}
