import { hashMaterial } from '@kvcache/core/internal'
import { describe, expect, it } from 'vitest'
import { normalizeArgs } from '../../src/material'
import { isReadOnlySql, rawSqlText } from '../../src/raw'
import { MAX_TAGS, resolveStrategy } from '../../src/strategy'

describe('cacheStrategy', () => {
  it.each([
    [{ ttl: 60 }, { ttlSeconds: 60, swrSeconds: 0, tags: [], autoInvalidate: true }],
    [{ ttl: 60, swr: 30, tags: ['b', 'a', 'b'] }, { ttlSeconds: 60, swrSeconds: 30, tags: ['a', 'b'], autoInvalidate: true }],
    [{ swr: 30 }, { ttlSeconds: 0.001, swrSeconds: 30, tags: [], autoInvalidate: true }],
    [{ ttl: 60, autoInvalidate: false }, { ttlSeconds: 60, swrSeconds: 0, tags: [], autoInvalidate: false }],
  ])('resolves %j', (input, expected) => {
    expect(resolveStrategy(input)).toEqual(expected)
  })
  it.each([undefined, {}, { tags: ['a'] }, { ttl: 0 }])('does not cache %j (Accelerate sends no-cache)', (input) => {
    expect(resolveStrategy(input)).toBeUndefined()
  })
  it(`allows ${MAX_TAGS} tags of 64 characters`, () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => `${i}`.padEnd(64, '_'))
    expect(resolveStrategy({ ttl: 1, tags })?.tags).toHaveLength(MAX_TAGS)
  })
})

describe('hostile args', () => {
  it('any string (lone surrogates, 1 MB) hashes, and different strings differ', async () => {
    const odd = normalizeArgs({ where: { name: '\uD800x\uDFFF' } })
    const big = normalizeArgs({ where: { name: 'x'.repeat(1 << 20) } })
    const [a, b, c] = await Promise.all([hashMaterial(odd), hashMaterial(big), hashMaterial(normalizeArgs({ where: { name: '\uD800y\uDFFF' } }))])
    expect(a).toMatch(/^[\w-]{43}$/)
    expect(b).toMatch(/^[\w-]{43}$/)
    expect(a).not.toBe(c)
  })
  it('Decimal-shaped values and Prisma null sentinels become plain material', () => {
    const decimal = { d: [1, 5], e: 0, s: 1, toFixed: () => '1.5' }
    const dbNull = Object.create({ _getName: () => 'DbNull' })
    expect(normalizeArgs({ price: decimal, meta: dbNull })).toEqual({ price: { $decimal: '1.5' }, meta: { $prisma: 'DbNull' } })
  })
})

describe('raw SQL', () => {
  it.each([
    ['SELECT * FROM users', true],
    ['  (select 1)', true],
    ['WITH gone AS (DELETE FROM users RETURNING id) SELECT * FROM gone', false],
    ['SELECT * INTO copy FROM users', false],
    ['UPDATE users SET name = 1', false],
    ['select nextval(\'s\')', false],
  ])('%s is read-only: %s', (sql, expected) => {
    expect(isReadOnlySql(sql)).toBe(expected)
  })
  it('reads the text of template, Sql and unsafe args', () => {
    expect(rawSqlText({ strings: ['SELECT ', ' FROM t'], values: [1] })).toBe('SELECT ? FROM t')
    expect(rawSqlText(['DELETE FROM t WHERE id = $1', 1])).toBe('DELETE FROM t WHERE id = $1')
    expect(rawSqlText(42)).toBeUndefined()
  })
})
