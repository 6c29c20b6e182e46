// Drives the Kysely page in Chromium: read (miss), read (hit), write, read (miss, fresh title),
// then a comment (a table read only in a subquery) shows up in the next read.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectLivePostsRow, usePlaygroundPage } from './browser-page'

const opened = usePlaygroundPage('/kysely')
const { clickAndSettle, text } = opened

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

    await opened.page.fill('#title', 'Written through Kysely')
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
    await opened.page.screenshot({ path: join(tmpdir(), 'kvcache-kysely-opened.page.png'), fullPage: true })
  }, 60_000)
})

describe('the per-table panel', () => {
  it("shows this page's reads and writes of posts live, polled without a reload: hits, a miss, the hit rate, the KV cost", async () => {
    await expectLivePostsRow(opened, '/kysely', 3)
  }, 60_000)
})
