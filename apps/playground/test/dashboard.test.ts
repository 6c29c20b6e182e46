// Drives the dashboard in a real Chromium (CHROMIUM_PATH, the system's, or the one shipped on npm; see
// test-support/chromium.ts): read (miss), read (hit), write, read (miss with the fresh value).
import autocannon from 'autocannon'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectLivePostsRow, expectMissHitWriteFresh, usePlaygroundPage } from './browser-page'

const opened = usePlaygroundPage('/')
const { clickAndSettle, text } = opened

describe('the dashboard, in a real browser', () => {
  it('shows a miss, then a hit, then after a write a miss with the fresh title', async () => {
    await expectMissHitWriteFresh(opened, 'Fresh from the browser test')
    expect(await text('#misses')).toBe('2')
  }, 60_000)

  it('shows 100 concurrent identical reads costing one D1 query', async () => {
    await clickAndSettle('#burst')
    expect(await text('#last-burst')).toContain('100 concurrent identical reads -> 1 D1 query')
  }, 60_000)

  it('compares against the uncached path and charts both', async () => {
    await clickAndSettle('#read-uncached')
    expect(await text('#last-outcome')).toBe('uncached')
    expect(await text('#last-title')).toBe('Fresh from the browser test')
    expect(await opened.page.locator('#chart polyline').count()).toBe(2)
    await opened.page.screenshot({ path: join(tmpdir(), 'kvcache-dashboard.png'), fullPage: true })
  }, 60_000)
})

describe('the Worker under concurrent requests', () => {
  it("requests that join another request's in-flight lookup all succeed with the fresh value", async () => {
    // Cold key (just written), so the concurrent reads share one lookup across requests.
    const write = await fetch(`${opened.url}/api/write?id=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Concurrent' }),
    })
    expect(write.status).toBe(200)
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${opened.url}/api/read?id=2&cache=on`)))
    expect(responses.map((response) => response.status)).toStrictEqual(Array.from({ length: 50 }, () => 200))
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as { post: { title: string } }[]
    expect(new Set(bodies.map((body) => body.post.title))).toStrictEqual(new Set(['Concurrent']))
    // Sustained load (bounded: 5 s, 10 connections, loopback only): requests keep joining each other's lookups.
    const load = await autocannon({ url: `${opened.url}/api/read?id=2&cache=on`, connections: 10, duration: 5 })
    expect(load.requests.total).toBeGreaterThan(100)
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toStrictEqual({ errors: 0, timeouts: 0, non2xx: 0 })
  }, 60_000)
})

describe('the per-table panel', () => {
  it("shows this page's reads and writes of posts live, polled without a reload: hits, a miss, the hit rate, the KV cost", async () => {
    await expectLivePostsRow(opened, '', 3)
  }, 60_000)
})
