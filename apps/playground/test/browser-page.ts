import { findChromium } from '@kvcache/test-support/chromium'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
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
