// The one-line setup (`kyselyKv`): the README's Worker, run as workerd runs it (a request, its
// env and ctx), against real D1 and KV; what it adds to a Worker without the cache, counted.
import { isKvCacheError, type CacheEvent } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { setupLines } from '@kvcache/test-support/setup-lines'
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

/** One request to the README's Worker, its waitUntil settled before the response is read. */
async function request(init?: { method: 'POST'; body: unknown }): Promise<{ status: number; cache: string | null; body: unknown }> {
  const ctx = createExecutionContext()
  const incoming = new Request('https://example.com/posts', init ? { method: init.method, body: JSON.stringify(init.body) } : undefined)
  const response = await worker.fetch(incoming as Parameters<typeof worker.fetch>[0], env, ctx)
  await waitOnExecutionContext(ctx)
  return { status: response.status, cache: response.headers.get('x-cache'), body: response.status === 200 ? await response.json() : null }
}

const direct = new Kysely<Database>({ dialect: new D1Dialect({ database: DB }) })
const titles = () => direct.selectFrom('posts').selectAll().orderBy('id').execute()

function failure(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('the README Worker (kyselyKv)', () => {
  it('the README shows exactly these files, each after the line naming it', () => {
    expect(readme).toContain(`\`src/index.ts\`:\n\n\`\`\`ts\n${workerSource.trim()}\n\`\`\``)
    expect(readme).toContain(`\`src/schema.ts\`:\n\n\`\`\`ts\n${schemaSource.trim()}\n\`\`\``)
  })

  itInvalidates(
    'a miss, then hits from KV across requests (its x-cache header says so); a write through Kysely; the next request reads the fresh rows',
    async () => {
      await readmeTables()
      const headers: (string | null)[] = []
      await expectFreshAfterWrite({
        read: async () => {
          const { cache, body } = await request()
          headers.push(cache)
          return body
        },
        direct: titles,
        changeBehind: () => behindTheCache("UPDATE posts SET title = 'behind' WHERE id = 2"),
        write: async () => expect((await request({ method: 'POST', body: { title: 'Hello, again' } })).status).toBe(201),
      })
      expect(headers).toStrictEqual(['miss', 'hit', 'miss'])
    },
  )

  it('the root README states the lines it adds to the same Worker without the cache', () => {
    const { imports, code, env: envLines } = setupLines(withoutCacheSource, workerSource)
    expect({ imports, code, envLines }).toStrictEqual({ imports: 1, code: 1, envLines: 1 })
    expect(rootReadme).toContain(`| Kysely (\`kyselyKv\`) | ${imports} | ${code} | ${envLines} |`)
  })
})

describe('kyselyKv: one cache per KV namespace per isolate', () => {
  it("per-request options reach only that request's view: its onEvent sees its own hit", async () => {
    await readmeTables()
    const read = async (events: CacheEvent['type'][]) => {
      const ctx = createExecutionContext()
      const dialect = kyselyKv(new D1Dialect({ database: DB }), KV, ctx, {
        strategy: 'all',
        database: 'per-request',
        onEvent: (event) => events.push(event.type),
      })
      const rows = await new Kysely<Database>({ dialect }).selectFrom('posts').select('title').where('id', '=', 2).execute()
      await waitOnExecutionContext(ctx)
      return rows
    }
    const first: CacheEvent['type'][] = []
    const second: CacheEvent['type'][] = []
    expect(await read(first)).toStrictEqual([{ title: 'World' }])
    expect(await read(second)).toStrictEqual([{ title: 'World' }])
    expect(first).toContain('miss')
    expect(second).toStrictEqual(['hit'])
  })

  it('a later request asking for other cache options fails fast naming the option: the memo found the first one', () => {
    const dialect = () => new D1Dialect({ database: DB })
    const [first, second] = [createExecutionContext(), createExecutionContext()]
    kyselyKv(dialect(), KV, first, { strategy: 'all' })
    const ttl = failure(() => kyselyKv(dialect(), KV, second, { strategy: 'all', defaultTtlSeconds: 60 }))
    expect(isKvCacheError(ttl, 'INVALID_OPTION')).toBe(true)
    expect(ttl.message).toContain('Option `defaultTtlSeconds` is 60 here')
    // The root entry shares the same memo; binding options may differ per request.
    expect(() => kyselyKvOfAll(dialect(), KV, second, { strategy: 'explicit', database: 'other', sourceLagSeconds: 5 })).not.toThrow()
  })

  it('bad options fail fast naming the nearest valid name, on either side', () => {
    const ctx = createExecutionContext()
    const dialect = new D1Dialect({ database: DB })
    const typo = failure(() => kyselyKv(dialect, KV, ctx, { catalogue: false } as never))
    expect(isKvCacheError(typo, 'UNKNOWN_OPTION')).toBe(true)
    expect(typo.message).toMatch(/^\[kvcache\] \[kysely\] .*Did you mean `catalog`\?/)
    expect(failure(() => kyselyKv(dialect, KV, ctx, { defaultTtlSecs: 5 } as never)).message).toContain('Did you mean `defaultTtlSeconds`?')
    expect(failure(() => kyselyKv(dialect, KV, ctx, { ttlSeconds: 0 })).message).toContain('`ttlSeconds`')
    expect(
      isKvCacheError(
        failure(() => kyselyKv(dialect, undefined as never, ctx)),
        'MISSING_BINDING',
      ),
    ).toBe(true)
    expect(failure(() => kyselyKv(dialect, KV, undefined as never)).message).toContain('`ctx`')
  })
})
