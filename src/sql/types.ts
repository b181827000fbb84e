/**
 * The SQL type system of the executor: what a value of each type is in memory, how it prints and parses,
 * how it casts, compares, groups, computes and aggregates — each as PostgreSQL 15 does it under the
 * engine's fixed session settings (DateStyle ISO, MDY; TimeZone UTC; extra_float_digits 1; bytea_output
 * hex; text compared as under COLLATE "C").
 *
 * The pieces live in src/sql/types/ (one concern per file) and src/sql/numeric.ts; this file is the one
 * import the planner and executor need:
 *
 * - descriptors.ts — SqlType descriptors (names, OIDs, categories, alignment), SqlValue, lookupType;
 * - text-io.ts — output and input functions of every type (formatValue, parseValue), regclass hook;
 * - float.ts, timestamp.ts — the float and timestamptz text rules;
 * - casts.ts, modifiers.ts — pg_cast paths, castValue, varchar/numeric/timestamptz modifiers, 42804 helper;
 * - compare.ts — total orders, equality and grouping keys;
 * - resolution.ts, operators.ts — overload resolution and the built-in operators with their errors;
 * - aggregates.ts — count/sum/avg/min/max signatures and accumulators;
 * - literals.ts — types of numeric and string constants.
 */
export {
  DNA2_TYPE_OID,
  DNA4_TYPE_OID,
  type RecordField,
  type RecordValue,
  type SqlType,
  type SqlValue,
  type TypeCategory,
  type TypeId,
  type TypeModifier,
  encodedTypeModifier,
  formatTypeWithModifier,
  isIntegerType,
  isStringType,
  lookupType,
  numericType,
  recordType,
  sameBaseType,
  sqlTypes,
  timestamptzType,
  varcharType,
} from './types/descriptors.js';
export {
  type RelationCatalog,
  type ValueIoOptions,
  formatBytea,
  formatRecord,
  formatRegclass,
  formatValue,
  isDnaValue,
  isNumeric,
  isRecordValue,
  parseBaseValue,
  parseBool,
  parseBoolWords,
  parseBytea,
  parseIntegerText,
  parseOid,
  parseQualifiedName,
  parseRecord,
  parseRegclass,
  parseValue,
  quoteIdentifier,
  truncateName,
} from './types/text-io.js';
export {
  type DecimalDigits,
  decimalToFloat32,
  bigintToFloat32,
  formatFloat4,
  formatFloat8,
  parseFloat4,
  parseFloat8,
  roundHalfEven,
  shortestDecimal,
} from './types/float.js';
export { type TimestampInputOptions, formatTimestamptz, parseTimestamptz } from './types/timestamp.js';
export {
  type CastContext,
  applyTypeModifier,
  characterLength,
  coerceVarcharLength,
} from './types/modifiers.js';
export {
  type CastMethod,
  type CastPath,
  REWRITE_OR_CAST_HINT,
  assignmentTypeMismatchError,
  canCast,
  cannotCastError,
  castValue,
  coerceToColumn,
  findCastPath,
  floatToNumeric,
  toInt2,
  toInt4,
  toInt8,
} from './types/casts.js';
export {
  NULL_GROUPING_KEY,
  type Ordering,
  compareBytes,
  compareFloat,
  compareIntegers,
  compareRecords,
  compareText,
  compareValues,
  groupingKey,
  valuesEqual,
} from './types/compare.js';
export { type OverloadCandidate, type OverloadSelection, selectOverload } from './types/resolution.js';
export {
  type BinaryOperator,
  type PrefixOperator,
  binaryOperatorCandidates,
  resolveBinaryOperator,
  resolvePrefixOperator,
} from './types/operators.js';
export {
  type Accumulator,
  type AggregateName,
  type AggregateSignature,
  createAccumulator,
  resolveAggregate,
} from './types/aggregates.js';
export { type TypedConstant, typeNumberLiteral, typeStringLiteral } from './types/literals.js';
export { Numeric, selectDivisionScale } from './numeric.js';
