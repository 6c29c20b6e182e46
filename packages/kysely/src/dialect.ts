import type { Cache } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/binding'
import { kyselyBinding, type KyselyCacheOptions, type KyselyEntry } from './binding'
import { wrapDriver } from './driver'
import { flavourOf } from './flavour'
import type { DialectLike } from './kysely-types'

const where = 'kysely'
const DIALECT_METHODS = ['createDriver', 'createQueryCompiler', 'createAdapter', 'createIntrospector'] as const
const ours = new WeakSet<object>()

/**
 * `kyselyCache` as each entry point implements it: a Kysely dialect whose reads are served from
 * the cache and whose writes invalidate it, reading catalogs with the entry's introspectors.
 */
export function cachedDialect<D extends DialectLike>(dialect: D, cache: Cache, options: KyselyCacheOptions, entry: KyselyEntry): D {
  assertDialect(dialect)
  const binding = kyselyBinding(cache, options, flavourOf(dialect), entry)
  if (ours.has(dialect)) {
    binding.runtime.misconfigured(
      'kyselyCache was given a dialect that kyselyCache already wraps: every statement is planned twice and every read looked up twice.',
      'Wrap the original dialect once.',
    )
  }
  // Inherits from the dialect (so `instanceof` still holds) with its methods bound to it (so
  // dialects with private fields still work); only the driver is replaced.
  const wrapped = Object.create(dialect) as D
  for (const method of DIALECT_METHODS) {
    const original = dialect[method] as (...args: unknown[]) => unknown
    const value = method === 'createDriver' ? () => wrapDriver(dialect.createDriver(), binding) : (...args: unknown[]) => original.apply(dialect, args)
    Object.defineProperty(wrapped, method, { value })
  }
  ours.add(wrapped)
  return wrapped
}

function assertDialect(dialect: unknown): asserts dialect is DialectLike {
  const missing = DIALECT_METHODS.filter((method) => typeof (dialect as Record<string, unknown> | null | undefined)?.[method] !== 'function')
  if (missing.length === 0) return
  const got = dialect === null ? 'null' : typeof dialect
  throw kvCacheError(
    'INVALID_OPTION',
    where,
    `kyselyCache(dialect, cache) needs a Kysely dialect (e.g. \`new D1Dialect({ database: env.DB })\` or \`new PostgresDialect({ pool })\`) as its first argument; got ${got} without ${missing.join(', ')}.`,
  )
}
