import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageEngine } from '../../src/storage/index.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('database paths', () => {
  it('opens a database directory whose name has a dot, and reopens it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'kmersearch-paths-'));
    directories.push(parent);
    const path = join(parent, 'reads.db');
    const engine = await StorageEngine.open(path);
    await engine.close();
    expect(statSync(path).isDirectory()).toBe(true);
    const again = await StorageEngine.open(path);
    await again.close();
  });
});
