import { findChromium } from '@kvcache/test-support/chromium'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { startPlayground } from './start-worker'

/** A playground page open in a real Chromium (CHROMIUM_PATH, the system's, or the one shipped on npm; see test-support/chromium.ts). */
export interface BrowserPage {
  readonly page: Page
  /** The playground's base URL, for requests made outside the page. */
  readonly url: string
  /** Clicks a button and waits until every button is enabled again (a request ran and the stats repainted). */
  clickAndSettle(selector: string): Promise<void>
  text(selector: string): Promise<string>
  close(): Promise<void>
}

/** Starts the playground as the quick start does (`wrangler dev`) and opens `path` in a fresh browser profile. */
export async function openPlaygroundPage(path: string): Promise<BrowserPage> {
  const binary = await findChromium()
  const playground = await startPlayground()
  const profile = mkdtempSync(join(tmpdir(), 'kvcache-chromium-profile-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: binary.executablePath,
    env: binary.env,
    headless: true,
    args: [...binary.args],
  })
  const page = await browser.newPage()
  await page.goto(`${playground.url}${path}`)
  return {
    page,
    url: playground.url,
    async clickAndSettle(selector) {
      await page.click(selector)
      await page.waitForFunction(() => [...document.querySelectorAll('button')].every((button) => !button.disabled))
    },
    text: (selector) => page.locator(selector).innerText(),
    async close() {
      await browser.close()
      await playground.stop()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * `openPlaygroundPage(path)` once for the test file (closed after it). The answer forwards to the
 * open page, so tests can destructure it at module level.
 */
export function usePlaygroundPage(path: string): BrowserPage {
  let opened: BrowserPage | undefined
  beforeAll(async () => {
    opened = await openPlaygroundPage(path)
  }, 90_000)
  afterAll(async () => {
    await opened?.close()
  })
  const current = (): BrowserPage => {
    if (!opened) throw new Error(`The playground page ${path} is not open (beforeAll has not run).`)
    return opened
  }
  return {
    get page() {
      return current().page
    },
    get url() {
      return current().url
    },
    clickAndSettle: (selector) => current().clickAndSettle(selector),
    text: (selector) => current().text(selector),
    close: () => current().close(),
  }
}

/**
 * The story every cached page tells about post 1: read (a miss, the seeded title), read (a hit),
 * write `title` (its row and table scopes bumped), read (a miss with `title`).
 */
export async function expectMissHitWriteFresh(opened: BrowserPage, title: string): Promise<void> {
  await opened.clickAndSettle('#read')
  expect(await opened.text('#last-outcome')).toBe('miss')
  expect(await opened.text('#last-title')).toBe('Notes on the Analytical Engine')

  await opened.clickAndSettle('#read')
  expect(await opened.text('#last-outcome')).toBe('hit')
  expect(await opened.text('#last-title')).toBe('Notes on the Analytical Engine')
  expect(await opened.text('#hits')).toBe('1')

  await opened.page.fill('#title', title)
  await opened.clickAndSettle('#write')
  expect(await opened.text('#last-write')).toContain('row:posts:n1')
  expect(await opened.text('#invalidations')).toContain('table:posts')

  await opened.clickAndSettle('#read')
  expect(await opened.text('#last-outcome')).toBe('miss')
  expect(await opened.text('#last-title')).toBe(title)
}

/**
 * The per-table panel is live: after a read, a repeated read and a write of post `id` made outside
 * the page (through `<apiPrefix>/api/...`, as curl or another tab would), the page's next poll shows
 * them in the `posts` row without a reload: 1 hit, 1 miss, a 50% hit rate, a KV cost above zero.
 */
export async function expectLivePostsRow(opened: BrowserPage, apiPrefix: string, id: number): Promise<void> {
  const { page, url } = opened
  const api = (path: string, init?: RequestInit) => fetch(`${url}${apiPrefix}/api/${path}`, init)
  // The panel painted a reset: the counts below are exactly this test's requests. Background work
  // of earlier tests (a stamp write waiting out KV's per-key second) may still report a storage
  // call after a reset: reset again until a poll shows no traffic.
  await expect
    .poll(
      async () => {
        expect((await api('reset', { method: 'POST' })).status).toBe(200)
        return page.waitForSelector('#metrics-rows td[colspan]', { timeout: 3_000 }).then(
          () => true,
          () => false,
        )
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe(true)
  // A mark on this page's window: still there at the end, so the page was never reloaded.
  await page.evaluate(() => Object.assign(window, { kvcacheNotReloaded: true }))

  expect((await api(`read?id=${id}`)).headers.get('x-kvcache')).toMatch(/^miss; reason=absent; tables=.*posts/)
  expect((await api(`read?id=${id}`)).headers.get('x-kvcache')).toMatch(/^hit; tables=.*posts.*; age=\d+$/)
  const write = await api(`write?id=${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"Live on the panel"}' })
  expect(write.status).toBe(200)

  const row = '#metrics-rows tr[data-table="posts"]'
  const value = (field: string) => page.locator(`${row} [data-field="${field}"] .value`).innerText()
  await page.waitForFunction(
    (selector) =>
      ['hits', 'misses', 'invalidations'].every((field) => document.querySelector(`${selector} [data-field="${field}"] .value`)?.textContent === '1'),
    row,
    { timeout: 10_000 },
  )
  expect(await value('hits')).toBe('1')
  expect(await value('misses')).toBe('1')
  expect(await page.locator(`${row} [data-field="misses"] .why`).innerText()).toBe('absent 1')
  expect(await value('hit-rate')).toBe('50%')
  for (const reading of ['usd-bulk-one', 'usd-per-key']) expect(Number((await value(reading)).replace('$', ''))).toBeGreaterThan(0)
  expect(Number(await value('kv-reads'))).toBeGreaterThan(0)
  expect(await page.locator('#metrics-calls').innerText()).toMatch(/L2 kv read \d+ \(\d+ keys\)/)
  expect(await page.evaluate(() => (window as { kvcacheNotReloaded?: boolean }).kvcacheNotReloaded)).toBe(true)
  await page.locator('#metrics').screenshot({ path: join(tmpdir(), `kvcache-metrics${apiPrefix.replace('/', '-') || '-drizzle'}.png`) })
}
