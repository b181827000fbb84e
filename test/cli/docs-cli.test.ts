/**
 * docs/cli.md's examples, executed (DESIGN §9): in one scratch working directory holding the sample genomes as
 * lambda.fa.gz, dwv.fa.gz and vdv1.fa.gz, every ```fasta NAME block is written to NAME, and every ```sh block made
 * only of `kmersearch …` lines runs line by line through the command line's entry point; when a ```text block
 * follows, the merged stdout and stderr must equal it.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShellDatabase } from '../../src/cli/engine-adapter.js';
import { runCommandLine } from '../../src/cli/main.js';
import { CapturedOutput } from './fake-database.js';
import { dataDirectory } from './subcommand-helpers.js';

const documentPath = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));

interface Block {
  readonly info: string;
  readonly content: string;
  readonly line: number;
}

function blocks(text: string): Block[] {
  const lines = text.split('\n');
  const found: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = /^```(.*)$/u.exec(lines[index] ?? '');
    if (opening === null) continue;
    let end = index + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    found.push({ info: (opening[1] ?? '').trim(), content: lines.slice(index + 1, end).join('\n'), line: index + 1 });
    index = end;
  }
  return found;
}

/** POSIX shell words with single and double quotes (the examples use no expansions). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (const character of text) {
    if (quote !== undefined) {
      if (character === quote) quote = undefined;
      else current += character;
    } else if (character === '"' || character === "'") {
      quote = character;
      current ??= '';
    } else if (/\s/u.test(character)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + character;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

let scratch: string;
let previousDirectory: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kmersearch-docs-cli-'));
  copyFileSync(join(dataDirectory, 'lambda_virus.fa.gz'), join(scratch, 'lambda.fa.gz'));
  copyFileSync(join(dataDirectory, 'dwv.fasta.gz'), join(scratch, 'dwv.fa.gz'));
  copyFileSync(join(dataDirectory, 'vdv1.fasta.gz'), join(scratch, 'vdv1.fa.gz'));
  previousDirectory = process.cwd();
  // Relative paths (databases, COPY files) resolve against the working directory, as the docs say.
  process.chdir(scratch);
});
afterAll(() => {
  process.chdir(previousDirectory);
  rmSync(scratch, { recursive: true, force: true });
});

describe('docs/cli.md examples', () => {
  const all = blocks(readFileSync(documentPath, 'utf8'));
  const runnable = all.filter(
    (block) => block.info === 'sh' && block.content.split('\n').every((line) => line.trim() === '' || line.startsWith('kmersearch ')),
  );
  it('has runnable examples', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
  });
  // In document order: later examples use the databases and files earlier ones made.
  it.each(runnable.map((block) => [block.line, block] as const))('the sh example at line %i prints what the docs show', async (_line, block) => {
    const position = all.indexOf(block);
    for (const earlier of all.slice(0, position)) {
      const [language, fileName] = earlier.info.split(/\s+/u);
      if (language === 'fasta' && fileName !== undefined) writeFileSync(join(scratch, fileName), `${earlier.content}\n`);
    }
    const following = all[position + 1];
    const captured = new CapturedOutput();
    for (const command of block.content.split('\n').filter((line) => line.trim() !== '')) {
      const status = await runCommandLine(shellWords(command.slice('kmersearch '.length)), {
        stdin: Readable.from([]),
        stdout: captured.stdout,
        stderr: captured.stderr,
        isTTY: false,
        env: {},
        createDatabase: createShellDatabase,
      });
      expect(status, `${command}\n${captured.mergedText}`).toBe(0);
    }
    if (following?.info === 'text') expect(captured.mergedText.replace(/\n+$/u, '')).toBe(following.content);
  });
});
