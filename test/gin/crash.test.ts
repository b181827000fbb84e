import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageEngine } from '../../src/storage/index.js';
import { createSequenceTable, packDna2, spillFiles } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/build-child.ts', import.meta.url));
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'kmersearch-gin-crash-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Runs the fixture until it prints a line starting with `signal`, then kills it with SIGKILL. */
async function killWhen(mode: string, signal: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, directory, mode], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${signal}" from the child; stderr: ${errors}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = output.split('\n').find((candidate) => candidate.startsWith(signal));
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.on('exit', () => reject(new Error(`child exited early: ${output} ${errors}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return line;
}

async function seed(): Promise<void> {
  const engine = await StorageEngine.open(directory);
  const write = await engine.beginWrite();
  const table = createSequenceTable(write, 'dna2');
  write.insertRows(table.id, Array.from({ length: 40 * 256 }, (_, index) => [index, packDna2('ACGGTCAGTTCAGGA'.repeat(1 + (index % 9)))]));
  write.commit();
  await engine.close();
}

describe('a killed build', () => {
  it('leaves no index and no pages once the next writer sweeps', async () => {
    await seed();
    const line = await killWhen('built', 'built');
    expect(Number(line.split(' ')[1])).toBeGreaterThan(0);
    const engine = await StorageEngine.open(directory);
    try {
      expect(engine.beginRead().listIndexes()).toEqual([]);
      // Opening found the dead writer's lock and swept its orphans.
      expect(engine.spaceUsage().gin.entries).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('leaves a spill file that kmersearch_delete_tempfiles() removes', async () => {
    await seed();
    await killWhen('spilling', 'spilling');
    const engine = await StorageEngine.open(directory);
    try {
      expect(spillFiles(engine).length).toBe(1);
      const result = engine.deleteLeftoverSpillFiles();
      expect(result.deletedCount).toBe(1);
      expect(spillFiles(engine)).toEqual([]);
      expect(engine.spaceUsage().gin.entries).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
