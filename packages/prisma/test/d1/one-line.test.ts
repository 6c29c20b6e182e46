// The one-line setup (`withKvCache(env.CACHE_KV, ctx, { models })`): the README's Worker, run as
// workerd runs it (a request, its env and ctx), against real D1 and KV; what it adds to a Worker
// without the cache, and to one on Accelerate, counted.
import { isKvCacheError, type CacheEvent } from '@kvcache/core'
import type { KvNamespaceLike } from '@kvcache/storage-kv'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { expectFreshAfterPost, expectOwnEventsPerRequest, expectSetupRow, workerRequests } from '@kvcache/test-support/readme-worker'
import { diffLines, setupLines } from '@kvcache/test-support/setup-lines'
import { PrismaD1 } from '@prisma/adapter-d1'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import rootReadme from '../../../../README.md?raw'
import readme from '../../README.md?raw'
import { prismaCodecs, withKvCache } from '../../src'
import { Prisma, PrismaClient } from '../.generated/d1/client/client.ts'
import { models } from '../.generated/d1/kvcache/models.js'
import { rejection } from '../shared/helpers'
import { DB, DB2, KV, resetDatabase } from './harness'
import worker from './worker'
import workerSource from './worker/index.ts?raw'
import withAccelerateSource from './worker/with-accelerate.txt?raw'
import withoutCacheSource from './worker/without-cache.ts?raw'

const env = { DB, CACHE_KV: KV }

async function twoPosts(db: D1Database = DB) {
  await resetDatabase(db)
  await db.prepare(`INSERT INTO "Post" ("title", "price") VALUES ('Hello', 1.5), ('World', 2.25)`).run()
}

/** Requests to the README's Worker, each one's waitUntil settled before its response is read. */
const request = workerRequests(worker, env, { createExecutionContext, waitOnExecutionContext })

const direct = () => new PrismaClient({ adapter: new PrismaD1(DB) }).post.findMany({ select: { id: true, title: true }, orderBy: { id: 'asc' } })

/** The real KV namespace behind a new object: a cache of its own in this isolate (the memo is keyed by the namespace object). */
const freshNamespace = (): KvNamespaceLike => ({ get: KV.get.bind(KV) as KvNamespaceLike['get'], put: KV.put.bind(KV), delete: KV.delete.bind(KV) })

/** The lines a diff changes, as a ```diff block shows them: removed and added lines, hunks apart. */
function changedLines(before: string, after: string): string {
  const shown: string[] = []
  let previous = ' '
  for (const { op, text } of diffLines(before, after)) {
    if (op !== ' ' && previous === ' ' && shown.length > 0) shown.push(' ...')
    if (op !== ' ') shown.push(`${op}${text}`)
    previous = op
  }
  return `\`\`\`diff\n${shown.join('\n')}\n\`\`\``
}

describe('the README Worker (withKvCache(env.CACHE_KV, ctx, { models }))', () => {
  it('the README shows exactly this file, after the line naming it', () => {
    expect(readme).toContain(`\`src/index.ts\`:\n\n\`\`\`ts\n${workerSource.trim()}\n\`\`\``)
  })

  itInvalidates(
    'a miss, then hits from KV across requests (its x-cache header says so); a write through Prisma; the next request reads the fresh rows',
    async () => {
      await twoPosts()
      await expectFreshAfterPost({
        request,
        direct,
        changeBehind: () => DB.prepare(`UPDATE "Post" SET "title" = 'behind' WHERE "id" = 2`).run(),
        xCache: ['miss', 'ttl', 'miss'],
      })
    },
  )

  it('the root README states the lines it adds to the same Worker without the cache', () => {
    expectSetupRow({
      readme: rootReadme,
      label: 'Prisma (`withKvCache`)',
      before: withoutCacheSource,
      after: workerSource,
      counts: { imports: 2, code: 2, envLines: 1 },
    })
  })

  it('both READMEs show every line moving from Accelerate adds or changes, and count them', () => {
    const diff = changedLines(withAccelerateSource, workerSource)
    expect(readme).toContain(diff)
    expect(rootReadme).toContain(diff)
    const { imports, code, env: envLines } = setupLines(withAccelerateSource, workerSource)
    expect({ imports, code, envLines }).toStrictEqual({ imports: 3, code: 1, envLines: 2 })
  })
})

describe('withKvCache(env.CACHE_KV, ctx, options): one cache per KV namespace per isolate', () => {
  const client = (db: D1Database, ctx: ExecutionContext, namespace: KvNamespaceLike = KV, options = {}) =>
    new PrismaClient({ adapter: new PrismaD1(db) }).$extends(withKvCache(namespace, ctx, { models, ...options }))
  const titles = (prisma: ReturnType<typeof client>) =>
    prisma.post.findMany({ select: { title: true }, orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60 } }).withAccelerateInfo()

  it("the second request's client is on the first request's cache: that cache refuses a second D1 database under one name", async () => {
    await twoPosts()
    await twoPosts(DB2)
    const [first, second] = [createExecutionContext(), createExecutionContext()]
    expect((await titles(client(DB, first))).data).toStrictEqual([{ title: 'Hello' }, { title: 'World' }])
    // Two caches would each take their database; one cache refuses a second one under the same name.
    const conflict = await rejection(titles(client(DB2, second)))
    expect(isKvCacheError(conflict, 'DATABASE_CONFLICT')).toBe(true)
    expect(conflict.message).toContain('`database`')
    expect((await titles(client(DB2, second, KV, { database: 'second' }))).data).toStrictEqual([{ title: 'Hello' }, { title: 'World' }])
    await Promise.all([waitOnExecutionContext(first), waitOnExecutionContext(second)])
  })

  it('codecExtensions: prismaCodecs(Prisma) in the one options object: a Decimal is cached as your class; every request gets the same array', async () => {
    await twoPosts()
    expect(prismaCodecs(Prisma)).toBe(prismaCodecs(Prisma))
    const namespace = freshNamespace()
    const prices = async (options: object) => {
      const ctx = createExecutionContext()
      const prisma = client(DB, ctx, namespace, options)
      const result = await prisma.post.findMany({ select: { price: true }, orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60 } }).withAccelerateInfo()
      await waitOnExecutionContext(ctx)
      return result
    }
    const miss = await prices({ codecExtensions: prismaCodecs(Prisma) })
    const hit = await prices({ codecExtensions: prismaCodecs(Prisma) })
    expect([miss.info?.cacheStatus, hit.info?.cacheStatus]).toStrictEqual(['miss', 'ttl'])
    expect(hit.data).toStrictEqual(miss.data)
    expect(hit.data[0]?.price).toBeInstanceOf(Prisma.Decimal)
    // Left out on a later request: not the cache this isolate has.
    expect(() => client(DB, createExecutionContext(), namespace)).toThrow(/Option `codecExtensions` is not the one/)
  })

  it("per-request options reach only that request's view: its onEvent sees its own hit", async () => {
    await twoPosts()
    const namespace = freshNamespace()
    await expectOwnEventsPerRequest(async (events) => {
      const ctx = createExecutionContext()
      await titles(client(DB, ctx, namespace, { tenant: 'per-request', onEvent: (event: CacheEvent) => events.push(event.type) }))
      await waitOnExecutionContext(ctx)
    })
  })

  it('bad input fails fast with a KvCacheError naming it', () => {
    const ctx = createExecutionContext()
    expect(() => withKvCache(KV, ctx, { defaultTtlSeconds: 60 })).toThrow(/Option `defaultTtlSeconds` is 60 here/)
    expect(() => withKvCache(KV, ctx, { modles: models } as never)).toThrow(/\[kvcache\] \[prisma\] .*Did you mean `models`\?/)
    expect(() => withKvCache(KV, ctx, { defaultTtlSecs: 5 } as never)).toThrow(/Did you mean `defaultTtlSeconds`\?/)
    expect(() => withKvCache(KV, ctx, { strategy: 'all' } as never)).toThrow(/withKvCache does not take `strategy`: .*cacheStrategy/)
    expect(() => withKvCache(undefined as never, ctx)).toThrow(/Missing required option `namespace`/)
    expect(() => withKvCache(KV as never)).toThrow(/withKvCache needs a KV namespace and the request's ctx/)
  })
})
