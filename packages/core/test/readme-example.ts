import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'

export async function readmeExample() {
  const events: CacheEvent['type'][] = []
  const cache = createCache({
    storage: memoryStorage(),
    defaultTtlSeconds: 60,
    onEvent: (event) => events.push(event.type),
  })

  // Pretend database
  const db = { posts: [{ id: 1, title: 'Hello', publishedAt: new Date('2026-11-01') }] }
  const loadPosts = async () => structuredClone(db.posts)

  // Cache-aside: the first call loads, the second is a hit.
  const first = await cache.wrap('posts:all', loadPosts, { tables: ['posts'], ttlSeconds: 300 })
  const second = await cache.wrap('posts:all', loadPosts, { tables: ['posts'], ttlSeconds: 300 })

  // A write, then an invalidation: the next read sees the fresh rows.
  db.posts.push({ id: 2, title: 'World', publishedAt: new Date('2026-11-02') })
  await cache.invalidate({ tables: ['posts'] })
  const fresh = await cache.wrap('posts:all', loadPosts, { tables: ['posts'], ttlSeconds: 300 })

  return { first, second, fresh, events }
}
