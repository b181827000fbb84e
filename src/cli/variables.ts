/**
 * psql variables (`\set`, `-v NAME=VALUE`). Any name may be set, but only the ones that change how the shell
 * runs a script have an effect: ON_ERROR_STOP, QUIET (what -q sets) and ECHO (what -a, -e and -b set). Their
 * values are validated and normalised the way psql's variable hooks do it, with psql's messages.
 */

export type EchoMode = 'none' | 'errors' | 'queries' | 'all';

const echoModes: readonly EchoMode[] = ['none', 'errors', 'queries', 'all'];

/**
 * psql's ParseVariableBool: case-insensitive, any unambiguous prefix of true/false/yes/no, `on`/`off` (at least
 * two letters, since `o` is ambiguous), or 1/0. Undefined for anything else.
 */
export function parseBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower.length === 0) return undefined;
  const isPrefixOf = (word: string): boolean => word.startsWith(lower);
  if (isPrefixOf('true') || isPrefixOf('yes') || (lower.length >= 2 && isPrefixOf('on')) || lower === '1') return true;
  if (isPrefixOf('false') || isPrefixOf('no') || (lower.length >= 2 && isPrefixOf('off')) || lower === '0') return false;
  return undefined;
}

/** psql's valid_variable_name: ASCII letters, digits and underscores, or any non-ASCII character. */
export function isValidVariableName(name: string): boolean {
  return name.length > 0 && /^(?:[A-Za-z0-9_]|[^\x00-\x7f])+$/u.test(name);
}

export class ShellVariables {
  private readonly values = new Map<string, string>([
    ['ECHO', 'none'],
    ['ON_ERROR_STOP', 'off'],
    ['QUIET', 'off'],
  ]);

  onErrorStop = false;
  quiet = false;
  echo: EchoMode = 'none';

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** All variables in name order, as `\set` without arguments lists them. */
  entries(): [string, string][] {
    return [...this.values.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  }

  /**
   * Sets (or, with undefined, unsets) a variable. Returns psql's error message when the name is invalid or a
   * special variable rejects the value; the variable is then left unchanged.
   */
  assign(name: string, value: string | undefined): string | undefined {
    if (!isValidVariableName(name)) return `invalid variable name: "${name}"`;
    switch (name) {
      case 'ON_ERROR_STOP':
      case 'QUIET': {
        // psql's bool_substitute_hook: `\unset X` means off and `\set X` (no value) means on.
        const text = value === undefined ? 'off' : value === '' ? 'on' : value;
        const parsed = parseBoolean(text);
        if (parsed === undefined) return `unrecognized value "${text}" for "${name}": Boolean expected`;
        if (name === 'ON_ERROR_STOP') this.onErrorStop = parsed;
        else this.quiet = parsed;
        this.values.set(name, text);
        return undefined;
      }
      case 'ECHO': {
        const text = value ?? 'none';
        const mode = echoModes.find((candidate) => candidate === text.toLowerCase());
        if (mode === undefined) return `unrecognized value "${text}" for "ECHO"\nAvailable values are: ${echoModes.join(', ')}.`;
        this.echo = mode;
        this.values.set(name, text);
        return undefined;
      }
      default:
        if (value === undefined) this.values.delete(name);
        else this.values.set(name, value);
        return undefined;
    }
  }
}
