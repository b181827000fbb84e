/**
 * The real ShellDatabase: the `KmerSearch` engine of the library. The engine module is imported lazily, and
 * typed through the local interfaces below, so that `--help`, `--version` and the subcommand table load without
 * it and the command line does not pay for loading the engine before it needs a database.
 */
import type { QueryOptions, TextQueryResult } from '../sql/result.js';
import type { ShellDatabase } from './shell-database.js';

interface EngineDatabase {
  queryText(sql: string, options?: QueryOptions): Promise<TextQueryResult>;
  close(): Promise<void>;
}

interface EngineClass {
  open(options: { path?: string }): Promise<EngineDatabase>;
}

export async function createShellDatabase(path?: string): Promise<ShellDatabase> {
  // The specifier is widened to string so that the type checker does not require the module's exact shape here.
  const engineModule = (await import('../index.js' as string)) as { KmerSearch: EngineClass };
  const database = await engineModule.KmerSearch.open(path === undefined ? {} : { path });
  return {
    runText: (statementText, options) => database.queryText(statementText, options),
    close: () => database.close(),
  };
}
