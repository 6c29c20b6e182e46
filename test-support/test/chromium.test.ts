// The npm-shipped Chromium is launched in every test run, also on machines that have a system one.
import { chromium } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bundledChromium, findChromium } from '../chromium.ts'

const PAGE = `<button id="go" onclick="document.querySelector('#out').textContent = 'clicked ' + (2 + 3)">go</button><p id="out">idle</p>`

describe('Chromium', () => {
  const saved = process.env.CHROMIUM_PATH
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH
    else process.env.CHROMIUM_PATH = saved
  })

  it('the npm-shipped build unpacks, launches, runs a page and clicks', async () => {
    const found = await bundledChromium()
    expect(found.source).toBe('@sparticuz/chromium')
    const profile = mkdtempSync(join(tmpdir(), 'kvcache-chromium-profile-'))
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: found.executablePath,
      env: found.env,
      headless: true,
      args: [...found.args],
    })
    try {
      const page = await browser.newPage()
      await page.setContent(PAGE)
      expect(await page.locator('#out').innerText()).toBe('idle')
      await page.click('#go')
      expect(await page.locator('#out').innerText()).toBe('clicked 5')
    } finally {
      await browser.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }, 120_000)

  it('CHROMIUM_PATH wins, and a wrong one fails naming the variable', async () => {
    process.env.CHROMIUM_PATH = (await bundledChromium()).executablePath
    expect(await findChromium()).toMatchObject({ source: 'CHROMIUM_PATH', executablePath: process.env.CHROMIUM_PATH })
    process.env.CHROMIUM_PATH = join(tmpdir(), 'no-such-chromium')
    await expect(findChromium()).rejects.toThrow(/CHROMIUM_PATH=.*no-such-chromium is not an executable file/)
  })
})
