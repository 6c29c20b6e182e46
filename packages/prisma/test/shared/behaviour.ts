import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { deferred } from '@kvcache/core/testing'
import { describe, expect, it } from 'vitest'
import { withKvCache } from '../../src'
import type { MakeHarness } from './harness'
import { cached, expectFresh, rejection, seed } from './helpers'

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

function fields(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(row).map((key) => [key, row[key]]))
}

/** Prisma's own extension behaviours, kept intact on hits and misses. */
export function prismaBehaviour(make: MakeHarness): void {
  describe('Prisma behaviours', () => {
    it('the fluent API never shares a key with `select` of the same relation', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const selected = await h.prisma.user.findUnique({ where: { id: ada.id }, select: { posts: true }, ...cached })
      const fluent = await h.prisma.user.findUnique({ where: { id: ada.id }, ...cached }).posts()
      expect(Array.isArray(fluent)).toBe(true)
      expect(fluent).toEqual(selected.posts)
      expect(await h.prisma.user.findUnique({ where: { id: ada.id }, ...cached }).posts()).toEqual(fluent)
    })

    it('result extensions added after the cache apply to hits and misses alike', async () => {
      const h = await make()
      await seed(h)
      const prisma = h.prisma.$extends({ result: { user: { shout: { needs: { name: true }, compute: (user: { name: string | null }) => `${user.name}!` } } } })
      const miss = await prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached })
      const hit = await prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached })
      expect(miss[0].shout).toBe('Ada!')
      expect(hit[0].shout).toBe('Ada!')
      // Prisma wraps extended results in proxies of its own: compare their fields.
      expect(hit.map(fields)).toEqual(miss.map(fields))
    })

    it('result extensions added before the cache apply to hits and misses alike', async () => {
      const h = await make()
      await seed(h)
      const prisma = h.plain
        .$extends({ result: { user: { shout: { needs: { name: true }, compute: (user: { name: string | null }) => `${user.name}!` } } } })
        .$extends(withKvCache(h.cache, { models: h.models }))
      const miss = await prisma.user.findFirst({ where: { name: 'Ada' }, ...cached })
      const hit = await prisma.user.findFirst({ where: { name: 'Ada' }, ...cached })
      expect(hit.shout).toBe('Ada!')
      expect(fields(hit)).toEqual(fields(miss))
    })

    it('omit applies on hits and misses', async () => {
      const h = await make()
      await seed(h)
      const read = () => h.prisma.user.findMany({ omit: { email: true }, orderBy: { id: 'asc' }, ...cached })
      const miss = await read()
      const hit = await read()
      expect(miss[0]).not.toHaveProperty('email')
      expect(hit).toStrictEqual(miss)
      const full = await h.prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached })
      expect(full[0].email).toBe('ada@example.com')
    })

    it('args are not mutated (frozen args work, and read back unchanged)', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const args = deepFreeze({ where: { authorId: ada.id }, orderBy: { id: 'asc' as const }, include: { comments: true }, cacheStrategy: { ttl: 60, tags: ['posts'] } })
      const copy = structuredClone(args)
      await h.prisma.post.findMany(args)
      await h.prisma.post.findMany(args)
      const write = deepFreeze({ where: { id: ada.id }, data: { name: 'Ada!', posts: { create: { title: 'x' } } } })
      await h.prisma.user.update(write)
      expect(args).toEqual(copy)
    })

    it('a read that loaded old rows while a write committed never caches them (stamps are read before the query)', async () => {
      const h = await make()
      const { hello } = await seed(h)
      const loaded = deferred()
      const release = deferred()
      // Runs inside our hook's loader: holds the old rows until the write below has committed.
      const gated = h.prisma.$extends({
        query: {
          post: {
            async findMany({ args, query }: { args: unknown; query: (args: unknown) => Promise<unknown> }) {
              const rows = await query(args)
              loaded.resolve()
              await release.promise
              return rows
            },
          },
        },
      })
      const titles = (client: any, strategy: object) => client.post.findMany({ select: { title: true }, orderBy: { id: 'asc' }, ...strategy })
      // Prisma promises are lazy: `then` starts the read.
      const racing = titles(gated, cached).then((rows: unknown) => rows)
      await loaded.promise
      await h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Written during the read' } })
      release.resolve()
      expect((await racing)[0].title).toBe('Hello')
      expect((await titles(h.prisma, cached))[0].title).toBe('Written during the read')
    })

    it('a batch transaction with cached reads and writes completes and refreshes after it', async () => {
      const h = await make()
      const { hello } = await seed(h)
      const read = (client: any, strategy: object) => client.post.findUnique({ where: { id: hello.id }, ...strategy })
      await expectFresh(h, read, () =>
        h.prisma.$transaction([h.prisma.post.findUnique({ where: { id: hello.id }, ...cached }), h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Batched' } })]),
      )
    })

    it('values round-trip exactly: a hit deep-equals the miss (Date, Decimal, BigInt, Bytes, Json)', async () => {
      const h = await make()
      await h.behind.post.create({
        data: {
          title: 'values',
          price: new h.Prisma.Decimal('12345.678901'),
          big: 9007199254740991n,
          data: new Uint8Array([0, 1, 2, 250, 255]),
          meta: { nested: { list: [1, 'two', null, true] }, unicode: 'naïve \u{1F600}' },
          createdAt: new Date('2026-01-02T03:04:05.678Z'),
        },
      })
      const read = () => h.prisma.post.findFirst({ where: { title: 'values' }, ...cached })
      const miss = await read()
      const hit = await read()
      expect(h.events.some((event) => event.type === 'hit')).toBe(true)
      expect(hit).toStrictEqual(miss)
      expect(Object.getPrototypeOf(hit.price)).toBe(Object.getPrototypeOf(miss.price))
      expect(hit.price.toFixed()).toBe('12345.678901')
      expect(hit.big).toBe(9007199254740991n)
      expect(hit.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z')
    })

    it('without prismaCodecs a Decimal result is served from the database, never cached wrongly', async () => {
      const h = await make()
      await h.behind.post.create({ data: { title: 'priced', price: new h.Prisma.Decimal('9.99') } })
      const events: { type: string; reason?: string }[] = []
      const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
      const prisma = h.plain.$extends(withKvCache(cache, { models: h.models }))
      const read = () => prisma.post.findFirst({ where: { title: 'priced' }, ...cached })
      const first = await read()
      const second = await read()
      expect(second.price.toFixed()).toBe('9.99')
      expect(second).toStrictEqual(first)
      expect(events.some((event) => event.type === 'skip' && event.reason === 'unencodable')).toBe(true)
      expect(events.some((event) => event.type === 'hit')).toBe(false)
    })

    it('count, aggregate and groupBy are cached and refreshed', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const read = async (client: any, strategy: object) => [
        await client.post.count({ ...strategy }),
        await client.post.aggregate({ _max: { views: true }, ...strategy }),
        await client.post.groupBy({ by: ['authorId'], _count: { _all: true }, orderBy: { authorId: 'asc' }, ...strategy }),
      ]
      await expectFresh(h, read, () => h.prisma.post.create({ data: { title: 'more', views: 7, authorId: ada.id } }))
    })
  })

  describe('cacheStrategy validation', () => {
    const bad: [string, object][] = [
      ['cacheStrategy.ttl', { ttl: -1 }],
      ['cacheStrategy.ttl', { ttl: '60' }],
      ['cacheStrategy.ttl', { ttl: 1.5 }],
      ['cacheStrategy.swr', { swr: Number.NaN }],
      ['cacheStrategy.tags[0]', { ttl: 60, tags: ['no spaces'] }],
      ['cacheStrategy.tags[0]', { ttl: 60, tags: ['x'.repeat(65)] }],
      ['cacheStrategy.tags[1]', { ttl: 60, tags: ['ok', 'lone\uD800'] }],
      ['cacheStrategy.tags', { ttl: 60, tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }],
      ['cacheStrategy.tags', { ttl: 60, tags: 'posts' }],
      ['cacheStrategy.ttlSeconds', { ttlSeconds: 60 }],
      ['cacheStrategy', 60 as unknown as object],
    ]
    it.each(bad)('rejects the call with a KvCacheError naming %s', async (field, strategy) => {
      const h = await make()
      const error = await rejection(h.prisma.user.findMany({ cacheStrategy: strategy }))
      expect(isKvCacheError(error, 'INVALID_OPTION')).toBe(true)
      expect(error.message).toContain(`\`${field}\``)
    })
  })
}
