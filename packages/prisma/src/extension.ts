import type { Cache } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/binding'
import { createPrismaBinding, type PrismaClientLike } from './binding'
import { clientMethods } from './client-methods'
import { createHook } from './hook'
import { oneLineCache, type KvNamespaceLike, type WaitUntilContext, type WithKvCacheKvOptions } from './one-line'
import { checkOptions } from './options'
import type { KvCacheExtension, WithKvCacheOptions } from './types'

/**
 * The Prisma client extension: Accelerate's `cacheStrategy`, `$accelerate` and
 * `.withAccelerateInfo()` on top of a @kvcache cache, with reads invalidated by your own writes.
 * Options are checked here, once; the model graph, the database's identity and the catalog when
 * the client is extended.
 *
 * The one-line form takes the KV namespace and the request's `ctx`: the cache is this isolate's
 * for that namespace (built by the first request from its options, shared by every request after
 * it), seen by this request. The explicit form takes a cache you built with `createCache`.
 *
 * @example
 * const prisma = new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(withKvCache(env.CACHE_KV, ctx, { models }))
 * const posts = await prisma.post.findMany({ where: { published: true }, cacheStrategy: { ttl: 60 } })
 */
export function withKvCache(namespace: KvNamespaceLike, ctx: WaitUntilContext, options?: WithKvCacheKvOptions): KvCacheExtension
export function withKvCache(cache: Cache, options?: WithKvCacheOptions): KvCacheExtension
export function withKvCache(first: Cache | KvNamespaceLike, second?: WithKvCacheOptions | WaitUntilContext, third?: WithKvCacheKvOptions): KvCacheExtension {
  const { cache, options } = isCache(first)
    ? { cache: first, options: (second ?? {}) as WithKvCacheOptions }
    : isContext(second)
      ? oneLineCache(first, second, third ?? {})
      : notACache(first)
  checkOptions(options)
  const extension = (client: PrismaClientLike) => {
    const binding = createPrismaBinding(cache, options, client)
    return client.$extends({
      name: '@kvcache/prisma',
      query: { $allOperations: createHook(binding) },
      client: clientMethods(binding, (sql) => client.$queryRaw(sql)),
    })
  }
  return extension as unknown as KvCacheExtension
}

function isCache(value: unknown): value is Cache {
  const cache = value as Partial<Cache> | null | undefined
  return typeof cache?.query === 'function' && typeof cache.invalidate === 'function'
}

function isContext(value: unknown): value is WaitUntilContext {
  return typeof (value as Partial<WaitUntilContext> | null | undefined)?.waitUntil === 'function'
}

function notACache(value: unknown): never {
  const got = value === null ? 'null' : typeof value
  throw kvCacheError(
    'MISSING_BINDING',
    'prisma',
    `withKvCache needs a KV namespace and the request's ctx (\`withKvCache(env.CACHE_KV, ctx, { models })\`) or a cache from \`createCache\` in @kvcache/core (\`withKvCache(cache, { models })\`); got ${got} without a ctx.`,
  )
}
