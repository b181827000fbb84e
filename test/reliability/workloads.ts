/**
 * The scripted workloads of the crash harness (crash-harness.ts): for each operation, the database it starts
 * from, the statements a child process runs one after another, and a model of what each statement commits, so
 * that the parent can tell after a SIGKILL exactly which state the database must be in. Adding an operation to
 * the crash tests is one entry in `operations`.
 *
 * Row contents are a pure function of (id, version) on both sides: SQL computes `sequenceSql`, the model
 * `sequenceOf`, so a statement's effect on the model is a few lines of JavaScript.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KmerSearch } from '../../src/index.js';
import { attachedIndexesOf, isPartitionedIndex, parentIndexOf } from '../../src/partition/index.js';
import type { StorageEngine } from '../../src/storage/index.js';

/** What the database holds: per table, each row's text form keyed by its primary key; the kmersearch indexes. */
export interface Model {
  readonly tables: Map<string, Map<string, string>>;
  readonly indexes: Set<string>;
}

export function cloneModel(model: Model): Model {
  return { tables: new Map([...model.tables].map(([name, rows]) => [name, new Map(rows)])), indexes: new Set(model.indexes) };
}

/** Reads a table of the model back from a database that is not a single query: its row texts, in any order. */
export type TableReader = (db: KmerSearch) => Promise<string[]>;

export interface WorkloadStatement {
  readonly sql: string;
  /** Files the statement reads (COPY), written by the child just before it starts the statement. */
  readonly files?: readonly { readonly path: string; readonly content: string }[];
  /** The statement's effect once committed. */
  apply(model: Model): void;
}

export interface Operation {
  readonly name: string;
  /** The script that creates the starting database (run once, by the parent); the model is built to match it. */
  readonly setup: string;
  readonly setupModel: () => Model;
  /** Settings every session runs first (the children's and the verifier's). */
  readonly session: string;
  /** The n-th statement of the workload (n = 0, 1, …); `workDirectory` holds the files of COPY. */
  statement(n: number, workDirectory: string): WorkloadStatement;
  /** How each table is read back: a query whose rows, joined by tabs, are the model's row texts, or a reader. */
  readonly reads: Readonly<Record<string, string | TableReader>>;
  /** Searches compared between the index path and the sequential path after a kill (one per kill, in turn). */
  readonly searches: readonly string[];
  /** Whether its statements write spill files (then half of the kill points wait for one to appear). */
  readonly spills?: boolean;
  /** Kill points of this operation in CI, and a first guess of a statement's duration (ms). */
  readonly killPoints: number;
  readonly maxDelayMs: number;
}

const unit = 'ACGGTCAGTTCAGGATTACA';
const source = unit.repeat(20);

/** The sequence of row `id` at `version`, as `sequenceSql` computes it. */
export function sequenceOf(id: number, version: number): string {
  return source.substr((id * 7 + version) % 40, 60 + (id % 50));
}

/** SQL of `sequenceOf` for column or expression texts `id` and `version`. */
export function sequenceSql(id: string, version: string): string {
  return `substr(repeat('${unit}', 20), 1 + ((${id}) * 7 + (${version})) % 40, 60 + (${id}) % 50)::dna2`;
}

const session = 'SET kmersearch.kmer_size = 8';
const createRows = 'CREATE TABLE t (id int PRIMARY KEY, version int, seq dna2)';
const createIndex = 'CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4) WITH (gin_pending_list_limit = 64)';
const queries = ['ACGGTCAGTTCAGGATTACAACGG', 'TCAGGATTACAACGGTCAG', 'GATTACAACGGTCAGTTCAGGAT'];
const rowSearches = queries.map((query) => `SELECT id, kmersearch_matchscore(seq, '${query}') FROM t WHERE seq =% '${query}' ORDER BY id`);

function rowText(id: number, version: number): string {
  return `${id}\t${version}\t${sequenceOf(id, version)}`;
}

function insertModelRows(model: Model, first: number, last: number): void {
  const rows = model.tables.get('t')!;
  for (let id = first; id <= last; id++) rows.set(String(id), rowText(id, 0));
}

/** Table `t` with rows 1..rowCount at version 0, with or without the index. */
function rowsDatabase(rowCount: number, indexed: boolean): Pick<Operation, 'setup' | 'setupModel' | 'session' | 'reads'> {
  return {
    setup: [
      session,
      createRows,
      `INSERT INTO t SELECT i, 0, ${sequenceSql('i', '0')} FROM generate_series(1, ${rowCount}) AS g(i)`,
      ...(indexed ? [createIndex] : []),
    ].join(';\n'),
    setupModel: () => {
      const model: Model = { tables: new Map([['t', new Map()]]), indexes: new Set(indexed ? ['t_seq_idx'] : []) };
      insertModelRows(model, 1, rowCount);
      return model;
    },
    session,
    reads: { t: 'SELECT id, version, seq FROM t' },
  };
}

/** PostgreSQL COPY text format rows for ids first..last at version 0. */
function copyText(first: number, last: number): string {
  let text = '';
  for (let id = first; id <= last; id++) text += `${rowText(id, 0)}\n`;
  return text;
}

const fastaRecordsPerStatement = 1500;

function fastaName(n: number, record: number): string {
  return `r${n}_${record}`;
}

/** The FASTA records of statement n: longer sequences, wrapped at 60 columns as FASTA files usually are. */
function fastaSequence(n: number, record: number): string {
  const id = n * fastaRecordsPerStatement + record;
  return sequenceOf(id, 0) + sequenceOf(id + 1, 1) + sequenceOf(id + 2, 2);
}

function fastaText(n: number): string {
  let text = '';
  for (let record = 0; record < fastaRecordsPerStatement; record++) {
    text += `>${fastaName(n, record)} statement ${n}\n`;
    const sequence = fastaSequence(n, record);
    for (let offset = 0; offset < sequence.length; offset += 60) text += `${sequence.slice(offset, offset + 60)}\n`;
  }
  return text;
}

const insertBatch = 2000;
const copyBatch = 3000;
const updateRows = 4000;
const deleteRows = 4000;
const buildRows = 8000;
const partitionRows = 3000;
const partitionedIndexRows = 8000;

const partitionCount = 4;
const partitionNames = Array.from({ length: partitionCount }, (_, index) => `t_${index}`);
const partitionIndexNames = partitionNames.map((name) => `${name}_seq_gin_idx`);

/**
 * The partitions of `t` that exist, by name. When there are some, every row of the parent must be in exactly one
 * of them: a row missing, doubled or left in a partition that is not the parent's is reported as a row of its own,
 * which no model holds.
 */
async function readPartitions(db: KmerSearch): Promise<string[]> {
  const names: string[] = [];
  const rowsInPartitions: string[] = [];
  for (const name of partitionNames) {
    try {
      const rows = (await db.queryText(`SELECT id, version, seq FROM ${name}`)).rows;
      names.push(name);
      for (const row of rows) rowsInPartitions.push(row.map((value) => value ?? '').join('\t'));
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('does not exist')) throw error;
    }
  }
  if (names.length === 0) return names;
  const parentRows = (await db.queryText('SELECT id, version, seq FROM t')).rows.map((row) => row.map((value) => value ?? '').join('\t'));
  const sorted = (rows: string[]): string => rows.sort().join('\n');
  return sorted(rowsInPartitions) === sorted(parentRows) ? names : [...names, 'the partitions do not hold the rows of t'];
}

/**
 * The cycle of the partition workload, so that every statement has work to do: partitioning (which drops the
 * index of `t`), one index per partition, unpartitioning (which drops them), and the index of `t` again.
 */
function partitionStatement(n: number): WorkloadStatement {
  const setPartitions = (model: Model, names: readonly string[]): void =>
    void model.tables.set('partitions', new Map(names.map((name) => [name, name])));
  switch (n % 4) {
    case 0:
      return {
        sql: `SELECT kmersearch_partition_table('t', ${partitionCount})`,
        apply: (model) => {
          model.indexes.delete('t_seq_idx');
          setPartitions(model, partitionNames);
        },
      };
    case 1:
      return {
        sql: "SELECT count(*) FROM kmersearch_parallel_create_index('t', 'seq') WHERE success",
        apply: (model) => partitionIndexNames.forEach((name) => model.indexes.add(name)),
      };
    case 2:
      return {
        sql: "SELECT kmersearch_unpartition_table('t')",
        apply: (model) => {
          partitionIndexNames.forEach((name) => model.indexes.delete(name));
          setPartitions(model, []);
        },
      };
    default:
      return { sql: createIndex, apply: (model) => void model.indexes.add('t_seq_idx') };
  }
}

/**
 * The indexes of the database as `index on table` (read from storage: SQL has no pg_class), after checking that
 * they form whole partitioned indexes: every index of a partition is attached to a partitioned index of the
 * parent, every partitioned index finds each of its attached indexes, and each attached index is used for a search of
 * its partition and answers it as the sequential evaluation does. A violation is reported as a row no model holds.
 */
async function readPartitionedIndexes(db: KmerSearch): Promise<string[]> {
  const storage = (db as unknown as { readonly storage: StorageEngine }).storage;
  const snapshot = storage.beginRead();
  const found: string[] = [];
  const attached: string[] = [];
  try {
    for (const index of snapshot.listIndexes()) {
      const table = snapshot.getTable(index.tableId)?.name ?? '(no table)';
      found.push(`${index.name} on ${table}`);
      if (isPartitionedIndex(index)) {
        const children = attachedIndexesOf(snapshot, index);
        if (children.length !== partitionCount) found.push(`${index.name} has ${children.length} attached indexes`);
      } else if (parentIndexOf(snapshot, index) === undefined) {
        found.push(`${index.name} is attached to no partitioned index`);
      } else {
        attached.push(table);
      }
    }
  } finally {
    snapshot.close();
  }
  for (const partition of attached) {
    for (const query of queries) {
      const sql = `SELECT id, kmersearch_matchscore(seq, '${query}') FROM ${partition} WHERE seq =% '${query}' ORDER BY id`;
      // The index path (enable_seqscan off) must use the attached index; the sequential path must not.
      const answerOn = async (path: string): Promise<{ readonly indexUsed: boolean; readonly rows: string }> => {
        await db.exec(path);
        const plan = (await db.queryText(`EXPLAIN ${sql}`)).rows.map((row) => row[0] ?? '');
        const rows = (await db.queryText(sql)).rows.map((row) => row.join(' ')).join(', ');
        return { indexUsed: plan.some((line) => line.includes('Bitmap Index Scan')), rows };
      };
      const indexed = await answerOn('SET enable_bitmapscan = on; SET enable_seqscan = off');
      const sequential = await answerOn('SET enable_bitmapscan = off; SET enable_seqscan = on');
      await db.exec('RESET enable_bitmapscan; RESET enable_seqscan');
      if (!indexed.indexUsed || sequential.indexUsed || indexed.rows !== sequential.rows) {
        found.push(`${partition}: the index path gives ${JSON.stringify(indexed)}, the sequential path ${JSON.stringify(sequential)}`);
      }
    }
  }
  return found;
}

/** What the partitioned index t_seq_idx of the partitioned workload is in the catalog: itself and one per partition. */
const partitionedIndexCatalog = ['t_seq_idx on t', ...partitionNames.map((name) => `${name}_seq_idx on ${name}`)];

export const operations: readonly Operation[] = [
  {
    name: 'INSERT',
    ...rowsDatabase(2000, true),
    statement: (n) => {
      const first = 100_000 + n * insertBatch;
      const last = first + insertBatch - 1;
      return {
        sql: `INSERT INTO t SELECT i, 0, ${sequenceSql('i', '0')} FROM generate_series(${first}, ${last}) AS g(i)`,
        apply: (model) => insertModelRows(model, first, last),
      };
    },
    searches: rowSearches,
    killPoints: 6,
    maxDelayMs: 400,
  },
  {
    name: 'UPDATE',
    ...rowsDatabase(updateRows, true),
    statement: (n) => ({
      sql: `UPDATE t SET version = version + 1, seq = ${sequenceSql('id', 'version + 1')} WHERE id % 3 = ${n % 3}`,
      apply: (model) => {
        const rows = model.tables.get('t')!;
        for (const [key, text] of rows) {
          const id = Number(key);
          if (id % 3 !== n % 3) continue;
          const version = Number(text.split('\t')[1]) + 1;
          rows.set(key, rowText(id, version));
        }
      },
    }),
    searches: rowSearches,
    killPoints: 6,
    maxDelayMs: 600,
  },
  {
    name: 'DELETE',
    ...rowsDatabase(deleteRows, true),
    statement: (n) => ({
      sql: `DELETE FROM t WHERE id % 17 = ${n % 17}`,
      apply: (model) => {
        const rows = model.tables.get('t')!;
        for (const key of [...rows.keys()]) if (Number(key) % 17 === n % 17) rows.delete(key);
      },
    }),
    searches: rowSearches,
    killPoints: 6,
    maxDelayMs: 60,
  },
  {
    name: 'COPY (text)',
    ...rowsDatabase(1000, true),
    statement: (n, workDirectory) => {
      const first = 100_000 + n * copyBatch;
      const last = first + copyBatch - 1;
      const path = join(workDirectory, `copy-${n}.tsv`);
      return {
        sql: `COPY t FROM '${path}'`,
        files: [{ path, content: copyText(first, last) }],
        apply: (model) => insertModelRows(model, first, last),
      };
    },
    searches: rowSearches,
    killPoints: 6,
    maxDelayMs: 500,
  },
  {
    name: 'COPY (FASTA)',
    setup: [
      session,
      'CREATE TABLE f (name text PRIMARY KEY, seq dna2)',
      'CREATE INDEX f_seq_idx ON f USING gin (seq kmersearch_dna2_gin_ops_int4) WITH (gin_pending_list_limit = 64)',
    ].join(';\n'),
    setupModel: () => ({ tables: new Map([['f', new Map()]]), indexes: new Set(['f_seq_idx']) }),
    session,
    reads: { f: 'SELECT name, seq FROM f' },
    statement: (n, workDirectory) => {
      const path = join(workDirectory, `copy-${n}.fa`);
      return {
        sql: `COPY f (name, seq) FROM '${path}' WITH (FORMAT fasta)`,
        files: [{ path, content: fastaText(n) }],
        apply: (model) => {
          const rows = model.tables.get('f')!;
          for (let record = 0; record < fastaRecordsPerStatement; record++) {
            rows.set(fastaName(n, record), `${fastaName(n, record)}\t${fastaSequence(n, record)}`);
          }
        },
      };
    },
    searches: queries.map((query) => `SELECT name FROM f WHERE seq =% '${query}' ORDER BY name`),
    killPoints: 5,
    maxDelayMs: 500,
  },
  {
    // A build under maintenance_work_mem = 1MB spills sorted runs to files, so kills leave spill files behind.
    name: 'CREATE INDEX',
    ...rowsDatabase(buildRows, false),
    session: `${session}; SET maintenance_work_mem = '1MB'`,
    statement: (n) =>
      n % 2 === 0
        ? { sql: createIndex, apply: (model) => void model.indexes.add('t_seq_idx') }
        : { sql: 'DROP INDEX t_seq_idx', apply: (model) => void model.indexes.delete('t_seq_idx') },
    searches: rowSearches,
    spills: true,
    killPoints: 6,
    maxDelayMs: 700,
  },
  {
    name: 'REINDEX',
    ...rowsDatabase(buildRows, true),
    session: `${session}; SET maintenance_work_mem = '1MB'`,
    statement: () => ({ sql: 'REINDEX INDEX t_seq_idx', apply: () => undefined }),
    searches: rowSearches,
    spills: true,
    killPoints: 5,
    maxDelayMs: 700,
  },
  {
    // The high-frequency analysis and its undo: each writes the system tables in one statement.
    name: 'analysis',
    ...rowsDatabase(buildRows, false),
    setupModel: () => {
      const model = rowsDatabase(buildRows, false).setupModel();
      model.tables.set('analyses', new Map([['count', '0']]));
      model.tables.set('highfreq', new Map([['present', 'f']]));
      return model;
    },
    reads: {
      t: 'SELECT id, version, seq FROM t',
      analyses: 'SELECT count(*) FROM kmersearch_highfreq_kmer_meta',
      highfreq: 'SELECT count(*) > 0 FROM kmersearch_highfreq_kmer',
    },
    statement: (n) => {
      const analysed = n % 2 === 0;
      return {
        sql: analysed
          ? "SELECT total_rows FROM kmersearch_perform_highfreq_analysis('t', 'seq')"
          : "SELECT dropped_analyses FROM kmersearch_undo_highfreq_analysis('t', 'seq')",
        apply: (model) => {
          model.tables.set('analyses', new Map([['count', analysed ? '1' : '0']]));
          model.tables.set('highfreq', new Map([['present', analysed ? 't' : 'f']]));
        },
      };
    },
    searches: rowSearches,
    killPoints: 5,
    maxDelayMs: 500,
  },
  {
    // Partitioning and unpartitioning move every row and change the table's structure in one statement; the
    // partitions' indexes are built by kmersearch_parallel_create_index in worker threads.
    name: 'partition',
    ...rowsDatabase(partitionRows, true),
    setupModel: () => {
      const model = rowsDatabase(partitionRows, true).setupModel();
      model.tables.set('partitions', new Map());
      return model;
    },
    reads: { t: 'SELECT id, version, seq FROM t', partitions: readPartitions },
    statement: partitionStatement,
    searches: rowSearches,
    killPoints: 10,
    maxDelayMs: 400,
  },
  {
    // CREATE INDEX on the partitioned table (a partitioned index with one attached index per partition, each build
    // spilling under maintenance_work_mem = 1MB), REINDEX of the partitioned index, DROP INDEX of it: whole or none.
    name: 'partitioned index',
    ...rowsDatabase(partitionedIndexRows, false),
    setup: [rowsDatabase(partitionedIndexRows, false).setup, `SELECT kmersearch_partition_table('t', ${partitionCount})`].join(';\n'),
    setupModel: () => {
      const model = rowsDatabase(partitionedIndexRows, false).setupModel();
      model.tables.set('indexes', new Map());
      return model;
    },
    session: `${session}; SET maintenance_work_mem = '1MB'`,
    reads: { t: 'SELECT id, version, seq FROM t', indexes: readPartitionedIndexes },
    statement: (n) => {
      const setIndex = (model: Model, present: boolean): void => {
        model.tables.set('indexes', new Map(present ? partitionedIndexCatalog.map((entry) => [entry, entry]) : []));
        if (present) model.indexes.add('t_seq_idx');
        else model.indexes.delete('t_seq_idx');
      };
      switch (n % 3) {
        case 0:
          return { sql: 'CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4)', apply: (model) => setIndex(model, true) };
        case 1:
          return { sql: 'REINDEX INDEX t_seq_idx', apply: () => undefined };
        default:
          return { sql: 'DROP INDEX t_seq_idx', apply: (model) => setIndex(model, false) };
      }
    },
    searches: rowSearches,
    spills: true,
    killPoints: 6,
    maxDelayMs: 300,
  },
];

export function operationNamed(name: string): Operation {
  const operation = operations.find((candidate) => candidate.name === name);
  if (operation === undefined) throw new Error(`no workload operation named ${name}`);
  return operation;
}

/** Writes the files a statement reads. */
export function writeStatementFiles(statement: WorkloadStatement): void {
  for (const file of statement.files ?? []) writeFileSync(file.path, file.content);
}
