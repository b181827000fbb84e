/**
 * EXPLAIN: the plan as PostgreSQL's text format prints it — node names (`Seq Scan on t`, `Sort`, `Limit`,
 * `HashAggregate`, `Function Scan on generate_series`, `Nested Loop Left Join`, `Result`, …), their properties
 * (`Filter:`, `Sort Key:`, `Group Key:`, `Join Filter:`) deparsed in ruleutils' style by deparse.ts, and the
 * `->  ` child arrows with PostgreSQL's indentation. Cost figures are never printed: there is no cost model, so
 * EXPLAIN and EXPLAIN (COSTS OFF) print the same plan (see docs). ANALYZE and non-text formats are not
 * supported. A kmersearch index search prints as PostgreSQL prints a GIN bitmap scan (`Bitmap Heap Scan on t`,
 * `Recheck Cond: (…)`, `->  Bitmap Index Scan on idx`, `Index Cond: (…)`); a sequential scan that could not use a
 * kmersearch index of its table says why on a line of its own (`Index t_seq_idx not used: …`, deviation F7).
 * An Append whose partitions' index searches fan out to worker threads (append.ts's cost rule) says how many
 * under it (`Workers Planned: 2`); one whose partitions are searched in turn in the calling thread prints as before.
 */
import { SqlState } from '../../errors.js';
import * as ast from '../ast.js';
import type { BoundQuery, BoundSortKey } from '../binder/bound.js';
import { bindDelete, bindInsert, bindUpdate } from '../binder/modify.js';
import { bindQuery } from '../binder/query.js';
import { deparseExpression } from '../deparse.js';
import { type AppendNode, type BitmapHeapScanNode, type PlanFilter, type PlanNode, type SeqScanNode, rangeEntryCount } from '../plan.js';
import { type PlanningContext, planQuery, planTableAccess } from '../planner.js';
import { sqlTypes } from '../types.js';
import { fannedOutAppends } from './append.js';
import { type StatementContext, type StatementOutcome, rowsOutcome } from './context.js';

const booleanWords: Readonly<Record<string, boolean>> = { on: true, off: false, true: true, false: false, '1': true, '0': false };

function booleanOption(context: StatementContext, option: ast.GenericOption): boolean {
  const value = option.value;
  if (value === undefined) return true;
  const text = value.kind === 'wordValue' || value.kind === 'stringValue' ? value.value.toLowerCase() : value.kind === 'numberValue' ? value.text : '';
  const parsed = booleanWords[text];
  if (parsed === undefined) {
    throw context.binder.error(SqlState.invalidParameterValue, `${option.name} requires a Boolean value`, option.location);
  }
  return parsed;
}

function checkOptions(context: StatementContext, options: readonly ast.GenericOption[]): void {
  for (const option of options) {
    switch (option.name) {
      case 'analyze':
        if (booleanOption(context, option)) {
          throw context.binder.error(SqlState.featureNotSupported, 'EXPLAIN ANALYZE is not supported', option.location);
        }
        break;
      case 'verbose':
      case 'costs':
      case 'settings':
      case 'buffers':
      case 'wal':
      case 'timing':
      case 'summary':
        booleanOption(context, option);
        break;
      case 'format': {
        const value = option.value;
        const format = value !== undefined && (value.kind === 'wordValue' || value.kind === 'stringValue') ? value.value.toLowerCase() : '';
        if (format === 'text') break;
        if (format === 'json' || format === 'xml' || format === 'yaml') {
          throw context.binder.error(SqlState.featureNotSupported, `EXPLAIN (FORMAT ${format.toUpperCase()}) is not supported`, option.location);
        }
        throw context.binder.error(SqlState.invalidParameterValue, `unrecognized value for EXPLAIN option "format": "${format}"`, option.location);
      }
      default:
        throw context.binder.error(SqlState.syntaxError, `unrecognized EXPLAIN option "${option.name}"`, option.location);
    }
  }
}

/** The expression with every column reference written as `relation.column` (ruleutils' prefixed form). */
function qualifyColumns(expression: ast.Expression, relations: ReadonlyMap<ast.ColumnReference, string>): ast.Expression {
  return ast.mapColumnReferences(expression, (reference) => {
    const relation = relations.get(reference);
    const column = reference.names[reference.names.length - 1];
    if (relation === undefined || relation === '' || column === undefined) return reference;
    return Object.freeze({ ...reference, names: Object.freeze([relation, column]) });
  });
}

/** A relation and its range-entry name, which ExplainTargetRel prints only when it differs from the relation's. */
function targetRelation(name: string, alias: string | undefined): string {
  return alias === undefined || alias === name ? name : `${name} ${alias}`;
}

class PlanWriter {
  readonly lines: string[] = [];
  private qualify = false;
  /** Writing the plan under `Update on` / `Delete on` (the parent's range entry is in use). */
  private modifying = false;
  /** Appends whose index searches fan out to worker threads (append.ts), with their worker counts. */
  private fannedOut: ReadonlyMap<AppendNode, number> = new Map();

  constructor(private readonly context: StatementContext) {}

  /** Writes the plan of a whole query (SELECT, VALUES, set operations: the statements whose Appends fan out). */
  root(node: PlanNode): void {
    this.qualify = rangeEntryCount(node) > 1;
    this.fannedOut = fannedOutAppends(node, this.context.settings.maxParallelWorkers);
    this.write(node);
  }

  private deparse(syntax: ast.Expression | undefined): string {
    if (syntax === undefined) return '?';
    const binder = this.context.binder;
    const expression = this.qualify ? qualifyColumns(syntax, binder.columnRelations) : syntax;
    return deparseExpression(expression, { constantOf: (node) => binder.deparsedConstant(node), qualifyColumns: this.qualify });
  }

  /** Writes `node` as the root (headerIndent undefined) or as a child whose arrow starts at headerIndent. */
  private write(node: PlanNode, headerIndent?: number): void {
    if (node.kind === 'project') {
      this.write(node.input, headerIndent);
      return;
    }
    // PostgreSQL removes an Append of a single partition and shows the partition's scan in its place. The parent's
    // range entry is then unused in a query, so the partition takes the parent's name (`Seq Scan on t_2 t`); a
    // modification still names the parent, and the partition keeps its numbered name (`t_1`).
    if (node.kind === 'append' && node.children.length === 1) {
      const qualify = this.qualify;
      this.qualify = false;
      const child = node.children[0] as SeqScanNode | BitmapHeapScanNode;
      this.write(this.modifying ? child : { ...child, alias: node.alias }, headerIndent);
      this.qualify = qualify;
      return;
    }
    const header = this.header(node);
    let propertyIndent: number;
    if (headerIndent === undefined) {
      this.lines.push(header);
      propertyIndent = 2;
    } else {
      this.lines.push(`${' '.repeat(headerIndent)}->  ${header}`);
      propertyIndent = headerIndent + 6;
    }
    const property = (label: string, text: string): void => {
      this.lines.push(`${' '.repeat(propertyIndent)}${label}: ${text}`);
    };
    const filter = (label: string, value: PlanFilter | undefined): void => {
      if (value !== undefined) property(label, this.deparse(value.syntax));
    };
    // A scan's own conditions are printed without prefixes (show_scan_qual prefixes only a Subquery Scan's, or
    // in VERBOSE), also under a join.
    const qualify = this.qualify;
    if (node.kind === 'seqScan' || node.kind === 'bitmapHeapScan' || node.kind === 'functionScan' || node.kind === 'valuesScan') this.qualify = false;
    this.writeProperties(node, propertyIndent, property, filter);
    this.qualify = qualify;
  }

  private writeProperties(
    node: Exclude<PlanNode, { kind: 'project' }>,
    propertyIndent: number,
    property: (label: string, text: string) => void,
    filter: (label: string, value: PlanFilter | undefined) => void,
  ): void {
    switch (node.kind) {
      case 'seqScan':
        filter('Filter', node.filter);
        for (const note of node.notes ?? []) this.lines.push(`${' '.repeat(propertyIndent)}${note}`);
        break;
      case 'bitmapHeapScan': {
        const condition = this.deparse(node.indexCondition.syntax);
        property('Recheck Cond', condition);
        filter('Filter', node.filter);
        this.lines.push(`${' '.repeat(propertyIndent)}->  Bitmap Index Scan on ${node.index.name}`);
        this.lines.push(`${' '.repeat(propertyIndent + 6)}Index Cond: ${condition}`);
        break;
      }
      case 'append': {
        // Every partition pruned: PostgreSQL's dummy relation, a Result that never runs its input.
        if (node.children.length === 0) this.lines.push(`${' '.repeat(propertyIndent)}One-Time Filter: false`);
        // PostgreSQL prints the workers a parallel plan asks for as Gather's "Workers Planned"; here only the
        // partitions' index searches run on them, so the Append says it.
        const workers = this.fannedOut.get(node);
        if (workers !== undefined) property('Workers Planned', String(workers));
        for (const child of node.children) this.write(child, propertyIndent);
        break;
      }
      case 'functionScan':
      case 'valuesScan':
        filter('Filter', node.filter);
        break;
      case 'subqueryScan':
        filter('Filter', node.filter);
        this.write(node.input, propertyIndent);
        break;
      case 'result':
        // A dummy relation prints as PostgreSQL's Result over a childless Append.
        if (node.empty !== undefined) property('One-Time Filter', 'false');
        else filter('One-Time Filter', node.filter);
        break;
      case 'nestedLoop':
        filter('Join Filter', node.joinCondition);
        filter('Filter', node.filter);
        this.write(node.outer, propertyIndent);
        this.write(node.inner, propertyIndent);
        break;
      case 'aggregate':
        if (node.strategy === 'hashed') property('Group Key', node.keySyntax.map((key) => this.deparse(key)).join(', '));
        filter('Filter', node.having);
        this.write(node.input, propertyIndent);
        break;
      case 'distinct':
        property('Group Key', node.keySyntax.map((key) => this.deparse(key)).join(', '));
        this.write(node.input, propertyIndent);
        break;
      case 'sort':
        property('Sort Key', node.keys.map((key) => this.sortKey(key)).join(', '));
        this.write(node.input, propertyIndent);
        break;
      case 'projectSet':
      case 'limit':
        this.write(node.input, propertyIndent);
        break;
      case 'setOperation':
        if (node.operator === 'union' && !node.all) {
          this.lines.push(`${' '.repeat(propertyIndent)}->  Append`);
          this.write(node.left, propertyIndent + 6);
          this.write(node.right, propertyIndent + 6);
        } else {
          this.write(node.left, propertyIndent);
          this.write(node.right, propertyIndent);
        }
        break;
    }
  }

  private header(node: Exclude<PlanNode, { kind: 'project' }>): string {
    switch (node.kind) {
      case 'seqScan':
        return `Seq Scan on ${targetRelation(node.table.name, node.alias)}`;
      case 'bitmapHeapScan':
        return `Bitmap Heap Scan on ${targetRelation(node.table.name, node.alias)}`;
      case 'append':
        // An Append without partitions is PostgreSQL's empty Result.
        return node.children.length === 0 ? 'Result' : 'Append';
      case 'functionScan': {
        const alias = node.source.alias;
        return `Function Scan on ${node.source.name}${alias === undefined || alias === node.source.name ? '' : ` ${alias}`}`;
      }
      case 'subqueryScan':
        return `Subquery Scan on ${node.name}`;
      case 'valuesScan':
        return 'Values Scan on "*VALUES*"';
      case 'result':
        return 'Result';
      case 'nestedLoop': {
        const suffix = { inner: '', cross: '', left: ' Left Join', right: ' Right Join', full: ' Full Join' }[node.joinType];
        return `Nested Loop${suffix}`;
      }
      case 'aggregate':
        return node.strategy === 'hashed' ? 'HashAggregate' : 'Aggregate';
      case 'projectSet':
        return 'ProjectSet';
      case 'distinct':
        return 'HashAggregate';
      case 'sort':
        return 'Sort';
      case 'limit':
        return 'Limit';
      case 'setOperation':
        if (node.operator === 'union') return node.all ? 'Append' : 'HashAggregate';
        return `HashSetOp ${node.operator === 'intersect' ? 'Intersect' : 'Except'}${node.all ? ' All' : ''}`;
    }
  }

  /** A sort key as show_sort_keys prints it: expressions other than plain columns in parentheses. */
  private sortKey(key: BoundSortKey): string {
    const text = this.deparse(key.syntax);
    let shown = key.syntax?.kind === 'columnReference' ? text : `(${text})`;
    if (key.descending) shown += ' DESC';
    if (key.descending && !key.nullsFirst) shown += ' NULLS LAST';
    if (!key.descending && key.nullsFirst) shown += ' NULLS FIRST';
    return shown;
  }

  /** `Insert on t` / `Update on t` / `Delete on t` over the plan that feeds it. */
  modification(verb: string, tableName: string, alias: string | undefined, input: PlanNode): void {
    this.qualify = rangeEntryCount(input) > 1;
    this.modifying = true;
    this.lines.push(`${verb} on ${tableName}${alias === undefined ? '' : ` ${alias}`}`);
    // PostgreSQL lists the partitions a modification of a partitioned table writes to (those left after pruning).
    if (input.kind === 'append') for (const child of input.children) this.lines.push(`  ${verb} on ${targetRelation(child.table.name, child.alias)}`);
    this.write(input, 2);
  }
}

function insertSourcePlan(source: ReturnType<typeof bindInsert>['source'], planning: PlanningContext): PlanNode {
  switch (source.kind) {
    case 'defaultValues':
      return Object.freeze({ kind: 'result', filter: undefined });
    case 'values':
      if (source.rows.length === 1) return Object.freeze({ kind: 'result', filter: undefined });
      return Object.freeze({ kind: 'valuesScan', rows: [], filter: undefined });
    case 'query':
      return planQuery(source.query, planning);
  }
}

export function executeExplain(context: StatementContext, statement: ast.ExplainStatement): StatementOutcome {
  checkOptions(context, statement.options);
  const writer = new PlanWriter(context);
  const planning = context.compiler.planning;
  const inner = statement.statement;
  switch (inner.kind) {
    case 'select':
    case 'values':
    case 'setOperation': {
      const query: BoundQuery = bindQuery(context.binder, inner, undefined);
      writer.root(planQuery(query, planning));
      break;
    }
    case 'insert': {
      const bound = bindInsert(context.binder, inner);
      writer.modification('Insert', bound.table.name, inner.alias, insertSourcePlan(bound.source, planning));
      break;
    }
    case 'update': {
      const bound = bindUpdate(context.binder, inner);
      const filter = bound.where === undefined ? undefined : { condition: bound.where, syntax: bound.whereSyntax };
      writer.modification('Update', bound.table.name, inner.alias, planTableAccess(bound.source, filter, true, planning));
      break;
    }
    case 'delete': {
      const bound = bindDelete(context.binder, inner);
      const filter = bound.where === undefined ? undefined : { condition: bound.where, syntax: bound.whereSyntax };
      writer.modification('Delete', bound.table.name, inner.alias, planTableAccess(bound.source, filter, true, planning));
      break;
    }
  }
  const column = Object.freeze({ name: 'QUERY PLAN', type: sqlTypes.text });
  return rowsOutcome([column], writer.lines.map((line) => [line]), 'EXPLAIN');
}
