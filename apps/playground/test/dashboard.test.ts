// Drives the dashboard in a real Chromium (CHROMIUM_PATH, the system's, or the one shipped on npm; see
// test-support/chromium.ts): read (miss), read (hit), write, read (miss with the fresh value).
import autocannon from 'autocannon'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findChromium } from '@kvcache/test-support/chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPlayground } from './start-worker'

let playground: Awaited<ReturnType<typeof startPlayground>>
let browser: BrowserContext
let page: Page
let profile: string

beforeAll(async () => {
  const chromiumBinary = await findChromium()
  playground = await startPlayground()
  profile = mkdtempSync(join(tmpdir(), 'kvcache-chromium-profile-'))
  // A fresh profile directory per run (Playwright takes it as the persistent context's userDataDir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBinary.executablePath,
    env: chromiumBinary.env,
    headless: true,
    args: [...chromiumBinary.args],
  })
  page = await browser.newPage()
  await page.goto(playground.url)
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await playground?.stop()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

async function clickAndSettle(selector: string) {
  await page.click(selector)
  // Buttons are disabled while a request runs and the stats refresh.
  await page.waitForFunction(() => !document.querySelector('button')?.hasAttribute('disabled'))
  await page.waitForFunction(() => [...document.querySelectorAll('button')].every((button) => !button.disabled))
}

const text = (selector: string) => page.locator(selector).innerText()

describe('the dashboard, in a real browser', () => {
  it('shows a miss, then a hit, then after a write a miss with the fresh title', async () => {
    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('miss')
    expect(await text('#last-title')).toBe('Notes on the Analytical Engine')

    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('hit')
    expect(await text('#last-title')).toBe('Notes on the Analytical Engine')
    expect(await text('#hits')).toBe('1')

    await page.fill('#title', 'Fresh from the browser test')
    await clickAndSettle('#write')
    expect(await text('#last-write')).toContain('row:posts:n1')
    expect(await text('#invalidations')).toContain('table:posts')

    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('miss')
    expect(await text('#last-title')).toBe('Fresh from the browser test')
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
    expect(await page.locator('#chart polyline').count()).toBe(2)
    await page.screenshot({ path: join(tmpdir(), 'kvcache-dashboard.png'), fullPage: true })
  }, 60_000)
})

describe('the Worker under concurrent requests', () => {
  it('requests that join another request\'s in-flight lookup all succeed with the fresh value', async () => {
    // Cold key (just written), so the concurrent reads share one lookup across requests.
    const write = await fetch(`${playground.url}/api/write?id=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Concurrent' }),
    })
    expect(write.status).toBe(200)
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${playground.url}/api/read?id=2&cache=on`)))
    expect(responses.map((response) => response.status)).toStrictEqual(Array.from({ length: 50 }, () => 200))
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as { post: { title: string } }[]
    expect(new Set(bodies.map((body) => body.post.title))).toStrictEqual(new Set(['Concurrent']))
    // Sustained load (bounded: 5 s, 10 connections, loopback only): requests keep joining each other's lookups.
    const load = await autocannon({ url: `${playground.url}/api/read?id=2&cache=on`, connections: 10, duration: 5 })
    expect(load.requests.total).toBeGreaterThan(100)
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toStrictEqual({ errors: 0, timeouts: 0, non2xx: 0 })
  }, 60_000)
})
