import { createCache, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { describe, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { fieldTracking } from '../shared/field-tracking'
import { seed } from '../shared/helpers'
import { d1Harness, DB, KV } from './harness'
import { database } from './readme-field-tracking'
import exampleSource from './readme-field-tracking.ts?raw'

fieldTracking(d1Harness)

describe('the README section on fieldTracking', () => {
  it('shows exactly the example this test runs', () => {
    expect(readme).toContain(exampleSource.trim())
  })

  it('its view counter is quiet, a new title is not', async () => {
    const h = await d1Harness()
    const { hello } = await seed(h)
    const events: CacheEvent[] = []
    const prisma = database(createCache({ storage: kvStorage(KV), prefix: `pftr${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) }), {
      DB,
    })
    const titles = () => prisma.post.findMany({ select: { title: true, views: true }, orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60 } })
    const filled = await titles()
    await prisma.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } })
    expect(await titles()).toStrictEqual(filled)
    expect(events.some((event) => event.type === 'invalidate' && event.quiet?.table === 'post')).toBe(true)
    await prisma.post.update({ where: { id: hello.id }, data: { title: 'Retitled' } })
    expect((await titles())[0]).toStrictEqual({ title: 'Retitled', views: 1 })
  })
})
