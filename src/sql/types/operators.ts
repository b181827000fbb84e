/**
 * The built-in operators on the engine's types — arithmetic `+ - * / %`, prefix `-` and `+`, comparisons
 * `= <> < <= > >=` and concatenation `||` — declared as PostgreSQL's pg_operator declares them (including
 * the cross-type integer and float variants), resolved with PostgreSQL's rules, and evaluated with its
 * result types and errors:
 *
 * - int2/int4/int8 arithmetic in the result type's range (`smallint out of range`, `integer out of range`,
 *   `bigint out of range`, 22003); `/` truncates toward zero; `/` and `%` by zero raise 22012
 *   `division by zero`; `x % -1` is 0 (never an overflow);
 * - int op numeric is numeric (int → numeric is implicit); anything op float8 is float8; int op float4 and
 *   numeric op float4 are float8 too (PostgreSQL's resolution prefers the float8-taking cross operators);
 * - float overflow and underflow raise 22003 `value out of range: overflow` / `…: underflow`;
 * - numeric division uses select_div_scale (`1::numeric / 3` = 0.33333333333333333333);
 * - `text || x` and `x || text` are text for any non-array x (x printed by its output function), bytea ||
 *   bytea is bytea.
 *
 * Operators are strict: the executor returns NULL for a NULL operand without calling `evaluate`.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { Numeric } from '../numeric.js';
import { type RecordValue, type SqlType, type SqlValue, type TypeId, sqlTypes } from './descriptors.js';
import { toInt2, toInt4, toInt8 } from './casts.js';
import {
  type Ordering,
  compareBytes,
  compareFloat,
  compareIntegers,
  compareRecords,
  compareText,
  compareValues,
} from './compare.js';
import { checkFloatResult } from './float.js';
import { selectOverload } from './resolution.js';
import { type ValueIoOptions, formatValue } from './text-io.js';

export interface BinaryOperator {
  readonly name: string;
  /** The types the operands must be cast to (implicitly) before `evaluate`. */
  readonly leftType: SqlType;
  readonly rightType: SqlType;
  readonly argumentTypes: readonly [SqlType, SqlType];
  readonly resultType: SqlType;
  /** Called with non-null operands of leftType and rightType. */
  readonly evaluate: (left: SqlValue, right: SqlValue) => SqlValue;
}

export interface PrefixOperator {
  readonly name: string;
  readonly operandType: SqlType;
  readonly argumentTypes: readonly [SqlType];
  readonly resultType: SqlType;
  readonly evaluate: (operand: SqlValue) => SqlValue;
}

const AMBIGUOUS_OPERATOR = '42725';

function divisionByZero(): KmerSearchError {
  return new KmerSearchError(SqlState.divisionByZero, 'division by zero');
}

type IntegerId = 'int2' | 'int4' | 'int8';
type ArithmeticName = '+' | '-' | '*' | '/' | '%';

const checkedInteger: Readonly<Record<'int2' | 'int4', (value: number) => number>> = { int2: toInt2, int4: toInt4 };

/** An integer operator computed in its result type (int24pl is computed as int4, int48pl as int8, …). */
function integerArithmetic(name: ArithmeticName, result: IntegerId): (left: SqlValue, right: SqlValue) => SqlValue {
  if (result === 'int8') {
    return (left, right) => {
      const a = BigInt(left as number | bigint);
      const b = BigInt(right as number | bigint);
      switch (name) {
        case '+':
          return toInt8(a + b);
        case '-':
          return toInt8(a - b);
        case '*':
          return toInt8(a * b);
        case '/':
          if (b === 0n) throw divisionByZero();
          return toInt8(a / b);
        case '%':
          if (b === 0n) throw divisionByZero();
          return b === -1n ? 0n : a % b;
      }
    };
  }
  const check = checkedInteger[result];
  return (left, right) => {
    const a = left as number;
    const b = right as number;
    switch (name) {
      case '+':
        return check(a + b);
      case '-':
        return check(a - b);
      case '*':
        // A product outside the range is still outside after double rounding; inside it is exact.
        return check(a * b) + 0;
      case '/':
        if (b === 0) throw divisionByZero();
        return check(Math.trunc(a / b)) + 0;
      case '%':
        if (b === 0) throw divisionByZero();
        return b === -1 ? 0 : (a % b) + 0;
    }
  };
}

/** float4pl … float8div with float.h's overflow, underflow and division-by-zero checks. */
function floatArithmetic(name: Exclude<ArithmeticName, '%'>, result: 'float4' | 'float8'): (left: SqlValue, right: SqlValue) => SqlValue {
  const round = result === 'float4' ? Math.fround : (value: number): number => value;
  return (left, right) => {
    const a = left as number;
    const b = right as number;
    const infiniteInput = !Number.isFinite(a) && !Number.isNaN(a);
    const infiniteOther = !Number.isFinite(b) && !Number.isNaN(b);
    switch (name) {
      case '+':
        return checkFloatResult(round(a + b), infiniteInput || infiniteOther, false);
      case '-':
        return checkFloatResult(round(a - b), infiniteInput || infiniteOther, false);
      case '*':
        return checkFloatResult(round(a * b), infiniteInput || infiniteOther, a !== 0 && b !== 0);
      case '/': {
        if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
        const quotient = round(a / b);
        return checkFloatResult(quotient, infiniteInput, quotient === 0 && a !== 0 && !infiniteOther);
      }
    }
  };
}

function numericArithmetic(name: ArithmeticName): (left: SqlValue, right: SqlValue) => SqlValue {
  return (left, right) => {
    const a = left as Numeric;
    const b = right as Numeric;
    switch (name) {
      case '+':
        return a.add(b);
      case '-':
        return a.subtract(b);
      case '*':
        return a.multiply(b);
      case '/':
        return a.divide(b);
      case '%':
        return a.modulo(b);
    }
  };
}

type ComparisonName = '=' | '<>' | '<' | '<=' | '>' | '>=';
const COMPARISONS: readonly ComparisonName[] = ['=', '<>', '<', '<=', '>', '>='];

function comparison(name: ComparisonName, compare: (left: SqlValue, right: SqlValue) => Ordering): (left: SqlValue, right: SqlValue) => SqlValue {
  switch (name) {
    case '=':
      return (left, right) => compare(left, right) === 0;
    case '<>':
      return (left, right) => compare(left, right) !== 0;
    case '<':
      return (left, right) => compare(left, right) < 0;
    case '<=':
      return (left, right) => compare(left, right) <= 0;
    case '>':
      return (left, right) => compare(left, right) > 0;
    case '>=':
      return (left, right) => compare(left, right) >= 0;
  }
}

const binaryOperators = new Map<string, BinaryOperator[]>();

function declare(
  name: string,
  left: SqlType,
  right: SqlType,
  result: SqlType,
  evaluate: (left: SqlValue, right: SqlValue) => SqlValue,
): void {
  const list = binaryOperators.get(name) ?? [];
  list.push(
    Object.freeze({ name, leftType: left, rightType: right, argumentTypes: [left, right] as const, resultType: result, evaluate }),
  );
  binaryOperators.set(name, list);
}

const INTEGER_IDS: readonly IntegerId[] = ['int2', 'int4', 'int8'];
const integerWidth: Readonly<Record<IntegerId, number>> = { int2: 0, int4: 1, int8: 2 };

for (const leftId of INTEGER_IDS) {
  for (const rightId of INTEGER_IDS) {
    const resultId = integerWidth[leftId] >= integerWidth[rightId] ? leftId : rightId;
    for (const name of ['+', '-', '*', '/'] as const) {
      declare(name, sqlTypes[leftId], sqlTypes[rightId], sqlTypes[resultId], integerArithmetic(name, resultId));
    }
    for (const name of COMPARISONS) {
      declare(name, sqlTypes[leftId], sqlTypes[rightId], sqlTypes.bool, comparison(name, compareIntegers as (l: SqlValue, r: SqlValue) => Ordering));
    }
  }
  // Only same-type modulo operators exist (int2mod, int4mod, int8mod).
  declare('%', sqlTypes[leftId], sqlTypes[leftId], sqlTypes[leftId], integerArithmetic('%', leftId));
}

for (const leftId of ['float4', 'float8'] as const) {
  for (const rightId of ['float4', 'float8'] as const) {
    const resultId = leftId === 'float4' && rightId === 'float4' ? 'float4' : 'float8';
    for (const name of ['+', '-', '*', '/'] as const) {
      declare(name, sqlTypes[leftId], sqlTypes[rightId], sqlTypes[resultId], floatArithmetic(name, resultId));
    }
    for (const name of COMPARISONS) {
      declare(name, sqlTypes[leftId], sqlTypes[rightId], sqlTypes.bool, comparison(name, compareFloat as (l: SqlValue, r: SqlValue) => Ordering));
    }
  }
}

for (const name of ['+', '-', '*', '/', '%'] as const) {
  declare(name, sqlTypes.numeric, sqlTypes.numeric, sqlTypes.numeric, numericArithmetic(name));
}

const sameTypeComparisons: readonly (readonly [TypeId, (left: SqlValue, right: SqlValue) => Ordering])[] = [
  ['numeric', (left, right) => (left as Numeric).compare(right as Numeric)],
  ['bool', (left, right) => compareValues(left, right, sqlTypes.bool)],
  ['bytea', (left, right) => compareBytes(left as Uint8Array, right as Uint8Array)],
  ['timestamptz', (left, right) => compareValues(left, right, sqlTypes.timestamptz)],
  ['oid', (left, right) => compareIntegers(left as number, right as number)],
  ['dna2', (left, right) => compareValues(left, right, sqlTypes.dna2)],
  ['dna4', (left, right) => compareValues(left, right, sqlTypes.dna4)],
  ['record', (left, right) => compareRecords(left as RecordValue, right as RecordValue)],
];
for (const [id, compare] of sameTypeComparisons) {
  for (const name of COMPARISONS) declare(name, sqlTypes[id], sqlTypes[id], sqlTypes.bool, comparison(name, compare));
}
// text_ops, name_ops and their cross-type operators (PostgreSQL 12+), all code point order here.
for (const [leftId, rightId] of [['text', 'text'], ['name', 'name'], ['name', 'text'], ['text', 'name']] as const) {
  for (const name of COMPARISONS) {
    declare(name, sqlTypes[leftId], sqlTypes[rightId], sqlTypes.bool, comparison(name, compareText as (l: SqlValue, r: SqlValue) => Ordering));
  }
}

const prefixOperators = new Map<string, PrefixOperator[]>();

function negation(id: 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric'): (operand: SqlValue) => SqlValue {
  switch (id) {
    case 'int2':
      return (operand) => toInt2(-(operand as number)) + 0;
    case 'int4':
      return (operand) => toInt4(-(operand as number)) + 0;
    case 'int8':
      return (operand) => toInt8(-(operand as bigint));
    case 'float4':
    case 'float8':
      return (operand) => -(operand as number);
    case 'numeric':
      return (operand) => (operand as Numeric).negate();
  }
}

for (const id of ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'] as const) {
  const type = sqlTypes[id];
  const entries: [string, (operand: SqlValue) => SqlValue][] = [
    ['-', negation(id)],
    ['+', (operand) => operand],
  ];
  for (const [name, evaluate] of entries) {
    const list = prefixOperators.get(name) ?? [];
    list.push(Object.freeze({ name, operandType: type, argumentTypes: [type] as const, resultType: type, evaluate }));
    prefixOperators.set(name, list);
  }
}

/** PostgreSQL's lexer turns `!=` into `<>`; errors then print `<>`. */
function canonicalOperatorName(name: string): string {
  return name === '!=' ? '<>' : name;
}

function operatorDoesNotExist(signature: string): KmerSearchError {
  return new KmerSearchError(SqlState.undefinedFunction, `operator does not exist: ${signature}`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function operatorNotUnique(signature: string): KmerSearchError {
  return new KmerSearchError(AMBIGUOUS_OPERATOR, `operator is not unique: ${signature}`, {
    hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
  });
}

const ARITHMETIC_NAMES: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%']);

function isTextLike(type: SqlType): boolean {
  return type.id === 'text' || type.id === 'varchar' || type.id === 'name' || type.id === 'unknown';
}

/**
 * `||`: textcat when both sides are strings (or unknown), byteacat for bytea with bytea or unknown, and
 * anytextcat / textanycat (text with any other non-array type, printed by its output function).
 */
function resolveConcatenation(left: SqlType, right: SqlType, options: ValueIoOptions): BinaryOperator | undefined {
  const make = (leftType: SqlType, rightType: SqlType, resultType: SqlType, evaluate: BinaryOperator['evaluate']): BinaryOperator =>
    Object.freeze({ name: '||', leftType, rightType, argumentTypes: [leftType, rightType] as const, resultType, evaluate });
  if ((left.id === 'bytea' && (right.id === 'bytea' || right.id === 'unknown')) || (left.id === 'unknown' && right.id === 'bytea')) {
    return make(sqlTypes.bytea, sqlTypes.bytea, sqlTypes.bytea, (a, b) => {
      const first = a as Uint8Array;
      const second = b as Uint8Array;
      const joined = new Uint8Array(first.length + second.length);
      joined.set(first, 0);
      joined.set(second, first.length);
      return joined;
    });
  }
  if (isTextLike(left) && isTextLike(right)) {
    return make(sqlTypes.text, sqlTypes.text, sqlTypes.text, (a, b) => (a as string) + (b as string));
  }
  if (isTextLike(left)) {
    return make(sqlTypes.text, right, sqlTypes.text, (a, b) => (a as string) + formatValue(b, right, options));
  }
  if (isTextLike(right)) {
    return make(left, sqlTypes.text, sqlTypes.text, (a, b) => formatValue(a, left, options) + (b as string));
  }
  return undefined;
}

/**
 * The operator `left name right` denotes, by PostgreSQL's rules: an exact match (an unknown operand taking
 * the other's type), else the implicit-cast candidates narrowed by func_select_candidate. Throws 42883
 * `operator does not exist: integer % double precision` or 42725 `operator is not unique: unknown + unknown`
 * with PostgreSQL's hints. `options` serves `||`, which prints its non-text operand.
 */
export function resolveBinaryOperator(
  name: string,
  left: SqlType,
  right: SqlType,
  options: ValueIoOptions = {},
): BinaryOperator {
  const operatorName = canonicalOperatorName(name);
  const signature = `${left.formatName} ${operatorName} ${right.formatName}`;
  if (operatorName === '||') {
    const concatenation = resolveConcatenation(left, right, options);
    if (concatenation === undefined) throw operatorDoesNotExist(signature);
    return concatenation;
  }
  const candidates = binaryOperators.get(operatorName) ?? [];
  // PostgreSQL has arithmetic on dates, intervals, geometry… too: with no type to go by it cannot choose.
  if (left.id === 'unknown' && right.id === 'unknown' && ARITHMETIC_NAMES.has(operatorName)) {
    throw operatorNotUnique(signature);
  }
  // binary_oper_exact: an unknown operand is first assumed to have the other operand's type.
  if (left.id === 'unknown' || right.id === 'unknown') {
    const known = left.id === 'unknown' ? right : left;
    const exact = candidates.find((candidate) => candidate.leftType.id === known.id && candidate.rightType.id === known.id);
    if (exact !== undefined) return exact;
  }
  const selection = selectOverload(candidates, [left, right]);
  if (selection.kind === 'found') return selection.candidate;
  throw selection.kind === 'none' ? operatorDoesNotExist(signature) : operatorNotUnique(signature);
}

/** The prefix operator `name operand` (`-x`, `+x`); 42883 / 42725 as for binary operators. */
export function resolvePrefixOperator(name: string, operand: SqlType): PrefixOperator {
  const signature = `${name} ${operand.formatName}`;
  const candidates = prefixOperators.get(name) ?? [];
  if (operand.id === 'unknown' && candidates.length > 0) throw operatorNotUnique(signature);
  const selection = selectOverload(candidates, [operand]);
  if (selection.kind === 'found') return selection.candidate;
  throw selection.kind === 'none' ? operatorDoesNotExist(signature) : operatorNotUnique(signature);
}

/** Every declared binary operator of a name (for the function catalog and EXPLAIN). */
export function binaryOperatorCandidates(name: string): readonly BinaryOperator[] {
  return binaryOperators.get(canonicalOperatorName(name)) ?? [];
}
