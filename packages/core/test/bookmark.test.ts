import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage, tableScope } from '../src'
import { eventLog, fakeTable, laggingStampsFault } from './helpers'

const postsQuery = { material: ['posts'], scopes: [tableScope('posts')] }

describe('session bookmarks', () => {
  it('give a client read-your-writes where stamps lag behind (eventual consistency)', async () => {
    const shared = memoryStorage()
    const lagging = laggingStampsFault(shared)
    const here = createCache({ storage: shared })
    const elsewhere = createCache({ storage: lagging })
    const db = fakeTable({ title: 'v1' })

    expect(await elsewhere.query(postsQuery, db.load)).toStrictEqual({ title: 'v1' })
    await lagging.freeze()

    db.write({ title: 'v2' })
    await here.invalidate({ tables: ['posts'] })
    const bookmark = here.bookmark()
    expect(bookmark).not.toBe('')

    // Without the bookmark the lagging location still serves v1: that is KV's propagation window.
    expect(await elsewhere.query(postsQuery, db.load)).toStrictEqual({ title: 'v1' })
    // With it, the client that wrote sees its write.
    const session = elsewhere.withContext({ bookmark })
    expect(await session.query(postsQuery, db.load)).toStrictEqual({ title: 'v2' })
    const loads = db.loads
    expect(await session.query(postsQuery, db.load)).toStrictEqual({ title: 'v2' })
    expect(db.loads).toBe(loads)
    expect(session.bookmark() >= bookmark).toBe(true)
  })

  it('give monotonic reads: a client never goes back to an older entry than one it saw', async () => {
    const storage = memoryStorage()
    const cache = createCache({ storage })
    const db = fakeTable({ n: 1 })
    const first = cache.withContext({})
    await first.query(postsQuery, db.load)
    const bookmark = first.bookmark()
    expect(await cache.withContext({ bookmark }).query(postsQuery, db.load)).toStrictEqual({ n: 1 })
  })

  it('ignore an invalid bookmark with an error event instead of failing the request', async () => {
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage(), onEvent: log.onEvent })
    const session = cache.withContext({ bookmark: 'not-a-bookmark' })
    expect(await session.query(postsQuery, async () => 'ok')).toBe('ok')
    expect(log.of('error')[0]?.operation).toBe('bookmark')
  })
})
