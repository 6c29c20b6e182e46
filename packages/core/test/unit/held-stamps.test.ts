// Issue 18: a stamp raised to this isolate's own bump is never recorded before the store holds it.
import { describe, expect, it } from 'vitest'
import { memoryVersions } from '../../src/memory-versions'
import { memoryStorage } from '../../src/memory-storage'
import { storageVersions } from '../../src/storage-versions'
import { trustedVersions } from '../../src/trusted-versions'
import { manualClock } from '../../src/testing'

const scopes = [':table:posts']

describe('StampReading.held: what the store holds, beside the stamp this isolate reads by', () => {
  it('trusted stamps: a bump made here is read at once, and held only once the inner store answered with it', async () => {
    const clock = manualClock()
    const store = trustedVersions(memoryVersions({ now: clock.now }), 5, clock.now)
    const stamp = await store.bump(scopes)
    const mine = await store.read(scopes)
    expect([...mine]).toStrictEqual([stamp])
    expect(mine.held).not.toStrictEqual([stamp])
    clock.advanceSeconds(6)
    const later = await store.read(scopes)
    expect([...later]).toStrictEqual([stamp])
    expect(later.held).toStrictEqual([stamp])
  })

  it('stamps in storage: held while a write waits out the per-key interval is what storage has, then the landed stamp', async () => {
    // A per-key write interval, as KV's one write per second: the second bump's write waits it out.
    const memory = memoryStorage()
    const storage = { ...memory, capabilities: { ...memory.capabilities, minWriteIntervalMs: 200 } }
    const versions = storageVersions({ storage })
    const first = await versions.bump(scopes)
    // In the background, as for a request with `waitUntil` (without one, the bump waits for its write).
    const second = await versions.bump(scopes, { waitUntil: () => undefined })
    const pending = await versions.read(scopes)
    expect([...pending]).toStrictEqual([second])
    expect(pending.held).toStrictEqual([first])
    await versions.settle?.()
    const landed = await versions.read(scopes)
    // The write waited, so it went out with a stamp minted then: at least the bump's.
    const held = landed.held ?? []
    expect((held[0] as string) >= second).toBe(true)
    expect([...landed]).toStrictEqual([...held])
  })

  it('without waitUntil, a bump that must wait out the per-key interval resolves once its stamp is in storage', async () => {
    const memory = memoryStorage()
    const storage = { ...memory, capabilities: { ...memory.capabilities, minWriteIntervalMs: 200 } }
    const versions = storageVersions({ storage })
    await versions.bump(scopes)
    const second = await versions.bump(scopes)
    expect(((await versions.read(scopes)).held?.[0] as string) >= second).toBe(true)
  })
})
