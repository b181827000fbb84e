/**
 * What a statement needs from storage: nothing but the settings (SET, SHOW, …), a snapshot to read, or the
 * write transaction. Reads never take the writer lock; a SELECT calling nextval or setval writes.
 */
import type * as ast from './ast.js';

export type AccessMode = 'none' | 'read' | 'write';

/**
 * Functions whose calls make a query a writer: they advance sequences, store and remove high-frequency analyses,
 * or change tables (the partition helpers), in the write transaction.
 */
const writingFunctions: ReadonlySet<string> = new Set([
  'nextval',
  'setval',
  'kmersearch_perform_highfreq_analysis',
  'kmersearch_undo_highfreq_analysis',
  'kmersearch_partition_table',
  'kmersearch_unpartition_table',
  'kmersearch_parallel_create_index',
]);

function callsWritingFunction(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(callsWritingFunction);
  if (typeof node !== 'object' || node === null) return false;
  const record = node as { readonly kind?: unknown; readonly name?: unknown };
  if (record.kind === 'functionCall' && Array.isArray(record.name)) {
    const name = record.name[record.name.length - 1];
    if (typeof name === 'string' && writingFunctions.has(name)) return true;
  }
  return Object.values(node).some(callsWritingFunction);
}

/**
 * Access modes of statements already seen: syntax trees are frozen and the handle's statement cache hands the
 * same tree to every run of a text, so a search loop walks its tree for nextval/setval once, not per statement.
 */
const knownModes = new WeakMap<ast.Statement, AccessMode>();

export function accessModeOf(statement: ast.Statement): AccessMode {
  let mode = knownModes.get(statement);
  if (mode === undefined) {
    mode = findAccessMode(statement);
    knownModes.set(statement, mode);
  }
  return mode;
}

function findAccessMode(statement: ast.Statement): AccessMode {
  switch (statement.kind) {
    case 'insert':
    case 'update':
    case 'delete':
    case 'createTable':
    case 'dropTable':
    case 'truncate':
    case 'dropExtension':
    case 'createIndex':
    case 'dropIndex':
    case 'reindex':
      return 'write';
    case 'copy':
      // COPY TO only reads (unless its query writes); it must not wait for, or hold, the writer lock.
      if (statement.direction === 'from') return 'write';
      if (statement.query === undefined) return 'read';
      return ['insert', 'update', 'delete'].includes(statement.query.kind) || callsWritingFunction(statement.query) ? 'write' : 'read';
    case 'select':
    case 'values':
    case 'setOperation':
      return callsWritingFunction(statement) ? 'write' : 'read';
    case 'explain':
    case 'vacuum':
      return 'read';
    case 'createExtension':
    case 'set':
    case 'show':
    case 'reset':
    case 'transaction':
      return 'none';
  }
}
