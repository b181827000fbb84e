/**
 * Where the conditions of a FROM tree with joins are evaluated, as PostgreSQL 16's planner places them
 * (prepjointree.c reduce_outer_joins, initsplan.c distribute_qual_to_rels): a condition that reads the columns of
 * one FROM item only becomes a restriction of that item's scan — so a partitioned table is pruned by it
 * (partition-pruning.ts), a kmersearch index may answer it, a subquery gets it pushed in (subquery-pushdown.ts) —
 * and any other stays on the lowest join that has all its columns.
 *
 * 1. Outer joins are reduced first: a LEFT JOIN whose nullable side a condition above it rejects NULLs of (a
 *    strict condition such as `u.seq = 'ACGT'` in WHERE: find_nonnullable_rels) is an inner join, as are RIGHT and
 *    FULL joins likewise; the conditions of an inner join count for the joins below it, those of an outer join
 *    only for its nullable side.
 * 2. A WHERE condition (or one from above) goes down through an inner join to either side and through an outer
 *    join to its preserved side only; on the nullable side it would drop the NULL-extended rows, so it stays on
 *    the join (`Filter`). An ON condition goes down only to the nullable side of its outer join (to either side of
 *    an inner join); on the preserved side it would drop rows the join must keep, so it stays (`Join Filter`). A
 *    FULL JOIN lets nothing through.
 * 3. Conditions PostgreSQL folds to a constant read no column and stay where they are written; one folded to FALSE
 *    or NULL (`WHERE false`, `t.seq = NULL`) makes what it gates empty (a dummy relation): the whole FROM for WHERE
 *    and for an inner join's ON, the nullable side for an outer join's ON (populate_joinrel_with_paths).
 *
 * Conditions with a subquery stay where they are written (their subquery sees the row they are evaluated on), so
 * do those of another query level only. Join conditions between two tables (`t.seq = u.seq`) restrict no single
 * scan: PostgreSQL prunes by them only at run time, which is not done here; and the DNA `=` is not mergejoinable
 * (pg_kmersearch declares it HASHES only), so PostgreSQL derives no `t.seq = 'ACGT'` from `t.seq = u.seq AND
 * u.seq = 'ACGT'` (no equivalence class), and neither does this.
 */
import type { BoundFromItem, BoundFunctionSource, BoundJoin, BoundSubquerySource, BoundTableSource } from './binder/bound.js';
import {
  type Conjunct,
  conjunctsOf,
  containsSubquery,
  foldsToConstant,
  foldsToFalse,
  localColumns,
  nonnullableRelations,
  shiftConjunct,
} from './conjuncts.js';

export type FromLeaf = BoundTableSource | BoundFunctionSource | BoundSubquerySource;

/** A FROM tree with its conditions placed. */
export type PlacedFrom = PlacedLeaf | PlacedJoin | PlacedEmpty;

export interface PlacedLeaf {
  readonly kind: 'leaf';
  readonly item: FromLeaf;
  /** Conditions on the item's columns alone, numbered from its first column. */
  readonly restrictions: readonly Conjunct[];
}

export interface PlacedJoin {
  readonly kind: 'join';
  readonly join: BoundJoin;
  /** The join type after the reduction of outer joins. */
  readonly joinType: BoundJoin['joinType'];
  readonly left: PlacedFrom;
  readonly right: PlacedFrom;
  /** What decides which pairs match: the ON conditions left here (and, for an inner join, WHERE's). */
  readonly joinConditions: readonly Conjunct[];
  /** Conditions from above evaluated on the joined rows of an outer join (NULL-extended ones included). */
  readonly filters: readonly Conjunct[];
}

/** A part of the tree that a condition folded to FALSE or NULL makes empty (`replaced` is still planned). */
export interface PlacedEmpty {
  readonly kind: 'empty';
  readonly replaced: PlacedFrom;
}

interface Relation {
  readonly start: number;
  readonly width: number;
}

/** A condition that may move below where it is written: it reads columns of this level and nothing else unusual. */
function movable(conjunct: Conjunct): boolean {
  const condition = conjunct.condition;
  return !containsSubquery(condition) && !foldsToConstant(condition) && localColumns(condition).length > 0;
}

/** The FROM items (leaves) of a tree by their first column, in row order. */
function relationsOf(item: BoundFromItem, start: number, found: Relation[]): Relation[] {
  if (item.kind === 'join') {
    relationsOf(item.left, start, found);
    relationsOf(item.right, start + item.left.width, found);
  } else {
    found.push({ start, width: item.width });
  }
  return found;
}

/** Places `where` (conditions on the rows of `join`, the whole FROM) and the joins' ON conditions. */
export function placeRestrictions(join: BoundJoin, where: readonly Conjunct[]): PlacedFrom {
  const relations = relationsOf(join, 0, []);
  const relationOf = (column: number): number => relations.findIndex((relation) => column >= relation.start && column < relation.start + relation.width);
  const reduced = new Map<BoundJoin, BoundJoin['joinType']>();
  const whereNonnullable = new Set<number>();
  for (const conjunct of where) for (const relation of nonnullableRelations(conjunct.condition, relationOf)) whereNonnullable.add(relation);
  reduceOuterJoins(join, 0, whereNonnullable, relations, relationOf, reduced);

  const place = (item: BoundFromItem, offset: number, fromAbove: readonly Conjunct[], keptHere: readonly Conjunct[]): PlacedFrom => {
    if (item.kind !== 'join') return { kind: 'leaf', item, restrictions: fromAbove.map((conjunct) => shiftConjunct(conjunct, -offset)) };
    const joinType = reduced.get(item) ?? item.joinType;
    const inner = joinType === 'inner' || joinType === 'cross';
    const leftEnd = offset + item.left.width;
    const toLeft: Conjunct[] = [];
    const toRight: Conjunct[] = [];
    const joinConditions: Conjunct[] = [];
    const filters: Conjunct[] = [];
    const sideOf = (conjunct: Conjunct): 'left' | 'right' | 'both' => {
      const columns = localColumns(conjunct.condition);
      if (columns.every((column) => column < leftEnd)) return 'left';
      return columns.every((column) => column >= leftEnd) ? 'right' : 'both';
    };
    let emptyJoin = false;
    let emptySide: 'left' | 'right' | undefined;
    // The join's own ON conditions first (PostgreSQL distributes a join's quals before those of the level above).
    for (const conjunct of item.condition === undefined ? [] : conjunctsOf(item.condition, item.conditionSyntax)) {
      if (foldsToFalse(conjunct.condition)) {
        if (inner) emptyJoin = true;
        else if (joinType === 'left') emptySide = 'right';
        else if (joinType === 'right') emptySide = 'left';
      }
      if (!movable(conjunct)) {
        joinConditions.push(conjunct);
        continue;
      }
      const absolute = shiftConjunct(conjunct, offset);
      const side = sideOf(absolute);
      if (side === 'right' && (inner || joinType === 'left')) toRight.push(absolute);
      else if (side === 'left' && (inner || joinType === 'right')) toLeft.push(absolute);
      else joinConditions.push(conjunct);
    }
    for (const conjunct of fromAbove) {
      const side = sideOf(conjunct);
      if (side === 'left' && (inner || joinType === 'left')) toLeft.push(conjunct);
      else if (side === 'right' && (inner || joinType === 'right')) toRight.push(conjunct);
      else (inner ? joinConditions : filters).push(shiftConjunct(conjunct, -offset));
    }
    // Conditions written here that may not move (only WHERE's, at the top, where the offset is 0).
    for (const conjunct of keptHere) (inner ? joinConditions : filters).push(conjunct);
    let left = place(item.left, offset, toLeft, []);
    let right = place(item.right, leftEnd, toRight, []);
    if (emptySide === 'left') left = { kind: 'empty', replaced: left };
    if (emptySide === 'right') right = { kind: 'empty', replaced: right };
    const placed: PlacedJoin = { kind: 'join', join: item, joinType, left, right, joinConditions, filters };
    return emptyJoin ? { kind: 'empty', replaced: placed } : placed;
  };

  const placed = place(join, 0, where.filter(movable), where.filter((conjunct) => !movable(conjunct)));
  return where.some((conjunct) => foldsToFalse(conjunct.condition)) ? { kind: 'empty', replaced: placed } : placed;
}

/**
 * reduce_outer_joins: records in `reduced` the type each join has once the conditions above it that reject NULLs
 * of some relations (`nonnullable`, numbered by relationOf) are taken into account.
 */
function reduceOuterJoins(
  item: BoundFromItem,
  offset: number,
  nonnullable: ReadonlySet<number>,
  relations: readonly Relation[],
  relationOf: (column: number) => number,
  reduced: Map<BoundJoin, BoundJoin['joinType']>,
): void {
  if (item.kind !== 'join') return;
  const leftEnd = offset + item.left.width;
  const rightEnd = offset + item.width;
  const within = (start: number, end: number): boolean =>
    [...nonnullable].some((relation) => {
      const first = relations[relation]?.start ?? -1;
      return first >= start && first < end;
    });
  const onLeft = within(offset, leftEnd);
  const onRight = within(leftEnd, rightEnd);
  let joinType = item.joinType;
  if (joinType === 'left' && onRight) joinType = 'inner';
  else if (joinType === 'right' && onLeft) joinType = 'inner';
  else if (joinType === 'full') joinType = onLeft && onRight ? 'inner' : onLeft ? 'left' : onRight ? 'right' : 'full';
  reduced.set(item, joinType);

  const inner = joinType === 'inner' || joinType === 'cross';
  // An inner join's ON conditions add to those from above for both sides; an outer join's count only for its
  // nullable side, and its preserved side gets those from above; a FULL JOIN passes nothing down.
  const local = new Set<number>();
  if (joinType !== 'full' && item.condition !== undefined) {
    for (const relation of nonnullableRelations(item.condition, (column) => relationOf(column + offset))) local.add(relation);
  }
  if (inner) for (const relation of nonnullable) local.add(relation);
  const none = new Set<number>();
  const leftPass = inner || joinType === 'right' ? local : joinType === 'left' ? nonnullable : none;
  const rightPass = inner || joinType === 'left' ? local : joinType === 'right' ? nonnullable : none;
  reduceOuterJoins(item.left, offset, leftPass, relations, relationOf, reduced);
  reduceOuterJoins(item.right, leftEnd, rightPass, relations, relationOf, reduced);
}
