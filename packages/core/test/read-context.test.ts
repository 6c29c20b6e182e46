import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage, memoryVersions, type ReadContext, type VersionStore } from '../src'
import { fakeTable } from './helpers'

/** Memory stamps that record the context of every call, as a store that memoizes per request sees it. */
function recordingVersions() {
  const inner = memoryVersions()
  const reads: (Map<string, unknown> | undefined)[] = []
  const bumps: (Map<string, unknown> | undefined)[] = []
  const store: VersionStore = {
    name: 'recording',
    read(scopes, context?: ReadContext) {
      reads.push(context?.memo)
      return inner.read(scopes)
    },
    bump(scopes, context) {
      bumps.push(context?.memo)
      return inner.bump(scopes, context)
    },
  }
  return { store, reads, bumps }
}

describe('the read context a request view hands its version store', () => {
  it('is one memo per withContext view, shared by its reads and bumps, absent on the root cache', async () => {
    const { store, reads, bumps } = recordingVersions()
    const cache = createCache({ storage: memoryStorage(), versions: store })
    const table = fakeTable({ title: 'first' })

    await cache.wrap('post', table.load, { tables: ['posts'] })
    expect(reads).toStrictEqual([undefined])

    const requestA = cache.withContext({})
    await requestA.wrap('post', table.load, { tables: ['posts'] })
    table.write({ title: 'second' })
    await requestA.invalidate({ tables: ['posts'] })
    expect(await requestA.wrap('post', table.load, { tables: ['posts'] })).toStrictEqual({ title: 'second' })

    const memoA = reads[1]
    expect(memoA).toBeInstanceOf(Map)
    expect(reads[2]).toBe(memoA)
    expect(bumps).toStrictEqual([memoA])

    const requestB = cache.withContext({ tenant: 'acme' })
    await requestB.wrap('post', table.load, { tables: ['posts'] })
    expect(reads[3]).toBeInstanceOf(Map)
    expect(reads[3]).not.toBe(memoA)
  })

  it('reaches the inner store through stampTrustSeconds', async () => {
    const { store, reads } = recordingVersions()
    const cache = createCache({ storage: memoryStorage(), versions: store, stampTrustSeconds: 5 })
    const table = fakeTable({ n: 1 })
    const request = cache.withContext({})
    expect(await request.wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 1 })
    table.write({ n: 2 })
    await request.invalidate({ tags: ['t'] })
    expect(await request.wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 2 })
    expect(reads.length).toBeGreaterThan(0)
    expect(reads[0]).toBeInstanceOf(Map)
  })
})
