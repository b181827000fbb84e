/**
 * Syntax trees back to SQL, in two styles:
 *
 * * formatExpression / formatQuery: canonical, fully parenthesised SQL that parses back to the same tree
 *   (locations aside). For storing expressions (column defaults) and for tests.
 * * deparseExpression: PostgreSQL's EXPLAIN style (ruleutils.c without pretty-printing), for the executor's
 *   `Filter:` / `Index Cond:` / `Recheck Cond:` lines: every operator application in parentheses, constants as
 *   `'ACGT'::text`, casts as `(x)::integer`, BETWEEN/LIKE/IN in the forms the planner produces (`>=`/`<=`, `~~`,
 *   `= ANY (…)`), columns unqualified. ruleutils prints planned expressions whose types are resolved; a raw tree
 *   has no types, so the caller may supply them through `constantOf` (the default treats string literals as text
 *   and integer literals as integer, which is what a comparison with a text or integer column resolves to).
 */
import type { Between, Expression, FromItem, FunctionCall, Query, SortKey, Target, TypeName } from './ast.js';
import { quoteIdentifier } from './types/text-io.js';

export { quoteIdentifier };

// ---------------------------------------------------------------------------------------------------------------
// Quoting
// ---------------------------------------------------------------------------------------------------------------

/** A string constant as ruleutils prints it with standard_conforming_strings on: quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

const plainTypeNames: Readonly<Record<string, string>> = {
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
};

/**
 * A type as PostgreSQL's format_type prints it: `integer`, `character varying(10)`, `timestamp with time zone`,
 * `dna2`, `integer[]`. The result also parses back to the same TypeName.
 */
export function formatTypeName(type: TypeName): string {
  const modifiers = type.modifiers.length > 0 ? `(${type.modifiers.join(',')})` : '';
  let base: string | undefined;
  if (type.schema === undefined) {
    const plain = plainTypeNames[type.name];
    if (plain !== undefined && modifiers === '') base = plain;
    switch (type.name) {
      case 'numeric':
      case 'interval':
        base = `${type.name}${modifiers}`;
        break;
      case 'varchar':
        base = `character varying${modifiers}`;
        break;
      case 'bpchar':
        // format_type prints `bpchar` when no length was given: plain CHARACTER would mean character(1).
        base = modifiers === '' ? 'bpchar' : `character${modifiers}`;
        break;
      case 'timestamp':
        base = `timestamp${modifiers} without time zone`;
        break;
      case 'timestamptz':
        base = `timestamp${modifiers} with time zone`;
        break;
      case 'time':
        base = `time${modifiers} without time zone`;
        break;
      case 'timetz':
        base = `time${modifiers} with time zone`;
        break;
      case 'bit':
        base = `bit${modifiers}`;
        break;
      case 'varbit':
        base = `bit varying${modifiers}`;
        break;
      default:
        break;
    }
  }
  if (base === undefined) {
    const qualified = type.schema === undefined ? '' : `${type.schema.split('.').map(quoteIdentifier).join('.')}.`;
    base = `${qualified}${quoteIdentifier(type.name)}${modifiers}`;
  }
  return base + '[]'.repeat(type.arrayDimensions);
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical SQL
// ---------------------------------------------------------------------------------------------------------------

/** Functions written with SQL keyword syntax whose plain-argument form prints as the keyword. */
const keywordFunctions = new Set(['coalesce', 'greatest', 'least']);

/** Canonical SQL for an expression; `parseExpression(formatExpression(e))` is `e` again (locations aside). */
export function formatExpression(expression: Expression): string {
  const format = formatExpression;
  switch (expression.kind) {
    case 'columnReference':
      return expression.names.map(quoteIdentifier).join('.');
    case 'star':
      return [...expression.qualifier.map(quoteIdentifier), '*'].join('.');
    case 'parameter':
      return `$${expression.number}`;
    case 'numberLiteral':
      return expression.text.startsWith('-') ? `(${expression.text})` : expression.text;
    case 'stringLiteral':
      return quoteLiteral(expression.value);
    case 'booleanLiteral':
      return expression.value ? 'TRUE' : 'FALSE';
    case 'nullLiteral':
      return 'NULL';
    case 'typeCast':
      return `(${format(expression.operand)})::${formatTypeName(expression.type)}`;
    case 'unaryOperation':
      return `(${expression.operator} ${format(expression.operand)})`;
    case 'binaryOperation':
      return `(${format(expression.left)} ${expression.operator} ${format(expression.right)})`;
    case 'and':
      return `(${expression.arguments.map(format).join(' AND ')})`;
    case 'or':
      return `(${expression.arguments.map(format).join(' OR ')})`;
    case 'not':
      return `(NOT ${format(expression.operand)})`;
    case 'nullTest':
      return `(${format(expression.operand)} IS ${expression.negated ? 'NOT ' : ''}NULL)`;
    case 'booleanTest':
      return `(${format(expression.operand)} IS ${expression.negated ? 'NOT ' : ''}${expression.test.toUpperCase()})`;
    case 'distinctFrom':
      return `(${format(expression.left)} IS ${expression.negated ? 'NOT ' : ''}DISTINCT FROM ${format(expression.right)})`;
    case 'between':
      return `(${format(expression.operand)} ${expression.negated ? 'NOT ' : ''}BETWEEN ${expression.symmetric ? 'SYMMETRIC ' : ''}${format(expression.low)} AND ${format(expression.high)})`;
    case 'like': {
      const operator = `${expression.negated ? 'NOT ' : ''}${expression.caseInsensitive ? 'ILIKE' : 'LIKE'}`;
      const escape = expression.escape === undefined ? '' : ` ESCAPE ${format(expression.escape)}`;
      return `(${format(expression.operand)} ${operator} ${format(expression.pattern)}${escape})`;
    }
    case 'inList':
      return `(${format(expression.operand)} ${expression.negated ? 'NOT ' : ''}IN (${expression.values.map(format).join(', ')}))`;
    case 'inSubquery':
      return `(${format(expression.operand)} ${expression.negated ? 'NOT ' : ''}IN (${formatQuery(expression.query)}))`;
    case 'quantified': {
      const right = isQuery(expression.right) ? formatQuery(expression.right) : format(expression.right);
      return `(${format(expression.left)} ${expression.operator} ${expression.quantifier.toUpperCase()} (${right}))`;
    }
    case 'arrayConstructor':
      return `ARRAY[${expression.elements.map(format).join(', ')}]`;
    case 'scalarSubquery':
      return `(${formatQuery(expression.query)})`;
    case 'exists':
      return `EXISTS (${formatQuery(expression.query)})`;
    case 'functionCall':
      return formatFunctionCall(expression);
    case 'namedArgument':
      return `${quoteIdentifier(expression.name)} => ${format(expression.value)}`;
    case 'case': {
      const operand = expression.operand === undefined ? '' : ` ${format(expression.operand)}`;
      const whens = expression.whens.map((when) => ` WHEN ${format(when.condition)} THEN ${format(when.result)}`).join('');
      const elseResult = expression.elseResult === undefined ? '' : ` ELSE ${format(expression.elseResult)}`;
      return `CASE${operand}${whens}${elseResult} END`;
    }
    case 'fieldSelection':
      return `(${format(expression.operand)}).${quoteIdentifier(expression.field)}`;
    case 'fieldStar':
      return `(${format(expression.operand)}).*`;
    case 'row':
      return expression.explicit || expression.fields.length < 2
        ? `ROW(${expression.fields.map(format).join(', ')})`
        : `(${expression.fields.map(format).join(', ')})`;
    case 'sqlValueFunction':
      return expression.name.toUpperCase() + (expression.precision === undefined ? '' : `(${expression.precision})`);
    case 'setToDefault':
      return 'DEFAULT';
  }
}

function isQuery(value: Expression | Query): value is Query {
  return value.kind === 'select' || value.kind === 'values' || value.kind === 'setOperation';
}

function formatFunctionName(name: readonly string[]): string {
  return name.map(quoteIdentifier).join('.');
}

function isPlainCall(call: FunctionCall): boolean {
  return !call.star && !call.distinct && call.orderBy.length === 0 && call.filter === undefined &&
    call.arguments.every((argument) => argument.kind !== 'namedArgument');
}

function formatFunctionCall(call: FunctionCall): string {
  const name = call.name.length === 1 ? call.name[0] : undefined;
  if (name !== undefined && isPlainCall(call)) {
    if (keywordFunctions.has(name) && call.arguments.length > 0) {
      return `${name.toUpperCase()}(${call.arguments.map(formatExpression).join(', ')})`;
    }
    if (name === 'nullif' && call.arguments.length === 2) return `NULLIF(${call.arguments.map(formatExpression).join(', ')})`;
  }
  let inner: string;
  if (call.star) inner = '*';
  else {
    inner = (call.distinct ? 'DISTINCT ' : '') + call.arguments.map(formatExpression).join(', ');
    if (call.orderBy.length > 0) inner += ` ORDER BY ${call.orderBy.map(formatSortKey).join(', ')}`;
  }
  const filter = call.filter === undefined ? '' : ` FILTER (WHERE ${formatExpression(call.filter)})`;
  return `${formatFunctionName(call.name)}(${inner})${filter}`;
}

function formatSortKey(key: SortKey): string {
  const direction = key.direction === 'default' ? '' : ` ${key.direction.toUpperCase()}`;
  const nulls = key.nulls === 'default' ? '' : ` NULLS ${key.nulls.toUpperCase()}`;
  return `${formatExpression(key.expression)}${direction}${nulls}`;
}

function formatTarget(target: Target): string {
  const expression = formatExpression(target.expression);
  return target.alias === undefined ? expression : `${expression} AS ${quoteIdentifier(target.alias)}`;
}

function formatAlias(alias: { readonly name: string; readonly columns: readonly string[] } | undefined): string {
  if (alias === undefined) return '';
  const columns = alias.columns.length > 0 ? `(${alias.columns.map(quoteIdentifier).join(', ')})` : '';
  return ` AS ${quoteIdentifier(alias.name)}${columns}`;
}

function formatFromItem(item: FromItem): string {
  switch (item.kind) {
    case 'tableReference': {
      const schema = item.relation.schema === undefined ? '' : `${quoteIdentifier(item.relation.schema)}.`;
      return `${item.only ? 'ONLY ' : ''}${schema}${quoteIdentifier(item.relation.name)}${formatAlias(item.alias)}`;
    }
    case 'functionReference':
      return `${formatFunctionCall(item.call)}${item.withOrdinality ? ' WITH ORDINALITY' : ''}${formatAlias(item.alias)}`;
    case 'subqueryReference':
      return `(${formatQuery(item.query)})${formatAlias(item.alias)}`;
    case 'join': {
      const kind = item.joinType === 'cross' ? 'CROSS JOIN' : `${item.natural ? 'NATURAL ' : ''}${item.joinType.toUpperCase()} JOIN`;
      let condition = '';
      if (item.on !== undefined) condition = ` ON ${formatExpression(item.on)}`;
      else if (item.using.length > 0) condition = ` USING (${item.using.map(quoteIdentifier).join(', ')})`;
      return `(${formatFromItem(item.left)} ${kind} ${formatFromItem(item.right)}${condition})${formatAlias(item.alias)}`;
    }
  }
}

function formatQueryTail(query: Query): string {
  let tail = '';
  if (query.orderBy.length > 0) tail += ` ORDER BY ${query.orderBy.map(formatSortKey).join(', ')}`;
  if (query.limit !== undefined) tail += ` LIMIT ${formatExpression(query.limit)}`;
  if (query.offset !== undefined) tail += ` OFFSET ${formatExpression(query.offset)}`;
  return tail;
}

/** Canonical SQL for a query (SELECT, VALUES or a set operation). */
export function formatQuery(query: Query): string {
  switch (query.kind) {
    case 'select': {
      let text = 'SELECT';
      if (query.distinct) {
        text += ' DISTINCT';
        if (query.distinctOn.length > 0) text += ` ON (${query.distinctOn.map(formatExpression).join(', ')})`;
      }
      if (query.targets.length > 0) text += ` ${query.targets.map(formatTarget).join(', ')}`;
      if (query.from.length > 0) text += ` FROM ${query.from.map(formatFromItem).join(', ')}`;
      if (query.where !== undefined) text += ` WHERE ${formatExpression(query.where)}`;
      if (query.groupBy.length > 0) text += ` GROUP BY ${query.groupBy.map(formatExpression).join(', ')}`;
      if (query.having !== undefined) text += ` HAVING ${formatExpression(query.having)}`;
      return text + formatQueryTail(query);
    }
    case 'values':
      return `VALUES ${query.rows.map((row) => `(${row.map(formatExpression).join(', ')})`).join(', ')}${formatQueryTail(query)}`;
    case 'setOperation': {
      const operator = `${query.operator.toUpperCase()}${query.all ? ' ALL' : ''}`;
      return `(${formatQuery(query.left)}) ${operator} (${formatQuery(query.right)})${formatQueryTail(query)}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// EXPLAIN style (ruleutils.c)
// ---------------------------------------------------------------------------------------------------------------

/** A constant as the planner sees it: its output text (null for NULL) and its type in format_type spelling. */
export interface DeparsedConstant {
  readonly text: string | null;
  readonly type: string | undefined;
}

export interface DeparseOptions {
  /**
   * The folded constant an expression stands for, when the caller knows its resolved type (e.g. the literal of
   * `int8col = 5` is `'5'::bigint`), or undefined to use the defaults: integer literals are `integer` (or `bigint`
   * / `numeric` when larger), other numbers `numeric`, strings `text`, casts of literals the cast's type.
   */
  readonly constantOf?: (expression: Expression) => DeparsedConstant | undefined;
  /** Print `t.col` instead of `col` (EXPLAIN does when a plan node sees several tables). */
  readonly qualifyColumns?: boolean;
  /** Text for a subquery; the default numbers them `(SubPlan 1)`, `(SubPlan 2)`, … in order of appearance. */
  readonly subquery?: (expression: Expression) => string;
}

const int4Range = { min: -2147483648n, max: 2147483647n };
const int8Range = { min: -9223372036854775808n, max: 9223372036854775807n };

function defaultConstant(expression: Expression): DeparsedConstant | undefined {
  switch (expression.kind) {
    case 'numberLiteral': {
      if (expression.isInteger) {
        const value = BigInt(expression.text);
        if (value >= int4Range.min && value <= int4Range.max) return { text: expression.text, type: 'integer' };
        if (value >= int8Range.min && value <= int8Range.max) return { text: expression.text, type: 'bigint' };
      }
      return { text: expression.text, type: 'numeric' };
    }
    case 'stringLiteral':
      return { text: expression.value, type: 'text' };
    case 'booleanLiteral':
      return { text: expression.value ? 'true' : 'false', type: 'boolean' };
    case 'nullLiteral':
      return { text: null, type: undefined };
    default:
      return undefined;
  }
}

/**
 * The constant a cast of a constant folds to, as the planner folds it (`0::int4::int4` is `0`, `(-1)::int8` is
 * `'-1'::bigint`), so that a printed cast never re-parses into a constant printed differently.
 */
function castConstant(operand: DeparsedConstant, type: string): DeparsedConstant | undefined {
  if (operand.text === null) return { text: null, type };
  // A boolean converts to other types through a cast function, not through text: not a literal of that type.
  if (operand.type === 'boolean' && type !== 'boolean') return undefined;
  // Nor does an array convert to a scalar (or to another array type) through its text.
  if (operand.type?.endsWith('[]') === true && type !== operand.type) return undefined;
  return { text: normaliseConstantText(operand.text, type), type };
}

/** The output text of a few input texts whose output differs (`'007'::int` prints 7, `'t'::boolean` true). */
function normaliseConstantText(text: string, type: string): string {
  if ((type === 'integer' || type === 'bigint' || type === 'smallint') && /^\s*[+-]?\d+\s*$/.test(text)) {
    return BigInt(text.trim()).toString();
  }
  if (type === 'boolean') {
    const lowered = text.trim().toLowerCase();
    if (['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'].includes(lowered)) return 'true';
    if (['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'].includes(lowered)) return 'false';
  }
  return text;
}

/** ruleutils' get_const_expr with showtype 0: bare integers and decimals, labelled everything else. */
function formatConstant(constant: DeparsedConstant): string {
  if (constant.text === null) return constant.type === undefined ? 'NULL' : `NULL::${constant.type}`;
  const text = constant.text;
  switch (constant.type) {
    case 'integer':
      // Negative (and, for casts of other literals, non-integral) texts get a label so that they re-parse as one
      // constant.
      return /^[0-9]+$/.test(text) && BigInt(text) <= int4Range.max ? text : `${quoteLiteral(text)}::integer`;
    case 'numeric':
      return /^[0-9]/.test(text) && /[.eE]/.test(text) ? text : `${quoteLiteral(text)}::numeric`;
    case 'boolean': {
      // The binder gives a boolean constant's output text (`t`, `f`); ruleutils prints true and false.
      const normalised = normaliseConstantText(text, 'boolean');
      if (normalised === 'true' || normalised === 'false') return normalised;
      return `${quoteLiteral(text)}::boolean`;
    }
    case undefined:
      return quoteLiteral(text);
    default:
      return `${quoteLiteral(text)}::${constant.type}`;
  }
}

const numericTypes = new Set(['integer', 'bigint', 'smallint', 'numeric', 'real', 'double precision']);

function negateNumericText(text: string): string {
  if (/^-?0+$/.test(text)) return '0';
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}

/** array_out's quoting of one element. */
function arrayElementText(text: string | null): string {
  if (text === null) return 'NULL';
  if (text === '' || /["\\{},\s]/.test(text) || text.toLowerCase() === 'null') {
    return `"${text.replace(/(["\\])/g, '\\$1')}"`;
  }
  return text;
}

/** An expression in EXPLAIN style, e.g. `(seq =% 'ACGT'::text)`, `((id >= 1) AND (id <= 5))`. */
export function deparseExpression(expression: Expression, options: DeparseOptions = {}): string {
  let subplanCounter = 0;
  function constantOf(node: Expression): DeparsedConstant | undefined {
    const known = options.constantOf?.(node) ?? defaultConstant(node);
    if (known === undefined && node.kind === 'arrayConstructor') return arrayConstant(node.elements);
    if (known === undefined && node.kind === 'typeCast') {
      const operand = constantOf(node.operand);
      return operand === undefined ? undefined : castConstant(operand, formatTypeName(node.type));
    }
    if (known !== undefined || node.kind !== 'unaryOperation' || (node.operator !== '-' && node.operator !== '+')) return known;
    // The planner folds a sign applied to a numeric constant into the constant.
    const operand = constantOf(node.operand);
    if (operand?.text == null || !numericTypes.has(operand.type ?? '')) return undefined;
    return { text: node.operator === '+' ? operand.text : negateNumericText(operand.text), type: operand.type };
  }
  const subquery = (node: Expression): string => options.subquery?.(node) ?? `(SubPlan ${++subplanCounter})`;

  /** Constant elements fold into one array constant; nested arrays stay ARRAY[…] (multi-dimensional literals aside). */
  function arrayConstant(elements: readonly Expression[]): DeparsedConstant | undefined {
    const constants = elements.map(constantOf);
    const types = new Set(constants.map((constant) => constant?.type));
    const type = [...types][0];
    if (!constants.every((constant) => constant !== undefined) || types.size !== 1 || type === undefined || type.endsWith('[]')) return undefined;
    const body = constants.map((constant) => arrayElementText(constant?.text ?? null)).join(',');
    return { text: `{${body}}`, type: `${type}[]` };
  }

  const arrayOf = (elements: readonly Expression[]): string => {
    const constant = arrayConstant(elements);
    return constant === undefined ? `ARRAY[${elements.map(deparse).join(', ')}]` : formatConstant(constant);
  };

  // The planner sees BETWEEN as comparisons and flattens nested ANDs and ORs (BETWEEN's included), so
  // `a BETWEEN 1 AND 2 AND b` prints as `((a >= 1) AND (a <= 2) AND b)`.
  function betweenParts(node: Between): { kind: 'and' | 'or'; parts: string[] } {
    const operand = deparse(node.operand);
    const low = deparse(node.low);
    const high = deparse(node.high);
    const inside = (lower: string, upper: string): string[] => [`(${operand} >= ${lower})`, `(${operand} <= ${upper})`];
    const outside = (lower: string, upper: string): string[] => [`(${operand} < ${lower})`, `(${operand} > ${upper})`];
    if (!node.symmetric) return node.negated ? { kind: 'or', parts: outside(low, high) } : { kind: 'and', parts: inside(low, high) };
    if (!node.negated) {
      return { kind: 'or', parts: [`(${inside(low, high).join(' AND ')})`, `(${inside(high, low).join(' AND ')})`] };
    }
    return { kind: 'and', parts: [`(${outside(low, high).join(' OR ')})`, `(${outside(high, low).join(' OR ')})`] };
  }

  function andParts(node: Expression): string[] {
    if (node.kind === 'and') return node.arguments.flatMap(andParts);
    if (node.kind === 'between' && constantOf(node) === undefined) {
      const between = betweenParts(node);
      if (between.kind === 'and') return between.parts;
    }
    return [deparse(node)];
  }

  function orParts(node: Expression): string[] {
    if (node.kind === 'or') return node.arguments.flatMap(orParts);
    if (node.kind === 'between' && constantOf(node) === undefined) {
      const between = betweenParts(node);
      if (between.kind === 'or') return between.parts;
    }
    return [deparse(node)];
  }

  function deparse(node: Expression): string {
    const constant = constantOf(node);
    if (constant !== undefined) return formatConstant(constant);
    switch (node.kind) {
      case 'columnReference': {
        const names = options.qualifyColumns === true ? node.names : node.names.slice(-1);
        return names.map(quoteIdentifier).join('.');
      }
      case 'star':
        return [...(options.qualifyColumns === true ? node.qualifier.map(quoteIdentifier) : []), '*'].join('.');
      case 'parameter':
        return `$${node.number}`;
      case 'typeCast':
        return `(${deparse(node.operand)})::${formatTypeName(node.type)}`;
      case 'unaryOperation':
        return `(${node.operator} ${deparse(node.operand)})`;
      case 'binaryOperation':
        return `(${deparse(node.left)} ${node.operator} ${deparse(node.right)})`;
      case 'and':
        return `(${andParts(node).join(' AND ')})`;
      case 'or':
        return `(${orParts(node).join(' OR ')})`;
      case 'not':
        return `(NOT ${deparse(node.operand)})`;
      case 'nullTest':
        return `(${deparse(node.operand)} IS ${node.negated ? 'NOT ' : ''}NULL)`;
      case 'booleanTest':
        return `(${deparse(node.operand)} IS ${node.negated ? 'NOT ' : ''}${node.test.toUpperCase()})`;
      case 'distinctFrom': {
        const test = `(${deparse(node.left)} IS DISTINCT FROM ${deparse(node.right)})`;
        return node.negated ? `(NOT ${test})` : test;
      }
      case 'between':
        return node.negated === node.symmetric ? `(${andParts(node).join(' AND ')})` : `(${orParts(node).join(' OR ')})`;
      case 'like': {
        const operator = `${node.negated ? '!' : ''}~~${node.caseInsensitive ? '*' : ''}`;
        const pattern = node.escape === undefined ? deparse(node.pattern) : `like_escape(${deparse(node.pattern)}, ${deparse(node.escape)})`;
        return `(${deparse(node.operand)} ${operator} ${pattern})`;
      }
      case 'inList':
        return `(${deparse(node.operand)} ${node.negated ? '<> ALL' : '= ANY'} (${arrayOf(node.values)}))`;
      case 'inSubquery':
        return node.negated ? `(NOT ${subquery(node)})` : subquery(node);
      case 'quantified': {
        const right = isQuery(node.right) ? subquery(node) : deparse(node.right);
        return `(${deparse(node.left)} ${node.operator} ${node.quantifier.toUpperCase()} (${right}))`;
      }
      case 'arrayConstructor':
        return arrayOf(node.elements);
      case 'scalarSubquery':
      case 'exists':
        return subquery(node);
      case 'functionCall': {
        const name = node.name.length === 1 ? node.name[0] : undefined;
        if (name !== undefined && isPlainCall(node) && ((keywordFunctions.has(name) && node.arguments.length > 0) || (name === 'nullif' && node.arguments.length === 2))) {
          return `${name.toUpperCase()}(${node.arguments.map(deparse).join(', ')})`;
        }
        const qualified = node.name[0] === 'pg_catalog' && node.name.length > 1 ? node.name.slice(1) : node.name;
        let inner: string;
        if (node.star) inner = '*';
        else {
          inner = (node.distinct ? 'DISTINCT ' : '') + node.arguments.map(deparse).join(', ');
          if (node.orderBy.length > 0) {
            inner += ` ORDER BY ${node.orderBy
              .map((key) => `${deparse(key.expression)}${key.direction === 'desc' ? ' DESC' : ''}${key.nulls === 'default' ? '' : ` NULLS ${key.nulls.toUpperCase()}`}`)
              .join(', ')}`;
          }
        }
        const filter = node.filter === undefined ? '' : ` FILTER (WHERE ${deparse(node.filter)})`;
        return `${formatFunctionName(qualified)}(${inner})${filter}`;
      }
      case 'namedArgument':
        return `${quoteIdentifier(node.name)} => ${deparse(node.value)}`;
      case 'case': {
        const operand = node.operand === undefined ? '' : ` ${deparse(node.operand)}`;
        const whens = node.whens.map((when) => ` WHEN ${deparse(when.condition)} THEN ${deparse(when.result)}`).join('');
        const elseResult = node.elseResult === undefined ? '' : ` ELSE ${deparse(node.elseResult)}`;
        return `CASE${operand}${whens}${elseResult} END`;
      }
      case 'fieldSelection': {
        // ruleutils leaves out the parentheses only around another field selection.
        const operand = deparse(node.operand);
        const wrapped = node.operand.kind === 'fieldSelection' ? operand : `(${operand})`;
        return `${wrapped}.${quoteIdentifier(node.field)}`;
      }
      case 'fieldStar':
        return `(${deparse(node.operand)}).*`;
      case 'row':
        return `ROW(${node.fields.map(deparse).join(', ')})`;
      case 'sqlValueFunction':
        return node.name.toUpperCase() + (node.precision === undefined ? '' : `(${node.precision})`);
      case 'setToDefault':
        return 'DEFAULT';
      case 'numberLiteral':
      case 'stringLiteral':
      case 'booleanLiteral':
      case 'nullLiteral':
        // Unreachable: every literal is a constant (defaultConstant); kept for exhaustiveness.
        return formatExpression(node);
    }
  }

  return deparse(expression);
}
