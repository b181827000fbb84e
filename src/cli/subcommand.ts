/**
 * The contract of a `kmersearch <subcommand>`: one file src/cli/<name>.ts exporting `run`, registered by one
 * line in main.ts's table.
 */
import type { ShellDatabaseFactory } from './shell-database.js';
import type { InterruptSource } from './shell.js';

export interface CommandContext {
  /** Arguments after the subcommand name. */
  readonly argv: readonly string[];
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly createDatabase: ShellDatabaseFactory;
  readonly interrupts?: InterruptSource;
}

export interface SubcommandModule {
  /** Runs the subcommand and returns the exit status. */
  run(context: CommandContext): Promise<number>;
}

/** Loaded only when chosen, so each subcommand's dependencies cost nothing to the others. */
export type SubcommandLoader = () => Promise<SubcommandModule>;
