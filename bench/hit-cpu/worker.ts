// bench/hit-cpu: what a hit costs in CPU beyond the storage call. Storage is in-isolate memory
// (no I/O), so the only difference between a hit and the floor is the cache's own work: key
// hashing, header parse, stamp check, decode. The floor makes the same storage call for the same
// keys and JSON.parses the stored payload.
import { createCache, memoryStorage, type Storage } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { withTimeout } from '../../packages/core/src/timeout'

const rowsOf = {
  tiny: [{ id: 1, title: 'One post' }],
  plain: Array.from({ length: 50 }, (_, i) => ({
    id: i + 1,
    title: `Post number ${i + 1}`,
    body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
    authorId: (i % 7) + 1,
    published: i % 3 !== 0,
    views: 1000 + i * 13,
  })),
  // What ORMs return for timestamp and int8 columns: a Date and a BigInt per row.
  tagged: Array.from({ length: 50 }, (_, i) => ({
    id: i + 1,
    title: `Post number ${i + 1}`,
    body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
    authorId: (i % 7) + 1,
    createdAt: new Date(1767225600000 + i * 60_000),
    views: 9_007_199_254_740_993n + BigInt(i),
  })),
} as const
type Payload = keyof typeof rowsOf

// Records the keys and values of the last bulk read, so the floor reads exactly what a hit reads.
function recording(inner: Storage) {
  let last: { keys: string[]; values: ReadonlyMap<string, string | null> } | undefined
  const storage: Storage = {
    ...inner,
    async getMany(keys) {
      const values = await inner.getMany!(keys)
      last = { keys: [...keys], values }
      return values
    },
  }
  return { storage, last: () => last }
}

const memory = memoryStorage()
const recorder = recording(memory)
const cache = createCache({ storage: recorder.storage, defaultTtlSeconds: 3600 })
const requestOf = (payload: Payload) => ({ material: ['hit-cpu', payload], scopes: [tableScope('posts')], ttlSeconds: 3600 })
const floorKeys = new Map<Payload, { keys: string[]; entryKey: string }>()

async function setup(): Promise<Record<string, unknown>> {
  await cache.invalidate({ tables: ['posts'] })
  await cache.flush()
  const summary: Record<string, unknown> = {}
  for (const payload of Object.keys(rowsOf) as Payload[]) {
    await cache.query(requestOf(payload), async () => rowsOf[payload])
    await cache.flush()
    await cache.query(requestOf(payload), async () => {
      throw new Error('expected a hit')
    })
    const last = recorder.last()!
    const entryKey = last.keys.find((key) => key.includes(':e:'))!
    floorKeys.set(payload, { keys: last.keys, entryKey })
    summary[payload] = { keys: last.keys.length, entryBytes: (last.values.get(entryKey) ?? '').length }
  }
  return summary
}

/**
 * The least a read that must not hang can do: the storage call raced against a timer that is
 * cleared when it settles. The cache's own guard (every read has its `timeoutMs`), imported from
 * its source so both sides run the same code.
 */
const guarded = <T>(work: Promise<T>): Promise<T> => withTimeout(work, 1000, 'floor')

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/setup') return Response.json(await setup())
    const payload = url.searchParams.get('payload') as Payload
    const n = Number(url.searchParams.get('n'))
    const expected = rowsOf[payload].length
    let ok = 0
    if (url.pathname === '/hit') {
      const miss = async (): Promise<never> => {
        throw new Error('expected a hit')
      }
      for (let i = 0; i < n; i++) ok += (await cache.query(requestOf(payload), miss)).length === expected ? 1 : 0
    } else if (url.pathname === '/floor' || url.pathname === '/guarded') {
      const { keys, entryKey } = floorKeys.get(payload)!
      const read = url.pathname === '/floor' ? () => memory.getMany!(keys) : () => guarded(Promise.resolve(memory.getMany!(keys)))
      for (let i = 0; i < n; i++) {
        const values = await read()
        const raw = values.get(entryKey) as string
        ok += (JSON.parse(raw.slice(raw.indexOf('\n') + 1)) as unknown[]).length === expected ? 1 : 0
      }
    }
    return Response.json({ ok })
  },
}
