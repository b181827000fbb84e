/**
 * Generates the benchmark workload (see README.md beside this file).
 *
 *   bash bench/workload/fetch-genomes.sh            # once: apt-get download + dpkg -x into bench/.cache/
 *   npx tsx bench/workload/make-workload.ts --size all --seed 1
 *   npx tsx bench/workload/make-workload.ts --source repo      # smoke workload from data/, no apt
 */
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  APT_CATALOGUE,
  DEFAULT_OPTIONS,
  REPO_CATALOGUE,
  loadCatalogue,
  makeWorkload,
  parseSize,
  preparePool,
  writeWorkload,
  type Catalogue,
} from './workload.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Args {
  source: 'apt' | 'repo';
  sizes: string[];
  seed: number;
  queries: number;
  out: string;
  cache: string;
  decoyFraction: number;
}

const USAGE = `usage: npx tsx bench/workload/make-workload.ts [options]
  --source apt|repo     genomes from the Debian example packages (default) or the repo's data/ (smoke)
  --size S              1M | 20M | 100M | all (= 1M,20M,100M) | any <n>[k|M] | comma list
                        (default: all for apt, 50k for repo)
  --seed N              PRNG seed (default 1)
  --queries N           query reads per size (default 10000 for apt, 500 for repo)
  --decoy-fraction F    share of decoy reads (default ${DEFAULT_OPTIONS.decoyFraction})
  --out DIR             output root; each size goes to DIR/<size> (repo: DIR/repo-<size>) (default bench/out)
  --cache DIR           where fetch-genomes.sh unpacked the packages (default bench/.cache)`;

function parseArgs(argv: readonly string[]): Args {
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) opts.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a.startsWith('--') && argv[i + 1] !== undefined) opts.set(a.slice(2), argv[++i]!);
    else throw new Error(`unexpected argument '${a}'\n${USAGE}`);
  }
  const known = new Set(['source', 'size', 'seed', 'queries', 'out', 'cache', 'decoy-fraction']);
  for (const k of opts.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  const source = opts.get('source') ?? 'apt';
  if (source !== 'apt' && source !== 'repo') throw new Error(`--source must be apt or repo`);
  const sizeArg = opts.get('size') ?? (source === 'apt' ? 'all' : '50k');
  const sizes = sizeArg === 'all' ? ['1M', '20M', '100M'] : sizeArg.split(',').map((s) => s.trim());
  for (const s of sizes) parseSize(s);
  const int = (name: string, dflt: number): number => {
    const v = opts.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  const decoyFraction = Number(opts.get('decoy-fraction') ?? DEFAULT_OPTIONS.decoyFraction);
  if (!(decoyFraction >= 0 && decoyFraction < 1)) throw new Error('--decoy-fraction must be in [0, 1)');
  return {
    source,
    sizes,
    seed: int('seed', 1),
    queries: int('queries', source === 'apt' ? 10_000 : 500),
    out: resolve(opts.get('out') ?? join(REPO_ROOT, 'bench', 'out')),
    cache: resolve(opts.get('cache') ?? join(REPO_ROOT, 'bench', '.cache')),
    decoyFraction,
  };
}

async function checkFiles(root: string, cat: Catalogue, hint: string): Promise<void> {
  const missing: string[] = [];
  for (const spec of [...cat.genomes, cat.decoy]) {
    try {
      await access(join(root, spec.path));
    } catch {
      missing.push(spec.path);
    }
  }
  if (missing.length > 0) throw new Error(`missing genome files under ${root}:\n  ${missing.join('\n  ')}\n${hint}`);
}

const mbp = (n: number): string => `${(n / 1e6).toFixed(2)} Mbp`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const cat = args.source === 'apt' ? APT_CATALOGUE : REPO_CATALOGUE;
  const root = args.source === 'apt' ? join(args.cache, 'root') : REPO_ROOT;
  await checkFiles(
    root,
    cat,
    args.source === 'apt' ? 'run: bash bench/workload/fetch-genomes.sh' : 'copy them from shared/data (see data/PROVENANCE.md)',
  );
  const { genomes, decoy } = await loadCatalogue(root, cat);
  const options = { ...DEFAULT_OPTIONS, decoyFraction: args.decoyFraction };
  const prepared = preparePool(genomes, decoy, args.seed, options);
  const poolBases = prepared.pool.reduce((t, f) => t + f.seq.length, 0);
  const t1 = performance.now();
  console.error(
    `loaded ${genomes.length} genomes + decoy ${decoy.name}: pool ${prepared.pool.length} refs, ${mbp(poolBases)} ` +
      `(${((t1 - t0) / 1000).toFixed(1)} s)`,
  );
  for (const size of args.sizes) {
    const ts = performance.now();
    const w = makeWorkload(genomes, decoy, prepared, { label: size, targetBases: parseSize(size), seed: args.seed, queries: args.queries, options });
    const dir = join(args.out, args.source === 'repo' ? `repo-${size}` : size);
    const s = await writeWorkload(w, dir);
    const te = performance.now();
    console.error(
      `${size}: ${s.refs} refs, ${s.refBases} bases (${mbp(s.refBases)}), ${s.queries} queries (${s.decoyQueries} decoys) ` +
        `-> ${dir} (${((te - ts) / 1000).toFixed(1)} s)${s.wholePool ? ' [pool smaller than target: whole pool used]' : ''}`,
    );
  }
  console.error(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
