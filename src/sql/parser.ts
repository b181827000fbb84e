/**
 * A recursive-descent parser for kmersearch's SQL dialect (SPEC §8), following PostgreSQL's gram.y: the same
 * keyword categories, operator precedence (including `=%` and other user operators binding tighter than
 * comparisons and looser than `+`/`-`), raw-tree shapes (AND chains flattened on the left, `-` folded into numeric
 * literals) and the same syntax errors with the same positions. It builds the frozen trees of ast.ts and raises
 * only KmerSearchError; deeply nested input fails with PostgreSQL's `stack depth limit exceeded`, not a crash.
 */
import { KmerSearchError, SqlState, stackDepthLimitExceeded } from '../errors.js';
import type {
  Alias,
  AndExpression,
  ArrayConstructor,
  Assignment,
  Between,
  BinaryOperation,
  BooleanLiteral,
  BooleanTest,
  CaseExpression,
  CaseWhen,
  CheckConstraint,
  ColumnConstraint,
  ColumnDefinition,
  ColumnReference,
  CopyStatement,
  CreateExtensionStatement,
  CreateIndexStatement,
  CreateTableStatement,
  DefaultConstraint,
  DefaultValue,
  DeleteStatement,
  DistinctFrom,
  DropExtensionStatement,
  DropIndexStatement,
  DropTableStatement,
  Exists,
  ExplainStatement,
  Expression,
  FieldSelection,
  FieldStar,
  FromItem,
  FunctionCall,
  FunctionReference,
  GenericOption,
  IndexElement,
  InList,
  InSubquery,
  InsertStatement,
  JoinExpression,
  Like,
  ListValue,
  NamedArgument,
  NodeFields,
  NotExpression,
  NotNullConstraint,
  NullConstraint,
  NullLiteral,
  NullTest,
  NumberLiteral,
  NumberValue,
  OnConflict,
  OptionValue,
  OrExpression,
  Parameter,
  PrimaryKeyConstraint,
  Quantified,
  Query,
  RawStatement,
  ReindexStatement,
  RelationName,
  ResetStatement,
  RowConstructor,
  ScalarSubquery,
  SelectStatement,
  SetOperationStatement,
  SetStatement,
  SetToDefault,
  ShowStatement,
  SortKey,
  SqlValueFunction,
  Star,
  StarValue,
  Statement,
  StringLiteral,
  StringValue,
  SubqueryReference,
  TableConstraint,
  TableReference,
  Target,
  TransactionStatement,
  TruncateStatement,
  TypeCast,
  TypeName,
  UnaryOperation,
  UniqueConstraint,
  UpdateStatement,
  VacuumStatement,
  ValuesStatement,
  WordValue,
} from './ast.js';
import { freezeNode as node } from './ast.js';
import { Lexer, asOnlyLabelKeywords, errorPosition, keywordCategory, syntaxErrorAt, type Token } from './lexer.js';

// ---------------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------------

/**
 * Parses every statement of `sql` (separated by `;`; empty statements are skipped), as PostgreSQL's raw_parser
 * does for a simple-protocol query string.
 */
export function parseStatements(sql: string): readonly RawStatement[] {
  return guard(sql, (parser) => parser.parseStatementList());
}

/**
 * Parses exactly one statement (an optional trailing `;` is allowed). More than one statement raises PostgreSQL's
 * extended-protocol error `cannot insert multiple commands into a prepared statement` (42601); an empty text
 * returns undefined, PostgreSQL's empty query.
 */
export function parseStatement(sql: string): Statement | undefined {
  const statements = parseStatements(sql);
  if (statements.length > 1) {
    throw new KmerSearchError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
  }
  return statements[0]?.statement;
}

/** Parses a single expression, e.g. a stored DEFAULT or a test case. */
export function parseExpression(sql: string): Expression {
  return guard(sql, (parser) => parser.parseStandaloneExpression());
}

/** Parses a type name, e.g. `character varying(10)` → {name: 'varchar', modifiers: [10]}. */
export function parseTypeName(sql: string): TypeName {
  return guard(sql, (parser) => parser.parseStandaloneTypeName());
}

/** Nesting beyond this depth raises PostgreSQL's `stack depth limit exceeded` instead of overflowing the JS stack. */
const maximumNestingDepth = 400;

function guard<T>(sql: string, run: (parser: Parser) => T): T {
  try {
    return run(new Parser(sql));
  } catch (error) {
    if (error instanceof KmerSearchError) throw error;
    if (error instanceof RangeError) throw stackDepthLimitExceeded();
    throw new KmerSearchError(SqlState.internalError, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Precedence (gram.y, lowest first)
// ---------------------------------------------------------------------------------------------------------------

const precedence = {
  or: 1,
  and: 2,
  not: 3,
  is: 4,
  comparison: 5,
  /** BETWEEN, IN, LIKE, ILIKE, SIMILAR and their NOT forms. */
  like: 6,
  /** Any other operator: `=%`, `||`, `~`, `@>`, … */
  userOperator: 8,
  additive: 9,
  multiplicative: 10,
  exponent: 11,
  atTimeZone: 12,
  unaryMinus: 14,
  typeCast: 17,
} as const;

const comparisonOperators = new Set(['<', '>', '=', '<=', '>=', '<>']);
/** Operators that are tokens of their own in gram.y; every other operator is the generic `Op`. */
const nonGenericOperators = new Set(['+', '-', '*', '/', '%', '^', '<', '>', '=', '<=', '>=', '<>', '=>', ':=']);

const queryStartWords = new Set(['select', 'values', 'table', 'with']);

/** Words after which a target list cannot continue, so `SELECT` followed by one of them has no targets. */
const targetListEnders = new Set([
  'from', 'where', 'group', 'having', 'window', 'order', 'limit', 'offset', 'fetch', 'for', 'union', 'intersect',
  'except', 'into', 'on', 'returning',
]);

/** Type keywords that may start a typed literal such as `integer '1'` or `timestamp with time zone '…'`. */
const typeKeywords = new Set([
  'int', 'integer', 'smallint', 'bigint', 'real', 'float', 'double', 'decimal', 'dec', 'numeric', 'boolean', 'bit',
  'character', 'char', 'nchar', 'national', 'varchar', 'timestamp', 'time', 'interval',
]);

const sqlValueFunctions = new Set([
  'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'current_role',
  'current_user', 'session_user', 'system_user', 'user', 'current_catalog', 'current_schema',
]);
const sqlValueFunctionsWithPrecision = new Set(['current_time', 'current_timestamp', 'localtime', 'localtimestamp']);

/** PostgreSQL statements outside the dialect: reported as unsupported rather than as syntax errors. */
const unsupportedStatementWords = new Set([
  'alter', 'grant', 'revoke', 'comment', 'do', 'prepare', 'execute', 'deallocate', 'listen', 'notify', 'unlisten',
  'lock', 'cluster', 'declare', 'fetch', 'move', 'close', 'discard', 'checkpoint', 'load', 'security', 'refresh',
  'import', 'call', 'merge', 'reassign',
]);

// ---------------------------------------------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------------------------------------------

class Parser {
  private readonly lexer: Lexer;
  private readonly tokens: Token[] = [];
  private index = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.lexer = new Lexer(source);
  }

  // ----- token access ------------------------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    while (this.tokens.length <= this.index + ahead) {
      const last = this.tokens[this.tokens.length - 1];
      this.tokens.push(last?.type === 'eof' ? last : this.lexer.next());
    }
    return this.tokens[this.index + ahead] as Token;
  }

  private get current(): Token {
    return this.peek(0);
  }

  private advance(): Token {
    const token = this.peek(0);
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'word' && token.value === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.advance();
    return true;
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail();
    return this.advance();
  }

  private isPunctuation(value: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'punctuation' && token.value === value;
  }

  private acceptPunctuation(value: string): boolean {
    if (!this.isPunctuation(value)) return false;
    this.advance();
    return true;
  }

  private expectPunctuation(value: string): Token {
    if (!this.isPunctuation(value)) this.fail();
    return this.advance();
  }

  private isOperator(value: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'operator' && token.value === value;
  }

  /** PostgreSQL's `syntax error at or near "…"` at a token (the current one by default). */
  private fail(token: Token = this.current): never {
    throw syntaxErrorAt(this.source, token.offset, token.type === 'eof' ? undefined : token.text);
  }

  private error(code: string, message: string, offset: number, hint?: string): KmerSearchError {
    return new KmerSearchError(code, message, { position: errorPosition(this.source, offset), hint });
  }

  private unsupported(what: string, offset: number): KmerSearchError {
    return this.error(SqlState.featureNotSupported, `${what} is not supported`, offset);
  }

  private enter(): void {
    if (++this.depth > maximumNestingDepth) throw stackDepthLimitExceeded();
  }

  private leave(): void {
    this.depth--;
  }

  // ----- identifiers -------------------------------------------------------------------------------------------

  /** gram.y's ColId: identifiers, unreserved and column-name keywords. */
  private isColumnIdentifier(ahead = 0): boolean {
    const token = this.peek(ahead);
    if (token.type === 'quotedIdentifier') return true;
    if (token.type !== 'word') return false;
    const category = keywordCategory(token.value);
    return category === 'unreserved' || category === 'columnName';
  }

  /** gram.y's type_function_name: identifiers, unreserved and type/function-name keywords. */
  private isTypeFunctionName(ahead = 0): boolean {
    const token = this.peek(ahead);
    if (token.type === 'quotedIdentifier') return true;
    if (token.type !== 'word') return false;
    const category = keywordCategory(token.value);
    return category === 'unreserved' || category === 'typeFunctionName';
  }

  /** gram.y's NonReservedWord. */
  private isNonReservedWord(ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'quotedIdentifier' || (token.type === 'word' && keywordCategory(token.value) !== 'reserved');
  }

  private isLabel(ahead = 0): boolean {
    const type = this.peek(ahead).type;
    return type === 'word' || type === 'quotedIdentifier';
  }

  private columnIdentifier(): string {
    if (!this.isColumnIdentifier()) this.fail();
    return this.advance().value;
  }

  private label(): string {
    if (!this.isLabel()) this.fail();
    return this.advance().value;
  }

  private nonReservedWord(): string {
    if (!this.isNonReservedWord()) this.fail();
    return this.advance().value;
  }

  /** `name` or `schema.name` (gram.y's qualified_name). */
  private relationName(): RelationName {
    const location = this.current.offset;
    const first = this.columnIdentifier();
    if (!this.isPunctuation('.')) return node<RelationName>({ kind: 'relationName', name: first, location });
    this.advance();
    const second = this.label();
    if (this.isPunctuation('.')) {
      // catalog.schema.name: PostgreSQL accepts it only for the current database; kmersearch has none to name.
      this.advance();
      const third = this.label();
      return node<RelationName>({ kind: 'relationName', schema: second, name: third, location });
    }
    return node<RelationName>({ kind: 'relationName', schema: first, name: second, location });
  }

  private relationNameList(): RelationName[] {
    const names = [this.relationName()];
    while (this.acceptPunctuation(',')) names.push(this.relationName());
    return names;
  }

  /** `'(' ColId, … ')'` */
  private columnList(): string[] {
    this.expectPunctuation('(');
    const columns = [this.columnIdentifier()];
    while (this.acceptPunctuation(',')) columns.push(this.columnIdentifier());
    this.expectPunctuation(')');
    return columns;
  }

  /** CASCADE / RESTRICT; returns true for CASCADE. */
  private dropBehavior(): boolean {
    if (this.acceptWord('cascade')) return true;
    this.acceptWord('restrict');
    return false;
  }

  // ----- statements --------------------------------------------------------------------------------------------

  parseStatementList(): readonly RawStatement[] {
    const statements: RawStatement[] = [];
    for (;;) {
      while (this.acceptPunctuation(';'));
      if (this.current.type === 'eof') break;
      const location = this.current.offset;
      const statement = this.statement();
      const end = this.current;
      if (end.type !== 'eof' && !this.isPunctuation(';')) this.fail();
      statements.push(node<RawStatement>({ kind: 'rawStatement', statement, location, length: end.offset - location }));
    }
    return Object.freeze(statements);
  }

  parseStandaloneExpression(): Expression {
    const expression = this.expression();
    if (this.current.type !== 'eof') this.fail();
    return expression;
  }

  parseStandaloneTypeName(): TypeName {
    const type = this.typeName();
    if (this.current.type !== 'eof') this.fail();
    return type;
  }

  private statement(): Statement {
    const token = this.current;
    if (this.isPunctuation('(')) return this.query();
    if (token.type !== 'word') this.fail();
    switch (token.value) {
      case 'select':
      case 'values':
      case 'table':
        return this.query();
      case 'with':
        throw this.unsupported('WITH', token.offset);
      case 'insert':
        return this.insertStatement();
      case 'update':
        return this.updateStatement();
      case 'delete':
        return this.deleteStatement();
      case 'create':
        return this.createStatement();
      case 'drop':
        return this.dropStatement();
      case 'reindex':
        return this.reindexStatement();
      case 'truncate':
        return this.truncateStatement();
      case 'set':
        return this.setStatement();
      case 'show':
        return this.showStatement();
      case 'reset':
        return this.resetStatement();
      case 'begin':
      case 'start':
      case 'commit':
      case 'end':
      case 'rollback':
      case 'abort':
      case 'savepoint':
      case 'release':
        return this.transactionStatement();
      case 'explain':
        return this.explainStatement();
      case 'copy':
        return this.copyStatement();
      case 'vacuum':
      case 'analyze':
      case 'analyse':
        return this.vacuumStatement();
      default:
        if (unsupportedStatementWords.has(token.value)) throw this.unsupported(token.value.toUpperCase(), token.offset);
        this.fail();
    }
  }

  // ----- queries -----------------------------------------------------------------------------------------------

  /** A full query: set operations, then ORDER BY / LIMIT / OFFSET / FETCH for the whole (select_no_parens). */
  private query(): Query {
    this.enter();
    try {
      const body = this.setOperationTerm(0);
      return this.queryTail(body);
    } finally {
      this.leave();
    }
  }

  /** UNION and EXCEPT bind looser than INTERSECT; all are left-associative. */
  private setOperationTerm(minimumPrecedence: number, initialLeft?: Query): Query {
    let left = initialLeft ?? this.simpleQuery();
    for (;;) {
      const token = this.current;
      const operator = token.type === 'word' ? token.value : '';
      const operatorPrecedence = operator === 'union' || operator === 'except' ? 1 : operator === 'intersect' ? 2 : 0;
      if (operatorPrecedence === 0 || operatorPrecedence < minimumPrecedence) return left;
      this.advance();
      const all = this.acceptWord('all');
      if (!all) this.acceptWord('distinct');
      const right = this.setOperationTerm(operatorPrecedence + 1);
      left = node<SetOperationStatement>({
        kind: 'setOperation',
        operator: operator as 'union' | 'intersect' | 'except',
        all,
        left,
        right,
        orderBy: [],
        location: token.offset,
      });
    }
  }

  private simpleQuery(): Query {
    const token = this.current;
    if (this.isPunctuation('(')) {
      this.advance();
      const inner = this.query();
      this.expectPunctuation(')');
      return inner;
    }
    if (this.isWord('select')) return this.selectCore();
    if (this.isWord('values')) return this.valuesQuery();
    if (this.isWord('table')) {
      // `TABLE t` is `SELECT * FROM t`.
      this.advance();
      const relation = this.relationName();
      const star = node<Star>({ kind: 'star', qualifier: [], location: token.offset });
      return node<SelectStatement>({
        kind: 'select',
        distinct: false,
        distinctOn: [],
        targets: [node<Target>({ kind: 'target', expression: star, location: token.offset })],
        from: [node<TableReference>({ kind: 'tableReference', relation, only: false, location: relation.location })],
        groupBy: [],
        orderBy: [],
        location: token.offset,
      });
    }
    if (this.isWord('with')) throw this.unsupported('WITH', token.offset);
    this.fail();
  }

  private valuesQuery(): Query {
    const location = this.expectWord('values').offset;
    const rows: Expression[][] = [];
    do {
      this.expectPunctuation('(');
      rows.push(this.expressionList());
      this.expectPunctuation(')');
    } while (this.acceptPunctuation(','));
    return node<ValuesStatement>({ kind: 'values', rows, orderBy: [], location });
  }

  private selectCore(): SelectStatement {
    const location = this.expectWord('select').offset;
    let distinct = false;
    let distinctOn: Expression[] = [];
    if (this.acceptWord('distinct')) {
      distinct = true;
      if (this.acceptWord('on')) {
        this.expectPunctuation('(');
        distinctOn = this.expressionList();
        this.expectPunctuation(')');
      }
    } else {
      this.acceptWord('all');
    }
    const targets = this.canStartTargetList() ? this.targetList() : [];
    if (this.isWord('into')) throw this.unsupported('SELECT INTO', this.current.offset);
    let from: FromItem[] = [];
    if (this.acceptWord('from')) from = this.fromList();
    const where = this.acceptWord('where') ? this.expression() : undefined;
    let groupBy: Expression[] = [];
    if (this.isWord('group')) {
      this.advance();
      this.expectWord('by');
      if (this.isWord('all') || this.isWord('distinct')) this.advance();
      groupBy = this.expressionList();
    }
    const having = this.acceptWord('having') ? this.expression() : undefined;
    if (this.isWord('window')) throw this.unsupported('WINDOW', this.current.offset);
    return node<SelectStatement>({
      kind: 'select',
      distinct,
      distinctOn,
      targets,
      from,
      where,
      groupBy,
      having,
      orderBy: [],
      location,
    });
  }

  private canStartTargetList(): boolean {
    const token = this.current;
    if (token.type === 'eof') return false;
    if (token.type === 'punctuation' && (token.value === ';' || token.value === ')')) return false;
    return !(token.type === 'word' && targetListEnders.has(token.value));
  }

  private targetList(): Target[] {
    const targets = [this.target()];
    while (this.acceptPunctuation(',')) targets.push(this.target());
    return targets;
  }

  private target(): Target {
    const location = this.current.offset;
    if (this.isOperator('*')) {
      this.advance();
      const star = node<Star>({ kind: 'star', qualifier: [], location });
      return node<Target>({ kind: 'target', expression: star, location });
    }
    const expression = this.expression();
    let alias: string | undefined;
    if (this.acceptWord('as')) {
      alias = this.label();
    } else {
      const token = this.current;
      // A bare alias: any identifier, or a keyword PostgreSQL allows as a bare label (not the start of a clause).
      if (token.type === 'quotedIdentifier' || (token.type === 'word' && !asOnlyLabelKeywords.has(token.value))) {
        alias = this.advance().value;
      }
    }
    return node<Target>({ kind: 'target', expression, alias, location });
  }

  /** ORDER BY, LIMIT, OFFSET, FETCH after a query; PostgreSQL rejects a second clause of the same kind. */
  private queryTail(query: Query): Query {
    let orderBy: SortKey[] | undefined;
    let limit: Expression | undefined;
    let offset: Expression | undefined;
    let limitSeen = false;
    let offsetSeen = false;
    if (this.isWord('order')) {
      const orderToken = this.advance();
      this.expectWord('by');
      if (query.orderBy.length > 0) throw this.error(SqlState.syntaxError, 'multiple ORDER BY clauses not allowed', orderToken.offset);
      orderBy = this.sortList();
    }
    for (;;) {
      const token = this.current;
      if (this.isWord('limit') && !limitSeen) {
        this.advance();
        limitSeen = true;
        if (this.acceptWord('all')) limit = undefined;
        else limit = this.expression();
        if (this.isPunctuation(',')) {
          throw this.error(SqlState.syntaxError, 'LIMIT #,# syntax is not supported', token.offset, 'Use separate LIMIT and OFFSET clauses.');
        }
      } else if (this.isWord('offset') && !offsetSeen) {
        this.advance();
        offsetSeen = true;
        offset = this.expression();
        if (this.isWord('row') || this.isWord('rows')) this.advance();
      } else if (this.isWord('fetch') && !limitSeen) {
        this.advance();
        limitSeen = true;
        if (!this.acceptWord('first')) this.expectWord('next');
        if (this.isWord('row') || this.isWord('rows')) {
          limit = node<NumberLiteral>({ kind: 'numberLiteral', text: '1', isInteger: true, location: this.current.offset });
        } else {
          limit = this.expression(precedence.typeCast);
        }
        if (!this.acceptWord('row')) this.expectWord('rows');
        if (this.isWord('with')) throw this.unsupported('FETCH ... WITH TIES', this.current.offset);
        this.expectWord('only');
      } else {
        break;
      }
    }
    if (this.isWord('for')) throw this.unsupported('SELECT ... FOR UPDATE/SHARE', this.current.offset);
    if (orderBy === undefined && !limitSeen && !offsetSeen) return query;
    if (limitSeen && (query.limit !== undefined)) {
      throw this.error(SqlState.syntaxError, 'multiple LIMIT clauses not allowed', this.current.offset);
    }
    if (offsetSeen && query.offset !== undefined) {
      throw this.error(SqlState.syntaxError, 'multiple OFFSET clauses not allowed', this.current.offset);
    }
    return withChanges(query, {
      orderBy: orderBy ?? query.orderBy,
      limit: limitSeen ? limit : query.limit,
      offset: offsetSeen ? offset : query.offset,
    });
  }

  private sortList(): SortKey[] {
    const keys = [this.sortKey()];
    while (this.acceptPunctuation(',')) keys.push(this.sortKey());
    return keys;
  }

  private sortKey(): SortKey {
    const location = this.current.offset;
    const expression = this.expression();
    let direction: SortKey['direction'] = 'default';
    if (this.acceptWord('asc')) direction = 'asc';
    else if (this.acceptWord('desc')) direction = 'desc';
    else if (this.isWord('using')) throw this.unsupported('ORDER BY ... USING', this.current.offset);
    const nulls = this.nullsOrder();
    return node<SortKey>({ kind: 'sortKey', expression, direction, nulls, location });
  }

  private nullsOrder(): SortKey['nulls'] {
    if (this.isWord('nulls') && (this.isWord('first', 1) || this.isWord('last', 1))) {
      this.advance();
      return this.advance().value as 'first' | 'last';
    }
    return 'default';
  }

  // ----- FROM --------------------------------------------------------------------------------------------------

  private fromList(): FromItem[] {
    const items = [this.fromItem(false)];
    while (this.acceptPunctuation(',')) items.push(this.fromItem(false));
    return items;
  }

  private fromItem(excludeSetAlias: boolean): FromItem {
    let left = this.tablePrimary(excludeSetAlias);
    for (;;) {
      const token = this.current;
      if (this.acceptWord('cross')) {
        this.expectWord('join');
        const right = this.tablePrimary(excludeSetAlias);
        left = node<JoinExpression>({ kind: 'join', joinType: 'cross', natural: false, left, right, using: [], location: token.offset });
        continue;
      }
      // Once a join keyword is seen the join is committed, so errors point where bison's would.
      const natural = this.acceptWord('natural');
      let joinType: 'inner' | 'left' | 'right' | 'full';
      if (this.isWord('left') || this.isWord('right') || this.isWord('full')) {
        joinType = this.advance().value as 'left' | 'right' | 'full';
        this.acceptWord('outer');
        this.expectWord('join');
      } else if (this.acceptWord('inner')) {
        joinType = 'inner';
        this.expectWord('join');
      } else if (this.acceptWord('join')) {
        joinType = 'inner';
      } else if (natural) {
        this.fail();
      } else {
        break;
      }
      const right = this.tablePrimary(excludeSetAlias);
      let on: Expression | undefined;
      let using: string[] = [];
      if (!natural) {
        if (this.acceptWord('on')) on = this.expression();
        else if (this.acceptWord('using')) using = this.columnList();
        else this.fail();
      }
      left = node<JoinExpression>({ kind: 'join', joinType, natural, left, right, on, using, location: token.offset });
    }
    return left;
  }

  private tablePrimary(excludeSetAlias: boolean): FromItem {
    const token = this.current;
    if (this.isWord('lateral')) throw this.unsupported('LATERAL', token.offset);
    if (this.isPunctuation('(')) {
      if (this.parenthesesLeadToQuery()) {
        this.advance();
        const query = this.query();
        this.expectPunctuation(')');
        const alias = this.optionalAlias(excludeSetAlias);
        return node<SubqueryReference>({ kind: 'subqueryReference', query, alias, location: token.offset });
      }
      this.advance();
      const inner = this.fromItem(false);
      this.expectPunctuation(')');
      if (inner.kind !== 'join') this.fail(this.current);
      const alias = this.optionalAlias(excludeSetAlias);
      return alias === undefined ? inner : withChanges(inner, { alias });
    }
    const only = this.acceptWord('only');
    const nameStart = this.current;
    if (!only && this.isFunctionStart()) {
      const call = this.functionCallByName();
      let withOrdinality = false;
      if (this.isWord('with') && this.isWord('ordinality', 1)) {
        this.advance();
        this.advance();
        withOrdinality = true;
      }
      const alias = this.optionalAlias(excludeSetAlias);
      return node<FunctionReference>({ kind: 'functionReference', call, alias, withOrdinality, location: nameStart.offset });
    }
    const relation = this.relationName();
    const alias = this.optionalAlias(excludeSetAlias);
    return node<TableReference>({ kind: 'tableReference', relation, alias, only, location: token.offset });
  }

  /** After `(`: does a query start here (possibly behind more parentheses)? */
  private parenthesesLeadToQuery(): boolean {
    let ahead = 0;
    while (this.isPunctuation('(', ahead)) ahead++;
    const token = this.peek(ahead);
    return token.type === 'word' && queryStartWords.has(token.value);
  }

  /** A function name (possibly qualified) followed by `(`. */
  private isFunctionStart(): boolean {
    if (!this.isColumnIdentifier() && !this.isTypeFunctionName()) return false;
    let ahead = 1;
    while (this.isPunctuation('.', ahead) && this.isLabel(ahead + 1)) ahead += 2;
    return this.isPunctuation('(', ahead);
  }

  /** `[AS] alias [(col, …)]`; in UPDATE a bare alias may not be SET (gram.y's `%nonassoc SET`). */
  private optionalAlias(excludeSet: boolean): Alias | undefined {
    const location = this.current.offset;
    let name: string;
    if (this.acceptWord('as')) {
      name = this.columnIdentifier();
    } else if (this.isColumnIdentifier() && !(excludeSet && this.isWord('set'))) {
      name = this.advance().value;
    } else {
      return undefined;
    }
    const columns = this.isPunctuation('(') ? this.columnList() : [];
    return node<Alias>({ kind: 'alias', name, columns, location });
  }

  // ----- INSERT / UPDATE / DELETE ------------------------------------------------------------------------------

  private insertStatement(): InsertStatement {
    const location = this.expectWord('insert').offset;
    this.expectWord('into');
    const table = this.relationName();
    const alias = this.acceptWord('as') ? this.columnIdentifier() : undefined;
    let columns: string[] = [];
    if (this.isPunctuation('(') && !this.parenthesesLeadToQuery()) columns = this.columnList();
    let source: Query | null;
    if (this.isWord('default') && this.isWord('values', 1)) {
      this.advance();
      this.advance();
      source = null;
    } else if (this.isWord('overriding')) {
      throw this.unsupported('OVERRIDING', this.current.offset);
    } else {
      source = this.query();
    }
    let onConflict: OnConflict | undefined;
    if (this.isWord('on')) onConflict = this.onConflict();
    const returning = this.returning();
    return node<InsertStatement>({ kind: 'insert', table, alias, columns, source, onConflict, returning, location });
  }

  private onConflict(): OnConflict {
    const location = this.expectWord('on').offset;
    this.expectWord('conflict');
    let targetColumns: string[] = [];
    let constraintName: string | undefined;
    if (this.isPunctuation('(')) {
      targetColumns = this.columnList();
      if (this.isWord('where')) throw this.unsupported('ON CONFLICT ... WHERE', this.current.offset);
    } else if (this.isWord('on')) {
      this.advance();
      this.expectWord('constraint');
      constraintName = this.columnIdentifier();
    }
    this.expectWord('do');
    if (this.acceptWord('nothing')) {
      return node<OnConflict>({ kind: 'onConflict', targetColumns, constraintName, action: 'nothing', assignments: [], location });
    }
    this.expectWord('update');
    this.expectWord('set');
    const assignments = this.assignments();
    const where = this.acceptWord('where') ? this.expression() : undefined;
    return node<OnConflict>({ kind: 'onConflict', targetColumns, constraintName, action: 'update', assignments, where, location });
  }

  private returning(): Target[] {
    return this.acceptWord('returning') ? this.targetList() : [];
  }

  private assignments(): Assignment[] {
    const assignments: Assignment[] = [];
    do {
      const location = this.current.offset;
      if (this.isPunctuation('(')) {
        // (a, b) = (x, y) | ROW(x, y): one assignment per column, as PostgreSQL's multi-assignment.
        const columns = this.columnList();
        const equals = this.current;
        if (!this.isOperator('=')) this.fail();
        this.advance();
        const value = this.expression();
        const values = value.kind === 'row' ? value.fields : value.kind === 'scalarSubquery' ? undefined : [value];
        if (values === undefined) throw this.unsupported('multiple-column UPDATE from a subquery', value.location);
        if (values.length !== columns.length) {
          throw this.error(SqlState.syntaxError, 'number of columns does not match number of values', equals.offset + 2);
        }
        columns.forEach((column, position) => {
          assignments.push(node<Assignment>({ kind: 'assignment', column, value: values[position] as Expression, location }));
        });
        continue;
      }
      const column = this.columnIdentifier();
      if (this.isPunctuation('.') || this.isPunctuation('[')) throw this.unsupported('assignment to a field or subscript', this.current.offset);
      if (!this.isOperator('=')) this.fail();
      this.advance();
      const value = this.expression();
      assignments.push(node<Assignment>({ kind: 'assignment', column, value, location }));
    } while (this.acceptPunctuation(','));
    return assignments;
  }

  private updateStatement(): UpdateStatement {
    const location = this.expectWord('update').offset;
    const only = this.acceptWord('only');
    const table = this.relationName();
    const alias = this.optionalAlias(true);
    if (alias !== undefined && alias.columns.length > 0) this.fail();
    this.expectWord('set');
    const assignments = this.assignments();
    const from = this.acceptWord('from') ? this.fromList() : [];
    const where = this.whereClause();
    const returning = this.returning();
    return node<UpdateStatement>({
      kind: 'update',
      table,
      alias: alias?.name,
      only,
      assignments,
      from,
      where,
      returning,
      location,
    });
  }

  private whereClause(): Expression | undefined {
    if (!this.acceptWord('where')) return undefined;
    if (this.isWord('current') && this.isWord('of', 1)) throw this.unsupported('WHERE CURRENT OF', this.current.offset);
    return this.expression();
  }

  private deleteStatement(): DeleteStatement {
    const location = this.expectWord('delete').offset;
    this.expectWord('from');
    const only = this.acceptWord('only');
    const table = this.relationName();
    let alias: string | undefined;
    if (this.acceptWord('as')) alias = this.columnIdentifier();
    else if (this.isColumnIdentifier()) alias = this.advance().value;
    const using = this.acceptWord('using') ? this.fromList() : [];
    const where = this.whereClause();
    const returning = this.returning();
    return node<DeleteStatement>({ kind: 'delete', table, alias, only, using, where, returning, location });
  }

  // ----- CREATE / DROP -----------------------------------------------------------------------------------------

  private createStatement(): Statement {
    const location = this.expectWord('create').offset;
    let temporary = false;
    if (this.isWord('temp') || this.isWord('temporary')) {
      this.advance();
      temporary = true;
    } else if ((this.isWord('local') || this.isWord('global')) && (this.isWord('temp', 1) || this.isWord('temporary', 1))) {
      this.advance();
      this.advance();
      temporary = true;
    } else if (this.isWord('unlogged')) {
      this.advance();
    }
    if (this.isWord('table')) return this.createTable(location, temporary);
    if (!temporary) {
      if (this.isWord('index') || (this.isWord('unique') && this.isWord('index', 1))) return this.createIndex(location);
      if (this.isWord('extension')) return this.createExtension(location);
    }
    const token = this.current;
    if (token.type === 'word' && keywordCategory(token.value) !== 'reserved') {
      throw this.unsupported(`CREATE ${token.value.toUpperCase()}`, token.offset);
    }
    this.fail();
  }

  private createTable(location: number, temporary: boolean): CreateTableStatement {
    this.expectWord('table');
    const ifNotExists = this.ifNotExists();
    const table = this.relationName();
    if (this.isWord('as')) throw this.unsupported('CREATE TABLE AS', this.current.offset);
    if (this.isWord('partition') || this.isWord('of')) throw this.unsupported('CREATE TABLE ... PARTITION', this.current.offset);
    this.expectPunctuation('(');
    const columns: ColumnDefinition[] = [];
    const constraints: TableConstraint[] = [];
    if (!this.isPunctuation(')')) {
      do {
        if (this.isTableConstraintStart()) constraints.push(this.tableConstraint());
        else if (this.isWord('like')) throw this.unsupported('CREATE TABLE ... (LIKE …)', this.current.offset);
        else columns.push(this.columnDefinition());
      } while (this.acceptPunctuation(','));
    }
    this.expectPunctuation(')');
    if (this.isWord('partition')) throw this.unsupported('PARTITION BY', this.current.offset);
    if (this.isWord('inherits')) throw this.unsupported('INHERITS', this.current.offset);
    return node<CreateTableStatement>({ kind: 'createTable', table, ifNotExists, temporary, columns, constraints, location });
  }

  private ifNotExists(): boolean {
    if (!(this.isWord('if') && this.isWord('not', 1))) return false;
    this.advance();
    this.advance();
    this.expectWord('exists');
    return true;
  }

  private ifExists(): boolean {
    if (!(this.isWord('if') && this.isWord('exists', 1))) return false;
    this.advance();
    this.advance();
    return true;
  }

  private isTableConstraintStart(): boolean {
    return ['constraint', 'check', 'unique', 'primary', 'foreign', 'exclude'].some((word) => this.isWord(word)) &&
      !(this.isWord('exclude') && !this.isWord('using', 1) && !this.isPunctuation('(', 1));
  }

  private tableConstraint(): TableConstraint {
    const location = this.current.offset;
    const name = this.acceptWord('constraint') ? this.columnIdentifier() : undefined;
    const token = this.current;
    if (this.acceptWord('check')) {
      const expression = this.parenthesizedExpression();
      return node<CheckConstraint>({ kind: 'checkConstraint', name, expression, location });
    }
    if (this.acceptWord('unique')) {
      this.rejectNullsDistinct();
      const columns = this.columnList();
      this.indexParameters();
      return node<UniqueConstraint>({ kind: 'uniqueConstraint', name, columns, location });
    }
    if (this.acceptWord('primary')) {
      this.expectWord('key');
      const columns = this.columnList();
      this.indexParameters();
      return node<PrimaryKeyConstraint>({ kind: 'primaryKeyConstraint', name, columns, location });
    }
    if (this.isWord('foreign')) throw this.unsupported('FOREIGN KEY', token.offset);
    if (this.isWord('exclude')) throw this.unsupported('EXCLUDE', token.offset);
    this.fail();
  }

  private rejectNullsDistinct(): void {
    if (this.isWord('nulls')) throw this.unsupported('NULLS [NOT] DISTINCT', this.current.offset);
  }

  /** `WITH (…)` / `USING INDEX TABLESPACE` after a key constraint: accepted by PostgreSQL, unsupported here. */
  private indexParameters(): void {
    if (this.isWord('with') || this.isWord('using') || this.isWord('include')) {
      throw this.unsupported(`${this.current.value.toUpperCase()} in a constraint`, this.current.offset);
    }
  }

  private parenthesizedExpression(): Expression {
    this.expectPunctuation('(');
    const expression = this.expression();
    this.expectPunctuation(')');
    return expression;
  }

  private columnDefinition(): ColumnDefinition {
    const location = this.current.offset;
    const name = this.columnIdentifier();
    const type = this.typeName();
    const constraints: ColumnConstraint[] = [];
    for (;;) {
      const constraintLocation = this.current.offset;
      if (this.isWord('collate')) throw this.unsupported('COLLATE', constraintLocation);
      const constraintName = this.acceptWord('constraint') ? this.columnIdentifier() : undefined;
      const token = this.current;
      if (this.isWord('not') && this.isWord('null', 1)) {
        this.advance();
        this.advance();
        constraints.push(node<NotNullConstraint>({ kind: 'notNullConstraint', name: constraintName, location: constraintLocation }));
      } else if (this.acceptWord('null')) {
        constraints.push(node<NullConstraint>({ kind: 'nullConstraint', name: constraintName, location: constraintLocation }));
      } else if (this.acceptWord('unique')) {
        this.rejectNullsDistinct();
        this.indexParameters();
        constraints.push(node<UniqueConstraint>({ kind: 'uniqueConstraint', name: constraintName, columns: [], location: constraintLocation }));
      } else if (this.acceptWord('primary')) {
        this.expectWord('key');
        this.indexParameters();
        constraints.push(node<PrimaryKeyConstraint>({ kind: 'primaryKeyConstraint', name: constraintName, columns: [], location: constraintLocation }));
      } else if (this.acceptWord('check')) {
        const expression = this.parenthesizedExpression();
        constraints.push(node<CheckConstraint>({ kind: 'checkConstraint', name: constraintName, expression, location: constraintLocation }));
      } else if (this.acceptWord('default')) {
        // gram.y's DEFAULT b_expr: no AND/OR/NOT/IS NULL at the top level, so `DEFAULT 0 NOT NULL` works.
        const expression = this.expression(0, true);
        constraints.push(node<DefaultConstraint>({ kind: 'defaultConstraint', expression, location: constraintLocation }));
      } else if (this.isWord('references') || this.isWord('generated') || this.isWord('deferrable') || this.isWord('initially')) {
        throw this.unsupported(token.value.toUpperCase(), token.offset);
      } else {
        if (constraintName !== undefined) this.fail();
        break;
      }
    }
    return node<ColumnDefinition>({ kind: 'columnDefinition', name, type, constraints, location });
  }

  private createIndex(location: number): CreateIndexStatement {
    const unique = this.acceptWord('unique');
    this.expectWord('index');
    const concurrently = this.acceptWord('concurrently');
    const ifNotExists = this.ifNotExists();
    let name: string | undefined;
    if (ifNotExists) name = this.columnIdentifier();
    else if (!this.isWord('on')) name = this.columnIdentifier();
    this.expectWord('on');
    this.acceptWord('only');
    const table = this.relationName();
    let method: string | undefined;
    if (this.acceptWord('using')) method = this.nonReservedWord();
    this.expectPunctuation('(');
    const elements = [this.indexElement()];
    while (this.acceptPunctuation(',')) elements.push(this.indexElement());
    this.expectPunctuation(')');
    if (this.isWord('include')) throw this.unsupported('INCLUDE', this.current.offset);
    this.rejectNullsDistinct();
    const storageOptions = this.isWord('with') ? (this.advance(), this.definitionList()) : [];
    let tablespace: string | undefined;
    if (this.acceptWord('tablespace')) tablespace = this.columnIdentifier();
    const where = this.acceptWord('where') ? this.expression() : undefined;
    return node<CreateIndexStatement>({
      kind: 'createIndex',
      name,
      table,
      unique,
      concurrently,
      ifNotExists,
      method,
      elements,
      storageOptions,
      tablespace,
      where,
      location,
    });
  }

  private indexElement(): IndexElement {
    const location = this.current.offset;
    let column: string | undefined;
    let expression: Expression | undefined;
    if (this.isPunctuation('(')) {
      expression = this.parenthesizedExpression();
    } else if (this.isFunctionStart()) {
      expression = this.functionCallByName();
    } else {
      column = this.columnIdentifier();
    }
    if (this.isWord('collate')) throw this.unsupported('COLLATE', this.current.offset);
    let operatorClass: string | undefined;
    if (this.isColumnIdentifier() && !(this.isWord('nulls') && (this.isWord('first', 1) || this.isWord('last', 1)))) {
      operatorClass = this.advance().value;
      // A schema-qualified operator class: keep the class name.
      while (this.acceptPunctuation('.')) operatorClass = this.label();
      if (this.isPunctuation('(')) throw this.unsupported('operator class parameters', this.current.offset);
    }
    let direction: IndexElement['direction'] = 'default';
    if (this.acceptWord('asc')) direction = 'asc';
    else if (this.acceptWord('desc')) direction = 'desc';
    const nulls = this.nullsOrder();
    return node<IndexElement>({ kind: 'indexElement', column, expression, operatorClass, direction, nulls, location });
  }

  /** `'(' name [= value], … ')'` (gram.y's definition / reloptions). */
  private definitionList(): GenericOption[] {
    this.expectPunctuation('(');
    const options: GenericOption[] = [];
    do {
      const location = this.current.offset;
      let name = this.label();
      while (this.acceptPunctuation('.')) name += `.${this.label()}`;
      let value: OptionValue | undefined;
      if (this.isOperator('=')) {
        this.advance();
        value = this.optionValue(false);
      }
      options.push(node<GenericOption>({ kind: 'option', name, value, location }));
    } while (this.acceptPunctuation(','));
    this.expectPunctuation(')');
    return options;
  }

  private createExtension(location: number): Statement {
    this.expectWord('extension');
    const ifNotExists = this.ifNotExists();
    const name = this.columnIdentifier();
    this.acceptWord('with');
    let schema: string | undefined;
    let version: string | undefined;
    let cascade = false;
    for (;;) {
      if (this.acceptWord('schema')) schema = this.columnIdentifier();
      else if (this.acceptWord('version')) version = this.nonReservedWordOrString();
      else if (this.acceptWord('cascade')) cascade = true;
      else break;
    }
    return node<CreateExtensionStatement>({ kind: 'createExtension', name, ifNotExists, cascade, schema, version, location });
  }

  private nonReservedWordOrString(): string {
    if (this.current.type === 'string') return this.advance().value;
    return this.nonReservedWord();
  }

  private dropStatement(): Statement {
    const location = this.expectWord('drop').offset;
    if (this.acceptWord('table')) {
      const ifExists = this.ifExists();
      const tables = this.relationNameList();
      const cascade = this.dropBehavior();
      return node<DropTableStatement>({ kind: 'dropTable', tables, ifExists, cascade, location });
    }
    if (this.acceptWord('index')) {
      const concurrently = this.acceptWord('concurrently');
      const ifExists = this.ifExists();
      const indexes = this.relationNameList();
      const cascade = this.dropBehavior();
      return node<DropIndexStatement>({ kind: 'dropIndex', indexes, ifExists, cascade, concurrently, location });
    }
    if (this.acceptWord('extension')) {
      const ifExists = this.ifExists();
      const names = [this.columnIdentifier()];
      while (this.acceptPunctuation(',')) names.push(this.columnIdentifier());
      const cascade = this.dropBehavior();
      return node<DropExtensionStatement>({ kind: 'dropExtension', names, ifExists, cascade, location });
    }
    const token = this.current;
    if (token.type === 'word') throw this.unsupported(`DROP ${token.value.toUpperCase()}`, token.offset);
    this.fail();
  }

  private reindexStatement(): Statement {
    const location = this.expectWord('reindex').offset;
    if (this.isPunctuation('(')) throw this.unsupported('REINDEX options', this.current.offset);
    const token = this.current;
    let target: 'index' | 'table';
    if (this.acceptWord('index')) target = 'index';
    else if (this.acceptWord('table')) target = 'table';
    else if (this.isWord('schema') || this.isWord('database') || this.isWord('system')) {
      throw this.unsupported(`REINDEX ${token.value.toUpperCase()}`, token.offset);
    } else this.fail();
    const concurrently = this.acceptWord('concurrently');
    const name = this.relationName();
    return node<ReindexStatement>({ kind: 'reindex', target, name, concurrently, location });
  }

  private truncateStatement(): Statement {
    const location = this.expectWord('truncate').offset;
    this.acceptWord('table');
    const tables: RelationName[] = [];
    do {
      this.acceptWord('only');
      tables.push(this.relationName());
      if (this.isOperator('*')) this.advance();
    } while (this.acceptPunctuation(','));
    let restartIdentity = false;
    if (this.acceptWord('restart')) {
      this.expectWord('identity');
      restartIdentity = true;
    } else if (this.acceptWord('continue')) {
      this.expectWord('identity');
    }
    const cascade = this.dropBehavior();
    return node<TruncateStatement>({ kind: 'truncate', tables, restartIdentity, cascade, location });
  }

  // ----- SET / SHOW / RESET ------------------------------------------------------------------------------------

  /** gram.y's var_name: ColId ('.' ColId)*, joined with dots. */
  private variableName(): string {
    let name = this.columnIdentifier();
    while (this.acceptPunctuation('.')) name += `.${this.columnIdentifier()}`;
    return name;
  }

  private isSetAssignment(ahead: number): boolean {
    return this.isOperator('=', ahead) || this.isWord('to', ahead);
  }

  private setStatement(): SetStatement {
    const location = this.expectWord('set').offset;
    let local = false;
    // SESSION / LOCAL are modifiers unless they are the variable's own name (`SET local = 1`).
    if ((this.isWord('local') || this.isWord('session')) && !this.isSetAssignment(1) && !this.isPunctuation('.', 1)) {
      local = this.advance().value === 'local';
    }
    const token = this.current;
    if (this.isWord('time') && this.isWord('zone', 1)) {
      this.advance();
      this.advance();
      if (this.acceptWord('local') || this.acceptWord('default')) {
        return node<SetStatement>({ kind: 'set', local, name: 'timezone', values: [], toDefault: true, location });
      }
      const value = this.optionValue(true);
      return node<SetStatement>({ kind: 'set', local, name: 'timezone', values: [value], toDefault: false, location });
    }
    if ((this.isWord('transaction') || this.isWord('session') || this.isWord('role') || this.isWord('names') || this.isWord('schema')) && !this.isSetAssignment(1)) {
      if (this.isWord('names')) {
        this.advance();
        if (this.acceptWord('default')) return node<SetStatement>({ kind: 'set', local, name: 'client_encoding', values: [], toDefault: true, location });
        const value = this.optionValue(true);
        return node<SetStatement>({ kind: 'set', local, name: 'client_encoding', values: [value], toDefault: false, location });
      }
      if (this.isWord('schema')) {
        this.advance();
        if (this.current.type !== 'string') this.fail();
        const value = this.optionValue(true);
        return node<SetStatement>({ kind: 'set', local, name: 'search_path', values: [value], toDefault: false, location });
      }
      throw this.unsupported(`SET ${token.value.toUpperCase()}`, token.offset);
    }
    const name = this.variableName();
    if (!this.isSetAssignment(0)) {
      if (this.isWord('from') && this.isWord('current', 1)) throw this.unsupported('SET ... FROM CURRENT', this.current.offset);
      this.fail();
    }
    this.advance();
    if (this.acceptWord('default')) return node<SetStatement>({ kind: 'set', local, name, values: [], toDefault: true, location });
    const values = [this.optionValue(true)];
    while (this.acceptPunctuation(',')) values.push(this.optionValue(true));
    return node<SetStatement>({ kind: 'set', local, name, values, toDefault: false, location });
  }

  /**
   * gram.y's var_value / opt_boolean_or_string / NumericOnly (and, for COPY/EXPLAIN options, the generic option
   * argument): a string, a signed number, or a word. TRUE, FALSE and ON are reserved words accepted here.
   */
  private optionValue(setStyle: boolean): OptionValue {
    const token = this.current;
    const location = token.offset;
    if (token.type === 'string') {
      this.advance();
      return node<StringValue>({ kind: 'stringValue', value: token.value, location });
    }
    if (token.type === 'number') {
      this.advance();
      return node<NumberValue>({ kind: 'numberValue', text: token.value, location });
    }
    if ((this.isOperator('-') || this.isOperator('+')) && this.peek(1).type === 'number') {
      const sign = this.advance().value;
      const number = this.advance().value;
      return node<NumberValue>({ kind: 'numberValue', text: sign === '-' ? negateText(number, true) : number, location });
    }
    if (this.isWord('true') || this.isWord('false') || this.isWord('on')) {
      return node<WordValue>({ kind: 'wordValue', value: this.advance().value, location });
    }
    if (this.isNonReservedWord()) return node<WordValue>({ kind: 'wordValue', value: this.advance().value, location });
    if (!setStyle && token.type === 'word') {
      // Definitions (index storage options) accept any keyword as a value.
      return node<WordValue>({ kind: 'wordValue', value: this.advance().value, location });
    }
    this.fail();
  }

  private showStatement(): Statement {
    const location = this.expectWord('show').offset;
    let name: string;
    if (this.acceptWord('all')) name = 'all';
    else if (this.isWord('time') && this.isWord('zone', 1)) {
      this.advance();
      this.advance();
      name = 'timezone';
    } else if (this.isWord('transaction') && this.isWord('isolation', 1)) {
      this.advance();
      this.advance();
      this.expectWord('level');
      name = 'transaction_isolation';
    } else if (this.isWord('session') && this.isWord('authorization', 1)) {
      this.advance();
      this.advance();
      name = 'session_authorization';
    } else name = this.variableName();
    return node<ShowStatement>({ kind: 'show', name, location });
  }

  private resetStatement(): Statement {
    const location = this.expectWord('reset').offset;
    if (this.acceptWord('all')) return node<ResetStatement>({ kind: 'reset', all: true, name: '', location });
    let name: string;
    if (this.isWord('time') && this.isWord('zone', 1)) {
      this.advance();
      this.advance();
      name = 'timezone';
    } else if (this.isWord('transaction') && this.isWord('isolation', 1)) {
      this.advance();
      this.advance();
      this.expectWord('level');
      name = 'transaction_isolation';
    } else if (this.isWord('session') && this.isWord('authorization', 1)) {
      this.advance();
      this.advance();
      name = 'session_authorization';
    } else name = this.variableName();
    return node<ResetStatement>({ kind: 'reset', all: false, name, location });
  }

  // ----- transactions ------------------------------------------------------------------------------------------

  private transactionStatement(): TransactionStatement {
    const token = this.advance();
    const location = token.offset;
    const make = (action: TransactionStatement['action'], fields: { modes?: string[]; savepoint?: string; chain?: boolean } = {}): TransactionStatement =>
      node<TransactionStatement>({
        kind: 'transaction',
        action,
        modes: fields.modes ?? [],
        savepoint: fields.savepoint,
        chain: fields.chain ?? false,
        location,
      });
    switch (token.value) {
      case 'begin':
        if (!this.acceptWord('work')) this.acceptWord('transaction');
        return make('begin', { modes: this.transactionModes() });
      case 'start':
        this.expectWord('transaction');
        return make('start', { modes: this.transactionModes() });
      case 'commit':
      case 'end':
        if (!this.acceptWord('work')) this.acceptWord('transaction');
        return make('commit', { chain: this.chain() });
      case 'rollback':
      case 'abort': {
        if (!this.acceptWord('work')) this.acceptWord('transaction');
        if (token.value === 'rollback' && this.acceptWord('to')) {
          this.acceptWord('savepoint');
          return make('rollbackToSavepoint', { savepoint: this.columnIdentifier() });
        }
        return make('rollback', { chain: this.chain() });
      }
      case 'savepoint':
        return make('savepoint', { savepoint: this.columnIdentifier() });
      default:
        this.acceptWord('savepoint');
        return make('release', { savepoint: this.columnIdentifier() });
    }
  }

  private chain(): boolean {
    if (!this.acceptWord('and')) return false;
    const negated = this.acceptWord('no');
    this.expectWord('chain');
    return !negated;
  }

  private transactionModes(): string[] {
    const modes: string[] = [];
    for (;;) {
      if (this.acceptWord('isolation')) {
        this.expectWord('level');
        if (this.acceptWord('serializable')) modes.push('isolation level serializable');
        else if (this.acceptWord('repeatable')) {
          this.expectWord('read');
          modes.push('isolation level repeatable read');
        } else {
          this.expectWord('read');
          if (this.acceptWord('committed')) modes.push('isolation level read committed');
          else {
            this.expectWord('uncommitted');
            modes.push('isolation level read uncommitted');
          }
        }
      } else if (this.acceptWord('read')) {
        if (this.acceptWord('only')) modes.push('read only');
        else {
          this.expectWord('write');
          modes.push('read write');
        }
      } else if (this.acceptWord('deferrable')) {
        modes.push('deferrable');
      } else if (this.isWord('not') && this.isWord('deferrable', 1)) {
        this.advance();
        this.advance();
        modes.push('not deferrable');
      } else {
        return modes;
      }
      this.acceptPunctuation(',');
    }
  }

  // ----- EXPLAIN / COPY / VACUUM -------------------------------------------------------------------------------

  private explainStatement(): ExplainStatement {
    const location = this.expectWord('explain').offset;
    const options: GenericOption[] = [];
    const legacy = (name: string): void => {
      options.push(node<GenericOption>({ kind: 'option', name, location: this.advance().offset }));
    };
    if (this.isPunctuation('(') && !this.parenthesesLeadToQuery()) {
      options.push(...this.utilityOptionList());
    } else {
      if (this.isWord('analyze') || this.isWord('analyse')) legacy('analyze');
      if (this.isWord('verbose')) legacy('verbose');
    }
    const statement = this.explainableStatement();
    return node<ExplainStatement>({ kind: 'explain', options, statement, location });
  }

  private explainableStatement(): ExplainStatement['statement'] {
    if (this.isPunctuation('(') || this.isWord('select') || this.isWord('values') || this.isWord('table')) return this.query();
    if (this.isWord('insert')) return this.insertStatement();
    if (this.isWord('update')) return this.updateStatement();
    if (this.isWord('delete')) return this.deleteStatement();
    if (this.isWord('with')) throw this.unsupported('WITH', this.current.offset);
    const token = this.current;
    if (token.type === 'word' && ['create', 'execute', 'declare', 'merge', 'refresh'].includes(token.value)) {
      throw this.unsupported(`EXPLAIN ${token.value.toUpperCase()}`, token.offset);
    }
    this.fail();
  }

  /** `'(' name [value], … ')'` for EXPLAIN and VACUUM (gram.y's utility_option_list). */
  private utilityOptionList(): GenericOption[] {
    this.expectPunctuation('(');
    const options: GenericOption[] = [];
    do {
      const location = this.current.offset;
      let name: string;
      if (this.isWord('analyze') || this.isWord('analyse')) {
        this.advance();
        name = 'analyze';
      } else {
        name = this.nonReservedWord();
      }
      let value: OptionValue | undefined;
      if (!this.isPunctuation(',') && !this.isPunctuation(')')) value = this.optionValue(true);
      options.push(node<GenericOption>({ kind: 'option', name, value, location }));
    } while (this.acceptPunctuation(','));
    this.expectPunctuation(')');
    return options;
  }

  private copyStatement(): CopyStatement {
    const location = this.expectWord('copy').offset;
    const options: GenericOption[] = [];
    let relation: RelationName | undefined;
    let query: CopyStatement['query'];
    let columns: string[] = [];
    let direction: 'from' | 'to';
    if (this.isPunctuation('(')) {
      this.advance();
      query = this.explainableStatement();
      this.expectPunctuation(')');
      this.expectWord('to');
      direction = 'to';
    } else {
      if (this.isWord('binary')) options.push(this.copyOption('format', this.advance().offset, 'binary'));
      relation = this.relationName();
      if (this.isPunctuation('(')) columns = this.columnList();
      if (this.acceptWord('from')) direction = 'from';
      else {
        this.expectWord('to');
        direction = 'to';
      }
    }
    if (this.isWord('program')) throw this.unsupported('COPY ... PROGRAM', this.current.offset);
    let file: string | undefined;
    if (this.current.type === 'string') file = this.advance().value;
    else if (!this.acceptWord('stdin') && !this.acceptWord('stdout')) this.fail();
    if (relation !== undefined && (this.isWord('using') || this.isWord('delimiters'))) {
      const optionLocation = this.current.offset;
      this.acceptWord('using');
      this.expectWord('delimiters');
      options.push(this.copyOption('delimiter', optionLocation, this.stringValue()));
    }
    this.acceptWord('with');
    if (this.isPunctuation('(')) options.push(...this.copyGenericOptions());
    else options.push(...this.copyLegacyOptions());
    const where = relation !== undefined && direction === 'from' ? this.whereClause() : undefined;
    return node<CopyStatement>({ kind: 'copy', relation, columns, query, direction, file, options, where, location });
  }

  private stringValue(): OptionValue {
    const token = this.current;
    if (token.type !== 'string') this.fail();
    this.advance();
    return node<StringValue>({ kind: 'stringValue', value: token.value, location: token.offset });
  }

  private copyOption(name: string, location: number, value?: string | OptionValue): GenericOption {
    const optionValue =
      typeof value === 'string' ? node<WordValue>({ kind: 'wordValue', value, location }) : value;
    return node<GenericOption>({ kind: 'option', name, value: optionValue, location });
  }

  /** `(FORMAT csv, HEADER [bool], DELIMITER 'x', NULL 'x', FORCE_QUOTE (a, b) | *, …)` */
  private copyGenericOptions(): GenericOption[] {
    this.expectPunctuation('(');
    const options: GenericOption[] = [];
    do {
      const location = this.current.offset;
      const name = this.label();
      let value: OptionValue | undefined;
      const token = this.current;
      if (this.isOperator('*')) {
        this.advance();
        value = node<StarValue>({ kind: 'starValue', location: token.offset });
      } else if (this.isWord('default')) {
        this.advance();
        value = node<DefaultValue>({ kind: 'defaultValue', location: token.offset });
      } else if (this.isPunctuation('(')) {
        this.advance();
        const items = [this.optionValue(true)];
        while (this.acceptPunctuation(',')) items.push(this.optionValue(true));
        this.expectPunctuation(')');
        value = node<ListValue>({ kind: 'listValue', items, location: token.offset });
      } else if (!this.isPunctuation(',') && !this.isPunctuation(')')) {
        value = this.optionValue(true);
      }
      options.push(node<GenericOption>({ kind: 'option', name, value, location }));
    } while (this.acceptPunctuation(','));
    this.expectPunctuation(')');
    return options;
  }

  /** The pre-9.0 option syntax (`CSV HEADER DELIMITER ','`), normalised to generic options as gram.y does. */
  private copyLegacyOptions(): GenericOption[] {
    const options: GenericOption[] = [];
    const columnsValue = (location: number): OptionValue => {
      if (this.isOperator('*')) {
        this.advance();
        return node<StarValue>({ kind: 'starValue', location });
      }
      const items: OptionValue[] = [];
      do {
        const itemLocation = this.current.offset;
        items.push(node<WordValue>({ kind: 'wordValue', value: this.columnIdentifier(), location: itemLocation }));
      } while (this.acceptPunctuation(','));
      return node<ListValue>({ kind: 'listValue', items, location });
    };
    for (;;) {
      const location = this.current.offset;
      if (this.acceptWord('binary')) options.push(this.copyOption('format', location, 'binary'));
      else if (this.acceptWord('csv')) options.push(this.copyOption('format', location, 'csv'));
      else if (this.acceptWord('header')) options.push(this.copyOption('header', location, 'true'));
      else if (this.acceptWord('freeze')) options.push(this.copyOption('freeze', location, 'true'));
      else if (this.isWord('delimiter') || this.isWord('null') || this.isWord('quote') || this.isWord('escape') || this.isWord('encoding')) {
        const name = this.advance().value;
        if (name !== 'encoding') this.acceptWord('as');
        options.push(this.copyOption(name, location, this.stringValue()));
      } else if (this.acceptWord('force')) {
        if (this.acceptWord('quote')) options.push(this.copyOption('force_quote', location, columnsValue(location)));
        else if (this.acceptWord('not')) {
          this.expectWord('null');
          options.push(this.copyOption('force_not_null', location, columnsValue(location)));
        } else {
          this.expectWord('null');
          options.push(this.copyOption('force_null', location, columnsValue(location)));
        }
      } else {
        return options;
      }
    }
  }

  private vacuumStatement(): VacuumStatement {
    const token = this.advance();
    const analyzeOnly = token.value !== 'vacuum';
    const options: GenericOption[] = [];
    if (this.isPunctuation('(')) {
      options.push(...this.utilityOptionList());
    } else {
      const legacyWords = analyzeOnly ? ['verbose'] : ['full', 'freeze', 'verbose', 'analyze', 'analyse'];
      while (legacyWords.some((word) => this.isWord(word))) {
        const word = this.advance();
        options.push(node<GenericOption>({ kind: 'option', name: word.value === 'analyse' ? 'analyze' : word.value, location: word.offset }));
      }
    }
    const tables: RelationName[] = [];
    if (this.isColumnIdentifier()) {
      do {
        tables.push(this.relationName());
        if (this.isPunctuation('(')) this.columnList();
      } while (this.acceptPunctuation(','));
    }
    return node<VacuumStatement>({ kind: 'vacuum', analyzeOnly, options, tables, location: token.offset });
  }

  // ----- types -------------------------------------------------------------------------------------------------

  private typeName(): TypeName {
    const location = this.current.offset;
    if (this.isWord('setof')) throw this.unsupported('SETOF', location);
    const base = this.baseTypeName(location);
    let arrayDimensions = 0;
    for (;;) {
      if (this.isPunctuation('[')) {
        this.advance();
        if (this.current.type === 'number' && this.current.isInteger) this.advance();
        this.expectPunctuation(']');
        arrayDimensions++;
      } else if (this.isWord('array')) {
        this.advance();
        if (this.acceptPunctuation('[')) {
          if (this.current.type !== 'number' || !this.current.isInteger) this.fail();
          this.advance();
          this.expectPunctuation(']');
        }
        arrayDimensions++;
      } else {
        break;
      }
    }
    return arrayDimensions === 0 ? base : withChanges(base, { arrayDimensions });
  }

  private makeType(name: string, location: number, modifiers: number[] = [], schema?: string): TypeName {
    return node<TypeName>({ kind: 'typeName', schema, name, modifiers, arrayDimensions: 0, location });
  }

  /** `'(' integer [, integer …] ')'` */
  private typeModifiers(): number[] {
    if (!this.isPunctuation('(')) return [];
    this.advance();
    const modifiers = [this.signedInteger()];
    while (this.acceptPunctuation(',')) modifiers.push(this.signedInteger());
    this.expectPunctuation(')');
    return modifiers;
  }

  private signedInteger(): number {
    let sign = 1;
    if (this.isOperator('-') || this.isOperator('+')) sign = this.advance().value === '-' ? -1 : 1;
    const token = this.current;
    if (token.type !== 'number' || !token.isInteger) this.fail();
    this.advance();
    const value = Number(token.value);
    if (!Number.isSafeInteger(value) || Math.abs(value) > 2147483647) this.fail(token);
    return sign * value;
  }

  /** `WITH TIME ZONE` → true, `WITHOUT TIME ZONE` → false, nothing → undefined. */
  private timeZoneClause(): boolean | undefined {
    if (this.isWord('with') && this.isWord('time', 1)) {
      this.advance();
      this.advance();
      this.expectWord('zone');
      return true;
    }
    if (this.isWord('without') && this.isWord('time', 1)) {
      this.advance();
      this.advance();
      this.expectWord('zone');
      return false;
    }
    return undefined;
  }

  private baseTypeName(location: number): TypeName {
    const token = this.current;
    if (token.type === 'word') {
      switch (token.value) {
        case 'int':
        case 'integer':
          this.advance();
          return this.makeType('int4', location);
        case 'smallint':
          this.advance();
          return this.makeType('int2', location);
        case 'bigint':
          this.advance();
          return this.makeType('int8', location);
        case 'real':
          this.advance();
          return this.makeType('float4', location);
        case 'float': {
          this.advance();
          if (!this.isPunctuation('(')) return this.makeType('float8', location);
          this.advance();
          const precisionToken = this.current;
          const bits = this.signedInteger();
          this.expectPunctuation(')');
          if (bits < 1) throw this.error(SqlState.invalidParameterValue, 'precision for type float must be at least 1 bit', precisionToken.offset);
          if (bits > 53) throw this.error(SqlState.invalidParameterValue, 'precision for type float must be less than 54 bits', precisionToken.offset);
          return this.makeType(bits <= 24 ? 'float4' : 'float8', location);
        }
        case 'double':
          if (this.isWord('precision', 1)) {
            this.advance();
            this.advance();
            return this.makeType('float8', location);
          }
          break;
        case 'decimal':
        case 'dec':
        case 'numeric':
          this.advance();
          return this.makeType('numeric', location, this.typeModifiers());
        case 'boolean':
          this.advance();
          return this.makeType('bool', location);
        case 'bit': {
          this.advance();
          const varying = this.acceptWord('varying');
          return this.makeType(varying ? 'varbit' : 'bit', location, this.typeModifiers());
        }
        case 'national':
        case 'character':
        case 'char':
        case 'nchar':
        case 'varchar': {
          this.advance();
          if (token.value === 'national') {
            if (!this.acceptWord('character')) this.expectWord('char');
          }
          const varying = token.value === 'varchar' || this.acceptWord('varying');
          return this.makeType(varying ? 'varchar' : 'bpchar', location, this.typeModifiers());
        }
        case 'timestamp':
        case 'time': {
          this.advance();
          const modifiers = this.typeModifiers();
          const withZone = this.timeZoneClause() === true;
          const name = token.value === 'timestamp' ? (withZone ? 'timestamptz' : 'timestamp') : withZone ? 'timetz' : 'time';
          return this.makeType(name, location, modifiers);
        }
        case 'interval': {
          this.advance();
          const intervalFields = ['year', 'month', 'day', 'hour', 'minute', 'second'];
          if (intervalFields.some((field) => this.isWord(field))) throw this.unsupported('interval fields', this.current.offset);
          return this.makeType('interval', location, this.typeModifiers());
        }
        default:
          break;
      }
    }
    // gram.y's GenericType: type_function_name [attrs] [modifiers].
    if (!this.isTypeFunctionName()) this.fail();
    let name = this.advance().value;
    let schema: string | undefined;
    if (this.isPunctuation('.')) {
      this.advance();
      schema = name;
      name = this.label();
      while (this.isPunctuation('.')) {
        this.advance();
        schema = name;
        name = this.label();
      }
    }
    return this.makeType(name, location, this.typeModifiers(), schema);
  }

  // ----- expressions -------------------------------------------------------------------------------------------

  private expressionList(): Expression[] {
    const list = [this.expression()];
    while (this.acceptPunctuation(',')) list.push(this.expression());
    return list;
  }

  /**
   * Precedence climbing over gram.y's a_expr. `restricted` parses a b_expr (no AND, OR, NOT, IS NULL, LIKE, IN,
   * BETWEEN at this level), used after DEFAULT and for BETWEEN's lower bound.
   */
  private expression(minimumPrecedence = 0, restricted = false): Expression {
    this.enter();
    try {
      return this.continueExpression(this.prefixExpression(restricted), minimumPrecedence, restricted);
    } finally {
      this.leave();
    }
  }

  /** Applies infix and postfix operators to an already parsed left operand. */
  private continueExpression(left: Expression, minimumPrecedence: number, restricted: boolean): Expression {
    let result = left;
    for (;;) {
      const next = this.infix(result, minimumPrecedence, restricted);
      if (next === undefined) return result;
      result = next;
    }
  }

  /** One infix or postfix step on `left`, or undefined when the next token does not continue this expression. */
  private infix(left: Expression, minimumPrecedence: number, restricted: boolean): Expression | undefined {
    const token = this.current;
    if (token.type === 'word') {
      if (restricted) {
        if (token.value === 'is' && minimumPrecedence <= precedence.is) {
          const distinctAt = this.isWord('not', 1) ? 2 : 1;
          if (this.isWord('distinct', distinctAt)) return this.isPredicate(left, restricted);
        }
        return undefined;
      }
      switch (token.value) {
        case 'collate':
          throw this.unsupported('COLLATE', token.offset);
        case 'at': {
          if (!(this.isWord('time', 1) && this.isWord('zone', 2)) || precedence.atTimeZone < minimumPrecedence) return undefined;
          this.advance();
          this.advance();
          this.advance();
          const zone = this.expression(precedence.atTimeZone + 1);
          // gram.y: `x AT TIME ZONE z` is timezone(z, x).
          return this.call(['timezone'], [zone, left], token.offset);
        }
        case 'or':
        case 'and': {
          const level = token.value === 'or' ? precedence.or : precedence.and;
          if (level < minimumPrecedence) return undefined;
          this.advance();
          const right = this.expression(level + 1);
          // makeAndExpr/makeOrExpr: extend a left-hand chain of the same kind instead of nesting.
          if (token.value === 'or') {
            if (left.kind === 'or') return withChanges(left, { arguments: [...left.arguments, right] });
            return node<OrExpression>({ kind: 'or', arguments: [left, right], location: token.offset });
          }
          if (left.kind === 'and') return withChanges(left, { arguments: [...left.arguments, right] });
          return node<AndExpression>({ kind: 'and', arguments: [left, right], location: token.offset });
        }
        case 'is':
          if (precedence.is < minimumPrecedence) return undefined;
          return this.isPredicate(left, restricted);
        case 'isnull':
        case 'notnull':
          if (precedence.is < minimumPrecedence) return undefined;
          this.advance();
          return node<NullTest>({ kind: 'nullTest', operand: left, negated: token.value === 'notnull', location: token.offset });
        case 'not': {
          const following = this.peek(1);
          if (following.type !== 'word' || !['between', 'in', 'like', 'ilike', 'similar'].includes(following.value)) return undefined;
          if (precedence.like < minimumPrecedence) return undefined;
          this.advance();
          return this.likeLevelPredicate(left, true, token.offset);
        }
        case 'between':
        case 'in':
        case 'like':
        case 'ilike':
        case 'similar':
          if (precedence.like < minimumPrecedence) return undefined;
          return this.likeLevelPredicate(left, false, token.offset);
        default:
          return undefined;
      }
    }
    if (token.type === 'operator') {
      const operator = token.value;
      if (operator === '=>' || operator === ':=') return undefined;
      const level = comparisonOperators.has(operator)
        ? precedence.comparison
        : operator === '+' || operator === '-'
          ? precedence.additive
          : operator === '*' || operator === '/' || operator === '%'
            ? precedence.multiplicative
            : operator === '^'
              ? precedence.exponent
              : precedence.userOperator;
      if (level < minimumPrecedence) return undefined;
      this.advance();
      if ((this.isWord('any') || this.isWord('some') || this.isWord('all')) && this.isPunctuation('(', 1)) {
        return this.quantified(left, operator, token.offset);
      }
      const right = this.expression(level + 1, restricted);
      const result = node<BinaryOperation>({ kind: 'binaryOperation', operator, left, right, location: token.offset });
      // Comparisons are non-associative: `a = b = c` is a syntax error at the second operator.
      if (level === precedence.comparison && this.current.type === 'operator' && comparisonOperators.has(this.current.value)) this.fail();
      return result;
    }
    if (token.type === 'punctuation') {
      if (token.value === '::') {
        if (precedence.typeCast < minimumPrecedence) return undefined;
        this.advance();
        const type = this.typeName();
        return node<TypeCast>({ kind: 'typeCast', operand: left, type, location: token.offset });
      }
      if (token.value === '[') throw this.unsupported('array subscripts', token.offset);
    }
    return undefined;
  }

  private quantified(left: Expression, operator: string, location: number): Expression {
    const quantifier = this.advance().value === 'all' ? 'all' : 'any';
    this.expectPunctuation('(');
    const list = this.listOrQueryInParentheses();
    let right: Expression | Query;
    if (list.kind === 'query') right = list.query;
    else if (list.values.length === 1) right = list.values[0] as Expression;
    else this.fail(this.tokens[this.index - 1]);
    return node<Quantified>({ kind: 'quantified', operator, quantifier, left, right, location });
  }

  /** Inside an opened parenthesis: does a query start at the current token? */
  private parenthesesLeadToQueryHere(): boolean {
    let ahead = 0;
    while (this.isPunctuation('(', ahead)) ahead++;
    const token = this.peek(ahead);
    return token.type === 'word' && queryStartWords.has(token.value);
  }

  /** IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x. */
  private isPredicate(left: Expression, restricted: boolean): Expression {
    const location = this.expectWord('is').offset;
    const negated = this.acceptWord('not');
    if (!restricted) {
      if (this.acceptWord('null')) return node<NullTest>({ kind: 'nullTest', operand: left, negated, location });
      for (const test of ['true', 'false', 'unknown'] as const) {
        if (this.acceptWord(test)) return node<BooleanTest>({ kind: 'booleanTest', operand: left, test, negated, location });
      }
    }
    if (this.acceptWord('distinct')) {
      this.expectWord('from');
      const right = this.expression(precedence.is + 1, restricted);
      const result = node<DistinctFrom>({ kind: 'distinctFrom', left, right, negated, location });
      if (this.isWord('is') && (this.isWord('distinct', 1) || (this.isWord('not', 1) && this.isWord('distinct', 2)))) this.fail();
      return result;
    }
    if (this.isWord('document') || this.isWord('normalized') || this.isWord('json')) {
      throw this.unsupported(`IS ${this.current.value.toUpperCase()}`, this.current.offset);
    }
    this.fail();
  }

  /** BETWEEN, IN, LIKE, ILIKE, SIMILAR TO (after an optional NOT, already consumed). */
  private likeLevelPredicate(left: Expression, negated: boolean, location: number): Expression {
    const keyword = this.advance();
    let result: Expression;
    let binaryLike = true;
    switch (keyword.value) {
      case 'between': {
        let symmetric = false;
        if (this.acceptWord('symmetric')) symmetric = true;
        else this.acceptWord('asymmetric');
        const low = this.expression(0, true);
        this.expectWord('and');
        const high = this.expression(precedence.like + 1);
        result = node<Between>({ kind: 'between', operand: left, low, high, negated, symmetric, location });
        break;
      }
      case 'in': {
        binaryLike = false;
        this.expectPunctuation('(');
        const list = this.listOrQueryInParentheses();
        result = list.kind === 'query'
          ? node<InSubquery>({ kind: 'inSubquery', operand: left, query: list.query, negated, location })
          : node<InList>({ kind: 'inList', operand: left, values: list.values, negated, location });
        break;
      }
      case 'similar': {
        this.expectWord('to');
        const pattern = this.expression(precedence.like + 1);
        const escapeArguments = [pattern];
        if (this.acceptWord('escape')) escapeArguments.push(this.expression(precedence.like + 1));
        // gram.y: `a SIMILAR TO b` is `a ~ similar_to_escape(b)`.
        const call = node<FunctionCall>({
          kind: 'functionCall',
          name: ['similar_to_escape'],
          arguments: escapeArguments,
          star: false,
          distinct: false,
          orderBy: [],
          location: pattern.location,
        });
        result = node<BinaryOperation>({ kind: 'binaryOperation', operator: negated ? '!~' : '~', left, right: call, location });
        break;
      }
      default: {
        const pattern = this.expression(precedence.like + 1);
        const escape = this.acceptWord('escape') ? this.expression(precedence.like + 1) : undefined;
        result = node<Like>({
          kind: 'like',
          operand: left,
          pattern,
          escape,
          negated,
          caseInsensitive: keyword.value === 'ilike',
          location,
        });
      }
    }
    // BETWEEN, LIKE and SIMILAR are non-associative with each other (gram.y %nonassoc).
    if (binaryLike && this.atLikeLevelOperator()) this.fail();
    return result;
  }

  /**
   * After an opening parenthesis (already consumed) that holds a query or a list of expressions, up to and
   * including the closing one: gram.y's `select_with_parens | '(' expr_list ')'`. A query behind extra
   * parentheses, such as `((SELECT 1) UNION (SELECT 2))`, is recognised without backtracking: the inner
   * parenthesis is parsed as a scalar subquery and turned back into a query when a set operation or ORDER BY /
   * LIMIT follows it.
   */
  private listOrQueryInParentheses(): { kind: 'query'; query: Query } | { kind: 'list'; values: Expression[] } {
    if (this.isQueryStart()) {
      const query = this.query();
      this.expectPunctuation(')');
      return { kind: 'query', query };
    }
    const first = this.expressionOrContinuedQuery();
    if (first.kind === 'query') {
      this.expectPunctuation(')');
      return first;
    }
    const values = [first.expression];
    while (this.acceptPunctuation(',')) values.push(this.expression());
    this.expectPunctuation(')');
    // `x IN ((SELECT …))` is a subquery, not a one-element list (select_with_parens wins in gram.y).
    const only = values[0];
    if (values.length === 1 && only !== undefined && only.kind === 'scalarSubquery' && first.bareSubquery) {
      return { kind: 'query', query: only.query };
    }
    return { kind: 'list', values };
  }

  /** Does a query start at the current token (SELECT, VALUES, TABLE, WITH)? */
  private isQueryStart(): boolean {
    const token = this.current;
    return token.type === 'word' && queryStartWords.has(token.value);
  }

  /**
   * An expression at the current token, except that a parenthesised query followed by UNION / INTERSECT /
   * EXCEPT / ORDER BY / LIMIT / OFFSET / FETCH continues as a query. `bareSubquery` tells whether the expression
   * is exactly one parenthesised query.
   */
  private expressionOrContinuedQuery(): { kind: 'query'; query: Query } | { kind: 'expression'; expression: Expression; bareSubquery: boolean } {
    if (!this.isPunctuation('(') || !this.parenthesesLeadToQueryHere()) {
      return { kind: 'expression', expression: this.expression(), bareSubquery: false };
    }
    const start = this.index;
    const inner = this.parenthesized();
    const bare = inner.kind === 'scalarSubquery' && this.isPunctuationBefore(')') && this.isPunctuationAtIndex(start, '(');
    if (bare && inner.kind === 'scalarSubquery' && this.atQueryContinuation()) {
      const body = this.setOperationTerm(0, inner.query);
      return { kind: 'query', query: this.queryTail(body) };
    }
    const expression = this.continueExpression(inner, 0, false);
    return { kind: 'expression', expression, bareSubquery: bare && expression === inner };
  }

  private atQueryContinuation(): boolean {
    const token = this.current;
    return token.type === 'word' && ['union', 'intersect', 'except', 'order', 'limit', 'offset', 'fetch'].includes(token.value);
  }

  private isPunctuationBefore(value: string): boolean {
    return this.isPunctuationAtIndex(this.index - 1, value);
  }

  private isPunctuationAtIndex(index: number, value: string): boolean {
    const token = this.tokens[index];
    return token !== undefined && token.type === 'punctuation' && token.value === value;
  }

  private atLikeLevelOperator(): boolean {
    const token = this.current;
    if (token.type !== 'word') return false;
    if (['between', 'in', 'like', 'ilike', 'similar'].includes(token.value)) return true;
    const following = this.peek(1);
    return token.value === 'not' && following.type === 'word' && ['between', 'in', 'like', 'ilike', 'similar'].includes(following.value);
  }

  private prefixExpression(restricted: boolean): Expression {
    const token = this.current;
    if (token.type === 'word' && token.value === 'not' && !restricted) {
      this.advance();
      const operand = this.expression(precedence.not);
      return node<NotExpression>({ kind: 'not', operand, location: token.offset });
    }
    if (token.type === 'operator') {
      if (token.value === '-' || token.value === '+') {
        this.advance();
        const operand = this.expression(precedence.unaryMinus, restricted);
        if (token.value === '-') return negate(operand, token.offset);
        return node<UnaryOperation>({ kind: 'unaryOperation', operator: '+', operand, location: token.offset });
      }
      if (!nonGenericOperators.has(token.value)) {
        // A user prefix operator (gram.y's `qual_Op a_expr %prec Op`).
        this.advance();
        const operand = this.expression(precedence.userOperator + 1, restricted);
        return node<UnaryOperation>({ kind: 'unaryOperation', operator: token.value, operand, location: token.offset });
      }
    }
    return this.primaryExpression();
  }

  private primaryExpression(): Expression {
    const token = this.current;
    const location = token.offset;
    switch (token.type) {
      case 'number':
        this.advance();
        return node<NumberLiteral>({ kind: 'numberLiteral', text: token.value, isInteger: token.isInteger, location });
      case 'string':
        this.advance();
        return node<StringLiteral>({ kind: 'stringLiteral', value: token.value, location });
      case 'parameter': {
        this.advance();
        const number = Number(token.value);
        if (!Number.isSafeInteger(number) || number > 2147483647) {
          throw this.error(SqlState.syntaxError, `parameter number too large`, location);
        }
        if (this.isPunctuation('.') || this.isPunctuation('[')) throw this.unsupported('parameter indirection', this.current.offset);
        return node<Parameter>({ kind: 'parameter', number, location });
      }
      case 'punctuation':
        if (token.value === '(') return this.parenthesized();
        this.fail();
        break;
      case 'quotedIdentifier':
        return this.nameExpression();
      case 'word':
        return this.wordExpression(token);
      default:
        break;
    }
    this.fail();
  }

  private wordExpression(token: Token): Expression {
    const location = token.offset;
    const followedByParenthesis = this.isPunctuation('(', 1);
    switch (token.value) {
      case 'true':
      case 'false':
        this.advance();
        return node<BooleanLiteral>({ kind: 'booleanLiteral', value: token.value === 'true', location });
      case 'null':
        this.advance();
        return node<NullLiteral>({ kind: 'nullLiteral', location });
      case 'default':
        this.advance();
        return node<SetToDefault>({ kind: 'setToDefault', location });
      case 'case':
        return this.caseExpression();
      case 'cast': {
        this.advance();
        this.expectPunctuation('(');
        const operand = this.expression();
        this.expectWord('as');
        const type = this.typeName();
        this.expectPunctuation(')');
        return node<TypeCast>({ kind: 'typeCast', operand, type, location });
      }
      case 'exists': {
        this.advance();
        this.expectPunctuation('(');
        if (!this.parenthesesLeadToQueryHere()) this.fail();
        const query = this.query();
        this.expectPunctuation(')');
        return node<Exists>({ kind: 'exists', query, location });
      }
      case 'array': {
        this.advance();
        if (this.isPunctuation('(')) throw this.unsupported('ARRAY(subquery)', this.current.offset);
        return this.arrayElements(location);
      }
      case 'row':
        if (followedByParenthesis) {
          this.advance();
          this.advance();
          const fields = this.isPunctuation(')') ? [] : this.expressionList();
          this.expectPunctuation(')');
          return node<RowConstructor>({ kind: 'row', fields, explicit: true, location });
        }
        break;
      case 'coalesce':
      case 'greatest':
      case 'least':
      case 'nullif':
        if (followedByParenthesis) {
          this.advance();
          this.advance();
          let arguments_: Expression[];
          if (token.value === 'nullif') {
            // NULLIF takes exactly two arguments in the grammar itself.
            const first = this.expression();
            this.expectPunctuation(',');
            arguments_ = [first, this.expression()];
          } else {
            arguments_ = this.expressionList();
          }
          this.expectPunctuation(')');
          return this.call([token.value], arguments_, location);
        }
        break;
      case 'extract':
        if (followedByParenthesis) return this.extractExpression();
        break;
      case 'substring':
        if (followedByParenthesis) return this.substringExpression();
        break;
      case 'position':
        if (followedByParenthesis) {
          this.advance();
          this.advance();
          const needle = this.expression(0, true);
          this.expectWord('in');
          const haystack = this.expression(0, true);
          this.expectPunctuation(')');
          // gram.y: POSITION(a IN b) is position(b, a).
          return this.call(['position'], [haystack, needle], location);
        }
        break;
      case 'trim':
        if (followedByParenthesis) return this.trimExpression();
        break;
      default:
        break;
    }
    if (sqlValueFunctions.has(token.value) && !(token.value === 'current_schema' && followedByParenthesis)) {
      this.advance();
      let precision: number | undefined;
      if (sqlValueFunctionsWithPrecision.has(token.value) && this.isPunctuation('(')) {
        this.advance();
        precision = this.signedInteger();
        this.expectPunctuation(')');
      }
      return node<SqlValueFunction>({ kind: 'sqlValueFunction', name: token.value, precision, location });
    }
    if (typeKeywords.has(token.value)) {
      const literal = this.tryTypedLiteral();
      if (literal !== undefined) return literal;
    }
    const category = keywordCategory(token.value);
    if (category === 'reserved') this.fail();
    return this.nameExpression();
  }

  /** `type 'text'` for the SQL-standard type keywords; undefined (position restored) if not a typed literal. */
  private tryTypedLiteral(): Expression | undefined {
    const saved = this.index;
    try {
      const type = this.typeName();
      const literal = this.current;
      if (literal.type === 'string' && type.arrayDimensions === 0) {
        this.advance();
        const operand = node<StringLiteral>({ kind: 'stringLiteral', value: literal.value, location: literal.offset });
        return node<TypeCast>({ kind: 'typeCast', operand, type, location: type.location });
      }
    } catch (error) {
      if (!(error instanceof KmerSearchError)) throw error;
    }
    this.index = saved;
    return undefined;
  }

  /** Column references, `t.*`, function calls and generic typed literals (`dna2 'ACGT'`). */
  private nameExpression(): Expression {
    const first = this.current;
    const location = first.offset;
    const names = [this.advance().value];
    const firstIsColumn = first.type === 'quotedIdentifier' || keywordCategory(first.value) !== 'typeFunctionName';
    const firstIsFunction = first.type === 'quotedIdentifier' || keywordCategory(first.value) !== 'columnName';
    while (this.isPunctuation('.')) {
      if (this.isOperator('*', 1)) {
        this.advance();
        this.advance();
        if (!firstIsColumn) this.fail(first);
        return node<Star>({ kind: 'star', qualifier: names, location });
      }
      this.advance();
      names.push(this.label());
    }
    if (this.isPunctuation('(')) {
      // Unqualified names must be type_function_name; qualified ones start with a ColId.
      if (names.length === 1 ? !firstIsFunction : !firstIsColumn) this.fail();
      return this.functionCallAfterName(names, location);
    }
    if (this.current.type === 'string' && (names.length > 1 ? firstIsColumn : firstIsFunction)) {
      const literal = this.advance();
      const name = names[names.length - 1] as string;
      const schema = names.length > 1 ? names.slice(0, -1).join('.') : undefined;
      const type = node<TypeName>({ kind: 'typeName', schema, name, modifiers: [], arrayDimensions: 0, location });
      const operand = node<StringLiteral>({ kind: 'stringLiteral', value: literal.value, location: literal.offset });
      return node<TypeCast>({ kind: 'typeCast', operand, type, location });
    }
    // A type/function-name keyword cannot name a column: bison fails at the token after it.
    if (!firstIsColumn) this.fail();
    return node<ColumnReference>({ kind: 'columnReference', names, location });
  }

  /** A function call in FROM or as an index element: name parts, then the argument list. */
  private functionCallByName(): FunctionCall {
    const location = this.current.offset;
    const names = [this.advance().value];
    while (this.acceptPunctuation('.')) names.push(this.label());
    return this.functionCallAfterName(names, location);
  }

  private call(name: string[], arguments_: Expression[], location: number): FunctionCall {
    return node<FunctionCall>({ kind: 'functionCall', name, arguments: arguments_, star: false, distinct: false, orderBy: [], location });
  }

  private functionCallAfterName(name: string[], location: number): FunctionCall {
    this.expectPunctuation('(');
    let star = false;
    let distinct = false;
    let arguments_: Expression[] = [];
    let orderBy: SortKey[] = [];
    if (this.isOperator('*') && this.isPunctuation(')', 1)) {
      this.advance();
      star = true;
    } else if (!this.isPunctuation(')')) {
      if (this.acceptWord('distinct')) distinct = true;
      else this.acceptWord('all');
      if (this.isWord('variadic')) throw this.unsupported('VARIADIC', this.current.offset);
      arguments_ = [this.functionArgument()];
      while (this.acceptPunctuation(',')) arguments_.push(this.functionArgument());
      if (this.isWord('order') && this.isWord('by', 1)) {
        this.advance();
        this.advance();
        orderBy = this.sortList();
      }
    }
    this.expectPunctuation(')');
    if (this.isWord('within') && this.isWord('group', 1)) throw this.unsupported('WITHIN GROUP', this.current.offset);
    let filter: Expression | undefined;
    if (this.isWord('filter') && this.isPunctuation('(', 1)) {
      this.advance();
      this.advance();
      this.expectWord('where');
      filter = this.expression();
      this.expectPunctuation(')');
    }
    if (this.isWord('over')) throw this.error(SqlState.featureNotSupported, 'window functions are not supported', this.current.offset);
    return node<FunctionCall>({ kind: 'functionCall', name, arguments: arguments_, star, distinct, orderBy, filter, location });
  }

  private functionArgument(): Expression {
    if (this.isTypeFunctionName() && (this.isOperator('=>', 1) || this.isOperator(':=', 1))) {
      const nameToken = this.advance();
      this.advance();
      const value = this.expression();
      return node<NamedArgument>({ kind: 'namedArgument', name: nameToken.value, value, location: nameToken.offset });
    }
    return this.expression();
  }

  private arrayElements(location: number): Expression {
    this.expectPunctuation('[');
    const elements: Expression[] = [];
    if (!this.isPunctuation(']')) {
      do {
        if (this.isPunctuation('[')) {
          this.enter();
          try {
            elements.push(this.arrayElements(this.current.offset));
          } finally {
            this.leave();
          }
        } else {
          elements.push(this.expression());
        }
      } while (this.acceptPunctuation(','));
    }
    this.expectPunctuation(']');
    return node<ArrayConstructor>({ kind: 'arrayConstructor', elements, location });
  }

  private caseExpression(): Expression {
    const location = this.expectWord('case').offset;
    const operand = this.isWord('when') ? undefined : this.expression();
    const whens: CaseWhen[] = [];
    do {
      const whenLocation = this.expectWord('when').offset;
      const condition = this.expression();
      this.expectWord('then');
      const result = this.expression();
      whens.push(node<CaseWhen>({ kind: 'caseWhen', condition, result, location: whenLocation }));
    } while (this.isWord('when'));
    const elseResult = this.acceptWord('else') ? this.expression() : undefined;
    this.expectWord('end');
    return node<CaseExpression>({ kind: 'case', operand, whens, elseResult, location });
  }

  private extractExpression(): Expression {
    const location = this.advance().offset;
    this.advance();
    const fieldToken = this.current;
    let field: string;
    if (fieldToken.type === 'string' || fieldToken.type === 'quotedIdentifier') field = this.advance().value;
    else if (fieldToken.type === 'word' && keywordCategory(fieldToken.value) !== 'reserved') field = this.advance().value;
    else this.fail();
    this.expectWord('from');
    const source = this.expression();
    this.expectPunctuation(')');
    const fieldLiteral = node<StringLiteral>({ kind: 'stringLiteral', value: field, location: fieldToken.offset });
    return this.call(['extract'], [fieldLiteral, source], location);
  }

  private substringExpression(): Expression {
    const location = this.advance().offset;
    this.advance();
    if (this.isPunctuation(')')) {
      this.advance();
      return this.call(['substring'], [], location);
    }
    const text = this.expression();
    let start: Expression | undefined;
    let count: Expression | undefined;
    if (this.isWord('from') || this.isWord('for')) {
      for (let clause = 0; clause < 2; clause++) {
        if (start === undefined && this.acceptWord('from')) start = this.expression();
        else if (count === undefined && this.acceptWord('for')) count = this.expression();
      }
      this.expectPunctuation(')');
      const one = node<NumberLiteral>({ kind: 'numberLiteral', text: '1', isInteger: true, location });
      const arguments_ = count === undefined ? [text, start ?? one] : [text, start ?? one, count];
      return this.call(['substring'], arguments_, location);
    }
    if (this.isWord('similar')) throw this.unsupported('SUBSTRING ... SIMILAR', this.current.offset);
    const arguments_ = [text];
    while (this.acceptPunctuation(',')) arguments_.push(this.expression());
    this.expectPunctuation(')');
    return this.call(['substring'], arguments_, location);
  }

  private trimExpression(): Expression {
    const location = this.advance().offset;
    this.advance();
    let functionName = 'btrim';
    if (this.acceptWord('both')) functionName = 'btrim';
    else if (this.acceptWord('leading')) functionName = 'ltrim';
    else if (this.acceptWord('trailing')) functionName = 'rtrim';
    let arguments_: Expression[];
    if (this.acceptWord('from')) {
      arguments_ = this.expressionList();
    } else {
      const first = this.expression();
      if (this.acceptWord('from')) {
        arguments_ = [...this.expressionList(), first];
      } else {
        arguments_ = [first];
        while (this.acceptPunctuation(',')) arguments_.push(this.expression());
      }
    }
    this.expectPunctuation(')');
    return this.call([functionName], arguments_, location);
  }

  /** `( … )`: a scalar subquery, a parenthesised expression, or an implicit row; then `.field` / `.*`. */
  private parenthesized(): Expression {
    this.enter();
    try {
      const open = this.expectPunctuation('(');
      const location = open.offset;
      let result: Expression;
      if (this.isQueryStart()) {
        const query = this.query();
        this.expectPunctuation(')');
        result = node<ScalarSubquery>({ kind: 'scalarSubquery', query, location });
      } else {
        const first = this.expressionOrContinuedQuery();
        if (first.kind === 'query') {
          this.expectPunctuation(')');
          result = node<ScalarSubquery>({ kind: 'scalarSubquery', query: first.query, location });
        } else if (this.isPunctuation(',')) {
          const fields = [first.expression];
          while (this.acceptPunctuation(',')) fields.push(this.expression());
          this.expectPunctuation(')');
          result = node<RowConstructor>({ kind: 'row', fields, explicit: false, location });
        } else {
          this.expectPunctuation(')');
          result = first.expression;
        }
      }
      while (this.isPunctuation('.')) {
        const dot = this.advance();
        if (this.isOperator('*')) {
          this.advance();
          result = node<FieldStar>({ kind: 'fieldStar', operand: result, location: dot.offset });
        } else {
          const field = this.label();
          result = node<FieldSelection>({ kind: 'fieldSelection', operand: result, field, location: dot.offset });
        }
      }
      if (this.isPunctuation('[')) throw this.unsupported('array subscripts', this.current.offset);
      return result;
    } finally {
      this.leave();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** A frozen copy of a node with some fields replaced (fields set to undefined are dropped). */
function withChanges<T extends { readonly kind: string }>(original: T, changes: { readonly [K in keyof T]?: T[K] | undefined }): T {
  return node<T>({ ...original, ...changes } as unknown as NodeFields<T>);
}

/** PostgreSQL's doNegate: a minus before a numeric literal becomes part of it; otherwise a prefix operation. */
function negate(operand: Expression, location: number): Expression {
  if (operand.kind === 'numberLiteral') {
    return node<NumberLiteral>({ kind: 'numberLiteral', text: negateText(operand.text, operand.isInteger), isInteger: operand.isInteger, location });
  }
  return node<UnaryOperation>({ kind: 'unaryOperation', operator: '-', operand, location });
}

function negateText(text: string, isInteger: boolean): string {
  if (isInteger) {
    const value = Number(text);
    // int4 constants are stored by value (so `- -0` is `0`); longer integers, like decimals, flip their sign text.
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && String(value) === text) {
      const negated = -value;
      if (negated >= -2147483648 && negated <= 2147483647) return String(negated === 0 ? 0 : negated);
    }
  }
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}
