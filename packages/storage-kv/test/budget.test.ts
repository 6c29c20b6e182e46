// Issue 19: a monthly cap on the KV bill, counted by this isolate from its own calls to real KV.
import { createCache, type CacheEvent } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { env } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { kvStorage } from '../src'

const KV = (env as unknown as { KV: KVNamespace }).KV

it("budget.monthlyUsd: this isolate's own KV calls, priced at list prices, stop fills at the cap; hits go on", async () => {
  const events: CacheEvent[] = []
  // $0.00001: a write is $0.000005 and each key read $0.0000005, so about two fills' worth.
  const cache = createCache({
    storage: kvStorage(KV),
    prefix: `b${crypto.randomUUID().slice(0, 8)}`,
    budget: { monthlyUsd: 0.00001 },
    onEvent: (e) => events.push(e),
  })
  const read = (table: string) => cache.query({ material: ['select', table], scopes: [tableScope(table)] }, async () => `rows of ${table}`)
  await read('a') // a bulk read of 2 keys and a fill: $0.000006
  await read('b') // 2 more keys read ($0.000007), then a fill ($0.000012: past the cap)
  await read('c')
  const skips = events.filter((event) => event.type === 'skip')
  expect(skips).toMatchObject([{ reason: 'budget', detail: expect.stringMatching(/^budget\.monthlyUsd reached/) }])
  expect(events.filter((event) => event.type === 'fill')).toHaveLength(2)
  expect(await read('a')).toBe('rows of a')
  expect(events.at(-1)).toMatchObject({ type: 'hit' })
})
