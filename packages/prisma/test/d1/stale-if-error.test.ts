// Issue 19: stale-if-error through Prisma on real D1 + KV (`cacheStrategy: { staleIfError }`). The
// database really fails (its table is renamed away behind the cache); the cache's clock ages entries.
import type { CacheEvent } from '@kvcache/core'
import { manualClock } from '@kvcache/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { DB, d1Harness } from './harness'

const run = (statement: string) => DB.prepare(statement).run()
const takeOffline = () => run('ALTER TABLE "Post" RENAME TO "Post_offline"')
const bringBack = async () => {
  await run('DROP TABLE IF EXISTS "Post"')
  await run('ALTER TABLE "Post_offline" RENAME TO "Post"')
}
afterEach(() => run('DROP TABLE IF EXISTS "Post_offline"'))

const strategy = { ttl: 10, staleIfError: 600 }

async function setup() {
  const clock = manualClock()
  const harness = await d1Harness({ now: clock.now })
  const post = await harness.behind.post.create({ data: { title: 'Hello' } })
  const read = () => harness.prisma.post.findUnique({ where: { id: post.id }, select: { title: true }, cacheStrategy: strategy }).withAccelerateInfo()
  const served = () => harness.events.filter((event: CacheEvent) => event.type === 'stale-if-error')
  return { ...harness, clock, post, read, served }
}

describe('cacheStrategy.staleIfError (Prisma, D1)', () => {
  it('a result that aged out answers while D1 fails (an `swr` status and a stale-if-error event); the database answers again once it is back', async () => {
    const { behind, clock, post, read, served } = await setup()
    expect((await read()).data).toStrictEqual({ title: 'Hello' })
    await behind.post.update({ where: { id: post.id }, data: { title: 'changed behind the cache' } })
    expect((await read()).data).toStrictEqual({ title: 'Hello' })
    clock.advanceSeconds(120)
    await takeOffline()

    const { data, info } = await read()
    expect(data).toStrictEqual({ title: 'Hello' })
    expect(info?.cacheStatus).toBe('swr')
    expect(served()).toHaveLength(1)
    expect(served()[0]).toMatchObject({ ageMs: 120_000 })

    await bringBack()
    expect((await read()).data).toStrictEqual({ title: 'changed behind the cache' })
  })

  it('a result a write invalidated is never served: the error reaches the caller', async () => {
    const { prisma, post, read, served } = await setup()
    expect((await read()).data).toStrictEqual({ title: 'Hello' })
    await prisma.post.update({ where: { id: post.id }, data: { title: 'Written' } })
    await takeOffline()
    await expect(read()).rejects.toThrow()
    expect(served()).toHaveLength(0)
    await bringBack()
    expect((await read()).data).toStrictEqual({ title: 'Written' })
  })

  it('a bad value fails at the call, naming the option', async () => {
    const { prisma } = await setup()
    await expect(prisma.post.findMany({ cacheStrategy: { ttl: 10, staleIfError: -1 } })).rejects.toThrow(/cacheStrategy\.staleIfError/)
  })
})
