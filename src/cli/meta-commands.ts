/**
 * psql's backslash commands, as far as a script for kmersearch needs them: `\set`, `\unset`, `\echo`, `\qecho`,
 * `\warn`, `\encoding` (UTF8, the only encoding, as pg_dump scripts set it), `\q`. Every other command is
 * recognised only to be skipped with a note (SPEC §9), so that scripts written for psql still run.
 *
 * Arguments are read as psql reads them: separated by whitespace, `'…'` quoted (with `''` and backslash escapes),
 * `"…"` kept with its quotes, `:NAME`, `:'NAME'` and `:"NAME"` replaced by a variable's value, and a further
 * backslash starting the next command on the same line.
 */

export interface MetaCommand {
  /** The command name without the backslash, e.g. `set`, `echo`, `d+`. */
  readonly name: string;
  readonly arguments: readonly string[];
}

const singleQuoteEscapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', b: '\b', r: '\r', f: '\f' };

/** Splits a backslash-command line (starting with `\`) into its commands and their arguments. */
export function parseMetaCommandLine(line: string, lookupVariable: (name: string) => string | undefined): MetaCommand[] {
  const commands: MetaCommand[] = [];
  let index = 0;
  const isSpace = (character: string | undefined): boolean => character !== undefined && /\s/u.test(character);

  while (index < line.length) {
    while (isSpace(line[index])) index++;
    if (index >= line.length) break;
    if (line[index] !== '\\') {
      // Text that is not a command (psql would read it as arguments of nothing): skip to the next backslash.
      while (index < line.length && line[index] !== '\\') index++;
      continue;
    }
    index++;
    const nameStart = index;
    while (index < line.length && !isSpace(line[index]) && line[index] !== '\\') index++;
    // `\\` is psql's separator between a command and SQL on the same line; treat it as a bare separator.
    if (index === nameStart) {
      if (line[index] === '\\') index++;
      continue;
    }
    const name = line.slice(nameStart, index);
    const argumentsOfCommand: string[] = [];
    for (;;) {
      while (isSpace(line[index])) index++;
      if (index >= line.length || line[index] === '\\') break;
      let argument = '';
      while (index < line.length && !isSpace(line[index]) && line[index] !== '\\') {
        const character = line[index] as string;
        if (character === "'") {
          index++;
          while (index < line.length) {
            const inner = line[index] as string;
            if (inner === "'") {
              if (line[index + 1] === "'") {
                argument += "'";
                index += 2;
                continue;
              }
              index++;
              break;
            }
            if (inner === '\\' && index + 1 < line.length) {
              const escaped = line[index + 1] as string;
              argument += singleQuoteEscapes[escaped] ?? escaped;
              index += 2;
              continue;
            }
            argument += inner;
            index++;
          }
        } else if (character === '"') {
          const end = line.indexOf('"', index + 1);
          const stop = end < 0 ? line.length : end + 1;
          argument += line.slice(index, stop);
          index = stop;
        } else if (character === ':' && /[A-Za-z0-9_'"]/u.test(line[index + 1] ?? '')) {
          const interpolated = readVariableReference(line, index, lookupVariable);
          argument += interpolated.text;
          index = interpolated.end;
        } else {
          argument += character;
          index++;
        }
      }
      argumentsOfCommand.push(argument);
    }
    commands.push({ name, arguments: argumentsOfCommand });
  }
  return commands;
}

/** `:NAME` → value, `:'NAME'` → value as a SQL literal, `:"NAME"` → as an identifier; unknown names stay as typed. */
function readVariableReference(
  line: string,
  start: number,
  lookupVariable: (name: string) => string | undefined,
): { text: string; end: number } {
  const quote = line[start + 1];
  if (quote === "'" || quote === '"') {
    const close = line.indexOf(quote, start + 2);
    if (close < 0) return { text: ':', end: start + 1 };
    const name = line.slice(start + 2, close);
    const value = lookupVariable(name);
    if (value === undefined) return { text: line.slice(start, close + 1), end: close + 1 };
    const doubled = value.split(quote).join(quote + quote);
    return { text: quote + doubled + quote, end: close + 1 };
  }
  let end = start + 1;
  while (end < line.length && /[A-Za-z0-9_]/u.test(line[end] as string)) end++;
  const name = line.slice(start + 1, end);
  const value = lookupVariable(name);
  return { text: value ?? line.slice(start, end), end };
}
