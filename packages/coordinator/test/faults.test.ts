import { env } from 'cloudflare:workers'
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test'
import { createCache, isKvCacheError, type Cache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions, type CoordinatorNamespaceLike } from '../src'
import { coordinatorFault, eventLog, fakeTable, unique } from './helpers'

const fastFailure = { timeoutMs: 50, retryBaseMs: 10, maxRetries: 3 }

function isolate(
  prefix: string,
  namespace: CoordinatorNamespaceLike,
  onEvent?: Parameters<typeof createCache>[0]['onEvent'],
  retryBaseMs = fastFailure.retryBaseMs,
): Cache {
  const versions = durableObjectVersions(namespace, { prefix, ...fastFailure, retryBaseMs })
  // No breaker: these tests look at each call's fallback, not at the breaker opening.
  return createCache({ storage: kvStorage(env.KV), prefix, versions, breaker: false, ...(onEvent ? { onEvent } : {}) })
}

async function request<T>(cache: Cache, work: (view: Cache) => Promise<T>): Promise<T> {
  const ctx = createExecutionContext()
  const result = await work(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) }))
  await waitOnExecutionContext(ctx)
  return result
}

const posts = { tables: ['posts'] }

describe('a coordinator that throws, hangs or is evicted never fails or staleness-poisons a query', () => {
  for (const mode of ['throw', 'hang'] as const) {
    it(`reads while it ${mode}s: the database answers (fresh after a write), nothing unchecked is served`, async () => {
      const prefix = unique(`read-${mode}`)
      const fault = coordinatorFault(env.KVCACHE_COORDINATOR)
      const events = eventLog()
      const cache = isolate(prefix, fault.namespace, events.onEvent)
      const writer = isolate(prefix, env.KVCACHE_COORDINATOR)
      const table = fakeTable({ title: 'v1' })
      expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })

      fault.set(mode, 'read')
      table.write({ title: 'v2' })
      await request(writer, (view) => view.invalidate(posts))
      expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
      expect(events.of('miss').at(-1)?.reason).toBe('error')
      const reported = events.of('error').map((event) => event.error)
      expect(reported.some((error) => isKvCacheError(error, mode === 'throw' ? 'STORAGE_FAILED' : 'TIMEOUT'))).toBe(true)

      // Back to health: a stamp check again, and the entry stored before the outage is a miss.
      fault.release()
      const loadsBefore = table.loads
      expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
      expect(table.loads).toBe(loadsBefore + 1)
    })
  }

  for (const mode of ['throw', 'hang'] as const) {
    it(`bumps while it ${mode}s: the write returns, the bump is retried in the background and lands for every instance`, async () => {
      const prefix = unique(`bump-${mode}`)
      const fault = coordinatorFault(env.KVCACHE_COORDINATOR)
      const events = eventLog()
      // Retries spread over about a second: the test releases the fault well within it.
      const writer = isolate(prefix, fault.namespace, events.onEvent, 150)
      const reader = isolate(prefix, env.KVCACHE_COORDINATOR)
      const table = fakeTable({ title: 'v1' })
      expect(await request(reader, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })

      fault.set(mode, 'bump')
      table.write({ title: 'v2' })
      const ctx = createExecutionContext()
      const view = writer.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
      await view.invalidate(posts)
      // The writer's own isolate sees its write while the retry is pending.
      expect(await view.wrap('post', table.load, posts)).toStrictEqual({ title: 'v2' })
      fault.release()
      await waitOnExecutionContext(ctx)
      expect(await request(reader, (other) => other.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
      expect(events.of('error').filter((event) => event.operation === 'versions.bump')).toStrictEqual([])
    })
  }

  it('reports a bump that runs out of retries through onError (an error event), and the query still answers', async () => {
    const prefix = unique('bump-gives-up')
    const fault = coordinatorFault(env.KVCACHE_COORDINATOR)
    const events = eventLog()
    const writer = isolate(prefix, fault.namespace, events.onEvent)
    const table = fakeTable({ title: 'v1' })
    fault.set('throw', 'bump')
    table.write({ title: 'v2' })
    await request(writer, (view) => view.invalidate(posts))
    const gaveUp = events.of('error').filter((event) => event.operation === 'versions.bump')
    expect(gaveUp).toHaveLength(1)
    expect(String((gaveUp[0]?.error as Error).message)).toMatch(/Gave up bumping 2 scope\(s\) on coordinator .* after 3 retries/)
    expect(await request(writer, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
  })

  it('keeps answering correctly when the object is evicted mid-run, with calls in flight', async () => {
    const prefix = unique('evicted')
    const fault = coordinatorFault(env.KVCACHE_COORDINATOR)
    const cache = isolate(prefix, fault.namespace, undefined, 150)
    const other = isolate(prefix, env.KVCACHE_COORDINATOR)
    const table = fakeTable({ title: 'v1' })
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })

    // A read and a bump are on their way to the object (stubs made, calls not delivered) when it is reset.
    fault.set('hang')
    table.write({ title: 'v2' })
    const ctx = createExecutionContext()
    const view = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
    const writing = view.invalidate(posts)
    const reading = request(cache, (fresh) => fresh.wrap('post', table.load, posts))
    const store = env.KVCACHE_COORDINATOR.getByName(`${prefix}/t//0of1`)
    await expect(runInDurableObject(store, (_instance, state) => state.abort('evicted by the test'))).rejects.toThrow('evicted by the test')
    fault.release()
    expect(await reading).toStrictEqual({ title: 'v2' })
    await writing
    await waitOnExecutionContext(ctx)

    // The bump reached the restarted object: every instance sees the write, and caching resumes.
    expect(await request(other, (fresh) => fresh.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
    table.write({ title: 'v3' })
    await request(other, (fresh) => fresh.invalidate(posts))
    expect(await request(cache, (fresh) => fresh.wrap('post', table.load, posts))).toStrictEqual({ title: 'v3' })
  })
})
