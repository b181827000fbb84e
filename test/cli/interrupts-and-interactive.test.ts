/** Ctrl-C (non-interactive and interactive) and the interactive readline mode. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { continuationPrompt, primaryPrompt } from '../../src/cli/interactive.js';
import { runShell, type InterruptSource } from '../../src/cli/shell.js';
import { CapturedOutput, FakeDatabase } from './fake-database.js';
import { lines, runWith } from './helpers.js';

function manualInterrupts(): { source: InterruptSource; press: () => void } {
  let listener: (() => void) | undefined;
  return {
    source: (newListener) => {
      listener = newListener;
      return () => {
        listener = undefined;
      };
    },
    press: () => listener?.(),
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('timed out');
}

describe('Ctrl-C outside interactive mode', () => {
  it('cancels the running statement through its signal, prints the error, and exits 130 without running more', async () => {
    const database = new FakeDatabase({ 'SELECT slow();': { runsUntilCancelled: true } });
    const interrupts = manualInterrupts();
    database.onLongStatementStarted = interrupts.press;
    const run = await runWith(['-a', '-q'], { stdin: 'SELECT 1;\nSELECT slow();\nSELECT 2;\n', database, interrupts: interrupts.source });
    expect(run.status).toBe(130);
    expect(database.statements).toEqual(['SELECT 1;', 'SELECT slow();']);
    expect(database.signals[1]?.aborted).toBe(true);
    expect(database.signals[0]?.aborted).toBe(false);
    expect(run.stderr).toBe(lines('Cancel request sent', 'ERROR:  canceling statement due to user request'));
    expect(database.closed).toBe(true);
  });

  it('stops at once with 130 when nothing is running (waiting for input)', async () => {
    const database = new FakeDatabase();
    const interrupts = manualInterrupts();
    const captured = new CapturedOutput();
    const stdin = new PassThrough();
    const running = runShell({ argv: [], stdin, stdout: captured.stdout, stderr: captured.stderr, createDatabase: database.factory(), isTTY: false, interrupts: interrupts.source });
    stdin.write('SELECT 1;\n');
    await waitFor(() => captured.stdoutText.includes('(1 row)'));
    interrupts.press();
    expect(await running).toBe(130);
    stdin.end();
  });
});

describe('interactive mode', () => {
  function startInteractive(database: FakeDatabase, env: Record<string, string>, argv: string[] = []) {
    const captured = new CapturedOutput();
    const input = new PassThrough();
    const status = runShell({ argv, stdin: input, stdout: captured.stdout, stderr: captured.stderr, createDatabase: database.factory(), isTTY: true, env });
    return { captured, input, status };
  }

  it('prompts, continues statements over lines, prints results, saves history and answers Ctrl-D with \\q', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmersearch-history-'));
    const historyFile = join(directory, 'history');
    writeFileSync(historyFile, 'SELECT 0;\n');
    const database = new FakeDatabase();
    const { captured, input, status } = startInteractive(database, { KMERSEARCH_HISTORY: historyFile });
    await waitFor(() => captured.stdoutText.includes(primaryPrompt));
    expect(captured.stdoutText).toMatch(/^kmersearch \S+\nType "help" for help\.\n\n/u);
    input.write('SELECT\n');
    await waitFor(() => captured.stdoutText.includes(continuationPrompt));
    input.write('1;\n');
    await waitFor(() => captured.stdoutText.includes('(1 row)'));
    input.write('bogus;\n');
    await waitFor(() => captured.stderrText.includes('ERROR:'));
    input.end();
    expect(await status).toBe(0);
    expect(database.statements).toEqual(['SELECT\n1;', 'bogus;']);
    expect(captured.stdoutText.endsWith('\\q\n')).toBe(true);
    expect(readFileSync(historyFile, 'utf8')).toBe('SELECT 0;\nSELECT\n1;\nbogus;\n');
    expect(database.closed).toBe(true);
  });

  it('Ctrl-C cancels a running statement; at the prompt it discards the statement being typed', async () => {
    const database = new FakeDatabase({ 'SELECT slow();': { runsUntilCancelled: true } });
    const { captured, input, status } = startInteractive(database, { KMERSEARCH_HISTORY: '' });
    database.onLongStatementStarted = () => input.write('\x03');
    input.write('SELECT slow();\n');
    await waitFor(() => captured.stderrText.includes('ERROR:'));
    expect(captured.stderrText).toBe(lines('Cancel request sent', 'ERROR:  canceling statement due to user request'));
    input.write('SELECT\n');
    await waitFor(() => captured.stdoutText.includes(continuationPrompt));
    input.write('\x03');
    input.write('SELECT 2;\n');
    await waitFor(() => captured.stdoutText.includes('(1 row)'));
    input.write('\\q\n');
    expect(await status).toBe(0);
    expect(database.statements).toEqual(['SELECT slow();', 'SELECT 2;']);
    // ON_ERROR_STOP does not end an interactive session, and \q is not answered with another \q.
    expect(captured.stdoutText.endsWith('\\q\n')).toBe(false);
  });

  it('never fails on an unwritable history file; "quit" leaves; -q drops the banner', async () => {
    const database = new FakeDatabase();
    const { captured, input, status } = startInteractive(database, { KMERSEARCH_HISTORY: '/nonexistent-directory/history' }, ['-q', '-v', 'ON_ERROR_STOP=1']);
    input.write('bogus;\nhelp\nSELECT 1;\nquit\n');
    expect(await status).toBe(0);
    expect(captured.stdoutText).toContain(primaryPrompt);
    expect(captured.stdoutText).not.toContain('Type "help" for help.');
    expect(captured.stdoutText).toContain('You are using kmersearch');
    expect(database.statements).toEqual(['bogus;', 'SELECT 1;']);
  });
});
