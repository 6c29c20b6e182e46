import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { createStampClock, isStamp, latestStampAt, UNKNOWN_STAMP, ZERO_STAMP } from '@kvcache/core/storage'
import { describe, expect, it } from 'vitest'
import { MAX_SCOPES_PER_CALL } from '../src'
import { unique } from './helpers'

const objectNamed = (name: string) => env.KVCACHE_COORDINATOR.getByName(name)

describe('KvCacheCoordinator (a real SQLite-backed Durable Object)', () => {
  it('reads a never-bumped scope as the birth stamp of its object, never as zero', async () => {
    const stub = objectNamed(unique('birth'))
    const [a, b] = await stub.read([':table:posts', ':tag:x'])
    expect(isStamp(a)).toBe(true)
    expect(a).not.toBe(ZERO_STAMP)
    expect(b).toBe(a)
    expect(await stub.read([':table:posts'])).toStrictEqual([a])
  })

  it('mints strictly increasing stamps per scope, one stamp for every scope of a bump', async () => {
    const stub = objectNamed(unique('monotonic'))
    const seen: string[] = []
    for (let i = 0; i < 30; i++) {
      const stamp = await stub.bump([':table:posts', ':row:posts:n1'])
      seen.push(stamp)
      expect(await stub.read([':table:posts', ':row:posts:n1'])).toStrictEqual([stamp, stamp])
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect([...seen].sort()).toStrictEqual(seen)
  })

  it('takes a proposed stamp only when it moves every scope forward and is plausible', async () => {
    const stub = objectNamed(unique('proposal'))
    const clock = createStampClock(() => Date.now() + 5_000)
    const ahead = clock.next()
    expect(await stub.bump([':table:a'], ahead)).toBe(ahead)

    // Lower than what `table:a` holds: the object mints its own, above it.
    const behind = createStampClock(() => Date.now() - 60_000).next()
    const minted = await stub.bump([':table:a', ':table:b'], behind)
    expect(minted > ahead).toBe(true)

    // Further ahead than clocks drift (a forged or broken client): ignored.
    const future = latestStampAt(Date.now() + 3_600_000)
    const own = await stub.bump([':table:a'], future)
    expect(own).not.toBe(future)
    expect(own > minted).toBe(true)
    expect(await stub.read([':table:a', ':table:b'])).toStrictEqual([own, minted])
  })

  it('handles many concurrent bumps from many stubs without losing or repeating one', async () => {
    const name = unique('concurrent')
    const stamps = await Promise.all(Array.from({ length: 60 }, (_, i) => objectNamed(name).bump([':table:hot', `:row:hot:n${i % 3}`])))
    expect(new Set(stamps).size).toBe(stamps.length)
    const newest = [...stamps].sort().at(-1)
    expect(await objectNamed(name).read([':table:hot'])).toStrictEqual([newest])
  })

  it('keeps stamps when the object is evicted (reset), and bumps past them afterwards', async () => {
    const name = unique('evicted')
    const before = await objectNamed(name).bump([':table:posts'])
    await expect(runInDurableObject(objectNamed(name), (_instance, state) => state.abort('evicted by the test'))).rejects.toThrow('evicted by the test')
    const fresh = objectNamed(name)
    expect(await fresh.read([':table:posts'])).toStrictEqual([before])
    const after = await fresh.bump([':table:posts'])
    expect(after > before).toBe(true)
  })

  it('reads a damaged stored stamp as unknown, and a bump repairs it', async () => {
    const stub = objectNamed(unique('damaged'))
    await stub.bump([':table:posts'])
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE kvcache_stamps SET stamp = 'zzzz-not-a-stamp' WHERE scope = ':table:posts'")
    })
    expect(await stub.read([':table:posts'])).toStrictEqual([UNKNOWN_STAMP])
    const repaired = await stub.bump([':table:posts'])
    expect(isStamp(repaired)).toBe(true)
    expect(await stub.read([':table:posts'])).toStrictEqual([repaired])
  })

  it('rejects malformed calls with a clear error and leaves its stamps untouched', async () => {
    const stub = objectNamed(unique('malformed'))
    const good = await stub.bump([':table:posts'])
    const bad: [string, () => Promise<unknown>, RegExp][] = [
      ['not an array', () => stub.read('nope' as never), /scopes must be an array/],
      ['a number', () => stub.bump([':table:posts', 42 as never]), /scope 1 must be a string/],
      ['unqualified', () => stub.bump(['no-tenant-separator']), /tenant-qualified/],
      ['lone surrogate', () => stub.bump([':tag:\ud800']), /lone UTF-16 surrogate/],
      ['too long', () => stub.bump([`:tag:${'é'.repeat(300)}`]), /longer than 512 bytes/],
      ['too many', () => stub.read(Array.from({ length: MAX_SCOPES_PER_CALL + 1 }, (_, i) => `:tag:${i}`)), /at most 1000 scopes/],
      ['empty bump', () => stub.bump([]), /at least one scope/],
      ['proposal not a stamp', () => stub.bump([':table:posts'], { evil: true } as never), /proposed stamp is not a stamp/],
    ]
    for (const [label, call, message] of bad) {
      await expect(call(), label).rejects.toThrow(message)
    }
    expect(await stub.read([':table:posts'])).toStrictEqual([good])
    const load = await stub.load()
    expect(load.rejected).toBe(bad.length)
    expect(load.bumps).toBe(1)
  })

  it('refuses to run without SQLite storage, saying how to declare it', async () => {
    await expect(env.KV_BACKED_COORDINATOR.getByName(unique('kv-backed')).read([':table:x'])).rejects.toThrow(/new_sqlite_classes/)
  })
})
