import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage, memoryVersions, type Storage } from '../src'
import { tableScope, tagScope, rowScope } from '../src/layout'
import { hashMaterial } from '../src/hash'
import { deferred, eventLog, failingStorageFault, fakeTable, manualClock } from './helpers'

function setup(options: { storage?: Storage; clock?: ReturnType<typeof manualClock> } = {}) {
  const clock = options.clock ?? manualClock()
  const storage = options.storage ?? memoryStorage({ now: clock.now })
  const log = eventLog()
  const cache = createCache({ storage, now: clock.now, onEvent: log.onEvent })
  return { cache, storage, clock, log }
}

const postsQuery = { material: ['sqlite', 'select * from posts'], scopes: [tableScope('posts')] }

describe('read path', () => {
  it('misses, fills, then hits with an equal value', async () => {
    const { cache, log } = setup()
    const db = fakeTable([{ id: 1, title: 'Hello', at: new Date(5), n: 7n }])
    const first = await cache.query(postsQuery, db.load)
    const second = await cache.query(postsQuery, db.load)
    expect(second).toStrictEqual(first)
    expect(second).not.toBe(first)
    expect(db.loads).toBe(1)
    expect(log.types()).toStrictEqual(['miss', 'fill', 'hit'])
  })

  it('expires after ttlSeconds', async () => {
    const { cache, clock } = setup()
    const db = fakeTable({ title: 'v1' })
    await cache.query({ ...postsQuery, ttlSeconds: 10 }, db.load)
    clock.advanceSeconds(9)
    expect(await cache.query({ ...postsQuery, ttlSeconds: 10 }, db.load)).toStrictEqual({ title: 'v1' })
    db.write({ title: 'v2' })
    clock.advanceSeconds(2)
    expect(await cache.query({ ...postsQuery, ttlSeconds: 10 }, db.load)).toStrictEqual({ title: 'v2' })
    expect(db.loads).toBe(2)
  })

  it('serves stale within swr and revalidates in the background', async () => {
    const { cache, clock, log } = setup()
    const db = fakeTable({ title: 'v1' })
    const request = { ...postsQuery, ttlSeconds: 10, swrSeconds: 30 }
    await cache.query(request, db.load)
    db.write({ title: 'v2' })
    clock.advanceSeconds(15)
    expect(await cache.query(request, db.load)).toStrictEqual({ title: 'v1' })
    expect(log.of('stale')).toHaveLength(1)
    await cache.flush()
    expect(await cache.query(request, db.load)).toStrictEqual({ title: 'v2' })
    expect(log.types().at(-1)).toBe('hit')
    clock.advanceSeconds(45)
    db.write({ title: 'v3' })
    expect(await cache.query(request, db.load)).toStrictEqual({ title: 'v3' })
  })

  it('never serves an invalidated entry, not even as stale', async () => {
    const { cache, clock } = setup()
    const db = fakeTable({ title: 'v1' })
    const request = { ...postsQuery, ttlSeconds: 10, swrSeconds: 300 }
    await cache.query(request, db.load)
    clock.advanceSeconds(20)
    db.write({ title: 'v2' })
    await cache.invalidate({ tables: ['posts'] })
    expect(await cache.query(request, db.load)).toStrictEqual({ title: 'v2' })
  })

  it('fails fast on a bad per-call TTL or option name, before the loader runs', async () => {
    const { cache } = setup()
    const db = fakeTable({ title: 'v1' })
    await expect(cache.query({ ...postsQuery, ttlSeconds: -1 }, db.load)).rejects.toThrow(/`ttlSeconds` must be a finite number > 0, got -1/)
    await expect(cache.query({ ...postsQuery, ttlSeconds: Number.NaN }, db.load)).rejects.toThrow(/ttlSeconds/)
    await expect(cache.query({ ...postsQuery, ttl: 60 } as never, db.load)).rejects.toThrow(/Unknown option `ttl`\. Did you mean `ttlSeconds`\?/)
    await expect(cache.wrap('k', db.load, { table: ['posts'] } as never)).rejects.toThrow(/Unknown option `table`\. Did you mean `tables`\?/)
    await expect(cache.wrap('k', db.load, { ttl: 60 } as never)).rejects.toThrow(/Did you mean `ttlSeconds`\?/)
    await expect(cache.set('k', 1, { tag: ['a'] } as never)).rejects.toThrow(/Did you mean `tags`\?/)
    await expect(cache.get('k', { table: ['posts'] } as never)).rejects.toThrow(/Did you mean `tables`\?/)
    expect(db.loads).toBe(0)
  })

  it('answers from the loader when the material cannot be hashed', async () => {
    const { cache, log } = setup()
    class NotMaterial {}
    expect(await cache.query({ material: new NotMaterial(), scopes: [] }, async () => 42)).toBe(42)
    expect(log.of('error')[0]?.operation).toBe('encode')
  })
})

describe('invalidation: write, then read the fresh value', () => {
  it('by table', async () => {
    const { cache } = setup()
    const db = fakeTable(['a'])
    await cache.query(postsQuery, db.load)
    db.write(['a', 'b'])
    await cache.invalidate({ tables: ['posts'] })
    expect(await cache.query(postsQuery, db.load)).toStrictEqual(['a', 'b'])
  })

  it('by row: only reads of that row are affected', async () => {
    const { cache } = setup()
    const one = fakeTable({ id: 1, name: 'one' })
    const two = fakeTable({ id: 2, name: 'two' })
    const byId = (id: number) => ({ material: ['users', id], scopes: [rowScope('users', id)] })
    await cache.query(byId(1), one.load)
    await cache.query(byId(2), two.load)
    one.write({ id: 1, name: 'ONE' })
    await cache.invalidate({ rows: [{ table: 'users', pk: 1 }] })
    expect(await cache.query(byId(1), one.load)).toStrictEqual({ id: 1, name: 'ONE' })
    expect(await cache.query(byId(2), two.load)).toStrictEqual({ id: 2, name: 'two' })
    expect(two.loads).toBe(1)
  })

  it('by tag', async () => {
    const { cache } = setup()
    const db = fakeTable({ config: 1 })
    const request = { material: ['config'], scopes: [tagScope('config')] }
    await cache.query(request, db.load)
    db.write({ config: 2 })
    await cache.invalidate({ tags: ['config'] })
    expect(await cache.query(request, db.load)).toStrictEqual({ config: 2 })
  })

  it('a read that started before a write and fills after it is never served (stale set)', async () => {
    const { cache, log } = setup()
    const db = fakeTable({ title: 'before' })
    const gate = deferred()
    // Read starts: stamps are read, then the loader fetches pre-write rows and stalls.
    const loaderStarted = deferred()
    const slowRead = cache.query(postsQuery, async () => {
      const rows = await db.load()
      loaderStarted.resolve()
      await gate.promise
      return rows
    })
    await loaderStarted.promise
    db.write({ title: 'after' })
    await cache.invalidate({ tables: ['posts'] })
    gate.resolve()
    expect(await slowRead).toStrictEqual({ title: 'before' })
    expect(await cache.query(postsQuery, db.load)).toStrictEqual({ title: 'after' })
    expect(log.of('skip').map((event) => event.reason)).toContain('invalidated-during-load')
  })

  it('a stale set from another isolate is dead on arrival', async () => {
    // Two caches over one storage, each with its own in-storage stamps: two isolates.
    const clock = manualClock()
    const storage = memoryStorage({ now: clock.now })
    const reader = createCache({ storage, now: clock.now })
    const writer = createCache({ storage, now: clock.now })
    const db = fakeTable({ title: 'before' })
    const gate = deferred()
    const loaderStarted = deferred()
    const slowRead = reader.query(postsQuery, async () => {
      const rows = await db.load()
      loaderStarted.resolve()
      await gate.promise
      return rows
    })
    await loaderStarted.promise
    db.write({ title: 'after' })
    await writer.invalidate({ tables: ['posts'] })
    gate.resolve()
    await slowRead
    expect(await reader.query(postsQuery, db.load)).toStrictEqual({ title: 'after' })
    expect(await writer.query(postsQuery, db.load)).toStrictEqual({ title: 'after' })
  })

  it('readers arriving after a write do not join a lookup that started before it', async () => {
    const { cache } = setup()
    const db = fakeTable({ title: 'before' })
    const gate = deferred()
    const loaderStarted = deferred()
    const early = cache.query(postsQuery, async () => {
      const rows = await db.load()
      loaderStarted.resolve()
      await gate.promise
      return rows
    })
    await loaderStarted.promise
    db.write({ title: 'after' })
    await cache.invalidate({ tables: ['posts'] })
    const late = cache.query(postsQuery, db.load)
    gate.resolve()
    expect(await early).toStrictEqual({ title: 'before' })
    expect(await late).toStrictEqual({ title: 'after' })
  })
})

describe('tenants', () => {
  it('never share entries and bump only their own scopes', async () => {
    const { cache } = setup()
    const acme = cache.withContext({ tenant: 'acme' })
    const globex = cache.withContext({ tenant: 'globex' })
    const acmeDb = fakeTable(['acme-post'])
    const globexDb = fakeTable(['globex-post'])
    expect(await acme.query(postsQuery, acmeDb.load)).toStrictEqual(['acme-post'])
    expect(await globex.query(postsQuery, globexDb.load)).toStrictEqual(['globex-post'])
    acmeDb.write(['acme-post-2'])
    await acme.invalidate({ tables: ['posts'] })
    expect(await acme.query(postsQuery, acmeDb.load)).toStrictEqual(['acme-post-2'])
    expect(await globex.query(postsQuery, globexDb.load)).toStrictEqual(['globex-post'])
    expect(globexDb.loads).toBe(1)
  })
})

describe('in-flight de-duplication', () => {
  it('with a store that is consistent at once, a request that starts after a write elsewhere never joins a lookup from before it', async () => {
    const storage = memoryStorage()
    const versions = memoryVersions() // shared by both isolates: a write is visible to both at once
    const reader = createCache({ storage, versions })
    const writer = createCache({ storage, versions })
    const db = fakeTable({ title: 'before' })
    const gate = deferred()
    const loaderStarted = deferred()
    const early = reader.withContext({}).query(postsQuery, async () => {
      const rows = await db.load()
      loaderStarted.resolve()
      await gate.promise
      return rows
    })
    await loaderStarted.promise
    db.write({ title: 'after' })
    await writer.invalidate({ tables: ['posts'] })
    // A new request in the reader's isolate, after the write returned elsewhere.
    const late = reader.withContext({}).query(postsQuery, db.load)
    gate.resolve()
    expect(await early).toStrictEqual({ title: 'before' })
    expect(await late).toStrictEqual({ title: 'after' })
  })

  it('turns 100 concurrent identical misses into one loader call, each caller with its own copy', async () => {
    const { cache } = setup()
    const db = fakeTable([{ id: 1, at: new Date(0) }])
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.query(postsQuery, db.load)))
    expect(db.loads).toBe(1)
    for (const result of results) expect(result).toStrictEqual([{ id: 1, at: new Date(0) }])
    expect(new Set(results).size).toBe(100)
  })

  it('propagates a loader error to every waiter and stores nothing', async () => {
    const { cache } = setup()
    let calls = 0
    const failing = async () => {
      calls++
      throw new Error('db down')
    }
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.query(postsQuery, failing)))
    expect(results.every((result) => result.status === 'rejected')).toBe(true)
    expect(calls).toBe(1)
    expect(await cache.query(postsQuery, async () => 'recovered')).toBe('recovered')
  })
})

describe('failure never reaches the query', () => {
  it('corrupt and unknown-format entries are misses, then repaired', async () => {
    const { cache, storage, log, clock } = setup()
    const key = `kvc:e::${await hashMaterial(postsQuery.material)}`
    for (const garbage of ['not an entry', '{"f":99}\n[]', `{"f":1,"g":0,"c":${clock.now()},"t":60,"s":0,"k":[":table:posts"],"v":[""]}\n{broken`]) {
      await storage.set(key, garbage)
      log.clear()
      expect(await cache.query(postsQuery, async () => ['fresh'])).toStrictEqual(['fresh'])
      expect(log.of('miss')[0]?.reason).toBe('corrupt')
    }
    expect(await cache.query(postsQuery, async () => ['unused'])).toStrictEqual(['fresh'])
  })

  it('oversized values are skipped and still returned', async () => {
    const clock = manualClock()
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage({ now: clock.now }), now: clock.now, maxValueBytes: 1024, onEvent: log.onEvent })
    const big = 'x'.repeat(5000)
    expect(await cache.query(postsQuery, async () => big)).toBe(big)
    expect(log.of('skip')[0]?.reason).toBe('oversized')
    expect(await cache.query(postsQuery, async () => 'second')).toBe('second')
  })

  it('unencodable values are skipped, reported, and returned as-is', async () => {
    const { cache, log } = setup()
    const fn = () => 1
    const value = await cache.query(postsQuery, async () => ({ fn }))
    expect(value.fn).toBe(fn)
    expect(log.of('skip')[0]?.reason).toBe('unencodable')
    expect(log.of('error')[0]?.operation).toBe('encode')
  })

  it('a throwing event handler breaks nothing', async () => {
    const cache = createCache({
      storage: memoryStorage(),
      onEvent: () => {
        throw new Error('handler bug')
      },
    })
    expect(await cache.query(postsQuery, async () => 1)).toBe(1)
    expect(await cache.query(postsQuery, async () => 2)).toBe(1)
  })

  it('times out a hanging storage and answers from the loader', async () => {
    const log = eventLog()
    const storage = failingStorageFault(memoryStorage(), { failing: false, hang: true })
    const cache = createCache({ storage, versions: memoryVersions(), timeoutMs: 20, onEvent: log.onEvent })
    expect(await cache.query(postsQuery, async () => 'from db')).toBe('from db')
    const error = log.of('error')[0]
    expect(error?.operation).toBe('get')
    expect((error?.error as { code?: string }).code).toBe('TIMEOUT')
  })

  it('the breaker opens on a failing storage, skips it, and closes after a good probe', async () => {
    const clock = manualClock()
    const log = eventLog()
    const mode = { failing: true }
    const storage = failingStorageFault(memoryStorage({ now: clock.now }), mode)
    const cache = createCache({
      storage,
      versions: memoryVersions({ now: clock.now }),
      now: clock.now,
      breaker: { failureThreshold: 3, openSeconds: 10 },
      onEvent: log.onEvent,
    })
    for (let i = 0; i < 3; i++) expect(await cache.query({ ...postsQuery, material: [i] }, async () => i)).toBe(i)
    expect(log.of('breaker').map((event) => event.state)).toStrictEqual(['open'])
    const callsWhenOpened = storage.calls
    for (let i = 0; i < 10; i++) expect(await cache.query(postsQuery, async () => 'db')).toBe('db')
    expect(storage.calls).toBe(callsWhenOpened)

    mode.failing = false
    clock.advanceSeconds(11)
    expect(await cache.query(postsQuery, async () => 'probe')).toBe('probe')
    expect(log.of('breaker').map((event) => event.state)).toStrictEqual(['open', 'half-open', 'closed'])
    expect(await cache.query(postsQuery, async () => 'unused')).toBe('probe')
  })

  it('a failed probe reopens the breaker', async () => {
    const clock = manualClock()
    const log = eventLog()
    const storage = failingStorageFault(memoryStorage(), { failing: true })
    const cache = createCache({
      storage,
      versions: memoryVersions(),
      now: clock.now,
      breaker: { failureThreshold: 1, openSeconds: 5 },
      onEvent: log.onEvent,
    })
    await cache.query(postsQuery, async () => 1)
    clock.advanceSeconds(6)
    await cache.query(postsQuery, async () => 2)
    expect(log.of('breaker').map((event) => event.state)).toStrictEqual(['open', 'half-open', 'open'])
  })

  it('a failing version store on invalidate reports instead of throwing', async () => {
    const log = eventLog()
    const cache = createCache({
      storage: memoryStorage(),
      versions: { ...memoryVersions(), bump: async () => Promise.reject(new Error('store down')) },
      onEvent: log.onEvent,
    })
    await expect(cache.invalidate({ tables: ['posts'] })).resolves.toBeUndefined()
    expect(log.of('error')[0]?.operation).toBe('versions.bump')
  })
})

describe('cache-aside API', () => {
  it('wrap, get, set, delete and tag invalidation', async () => {
    const { cache } = setup()
    expect(await cache.wrap('config', async () => ({ theme: 'dark' }), { tags: ['config'] })).toStrictEqual({ theme: 'dark' })
    expect(await cache.get('config')).toStrictEqual({ theme: 'dark' })
    expect(await cache.get('config', { tags: ['config'] })).toStrictEqual({ theme: 'dark' })
    await cache.invalidate({ tags: ['config'] })
    expect(await cache.get('config')).toBeUndefined()
    expect(await cache.wrap('config', async () => ({ theme: 'light' }), { tags: ['config'] })).toStrictEqual({ theme: 'light' })

    await cache.set('greeting', 'hello', { ttlSeconds: 5 })
    expect(await cache.get('greeting')).toBe('hello')
    await cache.delete('greeting')
    expect(await cache.get('greeting')).toBeUndefined()
    expect(await cache.get('never-set')).toBeUndefined()
  })

  it('get honours TTL', async () => {
    const { cache, clock } = setup()
    await cache.set('short', 1, { ttlSeconds: 2 })
    clock.advanceSeconds(3)
    expect(await cache.get('short')).toBeUndefined()
  })

  it('waitUntil receives background fills', async () => {
    const pending: Promise<unknown>[] = []
    const storage = memoryStorage()
    const cache = createCache({ storage, waitUntil: (promise) => pending.push(promise) })
    await cache.wrap('k', async () => 'v')
    expect(pending).toHaveLength(1)
    await Promise.all(pending)
    expect(await cache.get('k')).toBe('v')
  })
})

describe('late options (lifetime known after the read)', () => {
  it('returns the rows first, then fills with the TTL handed over afterwards', async () => {
    const { cache, clock } = setup()
    const db = fakeTable({ v: 1 })
    const late = deferred<{ ttlSeconds: number }>()
    expect(await cache.query({ ...postsQuery, lateOptions: late.promise }, db.load)).toStrictEqual({ v: 1 })
    late.resolve({ ttlSeconds: 5 })
    await cache.flush()
    expect(await cache.query(postsQuery, db.load)).toStrictEqual({ v: 1 })
    expect(db.loads).toBe(1)
    db.write({ v: 2 })
    clock.advanceSeconds(6)
    expect(await cache.query(postsQuery, db.load)).toStrictEqual({ v: 2 })
  })
})

describe('per-view event listeners', () => {
  it('a view listener receives the events of its own calls only', async () => {
    const { cache, log } = setup()
    const mine: string[] = []
    const theirs: string[] = []
    const a = cache.withContext({ onEvent: (event) => mine.push(event.type) })
    const b = cache.withContext({ onEvent: (event) => theirs.push(event.type) })
    await a.query(postsQuery, async () => 1)
    await b.query({ ...postsQuery, material: ['other'] }, async () => 2)
    await b.query({ ...postsQuery, material: ['other'] }, async () => 2)
    expect(mine).toStrictEqual(['miss', 'fill'])
    expect(theirs).toStrictEqual(['miss', 'fill', 'hit'])
    expect(log.types()).toStrictEqual(['miss', 'fill', 'miss', 'fill', 'hit'])
  })

  it("a view made from a view keeps the parent listener informed (a binding's per-call view inside a traced request)", async () => {
    const { cache } = setup()
    const request: string[] = []
    const call: string[] = []
    const traced = cache.withContext({ onEvent: (event) => request.push(event.type) })
    const perCall = traced.withContext({ onEvent: (event) => call.push(event.type) })
    await perCall.query(postsQuery, async () => 1)
    const hit = await perCall.query(postsQuery, async () => 2)
    expect(hit).toBe(1)
    expect(call).toStrictEqual(['miss', 'fill', 'hit'])
    expect(request).toStrictEqual(['miss', 'fill', 'hit'])
  })

  it('hit and stale events carry when the entry was made; a caller that joined a lookup hears joined', async () => {
    const clock = manualClock()
    const { cache, log } = setup({ clock })
    const gate = deferred()
    const leader = cache.query(postsQuery, async () => (await gate.promise, 'v1'))
    const follower = cache.withContext({}).query(postsQuery, async () => 'never')
    gate.resolve()
    expect(await Promise.all([leader, follower])).toStrictEqual(['v1', 'v1'])
    expect(log.of('joined')).toHaveLength(1)
    clock.advanceSeconds(3)
    await cache.query(postsQuery, async () => 'never')
    expect(log.of('hit')[0]).toMatchObject({ ageMs: 3000, createdAtMs: clock.now() - 3000 })
  })
})

describe('waiting for a slow leader', () => {
  it('followers keep waiting past their poll interval and still share the one loader call', async () => {
    const { cache } = setup()
    let calls = 0
    const slow = async () => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 700))
      return { rows: [1, 2, 3] }
    }
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.query(postsQuery, slow)))
    expect(calls).toBe(1)
    for (const result of results) expect(result).toStrictEqual({ rows: [1, 2, 3] })
  })
})

describe('the cache-aside API and the breaker', () => {
  it('get counts storage failures, and skips storage while the breaker is open', async () => {
    const log = eventLog()
    const storage = failingStorageFault(memoryStorage(), { failing: true })
    const cache = createCache({ storage, versions: memoryVersions(), breaker: { failureThreshold: 2, openSeconds: 60 }, onEvent: log.onEvent })
    expect(await cache.get('a')).toBeUndefined()
    expect(await cache.get('b')).toBeUndefined()
    expect(log.of('breaker').map((event) => event.state)).toStrictEqual(['open'])
    const calls = storage.calls
    expect(await cache.get('c')).toBeUndefined()
    expect(storage.calls).toBe(calls)
    expect(log.of('skip').at(-1)?.reason).toBe('breaker-open')
  })
})

describe('events from bindings', () => {
  it('report() reaches the cache handler and the view listener, and a throwing handler breaks nothing', async () => {
    const log = eventLog()
    const viewLog = eventLog()
    const cache = createCache({ storage: memoryStorage(), onEvent: log.onEvent })
    const view = cache.withContext({ onEvent: viewLog.onEvent })
    view.report({ type: 'skip', reason: 'bypass', detail: 'inside a transaction' })
    expect(log.of('skip')).toStrictEqual([{ type: 'skip', reason: 'bypass', detail: 'inside a transaction' }])
    expect(viewLog.of('skip')).toHaveLength(1)
    const throwing = createCache({
      storage: memoryStorage(),
      onEvent: () => {
        throw new Error('handler bug')
      },
    })
    expect(() => throwing.report({ type: 'degraded', source: 'test', detail: 'coarser plan' })).not.toThrow()
  })
})
