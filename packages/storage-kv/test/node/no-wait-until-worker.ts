// A Worker bundled and served by a real workerd (miniflare) in `no-wait-until.test.ts`: one cache
// per isolate made WITHOUT `waitUntil`, as a Worker that never passes `ctx` would.
import { createCache, type Cache } from '@kvcache/core'
import { parseStoredStamp, stampMs } from '@kvcache/core/storage'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  CACHE_KV: KVNamespace
}

let cache: Cache | undefined

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    cache ??= createCache({ storage: kvStorage(env.CACHE_KV), prefix: 'nw' })
    if (url.pathname === '/bump') {
      const at = Date.now()
      await cache.invalidate({ tables: ['posts'] })
      return Response.json({ at })
    }
    // What KV holds for `table:posts` (what every other isolate reads), as a time.
    const { keys } = await env.CACHE_KV.list({ prefix: 'nw:v:' })
    const key = keys.find((entry) => entry.name.endsWith('table:posts'))?.name
    const raw = key ? await env.CACHE_KV.get(key) : null
    const stamp = raw === null ? undefined : parseStoredStamp(raw.split(' ')[0] ?? '', Date.now())
    return Response.json({ stampMs: stamp === undefined ? null : stampMs(stamp) })
  },
}
