/**
 * `kmersearch search -d DIR --table T QUERIES.fa…`: searches a table with every read of FASTA/FASTQ files and
 * prints one tab-separated line per hit — query name, row name, score — best hits first.
 *
 * Each read runs the query pg_kmersearch users write,
 *   SELECT name, kmersearch_matchscore(seq, $1) AS score FROM t WHERE seq =% $1 ORDER BY score DESC, name LIMIT n
 * so the answers are the SQL's, and the planner's index path (where an index exists) serves the command too.
 */
import { KmerSearchError, SqlState, asKmerSearchError } from '../errors.js';
import { openSequenceFile, readSequenceStream, type SequenceReader } from '../formats/index.js';
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
  reportError,
  tableNameArgument,
  UsageError,
} from './subcommand-support.js';

const name = 'search';

export const searchHelp = `${programName} search finds the rows most similar to each read of FASTA/FASTQ files
(k-mer matching, as the =% operator and kmersearch_matchscore of pg_kmersearch).

Usage:
  ${programName} search -d DBDIR --table TABLE [OPTION]... QUERIES...

Options:
  -d, --dbname=DBDIR             database directory
  -t, --table=TABLE              table to search
      --column=NAME              dna2/dna4 column to search (default: the first one)
      --name-column=NAME         column printed for a hit (default: the first text column)
  -n, --limit=N                  hits per query, best first (default 10)
      --min-score=N              SET kmersearch.min_score
      --min-shared-kmer-rate=R   SET kmersearch.min_shared_kmer_rate (0 to 1)
  -k, --kmer-size=K              SET kmersearch.kmer_size
      --occur-bitlen=B           SET kmersearch.occur_bitlen
      --header                   print a header line (query, row, score)
  -q, --quiet                    no progress and no summary
  -h, --help                     show this help, then exit

Output: one line per hit on standard output: query name, row name, score, separated by
tabs; hits of one query are ordered by score (highest first), then row name. QUERIES "-"
reads standard input. A read the settings refuse (e.g. shorter than the k-mer size) is
skipped with a warning on standard error.

Exit status: 0 on success, 1 on a usage or search error, 2 when the database cannot be
opened, 130 when interrupted.
`;

interface SearchPlan {
  readonly directory: string;
  readonly table: string;
  readonly column: string | undefined;
  readonly nameColumn: string | undefined;
  readonly limit: number;
  readonly settings: readonly (readonly [string, string])[];
  readonly header: boolean;
  readonly quiet: boolean;
  readonly files: readonly string[];
}

function parseSearchArguments(argv: readonly string[]): SearchPlan | 'help' {
  const { values, positionals } = parseSubcommandArguments(argv, {
    dbname: { type: 'string', short: 'd' },
    table: { type: 'string', short: 't' },
    column: { type: 'string' },
    'name-column': { type: 'string' },
    limit: { type: 'string', short: 'n' },
    'min-score': { type: 'string' },
    'min-shared-kmer-rate': { type: 'string' },
    'kmer-size': { type: 'string', short: 'k' },
    'occur-bitlen': { type: 'string' },
    header: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  if (values.dbname === undefined) throw new UsageError('no database directory given (-d DBDIR)');
  if (values.table === undefined) throw new UsageError('no table given (--table TABLE)');
  if (positionals.length === 0) throw new UsageError('no query file given');
  if (positionals.filter((file) => file === '-').length > 1) throw new UsageError('standard input ("-") can be read only once');
  const settings = keyLayoutSettingsOf(values['kmer-size'], values['occur-bitlen']);
  const minScore = integerOption('min-score', values['min-score'], 0);
  if (minScore !== undefined) settings.push(['kmersearch.min_score', String(minScore)]);
  const rate = numberOption('min-shared-kmer-rate', values['min-shared-kmer-rate'], 0, 1);
  if (rate !== undefined) settings.push(['kmersearch.min_shared_kmer_rate', String(rate)]);
  return {
    directory: values.dbname,
    table: tableNameArgument(values.table),
    column: values.column === undefined ? undefined : columnNameArgument(values.column),
    nameColumn: values['name-column'] === undefined ? undefined : columnNameArgument(values['name-column']),
    limit: integerOption('limit', values.limit, 1) ?? 10,
    settings,
    header: values.header === true,
    quiet: values.quiet === true,
    files: positionals,
  };
}

/** The statement run for every read, with the table's columns resolved. */
async function searchStatement(db: KmerSearch, plan: SearchPlan): Promise<string> {
  const fields = (await db.query(`SELECT * FROM ${quoteIdentifier(plan.table)} LIMIT 0`)).fields;
  const find = (wanted: string): void => {
    if (!fields.some((field) => field.name === wanted)) {
      throw new KmerSearchError(SqlState.undefinedColumn, `column "${wanted}" of relation "${plan.table}" does not exist`);
    }
  };
  if (plan.column !== undefined) find(plan.column);
  if (plan.nameColumn !== undefined) find(plan.nameColumn);
  const column = plan.column ?? fields.find((field) => field.typeName === 'dna2' || field.typeName === 'dna4')?.name;
  if (column === undefined) {
    throw new KmerSearchError(SqlState.invalidColumnReference, `relation "${plan.table}" has no dna2 or dna4 column to search`);
  }
  const nameColumn =
    plan.nameColumn ?? fields.find((field) => field.typeName === 'text' || field.typeName.startsWith('character varying'))?.name;
  if (nameColumn === undefined) {
    throw new KmerSearchError(SqlState.invalidColumnReference, `relation "${plan.table}" has no text column to name the hits`, {
      hint: 'Name the column to print with --name-column.',
    });
  }
  const sequence = quoteIdentifier(column);
  return (
    `SELECT ${quoteIdentifier(nameColumn)}::text AS row_name, kmersearch_matchscore(${sequence}, $1) AS score ` +
    `FROM ${quoteIdentifier(plan.table)} WHERE ${sequence} =% $1 ORDER BY score DESC, row_name LIMIT ${plan.limit}`
  );
}

/** Writes to stdout, waiting when the pipe is full (a slow reader must not make the output pile up in memory). */
async function writeOutput(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/** Names and scores never hold tabs or line breaks in the output: they would split the line. */
function field(text: string): string {
  return text.replace(/[\t\r\n]/gu, ' ');
}

export async function run(context: CommandContext): Promise<number> {
  const plan = parseSubcommandPlan(context, name, parseSearchArguments, searchHelp);
  if (typeof plan === 'number') return plan;
  const opened = await openSubcommandDatabase(context, name, plan.directory, true);
  if (typeof opened === 'number') return opened;
  const db = opened;
  const controller = new AbortController();
  const unsubscribe = context.interrupts?.(() => controller.abort());
  try {
    for (const [setting, value] of plan.settings) await db.query(`SET ${setting} = '${value}'`);
    const statement = await searchStatement(db, plan);
    if (plan.header) await writeOutput(context.stdout, 'query\trow\tscore\n');
    for (const file of plan.files) {
      const label = file === '-' ? 'standard input' : file;
      const reader: SequenceReader =
        file === '-'
          ? readSequenceStream(context.stdin as AsyncIterable<Uint8Array>, { fileName: 'standard input' })
          : await openSequenceFile(file);
      const display = new ProgressDisplay({ stream: context.stderr, mode: progressModeFor(context.stderr, plan.quiet), label, unit: 'bytes' });
      let queries = 0;
      let hits = 0;
      try {
        for await (const batch of reader) {
          for (const record of batch) {
            queries++;
            let rows: { row_name: string | null; score: number }[];
            try {
              rows = (await db.query<{ row_name: string | null; score: number }>(statement, [record.sequence.toUpperCase()], { signal: controller.signal })).rows;
            } catch (error) {
              const failure = asKmerSearchError(error);
              // Input the settings refuse (data exception class 22) spoils one read, not the run.
              if (!failure.code.startsWith('22')) throw failure;
              display.clear();
              context.stderr.write(`${programName} search: warning: query "${record.name}" (${label}, record ${record.recordNumber}) skipped: ${failure.message}\n`);
              continue;
            }
            hits += rows.length;
            if (rows.length > 0) {
              const queryName = field(record.name);
              await writeOutput(context.stdout, rows.map((row) => `${queryName}\t${field(row.row_name ?? '')}\t${row.score}\n`).join(''));
            }
          }
          const progress = reader.progress();
          display.update(progress.bytesRead, progress.totalBytes);
        }
      } catch (error) {
        display.clear();
        throw error;
      } finally {
        await reader.close();
      }
      const seconds = display.elapsedSeconds;
      const rate = seconds > 0 ? `, ${(queries / seconds).toFixed(1)} queries/s` : '';
      display.finish(`${label}: ${queries} queries, ${hits} hits in ${seconds.toFixed(1)} s${rate}`);
    }
    return ExitStatus.success;
  } catch (error) {
    if (controller.signal.aborted && asKmerSearchError(error).code === SqlState.queryCanceled) {
      context.stderr.write(`${programName} search: cancelled\n`);
      return ExitStatus.interrupted;
    }
    return reportError(context, name, error);
  } finally {
    unsubscribe?.();
    await db.close();
  }
}
