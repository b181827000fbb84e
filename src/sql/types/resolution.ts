/**
 * PostgreSQL's overload resolution (parse_func.c func_match_argtypes + func_select_candidate, and
 * parse_oper.c's exact match with an unknown operand taking the other operand's type), shared by operators
 * and aggregate functions. Given candidates' argument types and the input types, it keeps the candidates
 * every input can reach by implicit casts, then narrows them: most exact type matches; most preferred types
 * (of the input's own category) where a cast is needed; for unknown inputs, a category (string wins) and
 * preferred types in it; last, unknowns assumed to be of the one known type.
 */
import type { SqlType } from './descriptors.js';
import { canCast } from './casts.js';

export interface OverloadCandidate {
  readonly argumentTypes: readonly SqlType[];
}

export type OverloadSelection<Candidate> =
  | { readonly kind: 'found'; readonly candidate: Candidate }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous' };

function isUnknown(type: SqlType): boolean {
  return type.id === 'unknown';
}

function implicitlyReachable(inputTypes: readonly SqlType[], argumentTypes: readonly SqlType[]): boolean {
  return (
    inputTypes.length === argumentTypes.length &&
    inputTypes.every((input, index) => {
      const target = argumentTypes[index];
      return target !== undefined && canCast(input, target, 'implicit');
    })
  );
}

/** Keeps the candidates with the highest score (all of them when every score is equal). */
function keepBest<Candidate>(candidates: readonly Candidate[], score: (candidate: Candidate) => number): Candidate[] {
  let best = -1;
  let kept: Candidate[] = [];
  for (const candidate of candidates) {
    const value = score(candidate);
    if (value > best) {
      best = value;
      kept = [candidate];
    } else if (value === best) {
      kept.push(candidate);
    }
  }
  return kept;
}

/**
 * func_select_candidate over the candidates that survived the implicit-cast filter. Returns the one left,
 * or undefined when the heuristics cannot decide.
 */
function selectAmong<Candidate extends OverloadCandidate>(
  reachable: readonly Candidate[],
  inputTypes: readonly SqlType[],
): Candidate | undefined {
  let candidates = keepBest(reachable, (candidate) =>
    inputTypes.filter((input, index) => !isUnknown(input) && candidate.argumentTypes[index]?.id === input.id).length,
  );
  if (candidates.length === 1) return candidates[0];

  candidates = keepBest(candidates, (candidate) =>
    inputTypes.filter((input, index) => {
      const argument = candidate.argumentTypes[index];
      if (isUnknown(input) || argument === undefined) return false;
      return argument.id === input.id || (argument.preferred && argument.category === input.category);
    }).length,
  );
  if (candidates.length === 1) return candidates[0];

  const unknownPositions = inputTypes.flatMap((input, index) => (isUnknown(input) ? [index] : []));
  if (unknownPositions.length === 0) return undefined;

  // Decide a category for each unknown position: string if any candidate takes one, else the one they agree on.
  let resolved = true;
  const slotCategory = new Map<number, { category: string; hasPreferred: boolean }>();
  for (const position of unknownPositions) {
    let category: string | undefined;
    let hasPreferred = false;
    let conflict = false;
    for (const candidate of candidates) {
      const argument = candidate.argumentTypes[position];
      if (argument === undefined) continue;
      if (category === undefined) {
        category = argument.category;
        hasPreferred = argument.preferred;
      } else if (argument.category === category) {
        hasPreferred ||= argument.preferred;
      } else if (argument.category === 'S') {
        category = 'S';
        hasPreferred = argument.preferred;
      } else {
        conflict = true;
      }
    }
    if (category === undefined || (conflict && category !== 'S')) {
      resolved = false;
      break;
    }
    slotCategory.set(position, { category, hasPreferred });
  }
  if (resolved) {
    const matching = candidates.filter((candidate) =>
      unknownPositions.every((position) => {
        const slot = slotCategory.get(position);
        const argument = candidate.argumentTypes[position];
        if (slot === undefined || argument === undefined) return false;
        return argument.category === slot.category && (!slot.hasPreferred || argument.preferred);
      }),
    );
    if (matching.length > 0) candidates = matching;
    if (candidates.length === 1) return candidates[0];
  }

  // Last gasp: every known input has the same type; assume the unknown ones have it too.
  const knownTypes = inputTypes.filter((input) => !isUnknown(input));
  const knownType = knownTypes[0];
  if (knownType !== undefined && knownTypes.every((type) => type.id === knownType.id)) {
    const assumed = inputTypes.map(() => knownType);
    const fitting = candidates.filter((candidate) => implicitlyReachable(assumed, candidate.argumentTypes));
    if (fitting.length === 1) return fitting[0];
  }
  return undefined;
}

/**
 * Picks the candidate PostgreSQL would call for these input types: an exact match first, else the
 * implicit-cast filter and func_select_candidate. `none` and `ambiguous` map to the callers' 42883
 * (`… does not exist`) and 42725 (`… is not unique`) errors.
 */
export function selectOverload<Candidate extends OverloadCandidate>(
  candidates: readonly Candidate[],
  inputTypes: readonly SqlType[],
): OverloadSelection<Candidate> {
  const exact = candidates.find(
    (candidate) =>
      candidate.argumentTypes.length === inputTypes.length &&
      candidate.argumentTypes.every((argument, index) => argument.id === inputTypes[index]?.id),
  );
  if (exact !== undefined) return { kind: 'found', candidate: exact };
  const reachable = candidates.filter((candidate) => implicitlyReachable(inputTypes, candidate.argumentTypes));
  if (reachable.length === 0) return { kind: 'none' };
  if (reachable.length === 1) return { kind: 'found', candidate: reachable[0] as Candidate };
  const selected = selectAmong(reachable, inputTypes);
  return selected === undefined ? { kind: 'ambiguous' } : { kind: 'found', candidate: selected };
}
