// The one-line setup (`kyselyKv`): the README's Worker, run as workerd runs it (a request, its
// env and ctx), against real D1 and KV; what it adds to a Worker without the cache, counted.
import { isKvCacheError } from '@kvcache/core'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { expectFreshAfterPost, expectOwnEventsPerRequest, expectSetupRow, workerRequests } from '@kvcache/test-support/readme-worker'
import { thrown } from '@kvcache/test-support/thrown'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { describe, expect, it } from 'vitest'
import rootReadme from '../../../../README.md?raw'
import readme from '../../README.md?raw'
import { kyselyKv as kyselyKvOfAll } from '../../src'
import { kyselyKv } from '../../src/sqlite'
import { behindTheCache, DB, KV } from './setup'
import { DDL } from './schema'
import worker from './worker'
import workerSource from './worker/index.ts?raw'
import type { Database } from './worker/schema'
import schemaSource from './worker/schema.ts?raw'
import withoutCacheSource from './worker/without-cache.ts?raw'

const env = { DB, CACHE_KV: KV }

/** The table as the README's migration creates it (the test database's own `posts` has more columns). */
async function readmeTables() {
  for (const statement of DDL.filter((sql) => /^(PRAGMA|DROP)/.test(sql))) await DB.prepare(statement).run()
  await DB.prepare('CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)').run()
  await DB.prepare("INSERT INTO posts (title) VALUES ('Hello'), ('World')").run()
}

/** Requests to the README's Worker, each one's waitUntil settled before its response is read. */
const request = workerRequests(worker, env, { createExecutionContext, waitOnExecutionContext })

const direct = new Kysely<Database>({ dialect: new D1Dialect({ database: DB }) })
const titles = () => direct.selectFrom('posts').selectAll().orderBy('id').execute()

describe('the README Worker (kyselyKv)', () => {
  it('the README shows exactly these files, each after the line naming it', () => {
    expect(readme).toContain(`\`src/index.ts\`:\n\n\`\`\`ts\n${workerSource.trim()}\n\`\`\``)
    expect(readme).toContain(`\`src/schema.ts\`:\n\n\`\`\`ts\n${schemaSource.trim()}\n\`\`\``)
  })

  itInvalidates(
    'a miss, then hits from KV across requests (its x-cache header says so); a write through Kysely; the next request reads the fresh rows',
    async () => {
      await readmeTables()
      await expectFreshAfterPost({
        request,
        direct: titles,
        changeBehind: () => behindTheCache("UPDATE posts SET title = 'behind' WHERE id = 2"),
        xCache: ['miss', 'hit', 'miss'],
      })
    },
  )

  it('the root README states the lines it adds to the same Worker without the cache', () => {
    expectSetupRow({
      readme: rootReadme,
      label: 'Kysely (`kyselyKv`)',
      before: withoutCacheSource,
      after: workerSource,
      counts: { imports: 1, code: 1, envLines: 1 },
    })
  })
})

describe('kyselyKv: one cache per KV namespace per isolate', () => {
  it("per-request options reach only that request's view: its onEvent sees its own hit", async () => {
    await readmeTables()
    const rows = await expectOwnEventsPerRequest(async (events) => {
      const ctx = createExecutionContext()
      const dialect = kyselyKv(new D1Dialect({ database: DB }), KV, ctx, {
        strategy: 'all',
        database: 'per-request',
        onEvent: (event) => events.push(event.type),
      })
      const rows = await new Kysely<Database>({ dialect }).selectFrom('posts').select('title').where('id', '=', 2).execute()
      await waitOnExecutionContext(ctx)
      return rows
    })
    expect(rows).toStrictEqual([[{ title: 'World' }], [{ title: 'World' }]])
  })

  it('a later request asking for other cache options fails fast naming the option: the memo found the first one', () => {
    const dialect = () => new D1Dialect({ database: DB })
    const [first, second] = [createExecutionContext(), createExecutionContext()]
    kyselyKv(dialect(), KV, first, { strategy: 'all' })
    const ttl = thrown(() => kyselyKv(dialect(), KV, second, { strategy: 'all', defaultTtlSeconds: 60 }))
    expect(isKvCacheError(ttl, 'INVALID_OPTION')).toBe(true)
    expect(ttl.message).toContain('Option `defaultTtlSeconds` is 60 here')
    // The root entry shares the same memo; binding options may differ per request.
    expect(() => kyselyKvOfAll(dialect(), KV, second, { strategy: 'explicit', database: 'other', sourceLagSeconds: 5 })).not.toThrow()
  })

  it('bad options fail fast naming the nearest valid name, on either side', () => {
    const ctx = createExecutionContext()
    const dialect = new D1Dialect({ database: DB })
    const typo = thrown(() => kyselyKv(dialect, KV, ctx, { catalogue: false } as never))
    expect(isKvCacheError(typo, 'UNKNOWN_OPTION')).toBe(true)
    expect(typo.message).toMatch(/^\[kvcache\] \[kysely\] .*Did you mean `catalog`\?/)
    expect(thrown(() => kyselyKv(dialect, KV, ctx, { defaultTtlSecs: 5 } as never)).message).toContain('Did you mean `defaultTtlSeconds`?')
    expect(thrown(() => kyselyKv(dialect, KV, ctx, { ttlSeconds: 0 })).message).toContain('`ttlSeconds`')
    expect(
      isKvCacheError(
        thrown(() => kyselyKv(dialect, undefined as never, ctx)),
        'MISSING_BINDING',
      ),
    ).toBe(true)
    expect(thrown(() => kyselyKv(dialect, KV, undefined as never)).message).toContain('`ctx`')
  })
})
