import { describe, expect, it } from 'vitest'
import { memoryStorage, noopStorage } from '../src'
import { storageConformance } from '../src/testing'
import { manualClock } from './helpers'

storageConformance({ name: 'memory', create: () => memoryStorage() })

describe('memoryStorage', () => {
  it('expires keys physically after ttlSeconds', async () => {
    const clock = manualClock()
    const storage = memoryStorage({ now: clock.now })
    await storage.set('k', 'v', { ttlSeconds: 5 })
    clock.advanceSeconds(4)
    expect(await storage.get('k')).toBe('v')
    clock.advanceSeconds(2)
    expect(await storage.get('k')).toBeNull()
  })

  it('evicts least recently used keys beyond maxEntries and then declares itself not durable', async () => {
    const storage = memoryStorage({ maxEntries: 2 })
    await storage.set('a', '1')
    await storage.set('b', '2')
    await storage.get('a')
    await storage.set('c', '3')
    expect(await storage.get('b')).toBeNull()
    expect(await storage.get('a')).toBe('1')
    expect(storage.capabilities.durable).toBe(false)
  })

  it('noopStorage stores nothing', async () => {
    const storage = noopStorage()
    await storage.set('k', 'v')
    expect(await storage.get('k')).toBeNull()
  })
})
