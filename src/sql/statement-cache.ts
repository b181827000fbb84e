/**
 * Parsed statements by SQL text, so that an application repeating one statement with different parameters (a
 * search loop) parses it once, as a prepared statement would. Syntax trees are frozen and every statement binds
 * them afresh, so sharing them is safe. Bounded: the least recently used text goes first, and long scripts are
 * never kept.
 */
import type { RawStatement } from './ast.js';
import { parseStatements } from './parser.js';

/** Texts kept per handle. */
const maximumEntries = 256;
/** Longer texts (scripts, large VALUES lists) are parsed every time. */
const maximumTextLength = 4096;

export class StatementCache {
  private readonly entries = new Map<string, readonly RawStatement[]>();

  /** The statements of `sql`; parse errors are thrown and not kept. */
  parse(sql: string): readonly RawStatement[] {
    if (sql.length > maximumTextLength) return parseStatements(sql);
    const cached = this.entries.get(sql);
    if (cached !== undefined) {
      // Re-inserting moves the text to the most recent end of the Map's order.
      this.entries.delete(sql);
      this.entries.set(sql, cached);
      return cached;
    }
    const statements = parseStatements(sql);
    if (this.entries.size >= maximumEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(sql, statements);
    return statements;
  }
}
