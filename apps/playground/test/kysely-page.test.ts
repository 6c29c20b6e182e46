// Drives the Kysely page in Chromium: read (miss), read (hit), write, read (miss, fresh title),
// then a comment (a table read only in a subquery) shows up in the next read.
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
  // CHROMIUM_PATH, the system's, or the one shipped on npm (see test-support/chromium.ts).
  const chromiumBinary = await findChromium()
  playground = await startPlayground()
  profile = mkdtempSync(join(tmpdir(), 'kvcache-chromium-kysely-'))
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBinary.executablePath,
    env: chromiumBinary.env,
    headless: true,
    args: [...chromiumBinary.args],
  })
  page = await browser.newPage()
  await page.goto(`${playground.url}/kysely`)
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await playground?.stop()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

async function clickAndSettle(selector: string) {
  await page.click(selector)
  // Buttons are disabled while a request runs and the stats refresh.
  await page.waitForFunction(() => [...document.querySelectorAll('button')].every((button) => !button.disabled))
}

const text = (selector: string) => page.locator(selector).innerText()

describe('the Kysely page, in a real browser', () => {
  it('shows a miss, a hit, and after each write the fresh value', async () => {
    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('miss')
    expect(await text('#last-title')).toBe('Notes on the Analytical Engine')
    expect(await text('#last-author')).toBe('Ada Lovelace')
    expect(await text('#last-comments')).toBe('2')
    expect(await text('#last-sql')).toContain('select count(*)')

    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('hit')
    expect(await text('#hits')).toBe('1')

    await page.fill('#title', 'Written through Kysely')
    await clickAndSettle('#write')
    expect(await text('#last-write')).toContain('table:posts')
    await clickAndSettle('#read')
    expect(await text('#last-outcome')).toBe('miss')
    expect(await text('#last-title')).toBe('Written through Kysely')
  }, 60_000)

  it('a new comment (read only in a subquery) shows in the next read, and the uncached path agrees', async () => {
    await clickAndSettle('#comment')
    expect(await text('#last-write')).toContain('table:comments')
    await clickAndSettle('#read')
    expect(await text('#last-comments')).toBe('3')
    await clickAndSettle('#read-uncached')
    expect(await text('#last-outcome')).toBe('uncached')
    expect(await text('#last-comments')).toBe('3')
    await page.screenshot({ path: join(tmpdir(), 'kvcache-kysely-page.png'), fullPage: true })
  }, 60_000)
})
