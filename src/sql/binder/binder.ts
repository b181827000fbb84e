/**
 * The binder's state for one statement — source text (for error positions), the function catalog, the storage
 * view whose catalog names resolve, the parameter values — and the helpers every binding step shares: errors at
 * a syntax node's position, coercion of a bound expression to a type (folding literals at bind time, as
 * PostgreSQL's parser does, so that `'ACGX'::dna2` fails with the literal's position), and select_common_type.
 */
import { KmerSearchError, SqlState, asKmerSearchError } from '../../errors.js';
import type { StorageView } from '../../storage/index.js';
import type * as ast from '../ast.js';
import type { DeparsedConstant } from '../deparse.js';
import { resolveCommonType } from '../functions/common-type.js';
import type { FunctionCatalog } from '../functions/contract.js';
import { errorPosition, errorPositions } from '../lexer.js';
import {
  type CastContext,
  type RelationCatalog,
  type SqlType,
  type SqlValue,
  type TypedConstant,
  type ValueIoOptions,
  castValue,
  findCastPath,
  formatValue,
  sqlTypes,
} from '../types.js';
import type { BoundAggregate, BoundConstant, BoundExpression } from './bound.js';
import type { Scope } from './scope.js';

export interface BinderOptions {
  /** The full statement text the syntax tree's locations point into. */
  readonly source: string;
  readonly catalog: FunctionCatalog;
  readonly view: StorageView;
  readonly relations: RelationCatalog;
  /** Values of `$1`, `$2`, … already typed (binder/parameters.ts). */
  readonly parameters: readonly TypedConstant[];
}

/**
 * Where an expression stands, for PostgreSQL's clause-specific errors: `aggregate functions are not allowed in
 * WHERE`, `argument of LIMIT must not contain variables`, `cannot use column reference in DEFAULT expression`.
 */
export type Clause =
  | 'select list'
  | 'WHERE'
  | 'JOIN conditions'
  | 'GROUP BY'
  | 'HAVING'
  | 'ORDER BY'
  | 'VALUES'
  | 'functions in FROM'
  | 'UPDATE'
  | 'RETURNING'
  | 'DEFAULT expressions'
  | 'LIMIT'
  | 'OFFSET'
  | 'EXPLAIN';

export interface ExpressionState {
  readonly scope: Scope | undefined;
  readonly clause: Clause;
  /** Collector of this level's aggregate calls; undefined where aggregates are not allowed. */
  readonly aggregates: BoundAggregate[] | undefined;
  /** Inside an aggregate's arguments (nested aggregates are an error). */
  readonly insideAggregate: boolean;
  /** At the top of a target-list entry, where a set-returning function may stand. */
  readonly topOfTarget: boolean;
}

export class Binder {
  readonly source: string;
  readonly catalog: FunctionCatalog;
  readonly view: StorageView;
  readonly relations: RelationCatalog;
  readonly parameters: readonly TypedConstant[];
  readonly ioOptions: ValueIoOptions;
  /** Folded constants by the syntax node they came from: EXPLAIN prints them with their resolved types. */
  private readonly constants = new Map<ast.Expression, { readonly type: SqlType; readonly value: SqlValue }>();
  /** The range entry each column reference resolved to: EXPLAIN qualifies columns with it in multi-table plans. */
  readonly columnRelations = new Map<ast.ColumnReference, string>();

  constructor(options: BinderOptions) {
    this.source = options.source;
    this.catalog = options.catalog;
    this.view = options.view;
    this.relations = options.relations;
    this.parameters = options.parameters;
    this.ioOptions = Object.freeze({ relations: options.relations });
  }

  /** PostgreSQL's 1-based character position of a 0-based offset in the statement text. */
  position(location: number): number {
    return errorPosition(this.source, location);
  }

  /** position() of each location, in one pass over the statement. */
  positions(locations: readonly number[]): number[] {
    return errorPositions(this.source, locations);
  }

  error(code: string, message: string, location: number | undefined, fields: { detail?: string; hint?: string } = {}): KmerSearchError {
    return new KmerSearchError(code, message, {
      ...fields,
      position: location === undefined ? undefined : this.position(location),
    });
  }

  /** Runs `action`, giving any error it throws the position of `location` (unless it has one already). */
  at<T>(location: number, action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw asKmerSearchError(error).withPosition(this.position(location));
    }
  }

  constant(type: SqlType, value: SqlValue, syntax?: ast.Expression): BoundConstant {
    const constant: BoundConstant = Object.freeze({ kind: 'constant', type, value, syntax });
    if (syntax !== undefined && type.id !== 'unknown') this.recordConstant(syntax, type, value);
    return constant;
  }

  private recordConstant(syntax: ast.Expression, type: SqlType, value: SqlValue): void {
    this.constants.set(syntax, { type, value });
  }

  /** The constant a literal or parameter was folded into, as EXPLAIN's deparser prints it (`'ACGT'::dna2`). */
  deparsedConstant(syntax: ast.Expression): DeparsedConstant | undefined {
    const constant = this.constants.get(syntax);
    if (constant === undefined) return undefined;
    const text = constant.value === null ? null : formatValue(constant.value, constant.type, this.ioOptions);
    return { text, type: constant.type.formatName };
  }

  /**
   * `expression` converted to `target` in `context`, or undefined when no such cast exists. An unknown-typed
   * literal is converted now through the target's input function, and its errors point at the literal.
   */
  tryCoerce(expression: BoundExpression, target: SqlType, context: CastContext, location: number): BoundExpression | undefined {
    const source = expression.type;
    if (source.id === target.id && sameModifier(source, target)) return expression;
    if (expression.kind === 'constant' && source.id === 'unknown') {
      // PostgreSQL points an input error at the literal itself, wherever the coercion happens; a parameter's
      // value is converted when it is bound, with no position.
      const convert = (): SqlValue => castValue(expression.value, source, target, context, this.ioOptions);
      const syntax = expression.syntax;
      const value =
        syntax?.kind === 'parameter' ? convert() : this.at(syntax?.kind === 'stringLiteral' ? syntax.location : location, convert);
      return this.constant(target, value, expression.syntax);
    }
    if (findCastPath(source, target, context) === undefined) return undefined;
    const ioOptions = this.ioOptions;
    const convert = (value: SqlValue): SqlValue => castValue(value, source, target, context, ioOptions);
    return Object.freeze({ kind: 'cast', type: target, operand: expression, convert });
  }

  /** tryCoerce for conversions the resolution already proved possible (operator and function arguments). */
  coerce(expression: BoundExpression, target: SqlType, location: number): BoundExpression {
    const coerced = this.tryCoerce(expression, target, 'implicit', location);
    if (coerced === undefined) {
      throw this.error(SqlState.cannotCoerce, `cannot cast type ${expression.type.formatName} to ${target.formatName}`, location);
    }
    return coerced;
  }

  /** The conversion of non-null values from `source` to `target` by an implicit cast (identity when equal). */
  converter(source: SqlType, target: SqlType, location: number): (value: SqlValue) => SqlValue {
    if (source.id === target.id && sameModifier(source, target)) return (value) => value;
    if (findCastPath(source, target, 'implicit') === undefined) {
      throw this.error(SqlState.cannotCoerce, `cannot cast type ${source.formatName} to ${target.formatName}`, location);
    }
    const ioOptions = this.ioOptions;
    return (value) => castValue(value, source, target, 'implicit', ioOptions);
  }

  /**
   * A condition of `clause` (`WHERE`, `HAVING`, `JOIN/ON`, `CASE/WHEN`, `AND`, …) as boolean: an untyped literal
   * is read as a boolean, anything else must be boolean already (42804 `argument of WHERE must be type boolean,
   * not type integer`).
   */
  requireBoolean(expression: BoundExpression, clause: string, location: number): BoundExpression {
    if (expression.type.id === 'bool') return expression;
    if (expression.type.id === 'unknown') return this.coerce(expression, sqlTypes.bool, location);
    throw this.error(
      SqlState.datatypeMismatch,
      `argument of ${clause} must be type boolean, not type ${expression.type.formatName}`,
      location,
    );
  }

  /**
   * PostgreSQL's select_common_type (+ the coercibility check of coerce_to_common_type) for CASE, VALUES, UNION /
   * INTERSECT / EXCEPT and IN: the one rule of functions/common-type.ts, which COALESCE / GREATEST / LEAST use too,
   * with errors placed at the offending input's location (undefined: no position, PostgreSQL's location -1).
   */
  commonType(expressions: readonly { readonly type: SqlType; readonly location: number | undefined }[], context: string): SqlType {
    const positions = expressions.map(({ location }) => (location === undefined || location < 0 ? undefined : this.position(location)));
    return resolveCommonType(
      expressions.map(({ type }) => type),
      context,
      positions,
    );
  }

  /** An unknown-typed expression resolved to text, as PostgreSQL does in target lists. */
  resolveUnknown(expression: BoundExpression, location: number): BoundExpression {
    return expression.type.id === 'unknown' ? this.coerce(expression, sqlTypes.text, location) : expression;
  }
}

function sameModifier(left: SqlType, right: SqlType): boolean {
  if (right.modifier === undefined) return true;
  return JSON.stringify(left.modifier) === JSON.stringify(right.modifier);
}
