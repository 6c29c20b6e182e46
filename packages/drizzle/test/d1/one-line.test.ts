// The one-line setup (`drizzleKv`): the README's Worker, run as workerd runs it (a request, its
// env and ctx), against real D1 and KV; what it adds to a Worker without the cache, counted.
import { isKvCacheError } from '@kvcache/core'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { expectFreshAfterPost, expectOwnEventsPerRequest, expectSetupRow, workerRequests } from '@kvcache/test-support/readme-worker'
import { thrown } from '@kvcache/test-support/thrown'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { describe, expect, it } from 'vitest'
import rootReadme from '../../../../README.md?raw'
import readme from '../../README.md?raw'
import { drizzleKv } from '../../src/d1'
import { drizzleKv as drizzleKvOfAll } from '../../src'
import { behind, DB, DB2, KV, resetDatabase } from './setup'
import worker from './worker'
import workerSource from './worker/index.ts?raw'
import schemaSource from './worker/schema.ts?raw'
import withoutCacheSource from './worker/without-cache.ts?raw'
import { posts } from './worker/schema'

const env = { DB, CACHE_KV: KV }

/** The table as the README's migration creates it (the test database's own `posts` has more columns). */
async function readmeTables() {
  await resetDatabase()
  for (const statement of ['DROP VIEW published_titles', 'DROP TABLE comments', 'DROP TABLE posts']) await DB.prepare(statement).run()
  await DB.prepare('CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)').run()
  await DB.prepare("INSERT INTO posts (title) VALUES ('Hello'), ('World')").run()
}

/** Requests to the README's Worker, each one's waitUntil settled before its response is read. */
const request = workerRequests(worker, env, { createExecutionContext, waitOnExecutionContext })

const titles = () => drizzle(DB).select().from(posts).orderBy(posts.id)

describe('the README Worker (drizzleKv)', () => {
  it('the README shows exactly these files, each after the line naming it', () => {
    expect(readme).toContain(`\`src/index.ts\`:\n\n\`\`\`ts\n${workerSource.trim()}\n\`\`\``)
    expect(readme).toContain(`\`src/schema.ts\`:\n\n\`\`\`ts\n${schemaSource.trim()}\n\`\`\``)
  })

  itInvalidates(
    'a miss, then hits from KV across requests (its x-cache header says so); a write through Drizzle; the next request reads the fresh rows',
    async () => {
      await readmeTables()
      await expectFreshAfterPost({
        request,
        direct: titles,
        changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
        xCache: ['miss', 'hit', 'miss'],
      })
    },
  )

  it('the root README states the lines it adds to the same Worker without the cache', () => {
    expectSetupRow({
      readme: rootReadme,
      label: 'Drizzle (`drizzleKv`)',
      before: withoutCacheSource,
      after: workerSource,
      counts: { imports: 1, code: 2, envLines: 1 },
    })
  })
})

describe('drizzleKv: one cache per KV namespace per isolate', () => {
  it("the second request's binding is on the first request's cache: that cache knows the D1 database the first one attached", async () => {
    await resetDatabase()
    const first = createExecutionContext()
    drizzleKv(KV, first, { strategy: 'all' }).d1(DB)
    // Two caches would each take their database; one cache refuses a second D1 database under one name.
    const second = createExecutionContext()
    const conflict = thrown(() => drizzleKv(KV, second, { strategy: 'all' }).d1(DB2))
    expect(isKvCacheError(conflict, 'DATABASE_CONFLICT')).toBe(true)
    expect(conflict.message).toContain('`database`')
    // Named, the second database is welcome on the same cache; and `@kvcache/drizzle` shares it too.
    expect(() => drizzleKv(KV, second, { database: 'second' }).d1(DB2)).not.toThrow()
    expect(() => drizzleKvOfAll(KV, second).d1(DB)).not.toThrow()
    await Promise.all([waitOnExecutionContext(first), waitOnExecutionContext(second)])
  })

  it("per-request options reach only that request's view: its onEvent sees its own hit", async () => {
    await resetDatabase()
    await expectOwnEventsPerRequest(async (events) => {
      const ctx = createExecutionContext()
      const kv = drizzleKv(KV, ctx, { strategy: 'all', database: 'per-request', onEvent: (event) => events.push(event.type) })
      const rows = await drizzle(kv.d1(DB), { cache: kv }).select().from(posts).where(eq(posts.id, 7))
      await waitOnExecutionContext(ctx)
      return rows
    })
  })

  it('a request asking for other cache options fails fast naming the option; unknown names name the nearest', () => {
    const ctx = createExecutionContext()
    drizzleKv(KV, ctx, { strategy: 'all' })
    const ttl = thrown(() => drizzleKv(KV, ctx, { strategy: 'all', defaultTtlSeconds: 60 }))
    expect(isKvCacheError(ttl, 'INVALID_OPTION')).toBe(true)
    expect(ttl.message).toContain('Option `defaultTtlSeconds` is 60 here')
    // Binding options may differ per request: they are the binding's, not the cache's.
    expect(() => drizzleKv(KV, ctx, { strategy: 'explicit', sourceLagSeconds: 5 })).not.toThrow()
    const typo = thrown(() => drizzleKv(KV, ctx, { stratgy: 'all' } as never))
    expect(isKvCacheError(typo, 'UNKNOWN_OPTION')).toBe(true)
    expect(typo.message).toMatch(/^\[kvcache\] \[drizzle\] .*Did you mean `strategy`\?/)
    expect(thrown(() => drizzleKv(KV, ctx, { defaultTtlSecs: 5 } as never)).message).toContain('Did you mean `defaultTtlSeconds`?')
    expect(thrown(() => drizzleKv(KV, ctx, { strategy: 'some' as never })).message).toContain('`strategy`')
    expect(
      isKvCacheError(
        thrown(() => drizzleKv(undefined as never, ctx)),
        'MISSING_BINDING',
      ),
    ).toBe(true)
  })
})
