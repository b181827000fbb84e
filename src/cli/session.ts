/**
 * One shell session: runs statements and backslash commands against a ShellDatabase and prints what psql
 * prints for them — tables, command tags, errors and notices — in psql's order.
 *
 * Ordering: every piece of output is written as soon as it is known (notices while the statement runs, then its
 * table or tag), to stdout or stderr directly. Node writes to files and pipes synchronously on POSIX, so when
 * both streams go to the same file (`2>&1`, as golden tests capture them) the lines land in psql's order.
 */
import { asKmerSearchError, KmerSearchError } from '../errors.js';
import { formatAlignedTable, formatErrorLines } from '../sql/format.js';
import type { Notice, TextQueryResult } from '../sql/result.js';
import { parseMetaCommandLine, type MetaCommand } from './meta-commands.js';
import { isEmptyStatement } from './query-buffer.js';
import type { ShellDatabase } from './shell-database.js';
import type { ShellVariables } from './variables.js';

export const programName = 'kmersearch';

/** Where the current input comes from, for psql's `psql:FILE:LINE: ` message prefix (only with -f FILE). */
export interface InputLocation {
  readonly file: string;
  readonly line: number;
}

/** Where a statement sits in a larger query string (-c), so that LINE n and the caret refer to that string. */
export interface StatementContext {
  readonly queryText: string;
  readonly offset: number;
  /** The string holds other statements too: PostgreSQL runs them in one implicit transaction block. */
  readonly sharesQueryString?: boolean;
}

/** psql prints the command tag after a RETURNING table only for these commands (PrintQueryResult). */
const tagAfterRowsPattern = /^(?:INSERT|UPDATE|DELETE|MERGE)/u;

export class ShellSession {
  location: InputLocation | undefined;
  /** Set by `\q`: the session ends after the current command. */
  quitRequested = false;
  /** Set by Ctrl-C outside interactive mode: the script ends (status 130) once the statement has stopped. */
  interruptRequested = false;
  private runningStatement: AbortController | undefined;

  constructor(
    private readonly database: ShellDatabase,
    private readonly stdout: NodeJS.WritableStream,
    private readonly stderr: NodeJS.WritableStream,
    readonly variables: ShellVariables,
  ) {}

  get isRunningStatement(): boolean {
    return this.runningStatement !== undefined;
  }

  /** Asks the running statement to stop (Ctrl-C); false when none was running. */
  cancelRunningStatement(): boolean {
    if (this.runningStatement === undefined) return false;
    this.runningStatement.abort();
    // psql's SIGINT handler writes this at once, before the statement has actually stopped.
    this.stderr.write('Cancel request sent\n');
    return true;
  }

  writeOutput(text: string): void {
    this.stdout.write(text);
  }

  /** psql's location prefix for server messages: `kmersearch:FILE:LINE: ` with -f, nothing otherwise. */
  private serverMessagePrefix(): string {
    return this.location === undefined ? '' : `${programName}:${this.location.file}:${this.location.line}: `;
  }

  /** A message of the shell itself (not of the database), located like psql's own messages. */
  shellMessage(message: string): void {
    const prefix = this.location === undefined ? `${programName}: ` : this.serverMessagePrefix();
    this.stderr.write(prefix + message + '\n');
  }

  /**
   * Runs one statement and prints its outcome; false when it failed. `copyData` is what a `COPY … FROM STDIN`
   * reads (the script's next lines, as psql sends them); `COPY … TO STDOUT` writes to the shell's stdout.
   */
  async runStatement(statementText: string, context?: StatementContext, copyData?: AsyncIterable<string>): Promise<boolean> {
    if (isEmptyStatement(statementText)) return true;
    if (this.variables.echo === 'queries') this.stdout.write(statementText + '\n');
    const controller = new AbortController();
    this.runningStatement = controller;
    try {
      const result = await this.database.runText(statementText, {
        signal: controller.signal,
        onNotice: (notice) => this.printNotice(notice),
        stdout: (chunk) => void this.stdout.write(chunk),
        ...(copyData === undefined ? {} : { stdin: copyData }),
        ...(context?.sharesQueryString === true ? { implicitTransactionBlock: true } : {}),
      });
      this.printResult(result);
      return true;
    } catch (thrown) {
      this.printError(asKmerSearchError(thrown), statementText, context);
      if (this.variables.echo === 'errors') this.stderr.write(`${this.serverMessagePrefix()}STATEMENT:  ${statementText}\n`);
      return false;
    } finally {
      this.runningStatement = undefined;
    }
  }

  private printResult(result: TextQueryResult): void {
    if (result.returnsRows) {
      this.stdout.write(formatAlignedTable(result.fields, result.rows));
      if (tagAfterRowsPattern.test(result.commandTag)) this.printCommandTag(result.commandTag);
    } else {
      this.printCommandTag(result.commandTag);
    }
  }

  private printCommandTag(tag: string): void {
    if (!this.variables.quiet && tag.length > 0) this.stdout.write(tag + '\n');
  }

  private printError(error: KmerSearchError, statementText: string, context: StatementContext | undefined): void {
    let shown = error;
    let shownText = statementText;
    if (context !== undefined && error.position !== undefined) {
      // The server reports positions within the whole query string it was sent; psql quotes that string.
      const charactersBefore = Array.from(context.queryText.slice(0, context.offset)).length;
      shown = new KmerSearchError(error.code, error.message, {
        detail: error.detail,
        hint: error.hint,
        position: error.position + charactersBefore,
      });
      shownText = context.queryText;
    }
    this.stderr.write(this.serverMessagePrefix() + formatErrorLines(shown, shownText).join('\n') + '\n');
  }

  private printNotice(notice: Notice): void {
    // A notice prints like an error without a position: reuse the error formatter and swap the severity word.
    const asError = new KmerSearchError(notice.code, notice.message, { detail: notice.detail, hint: notice.hint });
    const lines = formatErrorLines(asError);
    lines[0] = `${notice.severity}:  ${notice.message}`;
    this.stderr.write(this.serverMessagePrefix() + lines.join('\n') + '\n');
  }

  /** Runs the backslash commands of one line; false when one failed (which counts for ON_ERROR_STOP). */
  runMetaCommandLine(line: string): boolean {
    for (const command of parseMetaCommandLine(line, (name) => this.variables.get(name))) {
      if (!this.runMetaCommand(command)) return false;
      if (this.quitRequested) break;
    }
    return true;
  }

  private runMetaCommand(command: MetaCommand): boolean {
    const argumentsOfCommand = command.arguments;
    switch (command.name) {
      case 'set': {
        const [name, ...values] = argumentsOfCommand;
        if (name === undefined) {
          for (const [variable, value] of this.variables.entries()) this.stdout.write(`${variable} = '${value}'\n`);
          return true;
        }
        // psql concatenates the remaining arguments without separators.
        return this.reportVariableError(this.variables.assign(name, values.join('')));
      }
      case 'unset': {
        const [name] = argumentsOfCommand;
        if (name === undefined) {
          this.shellMessage('\\unset: missing required argument');
          return false;
        }
        return this.reportVariableError(this.variables.assign(name, undefined));
      }
      case 'echo':
      case 'qecho':
      case 'warn': {
        const noNewline = argumentsOfCommand[0] === '-n';
        const text = (noNewline ? argumentsOfCommand.slice(1) : argumentsOfCommand).join(' ') + (noNewline ? '' : '\n');
        (command.name === 'warn' ? this.stderr : this.stdout).write(text);
        return true;
      }
      case 'q':
      case 'quit':
        this.quitRequested = true;
        return true;
      case 'encoding': {
        // Scripts from pg_dump and `kmersearch export` set UTF8, the only encoding here: nothing to do.
        const [encoding] = argumentsOfCommand;
        if (encoding === undefined || /^(utf-?8|unicode)$/iu.test(encoding)) return true;
        this.shellMessage(`${encoding}: invalid encoding name or conversion procedure not found`);
        return false;
      }
      default:
        this.shellMessage(`backslash command \\${command.name} is not supported; ignored`);
        return true;
    }
  }

  private reportVariableError(message: string | undefined): boolean {
    if (message === undefined) return true;
    this.shellMessage(message);
    return false;
  }
}
