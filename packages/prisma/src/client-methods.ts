import { assertTags, changeScopes, dependencyScopes, kvCacheError, type Dependency } from '@kvcache/core/binding'
import type { PrismaBinding } from './binding'
import { normalizeArgs } from './material'
import { unknownModel } from './models'
import { rawStatement, uniqueKeyTables } from './raw'
import { resolveStrategy } from './strategy'
import type { CacheClientMethods, RawReadOptions, SqlLike } from './types'

/** The client-level methods: Accelerate's `$accelerate`, and `$cache` with models and raw reads. */
export function clientMethods(binding: PrismaBinding, queryRaw: (sql: SqlLike) => PromiseLike<unknown>): CacheClientMethods {
  const { runtime, graph } = binding
  const done = () => ({ requestId: crypto.randomUUID() })
  const tablesOf = (models: unknown, where: string) => {
    if (!Array.isArray(models)) throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`models\` ${where} must be an array of model names.`)
    return models.map((name: unknown) => {
      if (typeof name !== 'string' || !Object.hasOwn(graph.models, name)) throw unknownModel('UNKNOWN_TABLE', name, graph, where)
      return graph.table(name)
    })
  }
  const invalidateAll = async () => {
    await runtime.cache.invalidate({ scopes: changeScopes([{ kind: 'everything' }]) })
    return done()
  }
  return {
    $accelerate: {
      async invalidate(input) {
        // Accelerate requires `tags`; the count is not capped (each tag is one stamp to bump).
        const tags = assertTags('prisma', 'tags', input?.tags, Number.POSITIVE_INFINITY)
        await runtime.invalidate({ tags })
        return done()
      },
      invalidateAll,
    },
    $cache: {
      async invalidate(input) {
        const tables = tablesOf(input?.models ?? [], 'in `$cache.invalidate({ models })`')
        // Through the catalog: what the models' foreign keys and triggers reach changes too.
        await binding.ready.catch(() => undefined)
        await runtime.invalidate({ tables, ...(input?.tags === undefined ? {} : { tags: input.tags }) })
        return done()
      },
      invalidateAll,
      refreshCatalog: () => runtime.catalog.refresh(),
      async queryRaw<T>(sql: SqlLike, raw: RawReadOptions): Promise<T> {
        const strategy = resolveStrategy(raw, { field: 'queryRaw', extra: ['models'] })
        const tables = tablesOf(raw?.models ?? [], 'in `$cache.queryRaw(sql, { models })`')
        const run = async () => (await queryRaw(sql)) as T
        if (!strategy) return run()
        await binding.ready
        const statement = rawStatement(sql, binding.dialect)
        const plan = statement ? await runtime.plan(statement, { wait: true }) : undefined
        if (plan?.type !== 'read') {
          // Not a read the SQL reader can follow: it runs uncached, and a write is published like any raw write.
          if (plan?.type === 'bypass') runtime.bypass(plan.reason, statement?.sql)
          const result = await run()
          const position = binding.position()
          if (plan?.type === 'write')
            await runtime.publish([...plan.scopes, ...runtime.scopesOf(uniqueKeyTables(graph, plan.tables, plan.quiet))], undefined, position)
          else if (plan?.type !== 'bypass') await runtime.publish(changeScopes([{ kind: 'database' }]), undefined, position)
          return result
        }
        // The statement's own tables, and any the call declares (a function that reads a table...).
        const dependencies: Dependency[] = strategy.autoInvalidate ? tables.map((table): Dependency => ({ kind: 'table', table })) : [{ kind: 'everything' }]
        const scopes = strategy.autoInvalidate ? [...plan.scopes, ...dependencyScopes(dependencies)] : dependencyScopes(dependencies)
        const material = { raw: [...sql.strings], values: normalizeArgs([...sql.values]), tags: strategy.read.tags, autoInvalidate: strategy.autoInvalidate }
        return runtime.read({ material, scopes, options: strategy.read, statement: sql.strings.join('?') }, binding.loader(run))
      },
    },
  }
}
