/**
 * A write transaction's uncommitted catalog changes layered over the committed catalog: reads see the changes
 * (read-your-writes), and the commit writes exactly `changes`.
 */
import { catalogKeyString, type CatalogKey } from './catalog.js';
import type { CatalogLayer } from './view.js';

/** Orders catalog keys as lmdb-js's ordered-binary encoding does for these shapes (numbers before strings). */
function compareKeys(left: CatalogKey, right: CatalogKey): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const a = left[index] as string | number;
    const b = right[index] as string | number;
    if (a === b) continue;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : 1;
  }
  return left.length - right.length;
}

export class CatalogOverlay implements CatalogLayer {
  /** Changed keys; `value` undefined = deleted. */
  readonly changes = new Map<string, { readonly key: CatalogKey; readonly value: unknown }>();

  constructor(private readonly base: CatalogLayer) {}

  get(key: CatalogKey): unknown {
    const change = this.changes.get(catalogKeyString(key));
    return change === undefined ? this.base.get(key) : change.value;
  }

  set(key: CatalogKey, value: unknown): void {
    this.changes.set(catalogKeyString(key), { key, value });
  }

  delete(key: CatalogKey): void {
    this.changes.set(catalogKeyString(key), { key, value: undefined });
  }

  range(start: CatalogKey, end: CatalogKey): { key: CatalogKey; value: unknown }[] {
    const merged = this.base.range(start, end).filter(({ key }) => !this.changes.has(catalogKeyString(key)));
    for (const { key, value } of this.changes.values()) {
      if (value !== undefined && compareKeys(start, key) <= 0 && compareKeys(key, end) < 0) merged.push({ key, value });
    }
    return merged.sort((left, right) => compareKeys(left.key, right.key));
  }
}
