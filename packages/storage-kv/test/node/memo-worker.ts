// A Worker bundled and served by a real workerd (miniflare) in `workerd-isolate.test.ts`: it says
// whether workerd hands every request the same `env.CACHE_KV` object, and uses `requestCache` as
// an application would.
import { requestCache } from '@kvcache/storage-kv'

interface Env {
  CACHE_KV: KVNamespace
}

const seen = new WeakSet<object>()
// `/slow` and `/join`: module state shared by two concurrent requests of this isolate.
let slowStarted = false
let released = false
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url)
    const sameNamespace = seen.has(env.CACHE_KV)
    seen.add(env.CACHE_KV)
    const events: string[] = []
    try {
      const cache = requestCache(env.CACHE_KV, ctx, {
        defaultTtlSeconds: Number(url.searchParams.get('ttl') ?? 300),
        onEvent: (event) => events.push(event.type),
      })
      if (url.pathname === '/slow') {
        // Its load stays in flight until `/join` has asked for the same key. It waits on timers,
        // not on a promise only another request settles (workerd cancels such a request as hung).
        const value = await cache.wrap('slow', async () => {
          slowStarted = true
          while (!released) await wait(5)
          return 'loaded by /slow'
        })
        return Response.json({ sameNamespace, value, events })
      }
      if (url.pathname === '/join') {
        while (!slowStarted) await wait(5)
        const joining = cache.wrap('slow', async () => 'loaded by /join')
        // Its lookup reaches the in-flight table within a few microtasks (hashing the key); then `/slow` may finish.
        await wait(100)
        released = true
        return Response.json({ sameNamespace, value: await joining, events })
      }
      const value = await cache.wrap('plain', async () => 'loaded')
      return Response.json({ sameNamespace, value, events })
    } catch (error) {
      return Response.json({ sameNamespace, error: (error as Error).message })
    }
  },
}
