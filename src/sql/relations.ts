/**
 * regclass's view of the catalog: relation names ↔ the stable ids storage hands out (they stand in for
 * PostgreSQL's OIDs, SPEC §1.3), for `'t'::regclass`, `::regclass::oid` and printing regclass values.
 */
import type { StorageView } from '../storage/index.js';
import type { RelationCatalog } from './types.js';

export class ViewRelations implements RelationCatalog {
  private names: Map<number, string> | undefined;

  constructor(private readonly view: StorageView) {}

  relationId(name: string, schema: string | undefined): number | undefined {
    if (schema !== undefined && schema !== 'public') return undefined;
    // A PRIMARY KEY or UNIQUE constraint is a relation too: PostgreSQL's regclass names its index.
    return this.view.findRelation(name)?.id;
  }

  relationName(id: number): string | undefined {
    if (this.names === undefined) {
      const names = new Map<number, string>();
      for (const table of this.view.listTables()) {
        names.set(table.id, table.name);
        for (const constraint of table.constraints) names.set(constraint.id, constraint.name);
      }
      for (const index of this.view.listIndexes()) names.set(index.id, index.name);
      for (const sequence of this.view.listSequences()) names.set(sequence.id, sequence.name);
      this.names = names;
    }
    return this.names.get(id);
  }
}
