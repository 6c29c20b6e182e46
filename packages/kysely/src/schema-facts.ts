import { kvCacheError } from '@kvcache/core/internal'
import type { WriteVerb } from './walk'

/** Facts about the database that the query tree cannot show, declared by the application. */
export interface SchemaFactsOptions {
  /** Views (or other relations) and the tables they read, e.g. `{ published_posts: ['posts', 'users'] }`. */
  readonly views?: Readonly<Record<string, readonly string[]>>
  /**
   * Tables a write to a table changes too: foreign keys with ON DELETE / ON UPDATE actions,
   * tables written by triggers. E.g. `{ users: ['posts', 'audit'] }`.
   */
  readonly writesAlso?: Readonly<Record<string, readonly string[]>>
}

/** Normalised schema facts, as the planner asks for them. */
export interface SchemaFacts {
  /** The tables a relation stands for: itself, or the tables a view reads. */
  tablesBehind(relation: string): readonly string[]
  /** Tables a write of `verbs` to `table` changes too (transitively). */
  writtenWith(table: string, verbs: ReadonlySet<WriteVerb>): readonly string[]
}

const where = 'kysely'

function tableMap(name: string, value: unknown): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>()
  if (value === undefined) return map
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw kvCacheError('INVALID_OPTION', where, `Option \`${name}\` must be an object mapping a table name to an array of table names.`)
  }
  for (const [key, tables] of Object.entries(value)) {
    if (!Array.isArray(tables) || tables.some((table) => typeof table !== 'string' || table.length === 0)) {
      throw kvCacheError('INVALID_OPTION', where, `Option \`${name}.${key}\` must be an array of non-empty table names.`)
    }
    map.set(key.toLowerCase(), tables.map((table: string) => table.toLowerCase()))
  }
  return map
}

/** Validates declared facts (failing fast with the option's name) and indexes them. */
export function schemaFacts(options: SchemaFactsOptions | undefined): SchemaFacts {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw kvCacheError('INVALID_OPTION', where, 'Option `schema` must be an object ({ views, writesAlso }).')
  }
  for (const name of Object.keys(options ?? {})) {
    if (name !== 'views' && name !== 'writesAlso') {
      throw kvCacheError('UNKNOWN_OPTION', where, `Unknown option \`schema.${name}\`. Known: views, writesAlso.`)
    }
  }
  const views = tableMap('schema.views', options?.views)
  const writesAlso = tableMap('schema.writesAlso', options?.writesAlso)
  return {
    tablesBehind: (relation) => views.get(relation) ?? [relation],
    writtenWith: (table) => reachable(table, writesAlso),
  }
}

/** Everything a write reaches through chains (`users` -> `posts` -> `comments`). */
function reachable(table: string, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const found = new Set<string>()
  const queue = [...(edges.get(table) ?? [])]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (next === table || found.has(next)) continue
    found.add(next)
    queue.push(...(edges.get(next) ?? []))
  }
  return [...found]
}
