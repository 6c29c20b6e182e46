// The Prisma page in a real Chromium: the same dashboard over the same D1 data, read through
// @kvcache/prisma with Accelerate's API. Read (miss), read (hit), write, read (fresh), burst, and a
// write from the Drizzle page that the Prisma page sees.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectLivePostsRow, expectMissHitWriteFresh, usePlaygroundPage } from './browser-page'

const opened = usePlaygroundPage('/prisma')
const { clickAndSettle, text } = opened

describe('the Prisma page, in a real browser', () => {
  it('shows a miss, then a hit, then after a write a miss with the fresh title', async () => {
    expect(await text('h1')).toContain('Prisma')
    await expectMissHitWriteFresh(opened, 'Fresh from Prisma')
  }, 60_000)

  it('shows 100 concurrent identical reads costing one D1 query', async () => {
    await clickAndSettle('#burst')
    expect(await text('#last-burst')).toContain('100 concurrent identical reads -> 1 D1 query')
  }, 60_000)

  it('sees a write made on the Drizzle page (shared stamps), and compares with the uncached path', async () => {
    // KV takes one write per key per second, so a refill right after the last one may be skipped:
    // read until the entry is cached again.
    for (let attempt = 0; attempt < 10 && (await text('#last-outcome')) !== 'hit'; attempt++) {
      await opened.page.waitForTimeout(300)
      await clickAndSettle('#read')
    }
    expect(await text('#last-outcome')).toBe('hit')
    const write = await fetch(`${opened.url}/api/write?id=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Written by Drizzle' }),
    })
    expect(write.status).toBe(200)
    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('miss')
    expect(await text('#last-title')).toBe('Written by Drizzle')
    await clickAndSettle('#read-uncached')
    expect(await text('#last-outcome')).toBe('uncached')
    expect(await opened.page.locator('#chart polyline').count()).toBe(2)
    await opened.page.screenshot({ path: join(tmpdir(), 'kvcache-prisma-dashboard.png'), fullPage: true })
  }, 60_000)
})

describe('the per-table panel', () => {
  it("shows this page's reads and writes of posts live, polled without a reload: hits, a miss, the hit rate, the KV cost", async () => {
    await expectLivePostsRow(opened, '/prisma', 3)
  }, 60_000)
})
