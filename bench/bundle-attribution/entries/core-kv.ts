import { createCache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
export default {
  async fetch(request: Request, env: { KV: any }, ctx: { waitUntil(p: Promise<unknown>): void }) {
    const cache = createCache({ storage: kvStorage(env.KV) }).withContext({ waitUntil: (p) => ctx.waitUntil(p) })
    const value = await cache.query({ material: request.url, scopes: ['table:posts'] }, async () => [{ id: 1 }])
    return Response.json(value)
  },
}
