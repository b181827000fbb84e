/**
 * The running state of one aggregate call in one group: the accumulators of types/aggregates.ts, plus what
 * PostgreSQL layers on top of any aggregate — FILTER (WHERE …), DISTINCT (NULLs never reach a strict
 * aggregate, duplicates are dropped) and ORDER BY inside the call (inputs are sorted before accumulation) — and
 * string_agg, which is not in types/aggregates.ts.
 */
import type { BoundAggregate, Row } from '../binder/bound.js';
import type { Evaluator } from '../expression.js';
import { type Accumulator, type SqlType, type SqlValue, compareValues, createAccumulator, groupingKey } from '../types.js';
import type { Environment } from './runtime.js';

export interface CompiledAggregate {
  readonly aggregate: BoundAggregate;
  readonly argument: Evaluator | undefined;
  readonly delimiter: Evaluator | undefined;
  readonly filter: Evaluator | undefined;
  readonly orderBy: readonly { readonly evaluate: Evaluator; readonly type: SqlType; readonly descending: boolean; readonly nullsFirst: boolean }[];
}

export interface AggregateState {
  add(row: Row, environment: Environment): void;
  result(): SqlValue;
}

/** string_agg(value, delimiter): each value after the first is preceded by its own row's delimiter. */
class StringAggregate implements Accumulator {
  private text: string | null = null;
  add(value: SqlValue): void {
    const pair = value as unknown as readonly [string | null, string | null];
    if (pair[0] === null) return;
    this.text = this.text === null ? pair[0] : this.text + (pair[1] ?? '') + pair[0];
  }
  result(): SqlValue {
    return this.text;
  }
}

interface Input {
  readonly value: SqlValue;
  readonly sortValues: readonly SqlValue[];
}

export function createAggregateState(compiled: CompiledAggregate): AggregateState {
  const aggregate = compiled.aggregate;
  const accumulator =
    aggregate.name === 'string_agg' || aggregate.signature === undefined ? new StringAggregate() : createAccumulator(aggregate.signature);
  const buffered = aggregate.distinct || compiled.orderBy.length > 0;
  const inputs: Input[] = [];
  const seen = new Set<string>();
  const argumentType = aggregate.argument?.type;
  return {
    add(row, environment) {
      if (compiled.filter !== undefined && compiled.filter(row, environment) !== true) return;
      let value: SqlValue = compiled.argument === undefined ? null : compiled.argument(row, environment);
      if (compiled.delimiter !== undefined) {
        value = [value, compiled.delimiter(row, environment)] as unknown as SqlValue;
      }
      if (!buffered) {
        accumulator.add(value);
        return;
      }
      if (aggregate.distinct) {
        const primary = compiled.delimiter === undefined ? value : ((value as unknown as SqlValue[])[0] ?? null);
        if (primary === null) return;
        const key = groupingKey(primary, argumentType ?? aggregate.type);
        if (seen.has(key)) return;
        seen.add(key);
      }
      inputs.push({ value, sortValues: compiled.orderBy.map((ordering) => ordering.evaluate(row, environment)) });
    },
    result() {
      if (buffered) {
        if (compiled.orderBy.length > 0) inputs.sort((left, right) => compareInputs(compiled, left, right));
        for (const input of inputs) accumulator.add(input.value);
        inputs.length = 0;
      }
      return accumulator.result();
    },
  };
}

function compareInputs(compiled: CompiledAggregate, left: Input, right: Input): number {
  for (let index = 0; index < compiled.orderBy.length; index++) {
    const ordering = compiled.orderBy[index] as CompiledAggregate['orderBy'][number];
    const a = left.sortValues[index] ?? null;
    const b = right.sortValues[index] ?? null;
    if (a === null || b === null) {
      if (a === b) continue;
      return (a === null) === ordering.nullsFirst ? -1 : 1;
    }
    const order = compareValues(a, b, ordering.type);
    if (order !== 0) return ordering.descending ? -order : order;
  }
  return 0;
}
