/**
 * `kmersearch analyze -d DIR --table T [--column C] [settings…]`: the high-frequency k-mer analysis of a table's
 * DNA column, as pg_kmersearch users run it,
 *   SET kmersearch.kmer_size = …; …; SELECT * FROM kmersearch_perform_highfreq_analysis('t', 'seq')
 * with progress on standard error (a bar on a terminal, lines otherwise) and the result's fields on standard
 * output, one `name<TAB>value` line each, in the SQL text forms.
 */
import { KmerSearchError, SqlState, asKmerSearchError } from '../errors.js';
import type { KmerSearch } from '../sql/database.js';
import { ProgressDisplay, progressModeFor } from './progress.js';
import { ExitStatus } from './script.js';
import { programName } from './session.js';
import type { CommandContext } from './subcommand.js';
import {
  columnNameArgument,
  integerOption,
  keyLayoutSettingsOf,
  numberOption,
  openSubcommandDatabase,
  parseSubcommandArguments,
  parseSubcommandPlan,
  quoteIdentifier,
  quoteLiteral,
  reportError,
  tableNameArgument,
  UsageError,
} from './subcommand-support.js';

const name = 'analyze';

export const analyzeHelp = `${programName} analyze finds the high-frequency k-mers of a table's dna2/dna4 column and
stores them (kmersearch_perform_highfreq_analysis of pg_kmersearch); a new analysis replaces
the earlier one of the same table, column, k-mer size and occurrence bits.

Usage:
  ${programName} analyze -d DBDIR --table TABLE [OPTION]...

Options:
  -d, --dbname=DBDIR             database directory
  -t, --table=TABLE              table to analyse
      --column=NAME              dna2/dna4 column to analyse (default: the first one)
  -k, --kmer-size=K              SET kmersearch.kmer_size
      --occur-bitlen=B           SET kmersearch.occur_bitlen
      --max-appearance-rate=R    SET kmersearch.max_appearance_rate (0 to 1)
      --max-appearance-nrow=N    SET kmersearch.max_appearance_nrow (0: no cap)
  -j, --workers=N                worker threads (SET max_parallel_maintenance_workers;
                                 0 analyses in the main thread)
  -q, --quiet                    no progress and no summary
  -h, --help                     show this help, then exit

Output: the result on standard output, one "field<TAB>value" line each: total_rows,
highfreq_kmers_count, parallel_workers_used, max_appearance_rate_used,
max_appearance_nrow_used. Progress goes to standard error.

Exit status: 0 on success, 1 on a usage or analysis error, 2 when the database cannot be
opened, 130 when interrupted (the earlier analysis is then kept).
`;

interface AnalyzePlan {
  readonly directory: string;
  readonly table: string;
  readonly column: string | undefined;
  readonly settings: readonly (readonly [string, string])[];
  readonly workers: number | undefined;
  readonly quiet: boolean;
}

function parseAnalyzeArguments(argv: readonly string[]): AnalyzePlan | 'help' {
  const { values, positionals } = parseSubcommandArguments(argv, {
    dbname: { type: 'string', short: 'd' },
    table: { type: 'string', short: 't' },
    column: { type: 'string' },
    'kmer-size': { type: 'string', short: 'k' },
    'occur-bitlen': { type: 'string' },
    'max-appearance-rate': { type: 'string' },
    'max-appearance-nrow': { type: 'string' },
    workers: { type: 'string', short: 'j' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  if (values.dbname === undefined) throw new UsageError('no database directory given (-d DBDIR)');
  if (values.table === undefined) throw new UsageError('no table given (--table TABLE)');
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const settings = keyLayoutSettingsOf(values['kmer-size'], values['occur-bitlen']);
  const rate = numberOption('max-appearance-rate', values['max-appearance-rate'], 0, 1);
  if (rate !== undefined) settings.push(['kmersearch.max_appearance_rate', String(rate)]);
  const nrow = integerOption('max-appearance-nrow', values['max-appearance-nrow'], 0);
  if (nrow !== undefined) settings.push(['kmersearch.max_appearance_nrow', String(nrow)]);
  return {
    directory: values.dbname,
    table: tableNameArgument(values.table),
    column: values.column === undefined ? undefined : columnNameArgument(values.column),
    settings,
    workers: integerOption('workers', values.workers, 0),
    quiet: values.quiet === true,
  };
}

/** The column to analyse: the one named, or the table's first dna2/dna4 column. */
async function analysedColumn(db: KmerSearch, plan: AnalyzePlan): Promise<string> {
  const fields = (await db.query(`SELECT * FROM ${quoteIdentifier(plan.table)} LIMIT 0`)).fields;
  if (plan.column !== undefined) return plan.column;
  const column = fields.find((field) => field.typeName === 'dna2' || field.typeName === 'dna4')?.name;
  if (column === undefined) {
    throw new KmerSearchError(SqlState.invalidColumnReference, `relation "${plan.table}" has no dna2 or dna4 column to analyse`);
  }
  return column;
}

/** max_parallel_maintenance_workers = N, and max_parallel_workers raised to N when lower (it caps the pool). */
async function setWorkers(db: KmerSearch, workers: number): Promise<void> {
  await db.query(`SET max_parallel_maintenance_workers = ${workers}`);
  const [current] = (await db.queryText('SHOW max_parallel_workers')).rows;
  if (Number(current?.[0]) < workers) await db.query(`SET max_parallel_workers = ${workers}`);
}

export async function run(context: CommandContext): Promise<number> {
  const plan = parseSubcommandPlan(context, name, parseAnalyzeArguments, analyzeHelp);
  if (typeof plan === 'number') return plan;
  const opened = await openSubcommandDatabase(context, name, plan.directory, true);
  if (typeof opened === 'number') return opened;
  const db = opened;
  const controller = new AbortController();
  const unsubscribe = context.interrupts?.(() => controller.abort());
  try {
    for (const [setting, value] of plan.settings) await db.query(`SET ${setting} = '${value}'`);
    if (plan.workers !== undefined) await setWorkers(db, plan.workers);
    const column = await analysedColumn(db, plan);
    const label = `${plan.table}.${column}`;
    const display = new ProgressDisplay({
      stream: context.stderr,
      mode: progressModeFor(context.stderr, plan.quiet),
      label,
      unit: 'items',
      itemName: 'blocks',
    });
    let result;
    try {
      result = await db.queryText(`SELECT * FROM kmersearch_perform_highfreq_analysis(${quoteLiteral(plan.table)}, ${quoteLiteral(column)})`, {
        signal: controller.signal,
        onProgress: (progress) => display.update(progress.done, progress.total),
      });
    } catch (error) {
      display.clear();
      throw error;
    }
    const values = result.rows[0] ?? [];
    const lines = result.fields.map((field, index) => `${field.name}\t${values[index] ?? ''}\n`);
    display.finish(`${label}: ${values[1] ?? 0} high-frequency k-mers in ${values[0] ?? 0} rows, ${display.elapsedSeconds.toFixed(1)} s`);
    context.stdout.write(lines.join(''));
    return ExitStatus.success;
  } catch (error) {
    if (controller.signal.aborted && asKmerSearchError(error).code === SqlState.queryCanceled) {
      context.stderr.write(`${programName} ${name}: cancelled\n`);
      return ExitStatus.interrupted;
    }
    return reportError(context, name, error);
  } finally {
    unsubscribe?.();
    await db.close();
  }
}
