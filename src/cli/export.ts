/**
 * `kmersearch export -d DIR [--table T]… [--dna-as-text] > dump.sql`: writes the database as a SQL script that
 * loads into PostgreSQL with pg_kmersearch installed (`psql -d mydb -v ON_ERROR_STOP=1 -f dump.sql`) — and into
 * kmersearch itself (`kmersearch -d NEWDIR -f dump.sql`) — in pg_dump's shape: settings, CREATE EXTENSION,
 * per table CREATE TABLE, `COPY t (cols) FROM stdin;` with the rows in PostgreSQL's text format ending in `\.`,
 * setval of its serial sequences, and finally CREATE INDEX with the same operator classes (after the data, as
 * pg_dump orders it, because building an index once is cheaper than maintaining it row by row). A partitioned
 * index is one CREATE INDEX on its table, which creates the partitions' indexes again when loaded.
 *
 * Everything is read from one storage snapshot, so the script is consistent even while another process writes.
 * `--dna-as-text` writes dna2/dna4 columns as text and leaves out what needs pg_kmersearch (the extension, the
 * kmersearch settings, the GIN indexes), for a PostgreSQL without it; the values are the same text either way.
 */
import { createWriteStream } from 'node:fs';
import { KmerSearchError, SqlState } from '../errors.js';
import { encodeCopyRow, resolveCopyOptions } from '../formats/index.js';
import { createdIndexIds, partitionMembershipOf, partitionsOf } from '../partition/index.js';
import { type SettingDefinition, formatSettingValue, settingDefinitions } from '../settings/index.js';
import {
  StorageEngine,
  formatColumnType,
  scanTable,
  type ColumnRecord,
  type IndexRecord,
  type SequenceRecord,
  type Snapshot,
  type TableRecord,
} from '../storage/index.js';
import { columnSqlType } from '../sql/column-types.js';
import { formatValue, type SqlValue } from '../sql/types.js';
import { ProgressDisplay, progressModeFor } from './progress.js';
import { ExitStatus, describeFileError } from './script.js';
import { packageVersion } from './shell.js';
import { programName } from './session.js';
import type { CommandContext } from './subcommand.js';
import {
  UsageError,
  openSubcommandDatabase,
  parseSubcommandPlan,
  parseSubcommandArguments,
  quoteIdentifier,
  quoteLiteral,
  reportError,
  tableNameArgument,
} from './subcommand-support.js';

const name = 'export';

export const exportHelp = `${programName} export writes a database as a SQL script for PostgreSQL with pg_kmersearch.

Usage:
  ${programName} export -d DBDIR [OPTION]... > dump.sql

Options:
  -d, --dbname=DBDIR     database directory
  -t, --table=TABLE      export only this table (repeatable; default: every table)
      --dna-as-text      write dna2/dna4 columns as text, and leave out the extension, the
                         kmersearch settings and the GIN indexes (for a PostgreSQL without
                         pg_kmersearch)
  -o, --output=FILE      write the script to FILE instead of standard output
  -q, --quiet            no progress
  -h, --help             show this help, then exit

Load the script with:  psql -d mydb -v ON_ERROR_STOP=1 -f dump.sql

Exit status: 0 on success, 1 on a usage or export error, 2 when the database cannot be
opened.
`;

interface ExportPlan {
  readonly directory: string;
  readonly tables: readonly string[];
  readonly dnaAsText: boolean;
  readonly output: string | undefined;
  readonly quiet: boolean;
}

function parseExportArguments(argv: readonly string[]): ExportPlan | 'help' {
  const { values, positionals } = parseSubcommandArguments(argv, {
    dbname: { type: 'string', short: 'd' },
    table: { type: 'string', short: 't', multiple: true },
    'dna-as-text': { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  const directory = values.dbname ?? positionals[0];
  if (directory === undefined) throw new UsageError('no database directory given (-d DBDIR)');
  const extra = values.dbname === undefined ? positionals.slice(1) : positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] as string}"`);
  return {
    directory,
    tables: (values.table ?? []).map(tableNameArgument),
    dnaAsText: values['dna-as-text'] === true,
    output: values.output,
    quiet: values.quiet === true,
  };
}

/** The settings that decide keys and scores: a loading session needs them for CREATE INDEX. */
const exportedSettings = [
  'kmersearch.kmer_size',
  'kmersearch.occur_bitlen',
  'kmersearch.max_appearance_rate',
  'kmersearch.max_appearance_nrow',
  'kmersearch.min_score',
  'kmersearch.min_shared_kmer_rate',
  'kmersearch.preclude_highfreq_kmer',
];

function settingDefault(settingName: string): string {
  const definition = settingDefinitions.find((candidate) => candidate.name === settingName) as SettingDefinition;
  return formatSettingValue(definition, definition.defaultValue);
}

/** `SET name = 'value';` lines for k and b with b at 0 in between, so that every pair passes 2k + b <= 64. */
function keyLayoutSettings(kmerSize: string, occurrenceBits: string): string[] {
  return [
    "SET kmersearch.occur_bitlen = '0';",
    `SET kmersearch.kmer_size = ${quoteLiteral(kmerSize)};`,
    `SET kmersearch.occur_bitlen = ${quoteLiteral(occurrenceBits)};`,
  ];
}

/** What an index recorded of the settings it was built with (src/gin's options), as SET lines. */
function indexSettings(index: IndexRecord): string[] {
  const options = index.options as { kmerSize?: unknown; occurrenceBits?: unknown; settings?: unknown };
  const lines: string[] = [];
  if (typeof options.kmerSize === 'number' && typeof options.occurrenceBits === 'number') {
    lines.push(...keyLayoutSettings(String(options.kmerSize), String(options.occurrenceBits)));
  }
  if (typeof options.settings === 'object' && options.settings !== null) {
    for (const [setting, value] of Object.entries(options.settings as Record<string, unknown>)) {
      if (setting === 'kmersearch.kmer_size' || setting === 'kmersearch.occur_bitlen' || !setting.startsWith('kmersearch.')) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      const text = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
      lines.push(`SET ${setting} = ${quoteLiteral(text)};`);
    }
  }
  return lines;
}

/** The sequence a serial column owns, if its default is that sequence's nextval (then it dumps as serial). */
function ownedSerialSequence(table: TableRecord, column: ColumnRecord, sequences: readonly SequenceRecord[]): SequenceRecord | undefined {
  return sequences.find(
    (sequence) =>
      sequence.ownedBy?.tableId === table.id &&
      sequence.ownedBy.columnName === column.name &&
      column.defaultExpression === `nextval(${quoteLiteral(quoteIdentifier(sequence.name))}::regclass)`,
  );
}

function columnDefinition(table: TableRecord, column: ColumnRecord, sequences: readonly SequenceRecord[], dnaAsText: boolean): string {
  const serial = ownedSerialSequence(table, column, sequences);
  const isDna = column.type.name === 'dna2' || column.type.name === 'dna4';
  let type = isDna && dnaAsText ? 'text' : formatColumnType(column.type);
  if (serial !== undefined) type = column.type.name === 'int8' ? 'bigserial' : 'serial';
  let definition = `    ${quoteIdentifier(column.name)} ${type}`;
  if (serial === undefined && column.defaultExpression !== null) definition += ` DEFAULT ${column.defaultExpression}`;
  if (column.notNull && serial === undefined) definition += ' NOT NULL';
  return definition;
}

function createTableStatement(table: TableRecord, sequences: readonly SequenceRecord[], dnaAsText: boolean): string {
  const lines = table.columns.map((column) => columnDefinition(table, column, sequences, dnaAsText));
  for (const constraint of table.constraints) {
    const columns = constraint.columnIndexes.map((index) => quoteIdentifier((table.columns[index] as ColumnRecord).name)).join(', ');
    const kind = constraint.kind === 'primary-key' ? 'PRIMARY KEY' : 'UNIQUE';
    lines.push(`    CONSTRAINT ${quoteIdentifier(constraint.name)} ${kind} (${columns})`);
  }
  return `CREATE TABLE ${quoteIdentifier(table.name)} (\n${lines.join(',\n')}\n);\n`;
}

/** The script's destination, with backpressure: a slow pipe must not make the dump pile up in memory. */
class ScriptOutput {
  private pieces: string[] = [];
  private characters = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.pieces.push(text);
    this.characters += text.length;
    if (this.characters >= 256 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pieces.length === 0) return;
    const text = this.pieces.join('');
    this.pieces = [];
    this.characters = 0;
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }
}

/**
 * COPY of a table's rows; `sources` are the tables whose rows it holds: the table itself, or a partitioned table's
 * partitions (its own heap is empty), whose rows the load routes again.
 */
async function writeTableData(
  output: ScriptOutput,
  snapshot: Snapshot,
  table: TableRecord,
  sources: readonly TableRecord[],
  context: CommandContext,
  quiet: boolean,
): Promise<number> {
  const columnList = table.columns.map((column) => quoteIdentifier(column.name)).join(', ');
  await output.write(`COPY ${quoteIdentifier(table.name)} (${columnList}) FROM stdin;\n`);
  const textOptions = resolveCopyOptions({ format: 'text' }, 'to');
  const types = table.columns.map((column) => columnSqlType(column.type));
  const display = new ProgressDisplay({
    stream: context.stderr,
    mode: progressModeFor(context.stderr, quiet),
    label: `table ${table.name}`,
    unit: 'items',
    itemName: 'rows',
  });
  let rows = 0;
  const total = sources.reduce((sum, source) => sum + source.liveRowCount, 0);
  for (const source of sources) {
    for (const batch of scanTable(snapshot, source.id)) {
      const values = new Array<string | null>(types.length);
      for (let row = 0; row < batch.rowIds.length; row++) {
        for (let column = 0; column < types.length; column++) {
          const value = (batch.columns[column] as readonly unknown[])[row] ?? null;
          values[column] = value === null ? null : formatValue(value as SqlValue, types[column] as (typeof types)[number]);
        }
        await output.write(encodeCopyRow(values, textOptions));
      }
      rows += batch.rowIds.length;
      display.update(rows, total);
    }
  }
  await output.write('\\.\n\n');
  display.finish(`table ${table.name}: ${rows} rows`);
  return rows;
}

async function writeScript(output: ScriptOutput, snapshot: Snapshot, plan: ExportPlan, context: CommandContext): Promise<void> {
  const allTables = snapshot.listTables().sort((left, right) => left.id - right.id);
  for (const wanted of plan.tables) {
    if (!allTables.some((table) => table.name === wanted)) throw new KmerSearchError(SqlState.undefinedTable, `relation "${wanted}" does not exist`);
  }
  const chosen = plan.tables.length === 0 ? allTables : allTables.filter((table) => plan.tables.includes(table.name));
  // A partitioned table is exported as one table holding all its rows, partitioned again by the reference's
  // kmersearch_partition_table once loaded (the same routing, so the same partitions); its partitions are not
  // exported on their own, but their indexes are, after the partitioning (a partitioned index's as one CREATE INDEX).
  const partitionsByParent = new Map(chosen.map((table) => [table.id, partitionsOf(snapshot, table)]));
  const tables = chosen.filter((table) => {
    const parentId = partitionMembershipOf(table)?.parentId;
    return parentId === undefined || !partitionsByParent.has(parentId);
  });
  const sequences = snapshot.listSequences();
  const indexedTables = tables.flatMap((table) => [table, ...(partitionsByParent.get(table.id) ?? [])]);
  // A partitioned index is one CREATE INDEX on the table, which creates the partitions' indexes again when loaded;
  // an index it attached (one that existed before it, exported before it) is attached again.
  const tableIndexes = indexedTables.flatMap((table) => snapshot.listIndexes(table.id));
  const createdWithParent = createdIndexIds(tableIndexes);
  const indexes = plan.dnaAsText
    ? []
    : tableIndexes.filter((index) => !createdWithParent.has(index.id)).sort((left, right) => left.id - right.id);

  await output.write(
    [
      '--',
      `-- kmersearch ${packageVersion()} export${plan.dnaAsText ? ' (DNA as text, for PostgreSQL without pg_kmersearch)' : ''}`,
      '-- Load it with:  psql -d mydb -v ON_ERROR_STOP=1 -f dump.sql',
      '--',
      '',
      // psql's own command (PostgreSQL's server SET client_encoding is unknown to kmersearch, which loads this too).
      '\\encoding UTF8',
      'SET client_min_messages = warning;',
      '',
      '',
    ].join('\n'),
  );
  if (!plan.dnaAsText) {
    await output.write(
      [
        'CREATE EXTENSION IF NOT EXISTS pg_kmersearch;',
        '',
        "-- kmersearch's settings at their defaults: each index below sets those it was built with just before it.",
        ...exportedSettings.map((setting) => `SET ${setting} = ${quoteLiteral(settingDefault(setting))};`),
        '',
        '',
      ].join('\n'),
    );
  }
  for (const table of tables) {
    const partitions = partitionsByParent.get(table.id) ?? [];
    await output.write(createTableStatement(table, sequences, plan.dnaAsText) + '\n');
    await writeTableData(output, snapshot, table, partitions.length > 0 ? partitions : [table], context, plan.quiet);
    for (const sequence of sequences) {
      if (sequence.ownedBy?.tableId !== table.id) continue;
      if (!sequence.isCalled && sequence.lastValue === sequence.startValue) continue;
      // setval takes regclass text: the name as an identifier (quoted when needed), inside a literal.
      await output.write(`SELECT setval(${quoteLiteral(quoteIdentifier(sequence.name))}, ${sequence.lastValue}, ${sequence.isCalled});\n\n`);
    }
    if (partitions.length === 0) continue;
    if (plan.dnaAsText) {
      // Without pg_kmersearch there is no kmersearch_partition_table (and text hashes differently): one table.
      await output.write(`-- ${table.name} was partitioned into ${partitions.length} partitions; exported as one table.\n\n`);
    } else {
      await output.write(`SELECT kmersearch_partition_table(${quoteLiteral(table.name)}, ${partitions.length});\n\n`);
    }
  }
  for (const index of indexes) {
    const table = indexedTables.find((candidate) => candidate.id === index.tableId) as TableRecord;
    const column = table.columns[index.columnIndex] as ColumnRecord;
    const settings = indexSettings(index);
    if (settings.length > 0) await output.write(`${settings.join('\n')}\n`);
    await output.write(
      `CREATE INDEX ${quoteIdentifier(index.name)} ON ${quoteIdentifier(table.name)} USING ${index.method} (${quoteIdentifier(column.name)} ${index.operatorClass});\n\n`,
    );
  }
  await output.flush();
}

export async function run(context: CommandContext): Promise<number> {
  const plan = parseSubcommandPlan(context, name, parseExportArguments, exportHelp);
  if (typeof plan === 'number') return plan;
  // The checks of a database that must exist; the engine itself is not needed, storage is read directly.
  const checked = await openSubcommandDatabase(context, name, plan.directory, true);
  if (typeof checked === 'number') return checked;
  await checked.close();
  let storage: StorageEngine;
  try {
    storage = await StorageEngine.open(plan.directory);
  } catch (error) {
    context.stderr.write(`${programName} ${name}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitStatus.badConnection;
  }
  let stream: NodeJS.WritableStream = context.stdout;
  let file: ReturnType<typeof createWriteStream> | undefined;
  try {
    if (plan.output !== undefined) {
      const opening = createWriteStream(plan.output);
      try {
        await new Promise<void>((resolve, reject) => {
          opening.once('open', () => resolve());
          opening.once('error', reject);
        });
      } catch (error) {
        context.stderr.write(`${programName} ${name}: error: ${plan.output}: ${describeFileError(error)}\n`);
        return ExitStatus.failure;
      }
      file = opening;
      stream = file;
    }
    const snapshot = storage.beginRead();
    try {
      await writeScript(new ScriptOutput(stream), snapshot, plan, context);
    } finally {
      snapshot.close();
    }
    return ExitStatus.success;
  } catch (error) {
    return reportError(context, name, error);
  } finally {
    if (file !== undefined) await new Promise<void>((resolve) => file?.end(() => resolve()));
    await storage.close();
  }
}
