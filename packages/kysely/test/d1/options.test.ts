// Options follow the core's rules in every binding: unknown names fail naming the nearest valid one,
// seconds and tags are checked the same way. Setup mistakes Kysely cannot refuse are reported loudly.
import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { cached } from '@kvcache/kysely'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { describe, expect, it, vi } from 'vitest'
import { kyselyCache } from '../../src'
import type { Database } from './schema'
import { DB, resetDatabase } from './setup'

function failure(run: () => unknown): Error & { code?: string } {
  try {
    run()
  } catch (error) {
    expect(isKvCacheError(error)).toBe(true)
    return error as Error
  }
  throw new Error('expected a KvCacheError')
}

describe('options', () => {
  const cache = createCache({ storage: memoryStorage() })
  const dialect = new D1Dialect({ database: DB })

  it('an unknown option name of kyselyCache fails naming the nearest', () => {
    expect(failure(() => kyselyCache(dialect, cache, { ttl: 60 } as never))).toMatchObject({
      code: 'UNKNOWN_OPTION',
      message: expect.stringContaining('Did you mean `ttlSeconds`?'),
    })
    expect(failure(() => kyselyCache(dialect, cache, { schmea: {} } as never))).toMatchObject({
      code: 'UNKNOWN_OPTION',
      message: expect.stringContaining('Did you mean `schema`?'),
    })
    expect(failure(() => kyselyCache(dialect, cache, { swrSeconds: -1 }))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('`swrSeconds`'),
    })
  })

  it('an unknown option name of cached() fails naming the nearest', () => {
    expect(failure(() => cached({ ttl: 60 } as never))).toMatchObject({
      code: 'UNKNOWN_OPTION',
      message: expect.stringContaining('Did you mean `ttlSeconds`?'),
    })
    expect(failure(() => cached({ tag: ['a'] } as never))).toMatchObject({ code: 'UNKNOWN_OPTION', message: expect.stringContaining('Did you mean `tags`?') })
  })

  it('tags follow the common rule: well-formed, 1-1024 bytes, no control characters, not "*", at most 16', () => {
    for (const tags of [['*'], ['a\u0000b'], ['x'.repeat(1025)], ['\uD800'], Array.from({ length: 17 }, (_, index) => `t${index}`)]) {
      expect(failure(() => cached({ tags }))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('`cached().tags') })
    }
    expect(() => cached({ tags: ['user:42', 'ada@example.com', 'ünï'] })).not.toThrow()
  })

  it('seconds follow the common rule', () => {
    expect(failure(() => cached({ ttlSeconds: Number.POSITIVE_INFINITY }))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('`cached().ttlSeconds`'),
    })
    expect(failure(() => cached({ swrSeconds: '5' as never }))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('`cached().swrSeconds`'),
    })
  })
})

describe('setup mistakes are reported as misconfigured (and written to the console once when nobody listens)', () => {
  it('a dialect wrapped twice', () => {
    const events: unknown[] = []
    const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
    kyselyCache(kyselyCache(new D1Dialect({ database: DB }), cache), cache)
    expect(events).toStrictEqual([expect.objectContaining({ type: 'misconfigured', source: 'kysely', problem: expect.stringContaining('already wraps') })])
  })

  it('cached() on a read that is never cached, with no onEvent: one console warning per isolate', async () => {
    await resetDatabase()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const cache = createCache({ storage: memoryStorage() })
      const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: DB }), cache) })
      const read = () =>
        db
          .selectFrom('posts')
          .select('title')
          .where('created_at', '<', Date.now())
          .orderBy((eb) => eb.fn('random', []))
          .withPlugin(cached())
          .execute()
      await read()
      await read()
      const warnings = warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('[kysely]'))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain('cached() was applied to a read that is never cached')
    } finally {
      warn.mockRestore()
    }
  })
})
