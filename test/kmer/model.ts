/**
 * Test support for test/kmer: a plain string-and-BigInt model of key extraction written straight from the
 * reference pseudo-code (core §2.3), and packers that build DNA2/DNA4 values bit by bit (independent of src/dna).
 */
import type { DnaValue } from '../../src/dna/types.js';
import { keyToBigInt, type KeyList } from '../../src/kmer/index.js';

const CODE: Readonly<Record<string, bigint>> = { A: 0n, C: 1n, G: 2n, T: 3n };

/** Members of each letter in A, C, G, T order; N and '?' (DNA4 code 0) are handled separately. */
const MEMBERS: Readonly<Record<string, string>> = {
  A: 'A', C: 'C', G: 'G', T: 'T',
  M: 'AC', R: 'AG', W: 'AT', S: 'CG', Y: 'CT', K: 'GT',
  V: 'ACG', H: 'ACT', D: 'AGT', B: 'CGT',
};

function value(window: string): bigint {
  let v = 0n;
  for (const base of window) v = (v << 2n) | CODE[base]!;
  return v;
}

function expandWindow(window: string): bigint[] {
  if (window.includes('N') || window.includes('?')) return [];
  const ambiguous: number[] = [];
  for (let j = 0; j < window.length; j++) if (MEMBERS[window[j]!]!.length > 1) ambiguous.push(j);
  if (ambiguous.length >= 2) return [];
  if (ambiguous.length === 0) return [value(window)];
  const at = ambiguous[0]!;
  return [...MEMBERS[window[at]!]!].map((member) => value(window.slice(0, at) + member + window.slice(at + 1)));
}

/** Keys of upper-case bases (U already read as T; '?' = DNA4 code 0); no validation, no length error. */
export function modelKeys(bases: string, k: number, b: number): bigint[] {
  const cnt = new Map<bigint, number>();
  const out: bigint[] = [];
  for (let i = 0; i + k <= bases.length; i++) {
    for (const v of expandWindow(bases.slice(i, i + k))) {
      const c = (cnt.get(v) ?? 0) + 1;
      cnt.set(v, c);
      if (b === 0) {
        if (c === 1) out.push(v);
      } else if (c <= 2 ** b) out.push((v << BigInt(b)) | BigInt(c - 1));
    }
  }
  return out;
}

export function packDna2(bases: string): DnaValue {
  const data = new Uint8Array(Math.ceil(bases.length / 4));
  for (let i = 0; i < bases.length; i++) {
    const code = Number(CODE[bases[i] === 'U' ? 'T' : bases[i]!]);
    data[i >> 2]! |= code << (6 - 2 * (i % 4));
  }
  return { kind: 'dna2', bitLength: 2 * bases.length, data };
}

const MASK: Readonly<Record<string, number>> = {
  '?': 0, A: 1, C: 2, M: 3, G: 4, R: 5, S: 6, V: 7, T: 8, U: 8, W: 9, Y: 10, H: 11, K: 12, D: 13, B: 14, N: 15,
};

export function packDna4(bases: string): DnaValue {
  const data = new Uint8Array(Math.ceil(bases.length / 2));
  for (let i = 0; i < bases.length; i++) data[i >> 1]! |= MASK[bases[i]!]! << (i % 2 === 0 ? 4 : 0);
  return { kind: 'dna4', bitLength: 4 * bases.length, data };
}

export function keysAsBigInts(keys: KeyList): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < keys.count; i++) out.push(keyToBigInt(keys, i));
  return out;
}
