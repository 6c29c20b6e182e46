// Does workerd give every request of an isolate the same `env.CACHE_KV` object? `requestCache`
// keys its one cache per isolate by it. Asked of a real workerd (miniflare), with real requests
// to a bundled Worker, not of the test pool (whose `env` is the test's own object).
import { workerScript } from '@kvcache/test-support/worker-bundle'
import { Miniflare } from 'miniflare'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let miniflare: Miniflare

beforeAll(async () => {
  const script = await workerScript(fileURLToPath(new URL('./memo-worker.ts', import.meta.url)))
  miniflare = new Miniflare({ modules: true, script, compatibilityDate: '2026-04-01', kvNamespaces: ['CACHE_KV'] })
  await miniflare.ready
})
afterAll(() => miniflare?.dispose())

const get = async (path: string) => (await miniflare.dispatchFetch(`http://worker${path}`)).json() as Promise<Record<string, unknown>>

describe('requestCache in a real workerd isolate', () => {
  it('every request sees the same env.CACHE_KV object, so the memo finds the cache the first request built', async () => {
    expect(await get('/')).toMatchObject({ sameNamespace: false, value: 'loaded', events: expect.arrayContaining(['miss']) })
    expect(await get('/')).toMatchObject({ sameNamespace: true, value: 'loaded', events: ['hit'] })
    // Only a memo that found the first request's cache can know what it was built with.
    expect(await get('/?ttl=60')).toStrictEqual({
      sameNamespace: true,
      error: expect.stringContaining("Option `defaultTtlSeconds` is 60 here, but this isolate's cache for this KV namespace was built with 300"),
    })
  })

  it('a request joins the load another request has in flight: one cache, shared by concurrent requests', async () => {
    const [slow, join] = await Promise.all([get('/slow'), get('/join')])
    expect(slow).toMatchObject({ value: 'loaded by /slow' })
    // Its own loader never ran: it got the first request's result through the isolate's cache.
    expect(join).toMatchObject({ value: 'loaded by /slow', events: expect.arrayContaining(['joined']) })
  })
})
