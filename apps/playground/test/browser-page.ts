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
