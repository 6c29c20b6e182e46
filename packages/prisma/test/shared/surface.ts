import { createCache, isKvCacheError, memoryStorage, type Storage } from '@kvcache/core'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { describe, expect, it } from 'vitest'
import { prismaCodecs, withKvCache } from '../../src'
import type { MakeHarness } from './harness'
import { behind, cached, expectFresh, expectStillCached, rejection, seed } from './helpers'

/** Fault injection the real storage cannot produce on demand: every call fails. */
function failingStorageFault(inner: Storage): Storage {
  const fail = () => Promise.reject(new Error('injected storage failure'))
  return { ...inner, name: `${inner.name}-failing`, get: fail, getMany: fail, set: fail, delete: fail }
}

const users = (client: any, strategy: object) => client.user.findMany({ orderBy: { id: 'asc' }, ...strategy })

/** Accelerate's surface and the options that are new here. */
export function accelerateSurface(make: MakeHarness): void {
  describe("Accelerate's surface", () => {
    it('withAccelerateInfo reports miss, then ttl with the time of the miss; none without a strategy', async () => {
      const h = await make()
      await seed(h)
      const first = await h.prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached }).withAccelerateInfo()
      const second = await h.prisma.user.findMany({ orderBy: { id: 'asc' }, ...cached }).withAccelerateInfo()
      expect(first.info.cacheStatus).toBe('miss')
      expect(second.info.cacheStatus).toBe('ttl')
      expect(second.data).toEqual(first.data)
      expect(second.info.signature).toBe(first.info.signature)
      expect(second.info.lastModified.getTime()).toBeLessThanOrEqual(Date.now())
      // One database read, one time: the hits of the entry the miss filled report the miss's time.
      expect(second.info.lastModified).toStrictEqual(first.info.lastModified)
      expect(second.info.requestId).not.toBe(first.info.requestId)
      expect(second.info.region).toBe('unspecified')
      const plain = await h.prisma.user.findMany({ orderBy: { id: 'asc' } }).withAccelerateInfo()
      expect(plain.info.cacheStatus).toBe('none')
      expect(plain.data).toEqual(first.data)
    })

    it("withAccelerateInfo reports 'swr' for a stale hit, with the region option", async () => {
      const h = await make()
      await seed(h)
      let nowMs = Date.parse('2026-11-25T12:00:00Z')
      const cache = createCache({ storage: memoryStorage(), now: () => nowMs, codecExtensions: prismaCodecs(h.Prisma) })
      const prisma = h.plain.$extends(withKvCache(cache, { models: h.models, region: 'AMS' }))
      const read = () => prisma.user.count({ cacheStrategy: { ttl: 1, swr: 60 } }).withAccelerateInfo()
      const miss = await read()
      nowMs += 2000
      const stale = await read()
      expect([miss.info.cacheStatus, stale.info.cacheStatus]).toEqual(['miss', 'swr'])
      // The entry is 2 s old on the cache's clock: both report when its one database read started.
      expect(stale.info.lastModified).toStrictEqual(new Date('2026-11-25T12:00:00Z'))
      expect(miss.info.lastModified).toStrictEqual(stale.info.lastModified)
      expect(stale.info.region).toBe('AMS')
      expect(stale.data).toBe(2)
      await cache.flush()
    })

    itInvalidates('$accelerate.invalidate({ tags }) refreshes tagged reads and returns a requestId', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const tagged = (client: any, strategy: object) =>
        client.user.findUnique({
          where: { id: ada.id },
          ...(Object.keys(strategy).length ? { cacheStrategy: { ttl: 60, tags: ['users'], autoInvalidate: false } } : {}),
        })
      await expectFresh(h, tagged, {
        behind: behind.user(h, ada.id),
        write: async () => {
          const result = await h.prisma.$accelerate.invalidate({ tags: ['users'] })
          expect(typeof result.requestId).toBe('string')
        },
      })
    })

    itInvalidates('$accelerate.invalidateAll() refreshes every read, autoInvalidate: false ones too', async () => {
      const h = await make()
      await seed(h)
      const ttlOnly = (client: any, strategy: object) =>
        client.user.findMany({ orderBy: { id: 'asc' }, ...(Object.keys(strategy).length ? { cacheStrategy: { ttl: 60, autoInvalidate: false } } : {}) })
      await expectFresh(h, ttlOnly, {
        behind: () => h.behind.user.create({ data: { email: 'behind@example.com' } }),
        write: () => h.prisma.$accelerate.invalidateAll(),
      })
    })

    itInvalidates('$cache.invalidate({ models }) refreshes reads of those models, by key too', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const both = async (client: any, strategy: object) => [
        await users(client, strategy),
        await client.user.findUnique({ where: { email: 'ada@example.com' }, ...strategy }),
      ]
      await expectFresh(h, both, { behind: behind.user(h, ada.id), write: () => h.prisma.$cache.invalidate({ models: ['User'] }) })
    })

    itInvalidates('$cache.invalidate({ models }) reaches what their foreign keys change (profiles of users)', async () => {
      const h = await make()
      await seed(h)
      const profiles = (client: any, strategy: object) => client.profile.findMany({ ...strategy })
      await expectFresh(h, profiles, {
        behind: () => h.behind.profile.updateMany({ data: { bio: 'changed behind' } }),
        write: () => h.prisma.$cache.invalidate({ models: ['User'] }),
      })
    })

    it('$cache.invalidate and $accelerate.invalidate: an unknown model fails with UNKNOWN_TABLE naming the nearest; bad tags fail', async () => {
      const h = await make()
      const unknown = await rejection(h.prisma.$cache.invalidate({ models: ['Usr'] }))
      expect(isKvCacheError(unknown, 'UNKNOWN_TABLE')).toBe(true)
      expect(unknown.message).toContain('Did you mean `User`?')
      expect(isKvCacheError(await rejection(h.prisma.$cache.invalidate({ models: 'User' })), 'INVALID_OPTION')).toBe(true)
      expect(isKvCacheError(await rejection(h.prisma.$accelerate.invalidate({ tags: ['*'] })), 'INVALID_OPTION')).toBe(true)
      expect(isKvCacheError(await rejection(h.prisma.$accelerate.invalidate({})), 'INVALID_OPTION')).toBe(true)
      // Nothing was bumped by the calls that failed.
      expect(h.events.some((event) => event.type === 'invalidate')).toBe(false)
    })

    it('autoInvalidate: false keeps a read until its TTL or tags', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const ttlOnly = (client: any, strategy: object) =>
        client.user.findMany({ orderBy: { id: 'asc' }, ...(Object.keys(strategy).length ? { cacheStrategy: { ttl: 60, autoInvalidate: false } } : {}) })
      await expectStillCached(
        h,
        ttlOnly,
        async () => undefined,
        () => h.prisma.user.update({ where: { id: ada.id }, data: { name: 'changed' } }),
      )
    })

    it('ignoreFields: a write touching only those fields invalidates nothing', async () => {
      const h = await make({ binding: { ignoreFields: { Post: ['views'] } } })
      const { hello } = await seed(h)
      const post = (client: any, strategy: object) => client.post.findUnique({ where: { id: hello.id }, ...strategy })
      await expectStillCached(
        h,
        post,
        async () => undefined,
        () => h.prisma.post.update({ where: { id: hello.id }, data: { views: { increment: 1 } } }),
      )
    })

    itInvalidates('ignoreFields: a write touching other fields too invalidates', async () => {
      const h = await make({ binding: { ignoreFields: { Post: ['views'] } } })
      const { hello } = await seed(h)
      const post = (client: any, strategy: object) => client.post.findUnique({ where: { id: hello.id }, ...strategy })
      await expectFresh(h, post, {
        behind: behind.post(h, hello.id),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { views: 0, title: 'Retitled' } }),
      })
    })

    it('a storage outage never fails a query or a write', async () => {
      const h = await make({ storage: failingStorageFault })
      await seed(h)
      expect((await users(h.prisma, cached)).length).toBe(2)
      await h.prisma.user.create({ data: { email: 'during@example.com' } })
      expect((await users(h.prisma, cached)).length).toBe(3)
      expect(h.events.some((event) => event.type === 'error')).toBe(true)
    })
  })

  describe('raw SQL and the database catalog', () => {
    itInvalidates('$executeRaw invalidates what the SQL planner reads off the statement', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, users, {
        behind: () => h.behind.user.create({ data: { email: 'behind@example.com' } }),
        write: () => h.prisma.$executeRawUnsafe(`UPDATE "users" SET "name" = 'raw'`),
      })
    })
    itInvalidates('a raw write by id refreshes lookups by a unique key of that table (SQL cannot name them)', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const byEmail = (client: any, strategy: object) => client.user.findUnique({ where: { email: 'ada@example.com' }, ...strategy })
      await expectFresh(h, byEmail, {
        behind: behind.user(h, ada.id),
        write: () => h.prisma.$executeRaw(h.Prisma.sql`UPDATE "users" SET "name" = ${'raw'} WHERE "id" = ${ada.id}`),
      })
    })
    itInvalidates('a raw write by id refreshes that row, and keeps reads of other tables cached', async () => {
      const h = await make()
      const { hello } = await seed(h)
      const post = (client: any, strategy: object) => client.post.findUnique({ where: { id: hello.id }, ...strategy })
      await expectFresh(h, post, {
        behind: behind.post(h, hello.id),
        write: () => h.prisma.$executeRaw(h.Prisma.sql`UPDATE "Post" SET "title" = ${'raw title'} WHERE "id" = ${hello.id}`),
      })
      const rawUpdate = () => h.prisma.$executeRaw(h.Prisma.sql`UPDATE "Post" SET "title" = ${'again'} WHERE "id" = ${hello.id}`)
      // The PostgreSQL tests run in a schema of their own, on a search path that starts with it: the
      // planner resolves `"Post"` through the catalog's search path, so this is as precise as on D1.
      await expectStillCached(h, users, () => h.behind.user.updateMany({ data: { name: 'behind' } }), rawUpdate)
    })
    itInvalidates('a model over a database view is refreshed by writes to the tables the view reads', async () => {
      const h = await make()
      const { hello, world } = await seed(h)
      const titles = (client: any, strategy: object) => client.postTitle.findMany({ orderBy: { id: 'asc' }, ...strategy })
      const one = (client: any, strategy: object) => client.postTitle.findUnique({ where: { id: hello.id }, ...strategy })
      await one(h.prisma, cached)
      await expectFresh(h, titles, {
        behind: behind.post(h, world.id),
        write: () => h.prisma.post.update({ where: { id: hello.id }, data: { title: 'Seen through the view' } }),
      })
      expect(await one(h.prisma, cached)).toEqual(await one(h.behind, {}))
    })

    itInvalidates("a model write refreshes what the database's triggers change (from the catalog)", async () => {
      const h = await make()
      const { hello } = await seed(h)
      if (h.flavor === 'd1') {
        await h.prisma.$executeRawUnsafe(
          'CREATE TRIGGER "count_comments" AFTER INSERT ON "Comment" BEGIN UPDATE "Post" SET "views" = "views" + 1 WHERE "id" = NEW."postId"; END',
        )
      } else {
        const [{ schema }] = await h.behind.$queryRawUnsafe('SELECT current_schema()::text AS schema')
        await h.prisma.$executeRawUnsafe(
          `CREATE FUNCTION "${schema}".count_comments() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "${schema}"."Post" SET views = views + 1 WHERE id = NEW."postId"; RETURN NEW; END $$`,
        )
        // Schema changes through the cached client refresh its catalog (after a migration elsewhere: `$cache.refreshCatalog()`).
        await h.prisma.$executeRawUnsafe(
          `CREATE TRIGGER count_comments AFTER INSERT ON "${schema}"."Comment" FOR EACH ROW EXECUTE FUNCTION "${schema}".count_comments()`,
        )
      }
      const post = (client: any, strategy: object) => client.post.findUnique({ where: { id: hello.id }, select: { views: true }, ...strategy })
      await expectFresh(h, post, {
        behind: () => h.behind.post.update({ where: { id: hello.id }, data: { views: 50 } }),
        write: () => h.prisma.comment.create({ data: { body: 'counted', postId: hello.id } }),
      })
    })
    it('a read-only $queryRaw invalidates nothing', async () => {
      const h = await make()
      await seed(h)
      await expectStillCached(
        h,
        users,
        () => h.behind.user.updateMany({ data: { name: 'behind' } }),
        () => h.prisma.$queryRawUnsafe('SELECT count(*) AS n FROM "users"'),
      )
    })
    itInvalidates('a $queryRaw that writes invalidates', async () => {
      const h = await make()
      await seed(h)
      await expectFresh(h, users, {
        behind: () => h.behind.user.create({ data: { email: 'behind@example.com' } }),
        write: () => h.prisma.$queryRawUnsafe(`UPDATE "users" SET "name" = 'returned' RETURNING "id"`),
      })
    })
    itInvalidates('$cache.queryRaw caches a raw read, which depends on the tables its SQL reads', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const raw = (client: any, strategy: object) =>
        Object.keys(strategy).length
          ? client.$cache.queryRaw(
              h.Prisma.sql`SELECT "u"."name", "p"."title" FROM "users" "u" JOIN "Post" "p" ON "p"."authorId" = "u"."id" ORDER BY "p"."id"`,
              { ttl: 60 },
            )
          : client.$queryRaw(h.Prisma.sql`SELECT "u"."name", "p"."title" FROM "users" "u" JOIN "Post" "p" ON "p"."authorId" = "u"."id" ORDER BY "p"."id"`)
      await expectFresh(h, raw, { behind: behind.user(h, ada.id), write: () => h.prisma.post.updateMany({ data: { title: 'Retitled' } }) })
    })
    itInvalidates('$cache.queryRaw: models it declares are dependencies too', async () => {
      const h = await make()
      const { ada } = await seed(h)
      const raw = (client: any, strategy: object) =>
        Object.keys(strategy).length
          ? client.$cache.queryRaw(h.Prisma.sql`SELECT "name" FROM "users" ORDER BY "id"`, { models: ['Profile'], ttl: 60 })
          : client.$queryRaw(h.Prisma.sql`SELECT "name" FROM "users" ORDER BY "id"`)
      await expectFresh(h, raw, { behind: behind.user(h, ada.id), write: () => h.prisma.profile.updateMany({ data: { bio: 'x' } }) })
    })
  })

  describe('the model graph', () => {
    itInvalidates('without `models`: a misconfigured event, and cascades are still refreshed (from the database catalog)', async () => {
      const h = await make({ withModels: false })
      const { ada } = await seed(h)
      expect(h.events.some((event) => event.type === 'misconfigured' && event.source === 'prisma' && event.fix.includes('generator kvcache'))).toBe(true)
      await h.behind.membership.deleteMany({})
      const profiles = (client: any, strategy: object) => client.profile.findMany({ ...strategy })
      await expectFresh(h, profiles, { behind: behind.profiles(h), write: () => h.prisma.user.delete({ where: { id: ada.id } }) })
    })
    itInvalidates('without `models`: a write by id still refreshes a lookup by id', async () => {
      const h = await make({ withModels: false })
      const { ada } = await seed(h)
      const user = (client: any, strategy: object) => client.user.findUnique({ where: { id: ada.id }, ...strategy })
      await expectFresh(h, user, { behind: behind.user(h, ada.id), write: () => h.prisma.user.update({ where: { id: ada.id }, data: { name: 'Ada L.' } }) })
    })
    it('bad options fail when withKvCache is called, with a KvCacheError naming them', async () => {
      const h = await make()
      const setup = (options: object) => () => h.plain.$extends(withKvCache(h.cache, { models: h.models, ...options }))
      expect(setup({ ttl: 60 })).toThrow(/Unknown option `ttl`/)
      expect(setup({ modles: h.models })).toThrow(/Did you mean `models`\?/)
      expect(setup({ database: '' })).toThrow(/Option `database` must be a non-empty string/)
      expect(setup({ region: 42 })).toThrow(/Option `region`/)
      expect(setup({ ignoreFields: { Nope: ['x'] } })).toThrow(/Unknown model `Nope`/)
      expect(setup({ autoInvalidate: { Usr: false } })).toThrow(/Did you mean `User`\?/)
      // Accelerate's semantics: a read is cached only with its own cacheStrategy.
      for (const shared of ['strategy', 'ttlSeconds', 'swrSeconds']) expect(() => withKvCache(h.cache, { [shared]: 60 } as never)).toThrow(/cacheStrategy/)
      expect(() => withKvCache(undefined as never)).toThrow(/createCache/)
    })
    it('a wrong `models` fails at $extends with how to generate it', async () => {
      const h = await make()
      for (const models of [{}, { format: 'kvcache-prisma-models', version: 1, provider: 'x', models: {} }]) {
        let error: unknown
        try {
          h.plain.$extends(withKvCache(h.cache, { models: models as never }))
        } catch (caught) {
          error = caught
        }
        expect(isKvCacheError(error, 'INVALID_OPTION')).toBe(true)
        expect(String((error as Error).message)).toMatch(/prisma generate/)
      }
    })
  })
}
