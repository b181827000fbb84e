/**
 * The crash harness: a child process (fixtures/workload-child.ts) runs an operation's scripted workload
 * (workloads.ts) and reports `begin <n>` / `committed <n>` markers; the parent kills it with SIGKILL at a chosen
 * point, reopens the database and checks it against the model of the committed statements:
 *
 * - the tables hold exactly the rows of the last statement the child reported committed, or of the one after
 *   (killed after its commit but before the marker was read) — never a part of a statement; a table of the model
 *   may be read by a function (the partition workload's list of partitions, all or none, holding the parent's rows;
 *   the partitioned-index workload's catalog, the partitioned index with all its attached indexes or none);
 * - the kmersearch indexes are the committed ones, and each search gives the same rows through the index as
 *   sequentially;
 * - `SELECT * FROM kmersearch_delete_tempfiles()` removes exactly the spill files the killed process left, after
 *   which none remains, and nothing unreachable is left in the data file.
 *
 * Kill points (statement, delay after it began or after its first spill file appeared) are drawn from a seeded
 * generator: the same seed gives the same plan (`KMERSEARCH_CRASH_SEED=<n>` replays one); where exactly a delay
 * lands in a statement still depends on the machine's speed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect } from 'vitest';
import { KmerSearch } from '../../src/index.js';
import { StorageEngine } from '../../src/storage/index.js';
import { expectSameOnBothPaths } from '../sql/index-helpers.js';
import { cloneModel, type Model, type Operation } from './workloads.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const childSources = ['test/reliability/fixtures/workload-child.ts', 'test/reliability/workloads.ts'];

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? typeScriptFiles(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
  );
}

let childScript: string | undefined;

/**
 * The child as plain JavaScript: src and the child's own files transpiled once per test process into a temporary
 * directory (with a link to node_modules), so that each of the many children starts with `node` alone instead of
 * compiling TypeScript through tsx at every start — that was half of a kill's CPU time. Transpiling without type
 * checks is what tsx does too; the worker threads find their own transpiled worker.js next to pool.js.
 */
function compiledChildScript(): string {
  if (childScript !== undefined) return childScript;
  const directory = mkdtempSync(join(tmpdir(), 'kmersearch-crash-child-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  const files = [...typeScriptFiles(join(projectRoot, 'src')), ...childSources.map((file) => join(projectRoot, file))];
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    const target = join(directory, relative(projectRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  writeFileSync(join(directory, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(projectRoot, 'node_modules'), join(directory, 'node_modules'));
  childScript = join(directory, 'test/reliability/fixtures/workload-child.js');
  return childScript;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export const crashSeed = Number(process.env['KMERSEARCH_CRASH_SEED'] ?? 20261122);

/** Where a child is killed: `delayMs` after statement `statement` began, or after the first spill file appeared in it. */
export interface KillPoint {
  readonly statement: number;
  readonly delayMs: number;
  readonly afterSpillFile: boolean;
}

/** The markers a killed child printed. */
export interface KilledChild {
  /** The last statement reported committed, or `first - 1`. */
  readonly lastCommitted: number;
  readonly lastBegun: number;
  /** How long the statements that completed took, begin to commit marker (ms). */
  readonly durations: readonly number[];
}

/** Starts the workload at statement `first` and kills the child at `kill`. */
export async function runUntilKilled(operation: Operation, path: string, workDirectory: string, first: number, kill: KillPoint): Promise<KilledChild> {
  const child = spawn(process.execPath, [compiledChildScript(), operation.name, path, String(first), workDirectory], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastCommitted = first - 1;
  let lastBegun = first - 1;
  let begunAt = 0;
  const durations: number[] = [];
  let errors = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let armed = false;
  let timer: NodeJS.Timeout | undefined;
  const killLater = (): void => {
    timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
  };
  const watchSpillDirectory = (): void => {
    timer = setTimeout(() => (spillFiles(path).length > 0 ? killLater() : watchSpillDirectory()), 2);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [marker, number] = line.split(' ');
      if (marker === 'idle') {
        // The workload ended before the kill point's delay: kill now, after its last commit (or, not armed, fail).
        clearTimeout(timer);
        child.kill('SIGKILL');
      }
      if (marker === 'committed') {
        lastCommitted = Number(number);
        durations.push(performance.now() - begunAt);
      }
      if (marker === 'begin') {
        lastBegun = Number(number);
        begunAt = performance.now();
        if (lastBegun === kill.statement && !armed) {
          armed = true;
          if (kill.afterSpillFile) watchSpillDirectory();
          else killLater();
        }
      }
    }
  });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = await exited;
  clearTimeout(watchdog);
  clearTimeout(timer);
  if (exit.signal !== 'SIGKILL' || !armed) {
    throw new Error(`the ${operation.name} child ended with ${JSON.stringify(exit)} before its kill point; stderr:\n${errors}`);
  }
  return { lastCommitted, lastBegun, durations };
}

async function readTables(db: KmerSearch, operation: Operation): Promise<Map<string, string[]>> {
  const tables = new Map<string, string[]>();
  for (const [table, read] of Object.entries(operation.reads)) {
    const rows =
      typeof read === 'string' ? (await db.queryText(read)).rows.map((row) => row.map((value) => value ?? '').join('\t')) : await read(db);
    tables.set(table, rows.sort());
  }
  return tables;
}

function modelRows(model: Model, table: string): string[] {
  return [...(model.tables.get(table)?.values() ?? [])].sort();
}

function sameRows(found: readonly string[], expected: readonly string[]): boolean {
  return found.length === expected.length && found.every((row, index) => row === expected[index]);
}

/** A few differences between the rows found and a candidate state, for the failure message. */
function describeDifference(found: Map<string, string[]>, candidate: Model): string {
  return [...found]
    .map(([table, rows]) => {
      const expected = new Set(modelRows(candidate, table));
      const present = new Set(rows);
      const missing = [...expected].filter((row) => !present.has(row));
      const extra = rows.filter((row) => !expected.has(row));
      return `${table}: ${rows.length} rows, expected ${expected.size}; missing ${missing.length} (e.g. ${missing.slice(0, 2).join(' | ')}), unexpected ${extra.length} (e.g. ${extra.slice(0, 2).join(' | ')})`;
    })
    .join('; ');
}

function spillFiles(path: string): string[] {
  const directory = join(path, 'spill');
  return existsSync(directory) ? readdirSync(directory) : [];
}

export interface Verification {
  /** Which candidate state the database is in. */
  readonly state: number;
  /** Spill files the killed process had left behind (all removed by the cleanup). */
  readonly leftoverSpillFiles: number;
}

/**
 * Reopens the database and checks it is in one of the candidate states (committed statements only), that its
 * indexes answer as the sequential path, and that the spill-file cleanup leaves none behind.
 */
export async function verifyAfterCrash(operation: Operation, path: string, candidates: readonly Model[], search: string): Promise<Verification> {
  const db = await KmerSearch.open({ path });
  let state: number;
  let leftover: string[] = [];
  try {
    await db.exec(operation.session);
    const found = await readTables(db, operation);
    const indexes = (await db.queryText('SELECT index_oid::regclass FROM kmersearch_index_info')).rows.map((row) => row[0]).sort();
    // Candidates may differ only in their indexes (kmersearch_parallel_create_index changes no row): of those whose
    // rows match, the one whose indexes match too, if any.
    const rowsMatch = candidates.flatMap((candidate, index) => ([...found].every(([table, rows]) => sameRows(rows, modelRows(candidate, table))) ? [index] : []));
    state = rowsMatch.find((index) => JSON.stringify([...candidates[index]!.indexes].sort()) === JSON.stringify(indexes)) ?? rowsMatch[0] ?? -1;
    if (state < 0) {
      const differences = candidates.map((candidate, index) => `state ${index}: ${describeDifference(found, candidate)}`);
      throw new Error(`${operation.name}: the database is in no committed state\n${differences.join('\n')}`);
    }
    const model = candidates[state]!;
    expect(indexes).toEqual([...model.indexes].sort());
    await expectSameOnBothPaths(db, search, model.indexes.size > 0);
    leftover = spillFiles(path);
    const cleanup = await db.query('SELECT deleted_count, error_count FROM kmersearch_delete_tempfiles()');
    expect(cleanup.rows).toEqual([{ deleted_count: leftover.length, error_count: 0 }]);
    expect(spillFiles(path)).toEqual([]);
  } finally {
    await db.close();
  }
  const storage = await StorageEngine.open(path);
  try {
    // Opening swept the killed statement's blocks and index pages: nothing unreachable remains.
    expect(await storage.reclaimSpace()).toEqual({ deletedHeapKeys: 0, deletedTombstoneKeys: 0, deletedUniqueKeys: 0, deletedGinKeys: 0 });
  } finally {
    await storage.close();
  }
  return { state, leftoverSpillFiles: leftover.length };
}

export interface CrashReport {
  readonly killPoints: number;
  /** Kills that landed inside a statement (the database was in the state before it). */
  readonly interrupted: number;
  readonly statementsCommitted: number;
  readonly leftoverSpillFiles: number;
}

/**
 * Creates the operation's database in `path`, then kills `operation.killPoints` children one after another on it,
 * each resuming the workload where the last committed statement left it, and verifies the database after each.
 */
export async function crashRepeatedly(operation: Operation, path: string, workDirectory: string, seed: number): Promise<CrashReport> {
  const setup = await KmerSearch.open({ path });
  try {
    await setup.exec(operation.setup);
  } finally {
    await setup.close();
  }
  const random = seededRandom(seed);
  let model = operation.setupModel();
  let next = 0;
  let interrupted = 0;
  let leftoverSpillFiles = 0;
  // Delays are spread over about 1.3 statements, from the duration seen so far, so that kills land anywhere in a
  // statement, in its commit, and between statements; about every other kill lets the first statement finish.
  let estimateMs = operation.maxDelayMs;
  for (let point = 0; point < operation.killPoints; point++) {
    const statement = next + (random() < 0.5 ? 0 : 1);
    const afterSpillFile = operation.spills === true && random() < 0.5;
    // A spill file lives only until its runs are merged: those kills follow its appearance closely.
    const delayMs = Math.floor(random() * (afterSpillFile ? 10 : estimateMs * 1.3));
    const kill: KillPoint = { statement, delayMs, afterSpillFile };
    const killed = await runUntilKilled(operation, path, workDirectory, next, kill);
    if (killed.durations.length > 0) estimateMs = Math.max(...killed.durations);
    for (let n = next; n <= killed.lastCommitted; n++) operation.statement(n, workDirectory).apply(model);
    const afterNext = cloneModel(model);
    operation.statement(killed.lastCommitted + 1, workDirectory).apply(afterNext);
    const search = operation.searches[point % operation.searches.length]!;
    const verification = await verifyAfterCrash(operation, path, [model, afterNext], search);
    leftoverSpillFiles += verification.leftoverSpillFiles;
    if (verification.state === 0) {
      if (killed.lastBegun > killed.lastCommitted) interrupted += 1;
      next = killed.lastCommitted + 1;
    } else {
      model = afterNext;
      next = killed.lastCommitted + 2;
    }
  }
  return { killPoints: operation.killPoints, interrupted, statementsCommitted: next, leftoverSpillFiles };
}
