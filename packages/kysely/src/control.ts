import { resolveReadOptions, type ReadOptions, type ResolvedReadOptions } from '@kvcache/core/binding'
import type { KyselyPluginLike, OperationNodeLike } from './kysely-types'

/** Per-query options of `cached()`: the core's read options (`ttlSeconds`, `swrSeconds`, `staleIfErrorSeconds`, `tags`), with its rules. */
export type CachedOptions = ReadOptions

/** What a query asked for, carried on its root operation node. */
export type QueryControl = { readonly mode: 'cache'; readonly options: ResolvedReadOptions } | { readonly mode: 'bypass' }

// Shared across copies of this package, so a plugin made by one copy is honoured by another.
const CONTROL = Symbol.for('@kvcache/kysely.control')

/**
 * A plugin that marks the query it is applied to. The mark rides on the root operation node:
 * the SQL and its parameters are unchanged (D1 allows 100 bound parameters; none is added).
 */
function marker(control: QueryControl): KyselyPluginLike {
  return {
    transformQuery: ({ node }) => Object.freeze({ ...node, [CONTROL]: control }),
    transformResult: async ({ result }) => result,
  }
}

/**
 * Caches the read it is applied to, with these options, whatever the binding's strategy. Options
 * are checked at once: unknown names fail naming the nearest (`ttl` -> `ttlSeconds`), and seconds
 * and tags follow the core's rules.
 *
 * @example
 * await db.selectFrom('person').selectAll().withPlugin(cached({ ttlSeconds: 300, tags: ['people'] })).execute()
 */
export function cached(options: CachedOptions = {}): KyselyPluginLike {
  return marker({ mode: 'cache', options: resolveReadOptions('kysely', options, { field: 'cached()' }) })
}

/** Runs the query it is applied to against the database, never through the cache. */
export function uncached(): KyselyPluginLike {
  return marker({ mode: 'bypass' })
}

/** The mark a query carries, if any (the last plugin applied wins). */
export function controlOf(node: OperationNodeLike): QueryControl | undefined {
  return (node as unknown as Record<symbol, QueryControl | undefined>)[CONTROL]
}
