#!/usr/bin/env node
/**
 * src/cli — the `kmersearch` command. This folder owns the command line only: option parsing, the psql-like
 * shell (script reading, psql's echo/quiet/ON_ERROR_STOP rules, backslash commands, interactive readline mode,
 * Ctrl-C) and the dispatch to subcommands. It runs SQL through the small ShellDatabase interface
 * (shell-database.ts; the engine behind it is wired in engine-adapter.ts), splits scripts with the SQL lexer's
 * splitter and prints with src/sql/format.ts, so it holds no SQL or formatting rules of its own.
 *
 * `kmersearch [psql options] [DBDIR]` is the shell; `kmersearch <subcommand> …` runs a subcommand from the
 * table below (adding one: a file src/cli/<name>.ts exporting `run`, and one line here).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createShellDatabase } from './engine-adapter.js';
import { runShell } from './shell.js';
import type { CommandContext, SubcommandLoader } from './subcommand.js';

const subcommands: Readonly<Record<string, SubcommandLoader>> = {
  import: () => import('./import.js'),
  search: () => import('./search.js'),
  analyze: () => import('./analyze.js'),
  export: () => import('./export.js'),
};

/** Dispatches one command line (without the node and script paths) and returns the exit status. */
export async function runCommandLine(argv: readonly string[], context: Omit<CommandContext, 'argv'>): Promise<number> {
  const [first, ...rest] = argv;
  const loader = first === undefined ? undefined : subcommands[first];
  if (loader !== undefined) return (await loader()).run({ ...context, argv: rest });
  return runShell({ ...context, argv });
}

function isEntryPoint(): boolean {
  const invokedPath = process.argv[1];
  if (invokedPath === undefined) return false;
  try {
    // npm installs the bin as a symlink: compare real paths.
    return realpathSync(invokedPath) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  // A reader that went away (`kmersearch … | head`) ends the command quietly, as psql does.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  let status: number;
  try {
    status = await runCommandLine(process.argv.slice(2), {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      isTTY: process.stdin.isTTY === true && process.stdout.isTTY === true,
      env: process.env,
      createDatabase: createShellDatabase,
      interrupts: (listener) => {
        process.on('SIGINT', listener);
        return () => process.off('SIGINT', listener);
      },
    });
  } catch (error) {
    process.stderr.write(`kmersearch: error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    status = 1;
  }
  // Exit explicitly (worker pools or the database may hold the event loop open) once queued output is out.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(status)));
}

if (isEntryPoint()) void main();
