/**
 * Non-interactive input: scripts read line by line (stdin or -f FILE) and -c command strings, with psql's
 * exit statuses for each.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { splitScript } from '../sql/lexer.js';
import { QueryBuffer, type BufferedPiece, isEmptyStatement } from './query-buffer.js';
import { programName, type ShellSession } from './session.js';

/** psql's exit statuses (EXIT_SUCCESS, EXIT_FAILURE, EXIT_BADCONN, EXIT_USER) and the shell's status for SIGINT. */
export const ExitStatus = {
  success: 0,
  failure: 1,
  badConnection: 2,
  stoppedOnError: 3,
  interrupted: 130,
} as const;

/** The lines of a stream without their line ends; a last line without a newline is still a line. */
export function readLines(input: NodeJS.ReadableStream): AsyncIterable<string> {
  return createInterface({ input, crlfDelay: Infinity, terminal: false });
}

async function runPiece(session: ShellSession, piece: BufferedPiece, copyData?: CopyDataLines): Promise<boolean> {
  if (piece.kind === 'metaCommand') return session.runMetaCommandLine(piece.text);
  try {
    return await session.runStatement(piece.text, undefined, copyData?.lines());
  } finally {
    await copyData?.drain();
  }
}

/**
 * The data of a `COPY … FROM STDIN` in a script: the lines after the statement up to `\.` (or the end of input),
 * taken from the script's own line source, as psql's handleCopyIn takes them. Only a COPY FROM STDIN reads them;
 * a COPY that fails half-way still has its remaining data lines skipped (drain), as psql skips them.
 */
export class CopyDataLines {
  private state: 'unread' | 'reading' | 'ended' = 'unread';

  constructor(
    private readonly nextLine: () => Promise<IteratorResult<string>>,
    private readonly onLine: () => void,
  ) {}

  lines(): AsyncIterable<string> {
    const source = this;
    return {
      async *[Symbol.asyncIterator]() {
        source.state = 'reading';
        for (;;) {
          const line = await source.readLine();
          if (line === undefined) return;
          yield line + '\n';
        }
      },
    };
  }

  /** Skips the data lines a failed COPY left unread. */
  async drain(): Promise<void> {
    if (this.state !== 'reading') return;
    while ((await this.readLine()) !== undefined);
  }

  private async readLine(): Promise<string | undefined> {
    if (this.state === 'ended') return undefined;
    const step = await this.nextLine();
    if (step.done === true) {
      this.state = 'ended';
      return undefined;
    }
    this.onLine();
    if (step.value === '\\.') {
      this.state = 'ended';
      return undefined;
    }
    return step.value;
  }
}

/**
 * psql's MainLoop for a script: echo each line with -a before running what it completes, stop at the first
 * error when ON_ERROR_STOP is set (status 3), and run a statement left without `;` at the end of input.
 * `fileName` is given for -f, so that messages get psql's `kmersearch:FILE:LINE: ` prefix.
 */
export async function runScriptLines(session: ShellSession, lines: AsyncIterable<string>, fileName?: string): Promise<number> {
  const buffer = new QueryBuffer();
  let lineNumber = 0;
  const stopStatus = (succeeded: boolean): number | undefined => {
    if (session.interruptRequested) return ExitStatus.interrupted;
    if (session.quitRequested) return ExitStatus.success;
    if (!succeeded && session.variables.onErrorStop) return ExitStatus.stoppedOnError;
    return undefined;
  };
  const iterator = lines[Symbol.asyncIterator]();
  const nextLine = (): Promise<IteratorResult<string>> => iterator.next();
  const countLine = (): void => {
    lineNumber++;
    if (fileName !== undefined) session.location = { file: fileName, line: lineNumber };
  };
  try {
    for (;;) {
      const step = await nextLine();
      if (step.done === true) break;
      const line = step.value;
      countLine();
      if (buffer.skipsLine(line)) continue;
      if (session.variables.echo === 'all') session.writeOutput(line + '\n');
      for (const piece of buffer.addLine(line)) {
        const status = stopStatus(await runPiece(session, piece, new CopyDataLines(nextLine, countLine)));
        if (status !== undefined) return status;
      }
    }
    const remainder = buffer.takeRemainder();
    if (remainder !== undefined) {
      const status = stopStatus(await session.runStatement(remainder));
      if (status !== undefined) return status;
    }
    return ExitStatus.success;
  } finally {
    session.location = undefined;
  }
}

/**
 * One -c string. psql sends it as one query string, so LINE n and the caret of an error refer to the whole
 * string and the statements after a failed one do not run; a failure makes the status 1.
 */
export async function runCommandString(session: ShellSession, commandText: string): Promise<number> {
  if (session.variables.echo === 'all') session.writeOutput(commandText + '\n');
  const pieces = splitScript(commandText);
  // Several statements in one -c string are one implicit transaction block for PostgreSQL (REINDEX of a
  // partitioned table refuses to run there).
  const sharesQueryString = pieces.filter((piece) => piece.kind !== 'metaCommand' && !isEmptyStatement(piece.text)).length > 1;
  for (const piece of pieces) {
    const succeeded =
      piece.kind === 'metaCommand'
        ? session.runMetaCommandLine(piece.text)
        : await session.runStatement(piece.text, { queryText: commandText, offset: piece.offset, sharesQueryString });
    if (session.interruptRequested) return ExitStatus.interrupted;
    if (!succeeded) return ExitStatus.failure;
    if (session.quitRequested) break;
  }
  return ExitStatus.success;
}

/** One -f FILE (`-` reads standard input, named `<stdin>` in messages as psql names it). */
export async function runScriptFile(session: ShellSession, path: string, stdin: NodeJS.ReadableStream, stderr: NodeJS.WritableStream): Promise<number> {
  if (path === '-') return runScriptLines(session, readLines(stdin), '<stdin>');
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    stderr.write(`${programName}: error: ${path}: ${describeFileError(error)}\n`);
    return ExitStatus.failure;
  }
  try {
    return await runScriptLines(session, readLines(handle.createReadStream({ encoding: 'utf8', autoClose: false })), path);
  } catch (error) {
    stderr.write(`${programName}: error: ${path}: ${describeFileError(error)}\n`);
    return ExitStatus.failure;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The C library's wording for the common file errors (what psql prints through %m). */
export function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
