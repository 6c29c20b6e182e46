import type { KeyType } from '../row-keys'
import { canonicalName, canonicalTable } from './names'
import type { WriteEffect, WriteEvent } from './writes'

/** What a foreign key does to the referencing rows when the referenced row is deleted or its key updated. */
export type ReferentialAction = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action'

/** A referential action as SQLite and ORMs spell it (`CASCADE`, `set null`...); anything else is `no action`. */
export function referentialAction(value: unknown): ReferentialAction {
  const text = String(value ?? '').toLowerCase()
  return text === 'cascade' || text === 'set null' || text === 'set default' || text === 'restrict' ? text : 'no action'
}

/** A table and its primary key. */
export interface TableFacts {
  readonly name: string
  /** Primary-key columns in key order (several for a composite key); empty when the table has none. */
  readonly primaryKey: readonly string[]
  /**
   * How each primary-key column compares values (`keyTypeOfSql`), in key order: decides how a key
   * value is spelled in row scopes. @default every column 'unknown' (each value gets every spelling)
   */
  readonly keyTypes?: readonly KeyType[]
}

/** A foreign key: rows of `table` reference rows of `references`. */
export interface ForeignKeyFacts {
  /** The referencing (child) table. */
  readonly table: string
  /** The referenced (parent) table. */
  readonly references: string
  /** @default 'no action' */
  readonly onDelete?: ReferentialAction
  /** @default 'no action' */
  readonly onUpdate?: ReferentialAction
}

/** A view and the relations its query reads (tables or other views). */
export interface ViewFacts {
  readonly name: string
  readonly reads: readonly string[]
}

/** A trigger (or a rewrite rule) and what its body changes. */
export interface TriggerFacts {
  readonly name: string
  /** The table (or view, for INSTEAD OF triggers) it is attached to. */
  readonly table: string
  /** The writes that fire it. */
  readonly events: readonly WriteEvent[]
  /** The tables its body changes, and how. */
  readonly writes: readonly WriteEffect[]
  /** True when the body's writes cannot be read (dynamic SQL, a language we cannot read): a write that fires it may change anything. */
  readonly writesUnknown?: boolean
}

/** A table whose rows are also rows of another (PostgreSQL partitions and inheritance). */
export interface InheritanceFacts {
  readonly child: string
  readonly parent: string
}

/** Facts about a database, as a binding or a person declares them, or as introspection finds them. */
export interface CatalogFacts {
  readonly tables?: readonly TableFacts[]
  readonly foreignKeys?: readonly ForeignKeyFacts[]
  readonly views?: readonly ViewFacts[]
  readonly triggers?: readonly TriggerFacts[]
  readonly inherits?: readonly InheritanceFacts[]
  /**
   * Schemas an unqualified name resolves in, in order (PostgreSQL's search path, as
   * `introspectPostgres` reads it with `current_schemas(false)`). Empty: names resolve as written.
   */
  readonly searchPath?: readonly string[]
  /**
   * True when `tables` and `views` list every relation of the database (introspection, or an ORM
   * schema that covers it): a relation not listed is then not a table, and reads of it bypass.
   * @default false
   */
  readonly complete?: boolean
}

/** What the scope planner knows about a database. Build one with `createCatalog`; names are canonical. */
export interface Catalog {
  /** Tables by canonical name. */
  readonly tables: ReadonlyMap<string, TableFacts>
  /** Views by canonical name, with the tables they read (through other views too). */
  readonly views: ReadonlyMap<string, readonly string[]>
  readonly foreignKeys: readonly ForeignKeyFacts[]
  readonly triggers: readonly TriggerFacts[]
  readonly inherits: readonly InheritanceFacts[]
  /** Schemas an unqualified name resolves in, lower-cased, in order. */
  readonly searchPath: readonly string[]
  readonly complete: boolean
}

function canonicalEffect(effect: WriteEffect): WriteEffect {
  return { table: canonicalTable(effect.table), event: effect.event }
}

/** Follows views through views, down to the tables they read (cycles stop where they close). */
function resolveViews(direct: ReadonlyMap<string, readonly string[]>): Map<string, readonly string[]> {
  const resolved = new Map<string, readonly string[]>()
  const expand = (view: string, trail: Set<string>): string[] => {
    const tables = new Set<string>()
    for (const relation of direct.get(view) ?? []) {
      if (!direct.has(relation)) tables.add(relation)
      else if (!trail.has(relation)) for (const table of expand(relation, new Set([...trail, relation]))) tables.add(table)
    }
    return [...tables]
  }
  for (const view of direct.keys()) resolved.set(view, expand(view, new Set([view])))
  return resolved
}

/**
 * Builds a catalog from facts: canonical names, views resolved to the tables they read.
 *
 * @example
 * const catalog = createCatalog({
 *   tables: [{ name: 'users', primaryKey: ['id'] }, { name: 'posts', primaryKey: ['id'] }],
 *   foreignKeys: [{ table: 'posts', references: 'users', onDelete: 'cascade' }],
 *   views: [{ name: 'published_posts', reads: ['posts', 'users'] }],
 * })
 */
export function createCatalog(facts: CatalogFacts): Catalog {
  const tables = new Map<string, TableFacts>()
  for (const table of facts.tables ?? []) {
    const name = canonicalTable(table.name)
    const keyTypes = table.keyTypes && table.keyTypes.length === table.primaryKey.length ? { keyTypes: [...table.keyTypes] } : {}
    tables.set(name, { name, primaryKey: [...table.primaryKey], ...keyTypes })
  }
  const directViews = new Map<string, readonly string[]>()
  for (const view of facts.views ?? []) {
    const name = canonicalTable(view.name)
    directViews.set(name, [...new Set([...(directViews.get(name) ?? []), ...view.reads.map(canonicalTable)])])
  }
  return {
    tables,
    views: resolveViews(directViews),
    foreignKeys: (facts.foreignKeys ?? []).map((key) => ({
      table: canonicalTable(key.table),
      references: canonicalTable(key.references),
      onDelete: key.onDelete ?? 'no action',
      onUpdate: key.onUpdate ?? 'no action',
    })),
    triggers: (facts.triggers ?? []).map((trigger) => ({
      ...trigger,
      table: canonicalTable(trigger.table),
      writes: trigger.writes.map(canonicalEffect),
    })),
    inherits: (facts.inherits ?? []).map((link) => ({ child: canonicalTable(link.child), parent: canonicalTable(link.parent) })),
    searchPath: (facts.searchPath ?? []).map((schema) => schema.toLowerCase()),
    complete: facts.complete ?? false,
  }
}

/**
 * The relation an unqualified name means, resolved like PostgreSQL does: in the first schema of
 * the catalog's search path that has it. A qualified name, or one no schema on the path has,
 * stays as it is. (Scopes still cover both spellings: see `relationSpellings`.)
 *
 * @example
 * resolveRelation(catalog, 'accounts') // 'app.accounts' when the search path starts with `app`
 */
export function resolveRelation(catalog: Catalog | undefined, relation: string): string {
  if (!catalog || catalog.searchPath.length === 0 || relation.includes('.')) return relation
  for (const schema of catalog.searchPath) {
    const qualified = canonicalName([schema, relation])
    if (catalog.tables.has(qualified) || catalog.views.has(qualified)) return qualified
  }
  return relation
}

/** The facts a catalog was built from (views as resolved), to merge or extend. */
export function catalogFacts(catalog: Catalog): CatalogFacts {
  return {
    tables: [...catalog.tables.values()],
    foreignKeys: catalog.foreignKeys,
    views: [...catalog.views].map(([name, reads]) => ({ name, reads })),
    triggers: catalog.triggers,
    inherits: catalog.inherits,
    searchPath: catalog.searchPath,
    complete: catalog.complete,
  }
}

/**
 * One catalog from several (an ORM schema, declared views, what introspection found). Tables
 * found in an earlier catalog keep their primary key; views read the union of what each says;
 * foreign keys, triggers and inheritance are all kept; the first search path given is kept;
 * complete if any input is.
 */
export function mergeCatalogs(...catalogs: readonly (Catalog | undefined)[]): Catalog {
  const present = catalogs.filter((catalog): catalog is Catalog => catalog !== undefined)
  const tables = new Map<string, TableFacts>()
  for (const catalog of present) for (const [name, table] of catalog.tables) if (!tables.has(name)) tables.set(name, table)
  return createCatalog({
    tables: [...tables.values()],
    foreignKeys: present.flatMap((catalog) => catalog.foreignKeys),
    views: present.flatMap((catalog) => [...catalog.views].map(([name, reads]) => ({ name, reads }))),
    triggers: present.flatMap((catalog) => catalog.triggers),
    inherits: present.flatMap((catalog) => catalog.inherits),
    searchPath: present.find((catalog) => catalog.searchPath.length > 0)?.searchPath ?? [],
    complete: present.some((catalog) => catalog.complete),
  })
}
