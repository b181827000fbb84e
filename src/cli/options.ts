/**
 * The shell's command-line options, psql's names and meanings. Actions (-c and -f) keep their command-line
 * order, as psql runs them in that order; so do variable assignments (-v, and -a/-e/-b/-q which set ECHO and
 * QUIET), because a later one overrides an earlier one.
 */
import { parseArgs } from 'node:util';
import { programName } from './session.js';

export type ShellAction = { readonly kind: 'command'; readonly text: string } | { readonly kind: 'file'; readonly path: string };

export interface ShellOptions {
  readonly databasePath: string | undefined;
  readonly actions: readonly ShellAction[];
  /** `[name, value]`; an undefined value unsets (psql's `-v NAME` without `=`). */
  readonly variableAssignments: readonly (readonly [string, string | undefined])[];
  readonly help: boolean;
  readonly version: boolean;
  /** Non-fatal remarks, e.g. extra positional arguments (psql warns and ignores them). */
  readonly warnings: readonly string[];
}

export type ParsedArguments = { readonly ok: true; readonly options: ShellOptions } | { readonly ok: false; readonly message: string };

const optionConfig = {
  dbname: { type: 'string', short: 'd' },
  command: { type: 'string', short: 'c', multiple: true },
  file: { type: 'string', short: 'f', multiple: true },
  'echo-all': { type: 'boolean', short: 'a' },
  'echo-queries': { type: 'boolean', short: 'e' },
  'echo-errors': { type: 'boolean', short: 'b' },
  quiet: { type: 'boolean', short: 'q' },
  set: { type: 'string', short: 'v', multiple: true },
  variable: { type: 'string', multiple: true },
  'no-psqlrc': { type: 'boolean', short: 'X' },
  help: { type: 'boolean', short: '?' },
  version: { type: 'boolean', short: 'V' },
} as const;

export function parseShellArguments(argv: readonly string[]): ParsedArguments {
  let tokens;
  try {
    ({ tokens } = parseArgs({ args: [...argv], options: optionConfig, allowPositionals: true, strict: true, tokens: true }));
  } catch (error) {
    return { ok: false, message: describeArgumentError(error) };
  }

  let databasePath: string | undefined;
  const positionals: string[] = [];
  const actions: ShellAction[] = [];
  const variableAssignments: [string, string | undefined][] = [];
  const warnings: string[] = [];
  let help = false;
  let version = false;

  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const value = token.value ?? '';
    switch (token.name) {
      case 'dbname':
        databasePath = value;
        break;
      case 'command':
        actions.push({ kind: 'command', text: value });
        break;
      case 'file':
        actions.push({ kind: 'file', path: value });
        break;
      case 'echo-all':
        variableAssignments.push(['ECHO', 'all']);
        break;
      case 'echo-queries':
        variableAssignments.push(['ECHO', 'queries']);
        break;
      case 'echo-errors':
        variableAssignments.push(['ECHO', 'errors']);
        break;
      case 'quiet':
        variableAssignments.push(['QUIET', 'on']);
        break;
      case 'set':
      case 'variable': {
        const equals = value.indexOf('=');
        if (equals === 0) return { ok: false, message: `invalid variable name: "${value}"` };
        variableAssignments.push(equals < 0 ? [value, undefined] : [value.slice(0, equals), value.slice(equals + 1)]);
        break;
      }
      case 'help':
        help = true;
        break;
      case 'version':
        version = true;
        break;
      default:
        // -X: there is no startup file to skip.
        break;
    }
  }

  // psql takes the first non-option argument as the database when -d is not given.
  const [firstPositional, ...extraPositionals] = positionals;
  if (databasePath === undefined) databasePath = firstPositional;
  else if (firstPositional !== undefined) extraPositionals.unshift(firstPositional);
  for (const extra of extraPositionals) warnings.push(`warning: extra command-line argument "${extra}" ignored`);

  return { ok: true, options: { databasePath, actions, variableAssignments, help, version, warnings } };
}

/** parseArgs' messages, reworded as getopt's (what psql prints). */
export function describeArgumentError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']*)'/u.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return quoted.startsWith('--') ? `unrecognized option '${quoted}'` : `invalid option -- '${quoted.replace(/^-/u, '')}'`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const short = /^-(\w)/u.exec(quoted)?.[1];
    return short !== undefined ? `option requires an argument -- '${short}'` : `option '${quoted}' requires an argument`;
  }
  return message;
}

export const helpText = `${programName} is the interactive shell of kmersearch, an embedded DNA k-mer search engine
with the SQL of PostgreSQL and pg_kmersearch.

Usage:
  ${programName} [OPTION]... [DBDIR]
  ${programName} import|search|analyze|export ...

General options:
  -c, --command=COMMAND    run a command (SQL or backslash) and exit; repeatable
  -d, --dbname=DBDIR       database directory (default: a temporary database)
  -f, --file=FILENAME      execute commands from file ("-" for standard input), then exit; repeatable
  -v, --set=, --variable=NAME=VALUE
                           set shell variable NAME to VALUE (e.g. -v ON_ERROR_STOP=1)
  -X, --no-psqlrc          accepted for psql compatibility (there is no startup file)
  -V, --version            output version information, then exit
  -?, --help               show this help, then exit

Input and output options:
  -a, --echo-all           echo all input from script
  -b, --echo-errors        echo failed commands
  -e, --echo-queries       echo commands sent to the database
  -q, --quiet              run quietly (no command tags, no banner)

Backslash commands: \\set, \\unset, \\echo, \\qecho, \\warn, \\encoding (UTF8 only) and \\q are supported
(\\set ON_ERROR_STOP on stops a script at its first error, exit status 3); other backslash commands are ignored
with a note.

Exit status: 0 on success, 1 on a fatal error of the shell (bad option, unreadable file) or a failed -c command,
2 when the database cannot be opened, 3 when ON_ERROR_STOP stopped a script, 130 when interrupted.
`;
