import type { Cache, CacheOptions } from './cache-types'
import { ZERO_STAMP } from './clock'
import { createIsolate } from './isolate'
import { resolveSettings } from './settings'
import { createView } from './view'

/**
 * Creates the query cache: one per isolate (module scope in a Worker), with a view per request
 * (`cache.withContext({ waitUntil, tenant, bookmark })`).
 *
 * @example
 * const cache = createCache({ storage: kvStorage(env.KV), waitUntil: (p) => ctx.waitUntil(p) })
 * const user = await cache.wrap(`user:${id}`, () => loadUser(id), { ttlSeconds: 300, tags: ['users'] })
 */
export function createCache(options: CacheOptions): Cache {
  const settings = resolveSettings(options)
  const isolate = createIsolate(settings, options.versions)
  return createView(isolate, { tenant: settings.tenant, waitUntil: settings.waitUntil, floor: ZERO_STAMP, listener: undefined, memo: undefined })
}
