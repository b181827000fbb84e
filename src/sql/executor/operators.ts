/**
 * Plan nodes as row sources: each node compiles to a generator of row batches. Generators pull from their
 * inputs, so LIMIT stops a scan early, and a source may also emit PAUSE — a request to yield to the event loop
 * (scans emit one every few blocks) that blocking nodes pass upwards. The statement driver awaits a macrotask on
 * PAUSE, which lets an AbortSignal or a timer fire during a long statement; code that must run synchronously
 * (subqueries inside an expression) simply skips PAUSE. Sources emit PAUSE when the runtime says a turn is due
 * (every few tens of milliseconds), at batch boundaries.
 */
import { KmerSearchError } from '../../errors.js';
import { scanTable } from '../../storage/index.js';
import type { BoundExpression, BoundQuery, BoundSetFunction, Row } from '../binder/bound.js';
import { isCorrelated } from '../binder/correlation.js';
import { type Evaluator, compileExpression } from '../expression.js';
import type { PlanNode } from '../plan.js';
import { type PlanningContext, planQuery, sequentialPlanning } from '../planner.js';
import { type RecordValue, type SqlType, type SqlValue, compareValues, groupingKey } from '../types.js';
import { type CompiledAggregate, createAggregateState } from './aggregate-state.js';
import { compileAppend } from './append.js';
import { compileBitmapHeapScan } from './index-scan.js';
import type { Environment } from './runtime.js';

export const PAUSE: unique symbol = Symbol('pause');
export type Emission = readonly Row[] | typeof PAUSE;
export type RowSource = (environment: Environment) => Generator<Emission, void, undefined>;

/** Rows per batch of sources that are not block-based. */
const batchRows = 256;

/** All rows of a source, run synchronously (PAUSE requests ignored). */
export function drain(source: RowSource, environment: Environment): Row[] {
  const rows: Row[] = [];
  for (const emission of source(environment)) {
    if (emission === PAUSE) continue;
    for (const row of emission) rows.push(row);
  }
  return rows;
}

function rowKey(row: Row, types: readonly SqlType[]): string {
  let key = '';
  for (let index = 0; index < types.length; index++) {
    const part = groupingKey(row[index] ?? null, types[index] as SqlType);
    key += `${part.length}:${part}`;
  }
  return key;
}

export class PlanCompiler {
  /** `planning`: what the planner may consult for the statement's subqueries (its view's indexes, the settings). */
  constructor(readonly planning: PlanningContext = sequentialPlanning) {}

  /** Compiles a bound expression; subqueries inside it become nested row sources. */
  expression(expression: BoundExpression): Evaluator {
    return compileExpression(expression, (query) => this.subquery(query));
  }

  private subquery(query: BoundQuery): (environment: Environment) => readonly Row[] {
    const source = this.compile(planQuery(query, this.planning));
    if (isCorrelated(query)) return (environment) => drain(source, environment);
    // An uncorrelated subquery gives the same rows for every outer row: run it once per statement.
    let rows: Row[] | undefined;
    return (environment) => (rows ??= drain(source, environment));
  }

  compile(node: PlanNode): RowSource {
    switch (node.kind) {
      case 'seqScan':
        return this.seqScan(node);
      case 'bitmapHeapScan':
        return compileBitmapHeapScan(node, this);
      case 'append':
        return compileAppend(node, this);
      case 'functionScan':
        return this.functionScan(node);
      case 'subqueryScan': {
        const input = this.compile(node.input);
        const filter = node.filter === undefined ? undefined : this.expression(node.filter.condition);
        const width = node.width;
        return function* (environment) {
          for (const emission of input(environment)) {
            if (emission === PAUSE) {
              yield emission;
              continue;
            }
            const rows: Row[] = [];
            for (const input of emission) {
              const row = input.length > width ? input.slice(0, width) : input;
              if (filter === undefined || filter(row, environment) === true) rows.push(row);
            }
            if (rows.length > 0) yield rows;
          }
        };
      }
      case 'valuesScan': {
        const rows = node.rows.map((row) => row.map((expression) => this.expression(expression)));
        const filter = node.filter === undefined ? undefined : this.expression(node.filter.condition);
        return function* (environment) {
          const output: Row[] = [];
          for (const row of rows) {
            const values = row.map((evaluate) => evaluate([], environment));
            if (filter === undefined || filter(values, environment) === true) output.push(values);
          }
          if (output.length > 0) yield output;
        };
      }
      case 'result': {
        // A dummy relation (node.empty) returns no row.
        if (node.empty !== undefined) return function* () {};
        const filter = node.filter === undefined ? undefined : this.expression(node.filter.condition);
        return function* (environment) {
          if (filter === undefined || filter([], environment) === true) yield [[]];
        };
      }
      case 'nestedLoop':
        return this.nestedLoop(node);
      case 'aggregate':
        return this.aggregate(node);
      case 'project': {
        const input = this.compile(node.input);
        const targets = node.targets.map((target) => this.expression(target));
        return function* (environment) {
          for (const emission of input(environment)) {
            if (emission === PAUSE) {
              yield emission;
              continue;
            }
            yield emission.map((row) => targets.map((target) => target(row, environment)));
          }
        };
      }
      case 'projectSet':
        return this.projectSet(node);
      case 'distinct': {
        const input = this.compile(node.input);
        const types = node.types;
        return function* (environment) {
          const seen = new Set<string>();
          for (const emission of input(environment)) {
            if (emission === PAUSE) {
              yield emission;
              continue;
            }
            const rows = emission.filter((row) => {
              const key = rowKey(row, types);
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            });
            if (rows.length > 0) yield rows;
          }
        };
      }
      case 'sort':
        return this.sort(node);
      case 'limit':
        return this.limit(node);
      case 'setOperation':
        return this.setOperation(node);
    }
  }

  private seqScan(node: Extract<PlanNode, { kind: 'seqScan' }>): RowSource {
    const filter = node.filter === undefined ? undefined : this.expression(node.filter.condition);
    const tableId = node.table.id;
    const width = node.table.columns.length;
    const withRowIds = node.withRowIds;
    return function* (environment) {
      const runtime = environment.runtime;
      for (const batch of scanTable(runtime.view, tableId)) {
        runtime.checkCancelled();
        const rows: Row[] = [];
        const count = batch.rowIds.length;
        const columns = batch.columns;
        for (let index = 0; index < count; index++) {
          const row: Row = new Array(withRowIds ? width + 1 : width);
          for (let column = 0; column < width; column++) row[column] = (columns[column] as readonly SqlValue[])[index] ?? null;
          if (withRowIds) row[width] = batch.rowIds[index] as number;
          if (filter === undefined || filter(row, environment) === true) rows.push(row);
        }
        if (rows.length > 0) yield rows;
        if (runtime.eventLoop.due) yield PAUSE;
      }
    };
  }

  private functionScan(node: Extract<PlanNode, { kind: 'functionScan' }>): RowSource {
    const source = node.source;
    const fn = source.function;
    const args = source.arguments.map((argument) => this.expression(argument));
    const filter = node.filter === undefined ? undefined : this.expression(node.filter.condition);
    const fieldCount = source.resultType.fields?.length ?? 0;
    return function* (environment) {
      const runtime = environment.runtime;
      const values = args.map((argument) => argument([], environment));
      const context = runtime.functionContext;
      let produced: Iterable<SqlValue>;
      if (fn.strict && values.includes(null)) produced = fn.returnsSet ? [] : [null];
      else produced = fn.returnsSet ? fn.rows(values, context) : [fn.evaluate(values, context)];
      let rows: Row[] = [];
      let ordinality = 0n;
      for (const value of produced) {
        let row: Row;
        if (!source.expandRecord) row = [value];
        else if (value === null) row = new Array<SqlValue>(fieldCount).fill(null);
        else row = [...(value as RecordValue).values];
        if (source.withOrdinality) row.push(++ordinality);
        if (filter !== undefined && filter(row, environment) !== true) continue;
        rows.push(row);
        if (rows.length >= batchRows) {
          yield rows;
          rows = [];
          runtime.checkCancelled();
          if (runtime.eventLoop.due) yield PAUSE;
        }
      }
      if (rows.length > 0) yield rows;
    };
  }

  private nestedLoop(node: Extract<PlanNode, { kind: 'nestedLoop' }>): RowSource {
    const outer = this.compile(node.outer);
    const inner = this.compile(node.inner);
    const condition = node.joinCondition === undefined ? undefined : this.expression(node.joinCondition.condition);
    const filter = node.filter === undefined ? undefined : this.expression(node.filter.condition);
    const joinType = node.joinType;
    const padOuter = joinType === 'left' || joinType === 'full';
    const padInner = joinType === 'right' || joinType === 'full';
    const outerNulls: Row = new Array<SqlValue>(node.outerWidth).fill(null);
    const innerNulls: Row = new Array<SqlValue>(node.innerWidth).fill(null);
    return function* (environment) {
      const innerRows: Row[] = [];
      for (const emission of inner(environment)) {
        if (emission === PAUSE) yield emission;
        else for (const row of emission) innerRows.push(row);
      }
      const matched = padInner ? new Uint8Array(innerRows.length) : undefined;
      const accept = (row: Row, output: Row[]): void => {
        if (filter === undefined || filter(row, environment) === true) output.push(row);
      };
      for (const emission of outer(environment)) {
        if (emission === PAUSE) {
          yield emission;
          continue;
        }
        const output: Row[] = [];
        for (const outerRow of emission) {
          let found = false;
          innerRows.forEach((innerRow, index) => {
            const row = outerRow.concat(innerRow);
            if (condition !== undefined && condition(row, environment) !== true) return;
            found = true;
            if (matched !== undefined) matched[index] = 1;
            accept(row, output);
          });
          if (!found && padOuter) accept(outerRow.concat(innerNulls), output);
        }
        environment.runtime.checkCancelled();
        if (output.length > 0) yield output;
        if (environment.runtime.eventLoop.due) yield PAUSE;
      }
      if (matched !== undefined) {
        const output: Row[] = [];
        innerRows.forEach((innerRow, index) => {
          if (matched[index] === 0) accept(outerNulls.concat(innerRow), output);
        });
        if (output.length > 0) yield output;
      }
    };
  }

  private aggregate(node: Extract<PlanNode, { kind: 'aggregate' }>): RowSource {
    const input = this.compile(node.input);
    const keys = node.keys.map((key) => this.expression(key));
    const keyTypes = node.keys.map((key) => key.type);
    const aggregates: CompiledAggregate[] = node.aggregates.map((aggregate) => ({
      aggregate,
      argument: aggregate.argument === undefined ? undefined : this.expression(aggregate.argument),
      delimiter: aggregate.delimiter === undefined ? undefined : this.expression(aggregate.delimiter),
      filter: aggregate.filter === undefined ? undefined : this.expression(aggregate.filter),
      orderBy: aggregate.orderBy.map((ordering) => ({
        evaluate: this.expression(ordering.expression),
        type: ordering.expression.type,
        descending: ordering.descending,
        nullsFirst: ordering.nullsFirst,
      })),
    }));
    const having = node.having === undefined ? undefined : this.expression(node.having.condition);
    const plain = node.strategy === 'plain';
    return function* (environment) {
      const groups = new Map<string, { keys: Row; states: ReturnType<typeof createAggregateState>[] }>();
      const newGroup = (keyValues: Row) => ({ keys: keyValues, states: aggregates.map(createAggregateState) });
      for (const emission of input(environment)) {
        if (emission === PAUSE) {
          yield emission;
          continue;
        }
        for (const row of emission) {
          const keyValues = keys.map((key) => key(row, environment));
          const groupKey = rowKey(keyValues, keyTypes);
          let group = groups.get(groupKey);
          if (group === undefined) {
            group = newGroup(keyValues);
            groups.set(groupKey, group);
          }
          for (const state of group.states) state.add(row, environment);
        }
      }
      if (plain && groups.size === 0) groups.set('', newGroup([]));
      let output: Row[] = [];
      for (const group of groups.values()) {
        const row: Row = [...group.keys, ...group.states.map((state) => state.result())];
        if (having !== undefined && having(row, environment) !== true) continue;
        output.push(row);
        if (output.length >= batchRows) {
          yield output;
          output = [];
        }
      }
      if (output.length > 0) yield output;
    };
  }

  private projectSet(node: Extract<PlanNode, { kind: 'projectSet' }>): RowSource {
    const input = this.compile(node.input);
    type Target = { readonly scalar: Evaluator } | { readonly set: BoundSetFunction; readonly args: readonly Evaluator[] };
    const targets: Target[] = node.targets.map((target) =>
      target.kind === 'setFunction'
        ? { set: target, args: target.arguments.map((argument) => this.expression(argument)) }
        : { scalar: this.expression(target) },
    );
    return function* (environment) {
      const context = environment.runtime.functionContext;
      for (const emission of input(environment)) {
        if (emission === PAUSE) {
          yield emission;
          continue;
        }
        const output: Row[] = [];
        for (const row of emission) {
          const scalars = targets.map((target) => ('scalar' in target ? target.scalar(row, environment) : null));
          const iterators = targets.map((target) => {
            if (!('set' in target)) return undefined;
            const values = target.args.map((argument) => argument(row, environment));
            if (target.set.function.strict && values.includes(null)) return [][Symbol.iterator]() as Iterator<SqlValue>;
            return target.set.function.rows(values, context)[Symbol.iterator]();
          });
          for (;;) {
            let anyValue = false;
            const produced = iterators.map((iterator, index) => {
              if (iterator === undefined) return scalars[index] ?? null;
              const step = iterator.next();
              if (step.done === true) return null;
              anyValue = true;
              return step.value;
            });
            if (!anyValue) break;
            output.push(produced);
          }
        }
        environment.runtime.checkCancelled();
        if (output.length > 0) yield output;
        if (environment.runtime.eventLoop.due) yield PAUSE;
      }
    };
  }

  private sort(node: Extract<PlanNode, { kind: 'sort' }>): RowSource {
    const input = this.compile(node.input);
    const keys = node.keys;
    const compare = (left: Row, right: Row): number => {
      for (const key of keys) {
        const a = left[key.index] ?? null;
        const b = right[key.index] ?? null;
        if (a === null || b === null) {
          if (a === b) continue;
          return (a === null) === key.nullsFirst ? -1 : 1;
        }
        const order = compareValues(a, b, key.type);
        if (order !== 0) return key.descending ? -order : order;
      }
      return 0;
    };
    return function* (environment) {
      const rows: Row[] = [];
      for (const emission of input(environment)) {
        if (emission === PAUSE) yield emission;
        else for (const row of emission) rows.push(row);
      }
      environment.runtime.checkCancelled();
      rows.sort(compare);
      for (let start = 0; start < rows.length; start += batchRows) yield rows.slice(start, start + batchRows);
    };
  }

  private limit(node: Extract<PlanNode, { kind: 'limit' }>): RowSource {
    const input = this.compile(node.input);
    const limit = node.limit === undefined ? undefined : this.expression(node.limit);
    const offset = node.offset === undefined ? undefined : this.expression(node.offset);
    return function* (environment) {
      const limitValue = limit === undefined ? null : (limit([], environment) as bigint | null);
      const offsetValue = offset === undefined ? null : (offset([], environment) as bigint | null);
      if (offsetValue !== null && offsetValue < 0n) throw new KmerSearchError('2201X', 'OFFSET must not be negative');
      if (limitValue !== null && limitValue < 0n) throw new KmerSearchError('2201W', 'LIMIT must not be negative');
      let skip = offsetValue === null ? 0 : Number(offsetValue);
      let remaining = limitValue === null ? Number.POSITIVE_INFINITY : Number(limitValue);
      if (remaining === 0) return;
      for (const emission of input(environment)) {
        if (emission === PAUSE) {
          yield emission;
          continue;
        }
        let rows = emission;
        if (skip > 0) {
          const skipped = Math.min(skip, rows.length);
          skip -= skipped;
          rows = rows.slice(skipped);
        }
        if (rows.length === 0) continue;
        if (rows.length >= remaining) {
          yield rows.slice(0, remaining);
          return;
        }
        remaining -= rows.length;
        yield rows;
      }
    };
  }

  private setOperation(node: Extract<PlanNode, { kind: 'setOperation' }>): RowSource {
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    const types = node.types;
    const width = types.length;
    const { operator, all } = node;
    const trim = (row: Row): Row => (row.length > width ? row.slice(0, width) : row);
    return function* (environment) {
      if (operator === 'union') {
        const seen = new Set<string>();
        for (const source of [left, right]) {
          for (const emission of source(environment)) {
            if (emission === PAUSE) {
              yield emission;
              continue;
            }
            const rows = emission.map(trim).filter((row) => {
              if (all) return true;
              const key = rowKey(row, types);
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            });
            if (rows.length > 0) yield rows;
          }
        }
        return;
      }
      const counts = new Map<string, number>();
      for (const emission of right(environment)) {
        if (emission === PAUSE) yield emission;
        else for (const row of emission) counts.set(rowKey(row, types), (counts.get(rowKey(row, types)) ?? 0) + 1);
      }
      const emitted = new Set<string>();
      for (const emission of left(environment)) {
        if (emission === PAUSE) {
          yield emission;
          continue;
        }
        const rows: Row[] = [];
        for (const row of emission.map(trim)) {
          const key = rowKey(row, types);
          const count = counts.get(key) ?? 0;
          if (operator === 'intersect') {
            if (count === 0) continue;
            if (all) counts.set(key, count - 1);
            else if (emitted.has(key)) continue;
          } else {
            if (count > 0) {
              if (all) counts.set(key, count - 1);
              continue;
            }
            if (!all && emitted.has(key)) continue;
          }
          emitted.add(key);
          rows.push(row);
        }
        if (rows.length > 0) yield rows;
      }
    };
  }
}
