import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage, type Storage } from '../src'
import { byteLength } from '../src/text'
import { resolveReadOptions } from '../src/read-options'

const catching = (run: () => unknown): unknown => {
  try {
    run()
    return undefined
  } catch (error) {
    return error
  }
}
import { eventLog, fakeTable } from './helpers'

/** Strings that UTF-8, URL encoding or naive length checks confuse. Each pair must stay apart. */
const TRICKY = [
  '\ud800',
  '\udc00',
  '\ufffd',
  '\udc00\ud800',
  '\ud800\udc00',
  '\ud83d\ude00',
  'a\ud800b',
  'a\ufffdb',
  '',
  ' ',
  '\u0000',
  'x'.repeat(2000),
  '日本'.repeat(400),
  '\ud83d\ude00'.repeat(300),
  '%F0%9F%98%80',
  'a:b',
  'a%3Ab',
  'tag:x',
]

/** Records every key the cache hands to storage (observation only; the storage is real memory). */
function recordingKeys(inner: Storage): Storage & { keys: Set<string> } {
  const keys = new Set<string>()
  const note = (key: string) => keys.add(key)
  return {
    ...inner,
    keys,
    get: (key, context) => (note(key), inner.get(key, context)),
    getMany: (many, context) => (many.forEach(note), (inner.getMany as NonNullable<Storage['getMany']>)(many, context)),
    set: (key, value, options) => (note(key), inner.set(key, value, options)),
    delete: (key) => (note(key), inner.delete(key)),
  }
}

describe('keys are lossless for every JS string', () => {
  it('query parameters that differ only in lone surrogates never share an entry', async () => {
    const cache = createCache({ storage: memoryStorage() })
    for (const [i, param] of TRICKY.entries()) {
      expect(await cache.query({ material: ['q', param], scopes: [] }, async () => i)).toBe(i)
    }
    // Second pass: hits, each with its own value (the loader would answer -1).
    for (const [i, param] of TRICKY.entries()) {
      expect(await cache.query({ material: ['q', param], scopes: [] }, async () => -1)).toBe(i)
    }
  })

  it('tags: valid ones that look alike stay apart; ill-formed ones are refused on both sides, naming the tag', async () => {
    const cache = createCache({ storage: memoryStorage() })
    const valid = TRICKY.filter((tag) => isKvCacheError(catching(() => resolveReadOptions('core', { tags: [tag] }))) === false)
    // Lone surrogates would reach UTF-8 as U+FFFD; empty, NUL and oversized tags are mistakes: refused.
    expect(valid).toStrictEqual(['\ufffd', '\ud800\udc00', '\ud83d\ude00', 'a\ufffdb', ' ', '%F0%9F%98%80', 'a:b', 'a%3Ab', 'tag:x'])
    for (const tag of TRICKY.filter((tag) => !valid.includes(tag))) {
      const loader = fakeTable('never')
      await expect(cache.wrap('k', loader.load, { tags: [tag] })).rejects.toThrow(/Option `tags\[0\]` must be/)
      await expect(cache.invalidate({ tags: [tag] })).rejects.toThrow(/Option `tags\[0\]` must be/)
      expect(loader.loads).toBe(0)
    }
    const tables = valid.map((_, i) => fakeTable(`v1-${i}`))
    const read = (i: number) => cache.wrap(`by-tag-${i}`, (tables[i] as ReturnType<typeof fakeTable<string>>).load, { tags: [valid[i] as string] })
    for (let i = 0; i < valid.length; i++) await read(i)
    for (let target = 0; target < valid.length; target++) {
      tables[target]?.write(`v2-${target}`)
      await cache.invalidate({ tags: [valid[target] as string] })
      for (let i = 0; i < valid.length; i++) {
        const loadsBefore = tables[i]?.loads
        expect(await read(i)).toBe(i <= target ? `v2-${i}` : `v1-${i}`)
        // Only the invalidated tag's entry went back to the database.
        expect(tables[i]?.loads).toBe(i === target ? (loadsBefore as number) + 1 : loadsBefore)
      }
    }
  })

  it('row keys that differ only in lone surrogates are invalidated independently', async () => {
    const cache = createCache({ storage: memoryStorage() })
    const rows = ['\ud800', '\udc00', '\ufffd']
    const tables = rows.map((_, i) => fakeTable(`v1-${i}`))
    const read = (i: number) =>
      cache
        .query({ material: ['row', i], scopes: [] }, async () => '')
        .then(() => cache.wrap(`row-${i}`, (tables[i] as ReturnType<typeof fakeTable<string>>).load, { rows: [{ table: 'users', pk: rows[i] as string }] }))
    for (let i = 0; i < rows.length; i++) await read(i)
    tables[1]?.write('v2-1')
    await cache.invalidate({ rows: [{ table: 'users', pk: rows[1] as string }] })
    expect(await Promise.all(rows.map((_, i) => read(i)))).toStrictEqual(['v1-0', 'v2-1', 'v1-2'])
  })

  it('tenant ids with a lone surrogate are refused at construction and in withContext', () => {
    for (const tenant of ['\ud800', 'a\udc00', '\udc00\ud800']) {
      let caught: unknown
      try {
        createCache({ storage: memoryStorage(), tenant })
      } catch (error) {
        caught = error
      }
      expect(isKvCacheError(caught, 'INVALID_TENANT')).toBe(true)
      const cache = createCache({ storage: memoryStorage() })
      expect(() => cache.withContext({ tenant })).toThrow(/well-formed/)
    }
  })

  it('tenants never read or invalidate each other, whatever their ids look like', async () => {
    const storage = memoryStorage()
    const root = createCache({ storage })
    const tenants = ['a', 'ab', 'a.b', '日本', '\ud83d\ude00', '\ud83d\ude00'.repeat(32), 'x'.repeat(128)]
    const tables = tenants.map((tenant) => fakeTable(`${tenant}-v1`))
    const read = (i: number) =>
      root
        .withContext({ tenant: tenants[i] as string })
        .query({ material: ['posts'], scopes: ['table:posts'] }, (tables[i] as ReturnType<typeof fakeTable<string>>).load)
    for (let i = 0; i < tenants.length; i++) expect(await read(i)).toBe(`${tenants[i]}-v1`)
    tables[2]?.write(`${tenants[2]}-v2`)
    await root.withContext({ tenant: tenants[2] as string }).invalidate({ tables: ['posts'] })
    for (let i = 0; i < tenants.length; i++) expect(await read(i)).toBe(i === 2 ? `${tenants[i]}-v2` : `${tenants[i]}-v1`)
    expect(tables.map((table) => table.loads)).toStrictEqual(tenants.map((_, i) => (i === 2 ? 2 : 1)))
  })
})

describe('every key fits 512 bytes by construction', () => {
  const longest = {
    prefix: 'p'.repeat(64),
    tenant: '\ud83d\ude00'.repeat(32), // 128 bytes of 4-byte characters
  }
  const names = ['\u65e5'.repeat(5000), '\ud83d\ude00'.repeat(3000), 'x'.repeat(100_000), '\ud800'.repeat(300), 'a'.repeat(256), 'a'.repeat(257)]

  it('whatever the prefix, tenant, tables, tags, rows and raw scopes, and caching stays on', async () => {
    const storage = recordingKeys(memoryStorage())
    const log = eventLog()
    const cache = createCache({ storage, prefix: longest.prefix, onEvent: log.onEvent }).withContext({ tenant: longest.tenant })
    for (const [i, name] of names.entries()) {
      // Tags follow the tag rule (at most 1024 bytes, well-formed): the longest valid one.
      const target = { tables: [name], tags: [`${'t'.repeat(1000)}${i}`], rows: [{ table: name, pk: [name, i] as const }], scopes: [name] }
      expect(await cache.wrap(`k-${i}`, async () => i, target)).toBe(i)
      expect(await cache.wrap(`k-${i}`, async () => -1, target)).toBe(i)
      await cache.invalidate(target)
      expect(await cache.wrap(`k-${i}`, async () => i + 100, target)).toBe(i + 100)
    }
    const sizes = [...storage.keys].map(byteLength)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(512)
    expect(log.of('error')).toStrictEqual([])
    expect(log.of('breaker')).toStrictEqual([])
  })

  it('distinct long names keep distinct stamps (no truncation collisions)', async () => {
    const cache = createCache({ storage: memoryStorage() })
    const a = `${'x'.repeat(300)}a`
    const b = `${'x'.repeat(300)}b`
    const tableA = fakeTable('a1')
    const tableB = fakeTable('b1')
    await cache.wrap('a', tableA.load, { tables: [a] })
    await cache.wrap('b', tableB.load, { tables: [b] })
    tableA.write('a2')
    await cache.invalidate({ tables: [a] })
    expect(await cache.wrap('a', tableA.load, { tables: [a] })).toBe('a2')
    expect(await cache.wrap('b', tableB.load, { tables: [b] })).toBe('b1')
    expect(tableB.loads).toBe(1)
  })

  it('a prefix that cannot fit a storage key limit fails at construction, naming the option', () => {
    const small: Storage = { ...memoryStorage(), capabilities: { ...memoryStorage().capabilities, maxKeyBytes: 256 } }
    expect(() => createCache({ storage: small })).toThrow(/prefix/)
    expect(() => createCache({ storage: memoryStorage(), prefix: 'a:b' })).toThrow(/`prefix`/)
  })
})

describe('malformed scope targets', () => {
  it('are refused with a message naming the field, and a read with one still answers', async () => {
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage(), onEvent: log.onEvent })
    await expect(cache.invalidate({ tables: 'posts' as unknown as string[] })).rejects.toThrow(/`tables` must be an array/)
    // A malformed target is a programming error: it fails at the call, before the loader runs.
    let loads = 0
    await expect(cache.wrap('k', async () => ++loads, { tags: [1] as unknown as string[] })).rejects.toThrow(/`tags\[0\]` must be/)
    await expect(cache.wrap('k', async () => ++loads, { rows: [{ table: 'posts' }] as never })).rejects.toThrow(/`rows` must be/)
    expect(loads).toBe(0)
    expect(log.of('error')).toStrictEqual([])
  })
})
