/**
 * A scripted ShellDatabase for the shell's tests: each statement text (exactly as the shell sends it) maps to a
 * result, an error, notices, or a statement that runs until cancelled. A few statement shapes get a default
 * answer so that tests only script what they are about.
 */
import { Writable } from 'node:stream';
import { KmerSearchError, SqlState } from '../../src/errors.js';
import type { Notice, QueryOptions, TextQueryResult } from '../../src/sql/result.js';
import type { ShellDatabase, ShellDatabaseFactory } from '../../src/cli/shell-database.js';

export interface ScriptedOutcome {
  readonly result?: TextQueryResult;
  readonly error?: KmerSearchError;
  readonly notices?: readonly Notice[];
  /** The statement runs until its signal aborts, then fails with 57014 (after the rollback, as the engine does). */
  readonly runsUntilCancelled?: boolean;
}

export function tableResult(
  columns: readonly (string | readonly [string, 'right'])[],
  rows: readonly (readonly (string | null)[])[],
  commandTag = `SELECT ${rows.length}`,
): TextQueryResult {
  return {
    fields: columns.map((column) => {
      const [name, alignment] = typeof column === 'string' ? [column, undefined] : column;
      return { name, dataTypeID: alignment === 'right' ? 23 : 25, typeName: alignment === 'right' ? 'integer' : 'text', alignRight: alignment === 'right' };
    }),
    rows,
    commandTag,
    returnsRows: true,
  };
}

export function tagResult(commandTag: string): TextQueryResult {
  return { fields: [], rows: [], commandTag, returnsRows: false };
}

/** Answers for statements a test did not script: `SELECT <integer>`, and the tag of simple commands. */
function defaultOutcome(statementText: string): ScriptedOutcome {
  const text = statementText.replace(/;\s*$/u, '').trim();
  const select = /^SELECT\s+(-?\d+)$/iu.exec(text);
  if (select !== null) return { result: tableResult([['?column?', 'right']], [[select[1] ?? '']]) };
  const command = /^(CREATE TABLE|CREATE INDEX|DROP TABLE|BEGIN|COMMIT|ROLLBACK|SET|RESET|INSERT|DELETE|UPDATE)\b/iu.exec(text);
  if (command !== null) {
    const word = (command[1] ?? '').toUpperCase();
    const tag = word === 'INSERT' ? 'INSERT 0 1' : word === 'DELETE' || word === 'UPDATE' ? `${word} 1` : word;
    return { result: tagResult(tag) };
  }
  const firstWord = /^\S*/u.exec(text)?.[0] ?? '';
  return { error: new KmerSearchError(SqlState.syntaxError, `syntax error at or near "${firstWord}"`, { position: 1 }) };
}

export class FakeDatabase implements ShellDatabase {
  /** Every statement received, in order. */
  readonly statements: string[] = [];
  readonly signals: AbortSignal[] = [];
  /** Per statement received: whether it was marked part of an implicit transaction block (several in one -c). */
  readonly implicitBlocks: boolean[] = [];
  closed = false;
  /** Resolves when a `runsUntilCancelled` statement has started (tests then send Ctrl-C). */
  onLongStatementStarted: (() => void) | undefined;

  constructor(private readonly script: Readonly<Record<string, ScriptedOutcome>> = {}) {}

  async runText(statementText: string, options: QueryOptions): Promise<TextQueryResult> {
    this.statements.push(statementText);
    this.implicitBlocks.push(options.implicitTransactionBlock === true);
    if (options.signal !== undefined) this.signals.push(options.signal);
    const outcome = this.script[statementText] ?? defaultOutcome(statementText);
    // Notices arrive while the statement runs, before its result.
    await Promise.resolve();
    for (const notice of outcome.notices ?? []) options.onNotice?.(notice);
    if (outcome.runsUntilCancelled === true) {
      const signal = options.signal;
      if (signal === undefined) throw new Error('a cancellable statement needs a signal');
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => setTimeout(resolve, 5), { once: true });
        this.onLongStatementStarted?.();
      });
      throw new KmerSearchError(SqlState.queryCanceled, 'canceling statement due to user request');
    }
    if (outcome.error !== undefined) throw outcome.error;
    if (outcome.result === undefined) throw new Error(`no result scripted for ${statementText}`);
    return outcome.result;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  factory(): ShellDatabaseFactory & { paths: (string | undefined)[] } {
    const paths: (string | undefined)[] = [];
    const open = async (path?: string): Promise<ShellDatabase> => {
      paths.push(path);
      return this;
    };
    return Object.assign(open, { paths });
  }
}

/** stdout and stderr kept apart and also merged in write order (what `2>&1` into one file shows). */
export class CapturedOutput {
  stdoutText = '';
  stderrText = '';
  mergedText = '';
  readonly stdout: Writable;
  readonly stderr: Writable;

  constructor() {
    const capture = (which: 'stdoutText' | 'stderrText'): Writable =>
      new Writable({
        write: (chunk: Buffer | string, _encoding, callback) => {
          const text = chunk.toString();
          this[which] += text;
          this.mergedText += text;
          callback();
        },
      });
    this.stdout = capture('stdoutText');
    this.stderr = capture('stderrText');
  }
}
