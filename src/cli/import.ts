/**
 * `kmersearch import -d DIR --table T [--type auto|dna2|dna4] FILE…`: loads FASTA/FASTQ files (plain or gzip)
 * into a table, creating it when missing as `(id bigserial PRIMARY KEY, name text, seq dna2|dna4)`.
 *
 * The whole import is one transaction (BEGIN, CREATE TABLE, one COPY per file, COMMIT): a bad record in the last
 * file leaves the database as it was, table included. `--type auto` (the default) creates the sequence column as
 * dna2 — half the space of dna4 and what plain genomes need — and, if a sequence holds another IUPAC code (N, R,
 * …), rolls back and starts over with dna4; so auto costs a second pass only for files that need dna4.
 */
import { statSync } from 'node:fs';
import { KmerSearchError, SqlState, asKmerSearchError } from '../errors.js';
import type { KmerSearch } from '../sql/database.js';
import type { QueryField } from '../sql/result.js';
import { ProgressDisplay, formatBytes, progressModeFor } from './progress.js';
import { ExitStatus } from './script.js';
import { programName } from './session.js';
import { detectFileFormat, detectStreamFormat, type SequenceFileFormat } from './sequence-files.js';
import type { CommandContext } from './subcommand.js';
import {
  UsageError,
  columnNameArgument,
  openSubcommandDatabase,
  parseSubcommandPlan,
  parseSubcommandArguments,
  quoteIdentifier,
  quoteLiteral,
  reportError,
  tableNameArgument,
} from './subcommand-support.js';

const name = 'import';

export const importHelp = `${programName} import loads FASTA/FASTQ files (plain or gzip) into a table.

Usage:
  ${programName} import -d DBDIR --table TABLE [OPTION]... FILE...

Options:
  -d, --dbname=DBDIR         database directory (created if missing)
  -t, --table=TABLE          table to load (created if missing as
                             id bigserial PRIMARY KEY, name text, seq dna2|dna4)
      --type=auto|dna2|dna4  type of the sequence column of a new table (default auto:
                             dna2, or dna4 when a sequence holds other IUPAC codes)
      --format=auto|fasta|fastq
                             input format (default auto: by file name, else by content)
      --name-column=NAME     column receiving record names (default: name for a new table,
                             the first text column of an existing one)
      --seq-column=NAME      column receiving sequences (default: seq for a new table,
                             the first dna2/dna4 column of an existing one)
  -q, --quiet                no progress and no summary
  -h, --help                 show this help, then exit

FILE "-" reads standard input. All files load in one transaction: on any error nothing
is loaded. Progress goes to standard error (a bar on a terminal, lines otherwise).

Exit status: 0 on success, 1 on a usage or load error, 2 when the database cannot be
opened, 130 when interrupted.
`;

interface ImportPlan {
  readonly directory: string;
  readonly table: string;
  readonly type: 'auto' | 'dna2' | 'dna4';
  readonly format: 'auto' | SequenceFileFormat;
  readonly nameColumn: string | undefined;
  readonly sequenceColumn: string | undefined;
  readonly quiet: boolean;
  readonly files: readonly string[];
}

function parseImportArguments(argv: readonly string[]): ImportPlan | 'help' {
  const { values, positionals } = parseSubcommandArguments(argv, {
    dbname: { type: 'string', short: 'd' },
    table: { type: 'string', short: 't' },
    type: { type: 'string' },
    format: { type: 'string' },
    'name-column': { type: 'string' },
    'seq-column': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  if (values.dbname === undefined) throw new UsageError('no database directory given (-d DBDIR)');
  if (values.table === undefined) throw new UsageError('no table given (--table TABLE)');
  if (positionals.length === 0) throw new UsageError('no input file given');
  const type = values.type ?? 'auto';
  if (type !== 'auto' && type !== 'dna2' && type !== 'dna4') throw new UsageError(`invalid value "${type}" for option --type: use auto, dna2 or dna4`);
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'fasta' && format !== 'fastq') {
    throw new UsageError(`invalid value "${format}" for option --format: use auto, fasta or fastq`);
  }
  if (positionals.filter((file) => file === '-').length > 1) throw new UsageError('standard input ("-") can be read only once');
  return {
    directory: values.dbname,
    table: tableNameArgument(values.table),
    type,
    format,
    nameColumn: values['name-column'] === undefined ? undefined : columnNameArgument(values['name-column']),
    sequenceColumn: values['seq-column'] === undefined ? undefined : columnNameArgument(values['seq-column']),
    quiet: values.quiet === true,
    files: positionals,
  };
}

/** The columns of an existing table, or undefined when there is no such table. */
async function existingColumns(db: KmerSearch, table: string): Promise<readonly QueryField[] | undefined> {
  try {
    return (await db.query(`SELECT * FROM ${quoteIdentifier(table)} LIMIT 0`)).fields;
  } catch (error) {
    if (error instanceof KmerSearchError && error.code === SqlState.undefinedTable) return undefined;
    throw error;
  }
}

/** The DNA2 input error: the sign that `--type auto` must start over with dna4. */
function needsDna4(error: unknown): boolean {
  return error instanceof KmerSearchError && error.code === SqlState.invalidTextRepresentation && /for DNA2 type$/u.test(error.message);
}

interface Target {
  readonly create: string | undefined;
  readonly copyColumns: string;
}

/** What to create (if anything) and which columns the COPYs fill. */
function planTarget(plan: ImportPlan, columns: readonly QueryField[] | undefined, type: 'dna2' | 'dna4'): Target {
  const table = quoteIdentifier(plan.table);
  if (columns === undefined) {
    const nameColumn = plan.nameColumn ?? 'name';
    const sequenceColumn = plan.sequenceColumn ?? 'seq';
    if (nameColumn === sequenceColumn) throw new UsageError('--name-column and --seq-column must differ');
    const idColumn = nameColumn === 'id' || sequenceColumn === 'id' ? 'row_id' : 'id';
    return {
      create: `CREATE TABLE ${table} (${quoteIdentifier(idColumn)} bigserial PRIMARY KEY, ${quoteIdentifier(nameColumn)} text, ${quoteIdentifier(sequenceColumn)} ${type})`,
      copyColumns: `${quoteIdentifier(nameColumn)}, ${quoteIdentifier(sequenceColumn)}`,
    };
  }
  const find = (wanted: string): QueryField => {
    const field = columns.find((column) => column.name === wanted);
    if (field === undefined) throw new KmerSearchError(SqlState.undefinedColumn, `column "${wanted}" of relation "${plan.table}" does not exist`);
    return field;
  };
  const sequenceField = plan.sequenceColumn === undefined ? columns.find((column) => column.typeName === 'dna2' || column.typeName === 'dna4') : find(plan.sequenceColumn);
  if (sequenceField === undefined) {
    throw new KmerSearchError(SqlState.invalidColumnReference, `relation "${plan.table}" has no dna2 or dna4 column for the sequences`, {
      hint: 'Name the column with --seq-column.',
    });
  }
  if (plan.type !== 'auto' && (sequenceField.typeName === 'dna2' || sequenceField.typeName === 'dna4') && sequenceField.typeName !== plan.type) {
    throw new UsageError(`--type ${plan.type} does not match column "${sequenceField.name}" of table "${plan.table}", which is ${sequenceField.typeName}`);
  }
  const nameField =
    plan.nameColumn === undefined
      ? columns.find((column) => (column.typeName === 'text' || column.typeName.startsWith('character varying')) && column !== sequenceField)
      : find(plan.nameColumn);
  return {
    create: undefined,
    copyColumns: nameField === undefined ? quoteIdentifier(sequenceField.name) : `${quoteIdentifier(nameField.name)}, ${quoteIdentifier(sequenceField.name)}`,
  };
}

interface FileInput {
  readonly file: string;
  readonly format: SequenceFileFormat;
  readonly size: number | undefined;
  readonly stdin: AsyncIterable<Uint8Array> | undefined;
}

async function prepareInputs(plan: ImportPlan, context: CommandContext): Promise<FileInput[]> {
  const inputs: FileInput[] = [];
  for (const file of plan.files) {
    if (file === '-') {
      const source = context.stdin as AsyncIterable<Uint8Array>;
      if (plan.format !== 'auto') inputs.push({ file, format: plan.format, size: undefined, stdin: source });
      else {
        const { format, data } = await detectStreamFormat(source, 'standard input');
        inputs.push({ file, format, size: undefined, stdin: data });
      }
      continue;
    }
    const format = plan.format === 'auto' ? await detectFileFormat(file) : plan.format;
    let size: number | undefined;
    try {
      size = statSync(file).size;
    } catch {
      // COPY reports the file it cannot open, with PostgreSQL's words.
    }
    inputs.push({ file, format, size, stdin: undefined });
  }
  return inputs;
}

/** One attempt: the whole import in one transaction. Returns the number of records loaded. */
async function load(
  db: KmerSearch,
  plan: ImportPlan,
  target: Target,
  inputs: readonly FileInput[],
  context: CommandContext,
  signal: AbortSignal,
): Promise<number> {
  const table = quoteIdentifier(plan.table);
  let total = 0;
  await db.query('BEGIN');
  try {
    if (target.create !== undefined) await db.query(target.create);
    for (const input of inputs) {
      const label = input.file === '-' ? 'standard input' : input.file;
      const display = new ProgressDisplay({ stream: context.stderr, mode: progressModeFor(context.stderr, plan.quiet), label, unit: 'bytes' });
      const source = input.stdin === undefined ? quoteLiteral(input.file) : 'STDIN';
      let bytes = 0;
      try {
        const result = await db.query(`COPY ${table} (${target.copyColumns}) FROM ${source} WITH (FORMAT ${input.format})`, [], {
          signal,
          ...(input.stdin === undefined ? {} : { stdin: input.stdin }),
          onProgress: (progress) => {
            if (progress.unit !== 'bytes') return;
            bytes = progress.done;
            display.update(progress.done, progress.total);
          },
        });
        total += result.affectedRows;
        const seconds = display.elapsedSeconds;
        const rate = seconds > 0 ? `, ${formatBytes(bytes / seconds)}/s` : '';
        const records = `${result.affectedRows} record${result.affectedRows === 1 ? '' : 's'}`;
        display.finish(`${label}: ${records}, ${formatBytes(bytes)} in ${seconds.toFixed(1)} s${rate}`);
      } catch (error) {
        display.clear();
        throw error;
      }
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return total;
}

export async function run(context: CommandContext): Promise<number> {
  const plan = parseSubcommandPlan(context, name, parseImportArguments, importHelp);
  if (typeof plan === 'number') return plan;
  const opened = await openSubcommandDatabase(context, name, plan.directory, false);
  if (typeof opened === 'number') return opened;
  const db = opened;
  const controller = new AbortController();
  const unsubscribe = context.interrupts?.(() => controller.abort());
  try {
    const inputs = await prepareInputs(plan, context);
    const columns = await existingColumns(db, plan.table);
    let type: 'dna2' | 'dna4' = plan.type === 'dna4' ? 'dna4' : 'dna2';
    let total: number;
    try {
      total = await load(db, plan, planTarget(plan, columns, type), inputs, context, controller.signal);
    } catch (error) {
      if (!(plan.type === 'auto' && columns === undefined && needsDna4(error))) throw error;
      if (inputs.some((input) => input.stdin !== undefined)) {
        throw new KmerSearchError(SqlState.invalidParameterValue, 'standard input holds IUPAC codes other than A, C, G, T and U, and cannot be read twice', {
          hint: 'Give --type dna4.',
        });
      }
      if (!plan.quiet) context.stderr.write(`${programName} import: sequences hold IUPAC codes other than A, C, G, T and U: loading again as dna4\n`);
      type = 'dna4';
      total = await load(db, plan, planTarget(plan, columns, type), inputs, context, controller.signal);
    }
    if (!plan.quiet) {
      const files = plan.files.length === 1 ? '1 file' : `${plan.files.length} files`;
      context.stderr.write(`${programName} import: loaded ${total} records from ${files} into table "${plan.table}"\n`);
    }
    return ExitStatus.success;
  } catch (error) {
    if (controller.signal.aborted && asKmerSearchError(error).code === SqlState.queryCanceled) {
      context.stderr.write(`${programName} import: cancelled; nothing was loaded\n`);
      return ExitStatus.interrupted;
    }
    return reportError(context, name, error);
  } finally {
    unsubscribe?.();
    await db.close();
  }
}
