import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIONS,
  IUPAC_BASES,
  REFS_LINE_WIDTH,
  REPO_CATALOGUE,
  TRUTH_HEADER,
  deriveSeed,
  fastaChunks,
  generateWorkload,
  genomeSequence,
  loadCatalogue,
  mulberry32,
  parseFasta,
  parseSize,
  preparePool,
  selectReferences,
  summarize,
  truthTsv,
  writeWorkload,
  type Genome,
  type Workload,
} from '../../bench/workload/workload.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEED = 20240601;
const QUERIES = 400;

let genomes: Genome[];
let decoy: Genome;
let w: Workload;

function serialize(x: Workload): string {
  return [
    [...fastaChunks(x.refs, REFS_LINE_WIDTH)].join(''),
    [...fastaChunks(x.queries, 0)].join(''),
    truthTsv(x.truth),
    JSON.stringify(summarize(x)),
  ].join('\u0000');
}

function gen(seed: number, queries = QUERIES, targetBases = 50_000): Workload {
  return generateWorkload(genomes, decoy, { label: 'smoke', targetBases, seed, queries });
}

/**
 * Edit distance of the whole query against a prefix of `ref` that starts at its first base and may end
 * anywhere (semi-global). An IUPAC code in the query matches any base it stands for.
 */
function editDistanceFromStart(query: string, ref: string): number {
  const m = ref.length;
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= query.length; i++) {
    const cur = new Array<number>(m + 1);
    cur[0] = i;
    const allowed = IUPAC_BASES[query[i - 1]!] ?? '';
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1]! + (allowed.includes(ref[j - 1]!) ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  return Math.min(...prev);
}

function kmers(s: string, k: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + k <= s.length; i++) {
    const km = s.slice(i, i + k);
    if (/^[ACGT]+$/.test(km)) out.push(km);
  }
  return out;
}

beforeAll(async () => {
  ({ genomes, decoy } = await loadCatalogue(REPO_ROOT, REPO_CATALOGUE));
  w = gen(SEED);
});

describe('seeded randomness', () => {
  it('mulberry32 is reproducible and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(2, 'a'));
  });

  it('parses sizes', () => {
    expect(parseSize('1M')).toBe(1_000_000);
    expect(parseSize('20M')).toBe(20_000_000);
    expect(parseSize('100M')).toBe(100_000_000);
    expect(parseSize('50k')).toBe(50_000);
    expect(() => parseSize('big')).toThrow();
  });
});

describe('repo smoke workload', () => {
  it('loads the repo genomes and keeps the decoy out of the references', () => {
    expect(genomes.map((g) => g.name)).toEqual(['Lambda', 'DWV', 'VDV1']);
    expect(decoy.name).toBe('VDV1-DWV5');
    expect(genomes.reduce((t, g) => t + genomeSequence(g).length, 0)).toBeGreaterThan(60_000);
  });

  it('is deterministic: same seed, same bytes; another seed, other bytes', () => {
    expect(serialize(gen(SEED))).toBe(serialize(w));
    expect(serialize(gen(SEED + 1))).not.toBe(serialize(w));
  });

  it('cuts references of 500-2,000 plain bases named after their genome offset', () => {
    expect(w.refs.length).toBeGreaterThan(20);
    const seqs = new Map(genomes.map((g) => [g.name, genomeSequence(g)]));
    const names = new Set<string>();
    for (const r of w.refs) {
      expect(r.seq.length).toBeGreaterThanOrEqual(DEFAULT_OPTIONS.refMin);
      expect(r.seq.length).toBeLessThanOrEqual(DEFAULT_OPTIONS.refMax);
      expect(r.seq).toMatch(/^[ACGT]+$/);
      expect(r.name).toBe(`ref_${r.genome}_${r.offset}`);
      expect(seqs.get(r.genome)!.slice(r.offset, r.offset + r.seq.length)).toBe(r.seq);
      names.add(r.name);
    }
    expect(names.size).toBe(w.refs.length);
    expect(w.refs.some((r) => r.genome === decoy.name)).toBe(false);
  });

  it('makes smaller sizes subsets of larger ones', () => {
    const { pool } = preparePool(genomes, decoy, SEED);
    const small = new Set(selectReferences(pool, 10_000, SEED).map((r) => r.name));
    const large = new Set(selectReferences(pool, 40_000, SEED).map((r) => r.name));
    expect(small.size).toBeGreaterThan(0);
    expect(large.size).toBeGreaterThan(small.size);
    for (const n of small) expect(large.has(n)).toBe(true);
    // Asking for more than the pool yields the whole pool.
    expect(selectReferences(pool, 1e9, SEED)).toHaveLength(pool.length);
  });

  it('samples 150-300 bp reads over the DNA4 alphabet, with the configured share of decoys', () => {
    expect(w.queries).toHaveLength(QUERIES);
    expect(w.truth).toHaveLength(QUERIES);
    for (const [i, q] of w.queries.entries()) {
      expect(q.seq.length).toBeGreaterThanOrEqual(DEFAULT_OPTIONS.queryMin);
      expect(q.seq.length).toBeLessThanOrEqual(DEFAULT_OPTIONS.queryMax);
      expect(q.seq).toMatch(/^[ACGTRYSWKMN]+$/);
      expect(w.truth[i]!.query).toBe(q.name);
      expect(w.truth[i]!.length).toBe(q.seq.length);
    }
    const decoys = w.truth.filter((t) => t.ref === '-');
    expect(decoys).toHaveLength(Math.round(QUERIES * DEFAULT_OPTIONS.decoyFraction));
    // Edits are present at roughly the configured rates.
    const bases = w.truth.reduce((t, r) => t + r.length, 0);
    const subs = w.truth.reduce((t, r) => t + r.subs, 0) / bases;
    const iupac = w.truth.reduce((t, r) => t + r.iupac, 0) / bases;
    expect(subs).toBeGreaterThan(0.012);
    expect(subs).toBeLessThan(0.028);
    expect(iupac).toBeGreaterThan(0.002);
    expect(iupac).toBeLessThan(0.008);
    expect(w.queries.some((q) => /N/.test(q.seq))).toBe(true);
    expect(w.queries.some((q) => /[RYSWKM]/.test(q.seq))).toBe(true);
  });

  it('truth: each read aligns forward to its true reference with at most the edits introduced', () => {
    const refs = new Map(w.refs.map((r) => [r.name, r]));
    let present = 0;
    let total = 0;
    for (const [i, t] of w.truth.entries()) {
      if (t.ref === '-') continue;
      const q = w.queries[i]!.seq;
      const ref = refs.get(t.ref);
      expect(ref, t.ref).toBeDefined();
      expect(t.genome).toBe(ref!.genome);
      expect(t.offset + t.length - t.indels).toBeLessThanOrEqual(ref!.seq.length);
      const window = ref!.seq.slice(t.offset, t.offset + t.length + t.indels + 1);
      expect(editDistanceFromStart(q, window)).toBeLessThanOrEqual(t.subs + t.indels);
      // The query's unmutated k-mers appear in the true reference.
      const refKmers = new Set(kmers(ref!.seq, 12));
      const qk = kmers(q, 12);
      const hit = qk.filter((k) => refKmers.has(k)).length;
      expect(hit / qk.length).toBeGreaterThan(0.2);
      present += hit;
      total += qk.length;
    }
    expect(present / total).toBeGreaterThan(0.6);
  });

  it('decoys come only from the left-out genome', () => {
    const decoySeq = genomeSequence(decoy);
    const refGenomes = new Set(genomes.map((g) => g.name));
    for (const [i, t] of w.truth.entries()) {
      if (t.ref !== '-') {
        expect(refGenomes.has(t.genome)).toBe(true);
        continue;
      }
      expect(t.genome).toBe(decoy.name);
      expect(refGenomes.has(t.genome)).toBe(false);
      const window = decoySeq.slice(t.offset, t.offset + t.length + t.indels + 1);
      expect(window).toMatch(/^[ACGT]+$/);
      expect(editDistanceFromStart(w.queries[i]!.seq, window)).toBeLessThanOrEqual(t.subs + t.indels);
    }
  });

  it('writes refs.fa, queries.fa, truth.tsv and summary.json that read back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kmersearch-workload-'));
    try {
      const summary = await writeWorkload(w, dir);
      const refsText = await readFile(join(dir, 'refs.fa'), 'utf8');
      expect(refsText).toBe([...fastaChunks(w.refs, REFS_LINE_WIDTH)].join(''));
      expect(Math.max(...refsText.split('\n').map((l) => l.length))).toBeLessThanOrEqual(REFS_LINE_WIDTH + 30);
      const back = parseFasta(refsText);
      expect(back.map((r) => r.id)).toEqual(w.refs.map((r) => r.name));
      expect(back.map((r) => r.seq)).toEqual(w.refs.map((r) => r.seq));
      const queriesText = await readFile(join(dir, 'queries.fa'), 'utf8');
      expect(queriesText.split('\n')).toHaveLength(2 * QUERIES + 1);
      const truthText = await readFile(join(dir, 'truth.tsv'), 'utf8');
      const lines = truthText.trimEnd().split('\n');
      expect(lines[0]).toBe(TRUTH_HEADER);
      expect(lines).toHaveLength(QUERIES + 1);
      const json = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { refs: number; refBases: number; queries: number };
      expect(json.refs).toBe(w.refs.length);
      expect(json.refBases).toBe(summary.refBases);
      expect(json.queries).toBe(QUERIES);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
