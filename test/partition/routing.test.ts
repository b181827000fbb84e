import { describe, expect, it } from 'vitest';
import { parseDnaText } from '../../src/dna/index.js';
import { partitionRemainder, partitionRowHash } from '../../src/partition/index.js';

/** Appendix A of the analysis reference: (type, value, rowhash, mod 2, mod 4). */
const vectors: readonly [kind: 'dna2' | 'dna4', text: string, rowHash: string, mod2: number, mod4: number][] = [
  ['dna2', 'ATCGATCGATCGATCG', 'b75cd3421f57889c', 0, 0],
  ['dna2', 'GCTAGCTAGCTAGCTA', 'e0dea2484d1da5e4', 0, 0],
  ['dna2', 'TTTTTTTTTTTTTTTT', '0400bc251f3bafa5', 1, 1],
  ['dna2', 'AAAAAAAAAAAAAAAA', '0c8440b74fd699b0', 0, 0],
  ['dna2', 'CCCCCCCCCCCCCCCC', 'b217060b8a69cd14', 0, 0],
  ['dna2', 'GGGGGGGGGGGGGGGG', '06b04bc9b83e42b2', 0, 2],
  ['dna2', 'ATGCATGCATGCATGC', '3ea824668a21f001', 1, 1],
  ['dna2', 'CGCGCGCGCGCGCGCG', '4a811a8b2b07cc9d', 1, 1],
  ['dna2', 'ATCG'.repeat(8), '2833cb72ad5e9e60', 0, 0],
  ['dna2', 'GCTA'.repeat(8), 'd47129dae2c4fc12', 0, 2],
  ['dna2', 'T'.repeat(32), '413790a3da8bd152', 0, 2],
  ['dna2', 'A'.repeat(32), '93a91f71f52ee16f', 1, 3],
  ['dna2', 'C'.repeat(32), '96bddc3a10b3245c', 0, 0],
  ['dna2', 'G'.repeat(32), '6d861879e410713b', 1, 3],
  ['dna2', 'ATGC'.repeat(8), '91a87b3b7446b92b', 1, 3],
  ['dna2', 'CG'.repeat(16), '93bb2b698cd35f2a', 0, 2],
  ['dna2', 'TA'.repeat(16), '1f7358c5d5d355e4', 0, 0],
  ['dna4', 'ATCGATCGATCGATCG', '5ec7a3bbc84f5709', 1, 1],
  ['dna4', 'GCTAGCTAGCTAGCTA', 'd558737375aadeb3', 1, 3],
  ['dna4', 'MMMMMMMMMMMMMMMM', '3c26aadbfa32a5fc', 0, 0],
  ['dna4', 'NNNNNNNNNNNNNNNN', '413790a3da8bd152', 0, 2],
];

function hex(hash: { readonly high: number; readonly low: number }): string {
  return hash.high.toString(16).padStart(8, '0') + hash.low.toString(16).padStart(8, '0');
}

describe('partition routing (analysis §9.2, Appendix A)', () => {
  it.each(vectors)('%s %s → rowhash %s, mod 2 = %i, mod 4 = %i', (kind, text, rowHash, mod2, mod4) => {
    const value = parseDnaText(kind, text);
    expect(hex(partitionRowHash(value))).toBe(rowHash);
    expect(partitionRemainder(value, 2)).toBe(mod2);
    expect(partitionRemainder(value, 4)).toBe(mod4);
  });

  it('sends NULL to partition 0 and agrees with BigInt arithmetic for any modulus', () => {
    expect(partitionRemainder(null, 7)).toBe(0);
    for (const [kind, text, rowHash] of vectors) {
      for (const modulus of [1, 3, 5, 7, 1000, 65537, 2147483647]) {
        expect(partitionRemainder(parseDnaText(kind, text), modulus)).toBe(Number(BigInt(`0x${rowHash}`) % BigInt(modulus)));
      }
    }
  });
});
