import type { Cache } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/binding'
import { createPrismaBinding, type PrismaClientLike } from './binding'
import { clientMethods } from './client-methods'
import { createHook } from './hook'
import { checkOptions } from './options'
import type { KvCacheExtension, WithKvCacheOptions } from './types'

/**
 * The Prisma client extension: Accelerate's `cacheStrategy`, `$accelerate` and
 * `.withAccelerateInfo()` on top of a @kvcache cache, with reads invalidated by your own writes.
 * Options are checked here, once; the model graph, the database's identity and the catalog when
 * the client is extended.
 *
 * @example
 * const prisma = new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(withKvCache(cache, { models }))
 * const posts = await prisma.post.findMany({ where: { published: true }, cacheStrategy: { ttl: 60 } })
 */
export function withKvCache(cache: Cache, options: WithKvCacheOptions = {}): KvCacheExtension {
  if (!cache || typeof cache.query !== 'function' || typeof cache.invalidate !== 'function') {
    throw kvCacheError('MISSING_BINDING', 'prisma', 'withKvCache(cache) needs a cache from `createCache` in @kvcache/core.')
  }
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
