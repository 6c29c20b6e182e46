import { createCache } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  KV: KVNamespace
}

/** Rows of about 1 KiB each, as a list query returns them. */
const rowsOf = (bytes: number) =>
  Array.from({ length: Math.max(1, Math.round(bytes / 1024)) }, (_, i) => ({ id: i, body: 'x'.repeat(1000), at: new Date(i * 1000) }))

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url)
    const bytes = Number(url.searchParams.get('bytes'))
    const rounds = Number(url.searchParams.get('rounds') ?? '5')
    // A generous budget: this measures how long reads take, not whether they fit the default 1 s.
    const cache = createCache({ storage: kvStorage(env.KV), timeoutMs: 60_000 })
    const request = { material: ['large', bytes], scopes: [tableScope('reports')], ttlSeconds: 300 }
    const rows = rowsOf(bytes)
    await cache.query(request, async () => rows)
    const times: number[] = []
    for (let i = 0; i < rounds; i++) {
      const started = performance.now()
      const value = await cache.query(request, async () => {
        throw new Error('expected a hit')
      })
      times.push(performance.now() - started)
      if (value.length !== rows.length) throw new Error('wrong value')
    }
    times.sort((a, b) => a - b)
    return Response.json({ bytes, times })
  },
}
