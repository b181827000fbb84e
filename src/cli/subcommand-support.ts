/**
 * What the data subcommands (import, search, analyze, export) share: option parsing with getopt's messages, psql-style
 * error output, opening the database with the shell's exit statuses (1 usage or runtime error, 2 the database
 * cannot be opened), SQL quoting, and the table name rule.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { asKmerSearchError, KmerSearchError } from '../errors.js';
import type { KmerSearch } from '../sql/database.js';
import { formatErrorLines } from '../sql/format.js';
import { quoteIdentifier } from '../sql/types.js';
import { describeArgumentError } from './options.js';
import { ExitStatus } from './script.js';
import { programName } from './session.js';
import type { CommandContext } from './subcommand.js';

/** A bad command line: printed with a hint to --help, exit status 1. */
export class UsageError extends Error {}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs returns for a subcommand's option table. */
export type SubcommandArguments<Options extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: Options }>
>;

/**
 * node:util's parseArgs as every subcommand uses it (strict, positionals allowed), its errors turned into
 * UsageErrors worded as getopt's.
 */
export function parseSubcommandArguments<const Options extends OptionsConfig>(
  argv: readonly string[],
  options: Options,
): SubcommandArguments<Options> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError(describeArgumentError(error));
  }
}

/** `kmersearch import: error: …` and the --help hint; returns exit status 1. */
export function reportUsageError(context: CommandContext, subcommand: string, message: string): number {
  const prefix = `${programName} ${subcommand}`;
  context.stderr.write(`${prefix}: error: ${message}\n${prefix}: hint: Try "${prefix} --help" for more information.\n`);
  return ExitStatus.failure;
}

/** A database error as psql prints it (ERROR, DETAIL, HINT lines), after the subcommand's name. */
export function reportError(context: CommandContext, subcommand: string, error: unknown): number {
  if (error instanceof UsageError) return reportUsageError(context, subcommand, error.message);
  const failure = error instanceof KmerSearchError ? error : asKmerSearchError(error);
  context.stderr.write(`${programName} ${subcommand}: ${formatErrorLines(failure).join('\n')}\n`);
  return ExitStatus.failure;
}

/**
 * Parses a subcommand's arguments: the plan to run, or the exit status when there is nothing to run (`--help`
 * printed: 0; a bad command line reported: 1).
 */
export function parseSubcommandPlan<Plan>(
  context: CommandContext,
  subcommand: string,
  parse: (argv: readonly string[]) => Plan | 'help',
  helpText: string,
): Plan | number {
  let plan: Plan | 'help';
  try {
    plan = parse(context.argv);
  } catch (error) {
    return reportError(context, subcommand, error);
  }
  if (plan === 'help') {
    context.stdout.write(helpText);
    return ExitStatus.success;
  }
  return plan;
}

/**
 * Opens the database in `directory`. `mustExist`: the directory must already hold a database (search, analyze
 * and export read one; creating an empty database there would hide a mistyped path). Failures print and give
 * exit status 2, as the shell's do.
 */
export async function openSubcommandDatabase(
  context: CommandContext,
  subcommand: string,
  directory: string,
  mustExist: boolean,
): Promise<KmerSearch | number> {
  const fail = (message: string): number => {
    context.stderr.write(`${programName} ${subcommand}: error: ${message}\n`);
    return ExitStatus.badConnection;
  };
  if (mustExist) {
    if (!existsSync(directory)) return fail(`database directory "${directory}" does not exist`);
    if (!statSync(directory).isDirectory()) return fail(`"${directory}" is not a directory`);
    if (!existsSync(join(directory, 'data.mdb'))) return fail(`"${directory}" does not hold a kmersearch database`);
  }
  try {
    const { KmerSearch } = await import('../sql/database.js');
    return await KmerSearch.open({ path: directory });
  } catch (error) {
    return fail(asKmerSearchError(error).message);
  }
}

/**
 * A table name given on the command line, as pg_dump's -t reads it: folded to lower case unless written in
 * double quotes, so that `--table Refs` names the table `SELECT * FROM Refs` reads.
 */
export function tableNameArgument(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/""/gu, '"');
  return text.toLowerCase();
}

/** A column name option: the same rule as table names. */
export const columnNameArgument = tableNameArgument;

/** A SQL string literal (standard_conforming_strings: only the quote is doubled). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/gu, "''")}'`;
}

export { quoteIdentifier };

/** A positive integer option value, or a UsageError naming the option. */
export function integerOption(name: string, text: string | undefined, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/u.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`invalid value "${text}" for option --${name}: must be an integer of at least ${minimum}`);
  }
  return value;
}

/** A number option value in [minimum, maximum], or a UsageError. */
export function numberOption(name: string, text: string | undefined, minimum: number, maximum: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < minimum || value > maximum) {
    throw new UsageError(`invalid value "${text}" for option --${name}: must be a number from ${minimum} to ${maximum}`);
  }
  return value;
}

/**
 * The SETs of `--kmer-size` / `--occur-bitlen`, in an order that cannot fail: each of k and b is checked against the
 * other's current value (2k + b <= 64), so with both given b goes to 0 in between and any valid pair can be set
 * whatever the values before.
 */
export function keyLayoutSettingsOf(kmerSizeText: string | undefined, occurrenceBitsText: string | undefined): [string, string][] {
  const settings: [string, string][] = [];
  const kmerSize = integerOption('kmer-size', kmerSizeText, 1);
  const occurrenceBits = integerOption('occur-bitlen', occurrenceBitsText, 0);
  if (kmerSize !== undefined && occurrenceBits !== undefined) settings.push(['kmersearch.occur_bitlen', '0']);
  if (kmerSize !== undefined) settings.push(['kmersearch.kmer_size', String(kmerSize)]);
  if (occurrenceBits !== undefined) settings.push(['kmersearch.occur_bitlen', String(occurrenceBits)]);
  return settings;
}
