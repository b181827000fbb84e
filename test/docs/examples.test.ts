/**
 * The documentation's examples, executed (DESIGN §9: "Examples in docs are executed by tests").
 *
 * - docs/sql.md: every ```sql block immediately followed by a ```text block runs through the shell exactly as
 *   the golden scripts do (`-a -q`, script on stdin, stdout and stderr merged: what `psql -a` prints), each in a
 *   fresh temporary database, and must print that text block (trailing newlines aside).
 * - README.md: every ```js / ```ts block runs as an ES module under tsx, with the specifier 'kmersearch' pointed at
 *   src/index.ts, in a scratch working directory. It must exit with status 0 and write nothing to stderr; when a
 *   ```text block follows, its stdout must equal that block.
 * - README.md: a ```sh block made only of `npx kmersearch …` lines runs each line through the command line's
 *   entry point (runCommandLine), all lines in one scratch directory; when a ```text block follows, the merged
 *   stdout and stderr must equal it.
 *
 * `UPDATE_DOCS=1 npx vitest run test/docs` rewrites the text blocks of docs/sql.md from the engine's output; as
 * with UPDATE_GOLDEN, review every changed line before keeping it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../src/cli/main.js';
import type { ShellDatabase } from '../../src/cli/shell-database.js';
import { KmerSearch } from '../../src/index.js';
import { CapturedOutput } from '../cli/fake-database.js';
import { runGolden } from '../cli/golden.js';

const projectDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sqlReferencePath = join(projectDirectory, 'docs', 'sql.md');
const readmePath = join(projectDirectory, 'README.md');
const librarySpecifier = pathToFileURL(join(projectDirectory, 'src', 'index.ts')).href;
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

// ---------------------------------------------------------------------------------------------------------
// Markdown

interface FencedBlock {
  /** The info string's first word, e.g. `sql`, `text`, `js`. */
  readonly language: string;
  /** The lines between the fences, joined with `\n` (no trailing newline). */
  readonly content: string;
  /** 1-based line number of the opening fence. */
  readonly line: number;
  /** 0-based line indexes of the content, for rewriting. */
  readonly firstContentLine: number;
  readonly endFenceLine: number;
}

interface Example {
  readonly code: FencedBlock;
  /** The ```text block right after the code (only blank lines between), if any. */
  readonly output: FencedBlock | undefined;
}

function fencedBlocks(lines: readonly string[]): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = /^```(\S*)/u.exec(lines[index] ?? '');
    if (opening === null) continue;
    const start = index;
    let end = index + 1;
    while (end < lines.length && !/^```\s*$/u.test(lines[end] ?? '')) end++;
    if (end >= lines.length) throw new Error(`unterminated code fence at line ${start + 1}`);
    blocks.push({
      language: opening[1] ?? '',
      content: lines.slice(start + 1, end).join('\n'),
      line: start + 1,
      firstContentLine: start + 1,
      endFenceLine: end,
    });
    index = end;
  }
  return blocks;
}

/** Code blocks of the given languages, each with the ```text block that immediately follows it. */
function examples(lines: readonly string[], languages: readonly string[]): Example[] {
  const blocks = fencedBlocks(lines);
  const found: Example[] = [];
  blocks.forEach((block, index) => {
    if (!languages.includes(block.language)) return;
    const next = blocks[index + 1];
    const onlyBlankBetween =
      next !== undefined && lines.slice(block.endFenceLine + 1, next.line - 1).every((line) => line.trim() === '');
    found.push({ code: block, output: next?.language === 'text' && onlyBlankBetween ? next : undefined });
  });
  return found;
}

const withoutTrailingNewlines = (text: string): string => text.replace(/\n+$/u, '');

// ---------------------------------------------------------------------------------------------------------
// Scratch directories

const scratchDirectories: string[] = [];

function scratchDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kmersearch-docs-'));
  scratchDirectories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of scratchDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function openTemporaryDatabase(): Promise<ShellDatabase> {
  const db = await KmerSearch.open();
  return { runText: (sql, options) => db.queryText(sql, options), close: () => db.close() };
}

// ---------------------------------------------------------------------------------------------------------
// docs/sql.md

describe('docs/sql.md', () => {
  const lines = readFileSync(sqlReferencePath, 'utf8').split('\n');
  const runnable = examples(lines, ['sql']).filter((example) => example.output !== undefined);
  const outputs = new Map<Example, string>();

  it('has examples, each showing its output', () => {
    expect(runnable.length).toBeGreaterThan(10);
    const withoutOutput = examples(lines, ['sql']).filter((example) => example.output === undefined);
    expect(withoutOutput.map((example) => `line ${example.code.line}`)).toEqual([]);
  });

  for (const example of runnable) {
    const firstLine = example.code.content.split('\n').find((line) => !line.startsWith('--')) ?? '';
    it(`line ${example.code.line}: ${firstLine.slice(0, 60)}`, async () => {
      const output = withoutTrailingNewlines(await runGolden(`${example.code.content}\n`, openTemporaryDatabase));
      outputs.set(example, output);
      if (process.env['UPDATE_DOCS'] !== '1') expect(output).toBe(example.output?.content);
    });
  }

  afterAll(() => {
    if (process.env['UPDATE_DOCS'] !== '1') return;
    // Rewrite from the last block backwards so earlier line indexes stay valid.
    const updated = [...lines];
    for (const example of [...runnable].reverse()) {
      const output = outputs.get(example);
      const block = example.output;
      if (output === undefined || block === undefined) continue;
      updated.splice(block.firstContentLine, block.endFenceLine - block.firstContentLine, ...output.split('\n'));
    }
    writeFileSync(sqlReferencePath, updated.join('\n'));
  });
});

// ---------------------------------------------------------------------------------------------------------
// README.md

describe('README.md', () => {
  const lines = readFileSync(readmePath, 'utf8').split('\n');

  const programs = examples(lines, ['js', 'ts']);
  it('has a Node example', () => {
    expect(programs.length).toBeGreaterThan(0);
  });

  for (const example of programs) {
    it(`${example.code.language} example at line ${example.code.line} runs`, () => {
      expect(example.code.content).toContain("from 'kmersearch'");
      const source = example.code.content.replaceAll("from 'kmersearch'", `from '${librarySpecifier}'`);
      const directory = scratchDirectory();
      const file = join(directory, `example.${example.code.language === 'ts' ? 'mts' : 'mjs'}`);
      writeFileSync(file, source);
      const run = spawnSync(process.execPath, ['--import', tsxLoader, file], {
        cwd: directory,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      if (example.output !== undefined) expect(withoutTrailingNewlines(run.stdout)).toBe(example.output.content);
    });
  }

  const shellExamples = examples(lines, ['sh']).filter((example) => {
    const commands = example.code.content.split('\n').filter((line) => line.trim() !== '');
    return commands.length > 0 && commands.every((line) => line.startsWith('npx kmersearch '));
  });
  it('has a shell example', () => {
    expect(shellExamples.length).toBeGreaterThan(0);
  });

  for (const example of shellExamples) {
    it(`sh example at line ${example.code.line} runs`, async () => {
      const directory = scratchDirectory();
      const captured = new CapturedOutput();
      const commands = example.code.content.split('\n').filter((line) => line.trim() !== '');
      for (const command of commands) {
        const argv = shellWords(command.slice('npx kmersearch '.length));
        const status = await runCommandLine(argv, {
          stdin: Readable.from([]),
          stdout: captured.stdout,
          stderr: captured.stderr,
          isTTY: false,
          env: {},
          createDatabase: async (path) => {
            const db = await KmerSearch.open(path === undefined ? {} : { path: resolve(directory, path) });
            return { runText: (sql, options) => db.queryText(sql, options), close: () => db.close() };
          },
        });
        expect(status, command).toBe(0);
      }
      if (example.output !== undefined) expect(withoutTrailingNewlines(captured.mergedText)).toBe(example.output.content);
    });
  }
});

/** Splits a POSIX shell argument list with single and double quotes (no expansions: the examples use none). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] ?? '';
    if (quote !== undefined) {
      if (character === quote) quote = undefined;
      else if (quote === '"' && character === '\\' && /["\\$`]/u.test(text[index + 1] ?? '')) current += text[++index] ?? '';
      else current += character;
    } else if (character === '"' || character === "'") {
      quote = character;
      current ??= '';
    } else if (/\s/u.test(character)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      if (/[$`\\|&;<>*?]/u.test(character)) throw new Error(`unsupported shell syntax ${character} in: ${text}`);
      current = (current ?? '') + character;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated quote in: ${text}`);
  if (current !== undefined) words.push(current);
  return words;
}
