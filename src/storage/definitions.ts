/** Inputs of the write transaction's DDL operations (the records they produce are in catalog.ts). */
import type { ConstraintKind } from './catalog.js';
import type { ColumnType, ColumnValue, SerialKind } from './column-types.js';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull?: boolean;
  /** SQL text of the DEFAULT expression; serial columns get `nextval('…'::regclass)` automatically. */
  readonly defaultExpression?: string | null;
  readonly primaryKey?: boolean;
  readonly unique?: boolean;
  /** serial/bigserial: creates the owned sequence `<table>_<column>_seq`, its default and NOT NULL. */
  readonly serial?: SerialKind | null;
}

/** Table-level PRIMARY KEY (a, b) / UNIQUE (a, b). */
export interface ConstraintDefinition {
  readonly kind: ConstraintKind;
  readonly columns: readonly string[];
  readonly name?: string;
}

export interface TableDefinition {
  readonly name: string;
  readonly columns: readonly ColumnDefinition[];
  readonly constraints?: readonly ConstraintDefinition[];
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface IndexDefinition {
  /** Chosen as `<table>_<column>_idx` (PostgreSQL's rule) when absent. */
  readonly name?: string;
  readonly tableId: number;
  readonly columnName: string;
  readonly method?: string;
  readonly operatorClass: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface SequenceDefinition {
  readonly name: string;
  readonly dataType?: 'int2' | 'int4' | 'int8';
  readonly startValue?: bigint;
  readonly increment?: bigint;
  readonly minValue?: bigint;
  readonly maxValue?: bigint;
  readonly cycle?: boolean;
  readonly ownedBy?: { readonly tableId: number; readonly columnName: string } | null;
}

export interface RowUpdate {
  readonly rowId: number;
  /** The complete new row, in column order. */
  readonly values: readonly ColumnValue[];
}
