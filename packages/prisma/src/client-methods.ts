import type { Cache } from '@kvcache/core'
import { bulkScope, databaseScope, kvCacheError, tableScope, tagScope } from '@kvcache/core/internal'
import type { BindingCatalog } from '@kvcache/core/sql'
import type { Graph } from './graph'
import { normalizeArgs } from './material'
import { ALL_ENTRIES_SCOPE } from './read-scopes'
import { assertTags, resolveStrategy } from './strategy'
import type { CacheClientMethods, RawReadOptions, SqlLike, WithKvCacheOptions } from './types'

/** `$accelerate.invalidate` takes 5 tags per call in Accelerate; many more are fine here. */
const MAX_INVALIDATE_TAGS = 1000

/** The client-level methods: Accelerate's `$accelerate`, and `$cache` with models and raw reads. */
export function clientMethods(
  cache: Cache,
  graph: Graph,
  options: WithKvCacheOptions,
  queryRaw: (sql: SqlLike) => PromiseLike<unknown>,
  catalog: Pick<BindingCatalog, 'refresh'>,
): CacheClientMethods {
  const done = () => ({ requestId: crypto.randomUUID() })
  const modelScopes = (models: readonly string[]) =>
    models.flatMap((name) => {
      if (typeof name !== 'string' || !(name in graph.models)) throw kvCacheError('INVALID_OPTION', 'prisma', `Unknown model ${JSON.stringify(name)} in \`models\`.`)
      return [tableScope(graph.table(name)), bulkScope(graph.table(name))]
    })
  const invalidateAll = async () => {
    await cache.invalidate({ scopes: [databaseScope(), ALL_ENTRIES_SCOPE] })
    return done()
  }
  return {
    $accelerate: {
      async invalidate(input) {
        const tags = assertTags('tags', input?.tags, MAX_INVALIDATE_TAGS)
        await cache.invalidate({ tags })
        return done()
      },
      invalidateAll,
    },
    $cache: {
      async invalidate(input) {
        const tags = input?.tags === undefined ? [] : assertTags('tags', input.tags, MAX_INVALIDATE_TAGS)
        await cache.invalidate({ tags, scopes: modelScopes(input?.models ?? []) })
        return done()
      },
      invalidateAll,
      refreshCatalog: () => catalog.refresh(),
      async queryRaw<T>(sql: SqlLike, raw: RawReadOptions): Promise<T> {
        const { models = [], ...strategyFields } = raw ?? {}
        const strategy = resolveStrategy(strategyFields)
        const run = () => Promise.resolve(queryRaw(sql)) as Promise<T>
        if (!strategy) return run()
        const scopes = new Set([...strategy.tags.map(tagScope), databaseScope(), ...modelScopes(models).filter((scope) => !scope.startsWith('bulk:'))])
        if (!strategy.autoInvalidate) scopes.delete(databaseScope())
        const material = { prisma: options.database ?? 'default', raw: [...sql.strings], values: normalizeArgs([...sql.values]), tags: strategy.tags }
        return cache.query({ material, scopes: [...scopes, ALL_ENTRIES_SCOPE], ttlSeconds: strategy.ttlSeconds, swrSeconds: strategy.swrSeconds }, run)
      },
    },
  }
}
