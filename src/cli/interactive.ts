/**
 * Interactive mode (stdin and stdout on a terminal, no -c/-f): psql's prompts, readline editing with history
 * kept in ~/.kmersearch_history (or $KMERSEARCH_HISTORY), Ctrl-C cancelling the running statement or clearing
 * the line being typed, Ctrl-D leaving.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { QueryBuffer } from './query-buffer.js';
import { programName, type ShellSession } from './session.js';
import { ExitStatus } from './script.js';

export const primaryPrompt = `${programName}=> `;
export const continuationPrompt = `${programName}-> `;

/** psql's HISTSIZE default. */
const historySize = 500;

export interface InteractiveOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Undefined: no history is loaded or saved. */
  readonly historyFile: string | undefined;
}

const interactiveHelp = `You are using ${programName}, the command-line interface to kmersearch.
Type:  \\g or terminate with semicolon to execute query
       \\q to quit
`;

export function runInteractive(session: ShellSession, options: InteractiveOptions): Promise<number> {
  const { output, historyFile } = options;
  let history = loadHistory(historyFile);
  const readline = createInterface({
    input: options.input,
    output,
    terminal: true,
    history,
    historySize,
    removeHistoryDuplicates: false,
    prompt: primaryPrompt,
  });
  readline.on('history', (entries: string[]) => {
    history = entries;
  });

  const buffer = new QueryBuffer();
  // Lines typed while a statement runs wait here, as type-ahead does in psql.
  const queuedLines: string[] = [];
  let processing = false;
  let inputClosed = false;
  let finished = false;

  return new Promise<number>((resolve) => {
    const finish = (): void => {
      if (finished) return;
      finished = true;
      saveHistory(historyFile, history);
      resolve(ExitStatus.success);
    };

    const prompt = (): void => {
      readline.setPrompt(buffer.isEmpty ? primaryPrompt : continuationPrompt);
      readline.prompt();
    };

    const handleLine = async (line: string): Promise<void> => {
      if (buffer.isEmpty) {
        // psql recognises these words only at the start of a statement, and only interactively.
        const word = line.trim().replace(/;$/u, '').trimEnd().toLowerCase();
        if (word === 'quit' || word === 'exit') {
          session.quitRequested = true;
          return;
        }
        if (word === 'help') {
          session.writeOutput(interactiveHelp);
          return;
        }
      }
      if (buffer.skipsLine(line)) return;
      for (const piece of buffer.addLine(line)) {
        // ON_ERROR_STOP does not apply here: psql returns to the prompt after an error.
        if (piece.kind === 'metaCommand') session.runMetaCommandLine(piece.text);
        else await session.runStatement(piece.text);
        if (session.quitRequested) return;
      }
    };

    const pump = async (): Promise<void> => {
      if (processing || finished) return;
      processing = true;
      while (!session.quitRequested) {
        const line = queuedLines.shift();
        if (line === undefined) break;
        await handleLine(line);
      }
      processing = false;
      if (session.quitRequested) {
        readline.close();
        finish();
      } else if (inputClosed) {
        // psql answers Ctrl-D with `\q` (an empty line when quiet).
        output.write(session.variables.quiet ? '\n' : '\\q\n');
        finish();
      } else {
        prompt();
      }
    };

    readline.on('line', (line) => {
      queuedLines.push(line);
      void pump();
    });
    readline.on('close', () => {
      inputClosed = true;
      void pump();
    });
    readline.on('SIGINT', () => {
      if (session.cancelRunningStatement()) return;
      // At the prompt: forget the statement being typed and start a fresh line.
      buffer.clear();
      queuedLines.length = 0;
      output.write('\n');
      const editable = readline as unknown as { line: string; cursor: number };
      editable.line = '';
      editable.cursor = 0;
      prompt();
    });
    prompt();
  });
}

function loadHistory(historyFile: string | undefined): string[] {
  if (historyFile === undefined) return [];
  try {
    // The file is oldest first, one entry per line; readline wants the most recent first.
    const entries = readFileSync(historyFile, 'utf8')
      .split('\n')
      .filter((entry) => entry.length > 0);
    return entries.reverse().slice(0, historySize);
  } catch {
    return [];
  }
}

function saveHistory(historyFile: string | undefined, history: readonly string[]): void {
  if (historyFile === undefined) return;
  try {
    writeFileSync(historyFile, [...history].reverse().map((entry) => entry + '\n').join(''), { mode: 0o600 });
  } catch {
    // A read-only home or a missing directory must not spoil leaving the shell.
  }
}
