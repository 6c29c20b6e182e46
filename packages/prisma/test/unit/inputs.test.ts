import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { MAX_TAGS } from '@kvcache/core/binding'
import { describe, expect, it } from 'vitest'
import { normalizeArgs } from '../../src/material'
import { rawStatement } from '../../src/raw'
import { cachesNothingByMistake, resolveStrategy } from '../../src/strategy'

describe('cacheStrategy', () => {
  it.each([
    [{ ttl: 60 }, { read: { ttlSeconds: 60, swrSeconds: 0, tags: [] }, autoInvalidate: true }],
    [
      { ttl: 60, swr: 30, tags: ['b', 'a', 'b'] },
      { read: { ttlSeconds: 60, swrSeconds: 30, tags: ['a', 'b'] }, autoInvalidate: true },
    ],
    [{ swr: 30 }, { read: { ttlSeconds: 0.001, swrSeconds: 30, tags: [] }, autoInvalidate: true }],
    [
      { ttl: 1.5, autoInvalidate: false },
      { read: { ttlSeconds: 1.5, swrSeconds: 0, tags: [] }, autoInvalidate: false },
    ],
  ])('resolves %j', (input, expected) => {
    expect(resolveStrategy(input)).toEqual(expected)
  })
  it.each([undefined, {}, { tags: ['a'] }, { ttl: 0 }, { ttl: 0, swr: 0 }])('does not cache %j (Accelerate sends no-cache)', (input) => {
    expect(resolveStrategy(input)).toBeUndefined()
  })
  it('says which no-cache strategies look like mistakes: neither ttl nor swr given', () => {
    expect([{}, { tags: ['a'] }, { autoInvalidate: false }].map(cachesNothingByMistake)).toEqual([true, true, true])
    expect([undefined, { ttl: 0 }, { swr: 0 }, { ttl: 60 }].map(cachesNothingByMistake)).toEqual([false, false, false, false])
  })
  it(`allows ${MAX_TAGS} tags of 1024 bytes, Accelerate's and any other well-formed ones`, () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => `${i} é`.padEnd(1022, '_'))
    expect(resolveStrategy({ ttl: 1, tags })?.read.tags).toHaveLength(MAX_TAGS)
  })
  it('names the field in messages, and the caller may add names (`$cache.queryRaw` takes `models`)', () => {
    expect(() => resolveStrategy({ ttl: 1, models: [] })).toThrow(/Unknown option `cacheStrategy.models`/)
    expect(resolveStrategy({ ttl: 1, models: [] }, { field: 'queryRaw', extra: ['models'] })?.read.ttlSeconds).toBe(1)
    expect(() => resolveStrategy({ ttl: -1 }, { field: 'queryRaw' })).toThrow(/`queryRaw.ttl`/)
    let error: unknown
    try {
      resolveStrategy({ swrSeconds: 1 })
    } catch (caught) {
      error = caught
    }
    expect(isKvCacheError(error, 'UNKNOWN_OPTION')).toBe(true)
    expect(String(error)).toContain('Did you mean `cacheStrategy.swr`?')
  })
})

describe('hostile args', () => {
  it('any string (lone surrogates, 1 MB) is material: different strings are different entries', async () => {
    const cache = createCache({ storage: memoryStorage() })
    let loads = 0
    const read = (where: object) => cache.query({ material: normalizeArgs({ where }), scopes: [] }, () => ++loads)
    await read({ name: '\uD800x\uDFFF' })
    await read({ name: 'x'.repeat(1 << 20) })
    await read({ name: '\uD800y\uDFFF' })
    expect(loads).toBe(3)
    await read({ name: '\uD800x\uDFFF' })
    expect(loads).toBe(3)
  })
  it('Decimal-shaped values and Prisma null sentinels become plain material', () => {
    const decimal = { d: [1, 5], e: 0, s: 1, toFixed: () => '1.5' }
    const dbNull = Object.create({ _getName: () => 'DbNull' })
    expect(normalizeArgs({ price: decimal, meta: dbNull })).toEqual({ price: { $decimal: '1.5' }, meta: { $prisma: 'DbNull' } })
  })
})

describe('raw SQL', () => {
  it("reads the text and values of template, Sql and unsafe args with the dialect's placeholders", () => {
    expect(rawStatement({ strings: ['SELECT ', ' FROM t WHERE a = ', ''], values: [1, 2] }, 'postgres')).toEqual({
      sql: 'SELECT $1 FROM t WHERE a = $2',
      params: [1, 2],
      dialect: 'postgres',
    })
    expect(rawStatement({ strings: ['SELECT ', ' FROM t'], values: [1] }, 'sqlite')).toEqual({ sql: 'SELECT ? FROM t', params: [1], dialect: 'sqlite' })
    expect(rawStatement(['DELETE FROM t WHERE id = $1', 1], 'postgres')).toEqual({ sql: 'DELETE FROM t WHERE id = $1', params: [1], dialect: 'postgres' })
    expect(rawStatement({ sql: 'SELECT 1', values: [] }, undefined)).toEqual({ sql: 'SELECT 1', params: [] })
    expect(rawStatement(42, 'postgres')).toBeUndefined()
  })
})
