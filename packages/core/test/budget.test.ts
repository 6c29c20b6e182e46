// Issue 19: cost caps and admission. Filling stops (first for new entries, then for all) as a cap
// fills up; hits are still served and writes still invalidate, so a cap never makes a read stale.
import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage, type CacheEvent, type CacheOptions } from '../src'
import { tableScope } from '../src/layout'
import { manualClock } from './helpers'

function setup(options: Partial<CacheOptions>) {
  const clock = manualClock(Date.UTC(2026, 11, 6, 12, 0, 0))
  const events: CacheEvent[] = []
  // Stamps live in the same storage (the default): their bumps are storage writes, as on KV.
  const cache = createCache({ storage: memoryStorage({ now: clock.now }), now: clock.now, onEvent: (event) => events.push(event), ...options })
  const db = new Map<string, string>()
  const read = (id: string) => cache.query({ material: ['post', id], scopes: [tableScope(`posts_${id}`)] }, async () => db.get(id) ?? 'none')
  const write = async (id: string, value: string) => {
    db.set(id, value)
    await cache.invalidate({ tables: [`posts_${id}`] })
  }
  const skips = () =>
    events.filter((event): event is Extract<CacheEvent, { type: 'skip' }> => event.type === 'skip').map((event) => [event.reason, event.detail])
  const last = () => events.filter((event) => event.type === 'hit' || event.type === 'miss').at(-1)?.type
  return { cache, clock, events, db, read, write, skips, last }
}

describe('admission', () => {
  it('stores a query only once it has missed `minMisses` times within the window', async () => {
    const { read, db, skips, last, clock } = setup({ admission: { minMisses: 2, windowSeconds: 60 } })
    db.set('1', 'v1')
    await read('1')
    expect(skips()).toStrictEqual([['not-admitted', 'missed 1 of 2 times within 60 s in this isolate (admission.minMisses)']])
    clock.advanceSeconds(2)
    await read('1')
    expect(last()).toBe('miss')
    await read('1')
    expect(last()).toBe('hit')

    // Misses further apart than the window never add up.
    db.set('2', 'v2')
    await read('2')
    clock.advanceSeconds(61)
    await read('2')
    clock.advanceSeconds(61)
    await read('2')
    expect(last()).toBe('miss')
    expect(skips().filter(([reason]) => reason === 'not-admitted')).toHaveLength(4)
  })
})

describe('budget.writesPerMinute', () => {
  it('past 90 %, only entries stored before are stored again; at 100 %, none; hits are served and writes still invalidate; the next minute resets it', async () => {
    const { read, write, db, skips, last, clock } = setup({ budget: { writesPerMinute: 10 } })
    for (const id of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
      db.set(id, `v${id}`)
      await read(id)
    }
    expect(skips()).toStrictEqual([])
    // 9 writes of 10: a new entry is refused, naming the cap.
    db.set('10', 'v10')
    await read('10')
    expect(skips().at(-1)).toStrictEqual(['budget', 'budget.writesPerMinute is 90 % used: only entries stored before are stored again'])
    // A write (a stamp bump: the 10th write) still invalidates, and the read after it is fresh.
    clock.advanceSeconds(1)
    await write('1', 'v1 edited')
    expect(await read('1')).toBe('v1 edited')
    expect(skips().at(-1)?.[0]).toBe('budget')
    expect(skips().at(-1)?.[1]).toMatch(/^budget\.writesPerMinute reached/)
    // Hits are still served.
    expect(await read('2')).toBe('v2')
    expect(last()).toBe('hit')

    clock.advanceSeconds(60)
    expect(await read('1')).toBe('v1 edited')
    expect(await read('1')).toBe('v1 edited')
    expect(last()).toBe('hit')
  })
})

describe('budget.monthlyUsd', () => {
  it('fed by what the account spent (`spentUsd`): 90 % stops new entries, 100 % stops all fills, invalidation never stops', async () => {
    let spent = 9.5
    const { read, write, db, skips, last, clock } = setup({ budget: { monthlyUsd: 10, spentUsd: () => spent } })
    db.set('1', 'v1')
    await read('1')
    expect(skips().at(-1)).toStrictEqual(['budget', 'budget.monthlyUsd is 95 % used: only entries stored before are stored again'])
    spent = 1
    clock.advanceSeconds(61) // read at most once a minute
    await read('1')
    await read('1')
    expect(last()).toBe('hit')
    spent = 12
    clock.advanceSeconds(61)
    await write('1', 'v1 edited')
    expect(await read('1')).toBe('v1 edited')
    expect(skips().at(-1)?.[1]).toMatch(/^budget\.monthlyUsd reached/)
    expect(await read('1')).toBe('v1 edited')
    expect(last()).toBe('miss')
  })

  it('a spentUsd that throws keeps the last figure and never fails a read', async () => {
    const { read, db } = setup({
      budget: {
        monthlyUsd: 10,
        spentUsd: () => {
          throw new Error('analytics down')
        },
      },
    })
    db.set('1', 'v1')
    expect(await read('1')).toBe('v1')
    expect(await read('1')).toBe('v1')
  })
})

describe('options', () => {
  it.each([
    [{ budget: { writesPerMinute: -1 } }, 'budget.writesPerMinute'],
    [{ budget: { writesPerDay: Number.NaN } }, 'budget.writesPerDay'],
    [{ budget: { monthlyUSD: 5 } }, 'budget.monthlyUsd'],
    [{ budget: { spentUsd: 5 } }, 'budget.spentUsd'],
    [{ budget: 'cheap' }, 'budget'],
    [{ admission: { minMisses: 0 } }, 'admission.minMisses'],
    [{ admission: { minMisses: 1.5 } }, 'admission.minMisses'],
    [{ admission: { minMisses: 2, window: 60 } }, 'admission.windowSeconds'],
  ])('%j fails at construction naming %s', (options, named) => {
    let caught: unknown
    try {
      createCache({ storage: memoryStorage(), ...(options as object) })
    } catch (error) {
      caught = error
    }
    expect(isKvCacheError(caught)).toBe(true)
    expect(String(caught)).toContain(named)
  })
})
