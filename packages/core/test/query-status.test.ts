// Issue 19: what a binding's read reports. Its events name the binding, the tables it depends on,
// a digest of the statement and (two-tier) the tier that answered; `onStatus` tells the caller
// what the cache did for that one query.
import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage, memoryVersions, twoTierStorage, type CacheEvent, type QueryStatus, type Storage } from '../src'
import { rowScope, tableScope, tagScope } from '../src/layout'
import { deferred, failingStorageFault, manualClock } from './helpers'

function setup(storage: Storage = memoryStorage(), maxValueBytes?: number) {
  const clock = manualClock()
  const events: CacheEvent[] = []
  const cache = createCache({
    storage,
    versions: memoryVersions({ now: clock.now }),
    now: clock.now,
    onEvent: (event) => events.push(event),
    ...(maxValueBytes && { maxValueBytes }),
  })
  return { cache, clock, events }
}

const statement = 'select  "id", "title"\n  from "posts" where "id" = ?'
const scopes = [tableScope('posts'), rowScope('posts', 1), tableScope('users'), tagScope('feed')]

/** One read as a binding makes it, with a status callback; returns the value and the status. */
async function read(cache: ReturnType<typeof setup>['cache'], load: () => Promise<string> = async () => 'rows', extra: object = {}) {
  let status: QueryStatus | undefined
  const value = await cache.query(
    { material: ['sql', statement], scopes, about: { binding: 'drizzle', statement }, onStatus: (s) => (status = s), ...extra },
    load,
  )
  return { value, status }
}

describe('per-query status (onStatus)', () => {
  it('a miss, then a hit with its age, each naming the tables the read depends on', async () => {
    const { cache, clock } = setup()
    expect(await read(cache)).toStrictEqual({ value: 'rows', status: { kind: 'miss', reason: 'absent', tables: ['posts', 'users'] } })
    clock.advanceSeconds(12)
    expect((await read(cache)).status).toStrictEqual({ kind: 'hit', ageMs: 12_000, tables: ['posts', 'users'] })
  })

  it('a stale hit being refreshed (swr), and a miss after a write', async () => {
    const { cache, clock } = setup()
    await read(cache, async () => 'rows', { ttlSeconds: 10, swrSeconds: 60 })
    clock.advanceSeconds(20)
    expect((await read(cache, async () => 'rows', { ttlSeconds: 10, swrSeconds: 60 })).status).toMatchObject({ kind: 'stale', ageMs: 20_000 })
    await cache.flush()
    await cache.invalidate({ tables: ['users'] })
    expect((await read(cache)).status).toMatchObject({ kind: 'miss', reason: 'invalidated' })
  })

  it('merged into an identical lookup in flight: one database read, the second caller is `joined`', async () => {
    const { cache } = setup()
    const gate = deferred<string>()
    const first = read(cache, () => gate.promise)
    const second = read(cache, () => gate.promise)
    gate.resolve('rows')
    const statuses = (await Promise.all([first, second])).map((each) => each.status?.kind)
    expect(statuses).toStrictEqual(['miss', 'joined'])
  })

  it('a miss that was not stored says why (too large)', async () => {
    const { cache } = setup(memoryStorage(), 64)
    const { status } = await read(cache, async () => 'x'.repeat(500))
    expect(status).toMatchObject({ kind: 'miss', reason: 'absent', skipped: 'oversized' })
  })

  it('storage failing: a miss with reason `error`, served by the database', async () => {
    const { cache } = setup(failingStorageFault(memoryStorage(), { failing: true }))
    expect(await read(cache)).toMatchObject({ value: 'rows', status: { kind: 'miss', reason: 'error' } })
  })

  it('material that cannot be hashed: uncached, and says so', async () => {
    const { cache } = setup()
    let status: QueryStatus | undefined
    class Opaque {}
    await cache.query({ material: [new Opaque()], scopes, onStatus: (s) => (status = s) }, async () => 'rows')
    expect(status).toMatchObject({ kind: 'uncached', reason: 'unhashable' })
  })

  it('the database failing: the status is still told (a miss), and the error reaches the caller', async () => {
    const { cache } = setup()
    let status: QueryStatus | undefined
    const failing = cache.query({ material: ['x'], scopes, onStatus: (s) => (status = s) }, async () => {
      throw new Error('D1_ERROR')
    })
    await expect(failing).rejects.toThrow('D1_ERROR')
    expect(status).toMatchObject({ kind: 'miss', reason: 'absent' })
  })

  it('a callback that throws never fails the read', async () => {
    const { cache } = setup()
    const value = await cache.query(
      {
        material: ['x'],
        scopes,
        onStatus: () => {
          throw new Error('bug in the caller')
        },
      },
      async () => 'rows',
    )
    expect(value).toBe('rows')
  })
})

describe('events of a binding read', () => {
  it('carry the binding, the tables and a one-line digest of the statement, for the cache listener and the request listener', async () => {
    const { cache, events } = setup()
    const own: CacheEvent[] = []
    const request = cache.withContext({ onEvent: (event) => own.push(event) })
    await read(request)
    await read(request)
    const labels = { binding: 'drizzle', tables: ['posts', 'users'], digest: 'select "id", "title" from "posts" where "id" = ?' }
    expect(events.find((event) => event.type === 'miss')).toMatchObject(labels)
    expect(events.find((event) => event.type === 'fill')).toMatchObject(labels)
    expect(own.find((event) => event.type === 'hit')).toMatchObject(labels)
  })

  it('a long statement is cut to 120 characters', async () => {
    const { cache, events } = setup()
    const long = `select ${'"a", '.repeat(100)}"b" from "posts"`
    await cache.query({ material: [long], scopes, about: { statement: long } }, async () => 1)
    const digest = (events.find((event) => event.type === 'miss') as { digest: string }).digest
    expect(digest).toHaveLength(120)
    expect(digest.endsWith('…')).toBe(true)
  })

  it('a read through a labelled view still moves the request bookmark', async () => {
    const { cache } = setup()
    const request = cache.withContext({})
    const before = await request.bookmark()
    await read(request)
    expect(await request.bookmark()).not.toBe(before)
  })

  it('a hit through two-tier storage names the tier that answered', async () => {
    const l2 = memoryStorage()
    const events: CacheEvent[] = []
    // Two locations: each its own L1 (the Cache API), one shared L2 (KV) that also holds the stamps.
    const location = () => createCache({ storage: twoTierStorage({ l1: memoryStorage({ maxEntries: 100 }), l2 }), onEvent: (event) => events.push(event) })
    const here = location()
    await read(here)
    await here.flush()
    await read(here)
    await read(location())
    expect(events.filter((event) => event.type === 'hit').map((event) => (event as { tier?: string }).tier)).toStrictEqual(['L1', 'L2'])
  })
})
