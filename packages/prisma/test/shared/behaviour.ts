import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { deferred, manualClock } from '@kvcache/core/testing'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect, it } from 'vitest'
import { withKvCache } from '../../src'
import type { MakeHarness } from './harness'
import { behind, cached, expectFresh, hits, rejection, seed } from './helpers'

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
      const before = hits(h)
      expect(await h.prisma.user.findUnique({ where: { id: ada.id }, ...cached }).posts()).toEqual(fluent)
      expect(hits(h)).toBe(before + 1)
    })

    it('result extensions added after the cache apply to hits and misses alike', async () => {
      const h = await make()
      await seed(h)
      const prisma = h.prisma.$extends({ result: { user: { shout: { needs: { name: true }, compute: (user: { name: string | null }) => `${user.name}!` } } } })
      const miss = await prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached })
      const before = hits(h)
      const hit = await prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached })
      expect(hits(h)).toBe(before + 1)
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
      const before = hits(h)
      const hit = await prisma.user.findFirst({ where: { name: 'Ada' }, ...cached })
      expect(hits(h)).toBe(before + 1)
      expect(hit.shout).toBe('Ada!')
      expect(fields(hit)).toEqual(fields(miss))
    })

    it('omit applies on hits and misses', async () => {
      const h = await make()
      await seed(h)
      const read = () => h.prisma.user.findMany({ omit: { email: true }, orderBy: { id: 'asc' }, ...cached })
      const miss = await read()
      const before = hits(h)
      const hit = await read()
      expect(hits(h)).toBe(before + 1)
      expect(miss[0]).not.toHaveProperty('email')
      expect(hit).toStrictEqual(miss)
      const full = await h.prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached })
      expect(full[0].email).toBe('ada@example.com')
    })

    it('args are not mutated (frozen args work, and read back unchanged)', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const args = deepFreeze({
        where: { authorId: ada.id },
        orderBy: { id: 'asc' as const },
        include: { comments: true },
        cacheStrategy: { ttl: 60, tags: ['posts'] },
      })
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
      // ...and that read was stored: caching is on, so the fresh title above was no accident.
      await behind.post(h, hello.id)()
      expect((await titles(h.prisma, cached))[0].title).toBe('Written during the read')
    })

    itInvalidates('a batch transaction with cached reads and writes completes and refreshes after it', async () => {
      const h = await make()
      const { hello } = await seed(h)
      const read = (client: any, strategy: object) => client.post.findUnique({ where: { id: hello.id }, ...strategy })
      await expectFresh(h, read, {
        behind: behind.post(h, hello.id),
        write: () =>
          h.prisma.$transaction([
            h.prisma.post.findUnique({ where: { id: hello.id }, ...cached }),
            h.prisma.post.update({ where: { id: hello.id }, data: { views: 7 } }),
          ]),
      })
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
      // Bytes: a Buffer stays a Buffer (the core codec), a Uint8Array a Uint8Array.
      expect(Object.getPrototypeOf(hit.data)).toBe(Object.getPrototypeOf(miss.data))
      expect(Buffer.isBuffer(hit.data)).toBe(Buffer.isBuffer(miss.data))
      expect([...hit.data]).toEqual([0, 1, 2, 250, 255])
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

    itInvalidates('count, aggregate and groupBy are cached and refreshed', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const read = async (client: any, strategy: object) => [
        await client.post.count({ ...strategy }),
        await client.post.aggregate({ _max: { views: true }, ...strategy }),
        await client.post.groupBy({ by: ['authorId'], _count: { _all: true }, orderBy: { authorId: 'asc' }, ...strategy }),
      ]
      await expectFresh(h, read, { behind: behind.posts(h), write: () => h.prisma.post.create({ data: { title: 'more', views: 7, authorId: ada.id } }) })
    })
  })

  describe('cacheStrategy validation (the core rules for seconds and tags, Accelerate names)', () => {
    const bad: [string, 'INVALID_OPTION' | 'UNKNOWN_OPTION', object][] = [
      ['cacheStrategy.ttl', 'INVALID_OPTION', { ttl: -1 }],
      ['cacheStrategy.ttl', 'INVALID_OPTION', { ttl: '60' }],
      ['cacheStrategy.ttl', 'INVALID_OPTION', { ttl: Number.POSITIVE_INFINITY }],
      ['cacheStrategy.swr', 'INVALID_OPTION', { swr: Number.NaN }],
      ['cacheStrategy.tags[0]', 'INVALID_OPTION', { ttl: 60, tags: ['tab\there'] }],
      ['cacheStrategy.tags[0]', 'INVALID_OPTION', { ttl: 60, tags: ['x'.repeat(1025)] }],
      ['cacheStrategy.tags[0]', 'INVALID_OPTION', { ttl: 60, tags: ['*'] }],
      ['cacheStrategy.tags[1]', 'INVALID_OPTION', { ttl: 60, tags: ['ok', 'lone\uD800'] }],
      ['cacheStrategy.tags', 'INVALID_OPTION', { ttl: 60, tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }],
      ['cacheStrategy.tags', 'INVALID_OPTION', { ttl: 60, tags: 'posts' }],
      ['cacheStrategy.autoInvalidate', 'INVALID_OPTION', { ttl: 60, autoInvalidate: 'no' }],
      ['cacheStrategy.ttlSeconds', 'UNKNOWN_OPTION', { ttlSeconds: 60 }],
      ['cacheStrategy', 'INVALID_OPTION', 60 as unknown as object],
    ]
    it.each(bad)('rejects the call with a KvCacheError naming %s (%s)', async (field, code, strategy) => {
      const h = await make()
      const error = await rejection(h.prisma.user.findMany({ cacheStrategy: strategy }))
      expect(isKvCacheError(error, code)).toBe(true)
      expect(error.message).toContain(`\`${field}\``)
    })

    it('an unknown name is answered with the nearest Accelerate name', async () => {
      const h = await make()
      expect((await rejection(h.prisma.user.findMany({ cacheStrategy: { ttlSeconds: 60 } }))).message).toContain('Did you mean `cacheStrategy.ttl`?')
      expect((await rejection(h.prisma.user.findMany({ cacheStrategy: { ttl: 60, tag: ['a'] } }))).message).toContain('Did you mean `cacheStrategy.tags`?')
    })

    it('accepts what the core rules accept: fractional seconds, any well-formed tag (Accelerate tags too)', async () => {
      // The cache's clock, not the wall's: a loaded machine must not age the entry past 1.5 s between two reads.
      const clock = manualClock()
      const h = await make({ now: clock.now })
      await seed(h)
      const strategy = { ttl: 1.5, swr: 0.5, tags: ['user:ada@example.com', 'no spaces? yes spaces', 'x'.repeat(200), 'accelerate_tag_1'] }
      await h.prisma.user.findMany({ orderBy: { id: 'asc' }, cacheStrategy: strategy })
      const before = hits(h)
      clock.advanceSeconds(1.4)
      await h.prisma.user.findMany({ orderBy: { id: 'asc' }, cacheStrategy: strategy })
      // Still fresh at 1.4 s: the fraction counts.
      expect(hits(h)).toBe(before + 1)
    })

    it('a cacheStrategy that caches nothing by mistake is reported once (misconfigured); an explicit { ttl: 0 } is not', async () => {
      const h = await make()
      await seed(h)
      const misconfigured = () =>
        h.events.filter((event) => event.type === 'misconfigured' && event.source === 'prisma' && event.problem.includes('caches nothing'))
      await h.prisma.user.findMany({ cacheStrategy: { ttl: 0 } })
      await h.prisma.user.findMany({ cacheStrategy: { ttl: 0, swr: 0, tags: ['a'] } })
      expect(misconfigured()).toHaveLength(0)
      await h.prisma.user.findMany({ cacheStrategy: { tags: ['users'] } })
      await h.prisma.user.findMany({ cacheStrategy: {} })
      expect(misconfigured()).toHaveLength(1)
      expect(misconfigured()[0]).toMatchObject({ fix: expect.stringContaining('ttl') })
      // Accelerate's no-cache: the reads ran against the database, nothing was stored.
      expect(h.events.some((event) => event.type === 'fill')).toBe(false)
    })
  })
}
