import { assertPositive, kvCacheError } from '@kvcache/core/internal'
import type { KyselyPluginLike, OperationNodeLike } from './kysely-types'

/** Per-query options of `cached()`. */
export interface CachedOptions {
  /** Freshness of this read, in seconds. @default the binding's `ttlSeconds`, else the cache's default */
  readonly ttlSeconds?: number
  /** Stale-while-revalidate window of this read, in seconds. @default the binding's `swrSeconds` */
  readonly swrSeconds?: number
  /** Tags to invalidate this read by hand: `cache.invalidate({ tags })`. */
  readonly tags?: readonly string[]
}

/** What a query asked for, carried on its root operation node. */
export type QueryControl = { readonly mode: 'cache'; readonly options: CachedOptions } | { readonly mode: 'bypass' }

// Shared across copies of this package, so a plugin made by one copy is honoured by another.
const CONTROL = Symbol.for('@kvcache/kysely.control')
const KNOWN = ['ttlSeconds', 'swrSeconds', 'tags']
const where = 'kysely'

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
 * Caches the read it is applied to, with these options, whatever the binding's strategy.
 *
 * @example
 * await db.selectFrom('person').selectAll().withPlugin(cached({ ttlSeconds: 300, tags: ['people'] })).execute()
 */
export function cached(options: CachedOptions = {}): KyselyPluginLike {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw kvCacheError('INVALID_OPTION', where, `cached() takes an options object ({ ${KNOWN.join(', ')} }), got ${String(options)}.`)
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) {
      throw kvCacheError('UNKNOWN_OPTION', where, `Unknown option \`${name}\` of cached(). Known options: ${KNOWN.join(', ')}.`)
    }
  }
  assertPositive(where, 'cached().ttlSeconds', options.ttlSeconds)
  assertPositive(where, 'cached().swrSeconds', options.swrSeconds, { allowZero: true })
  assertTags(options.tags)
  return marker({ mode: 'cache', options: { ...options, ...(options.tags ? { tags: [...options.tags] } : {}) } })
}

/** Runs the query it is applied to against the database, never through the cache. */
export function uncached(): KyselyPluginLike {
  return marker({ mode: 'bypass' })
}

/** The mark a query carries, if any (the last plugin applied wins). */
export function controlOf(node: OperationNodeLike): QueryControl | undefined {
  return (node as unknown as Record<symbol, QueryControl | undefined>)[CONTROL]
}

function assertTags(tags: unknown): void {
  if (tags === undefined) return
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag.length === 0)) {
    const got = Array.isArray(tags) ? 'an array with an empty or non-string item' : typeof tags
    throw kvCacheError('INVALID_OPTION', where, `Option \`cached().tags\` must be an array of non-empty strings, got ${got}.`)
  }
}
