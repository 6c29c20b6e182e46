import { describe, expect, it } from 'vitest'
import { resolveBindingOptions } from '../../src/binding/binding-options'
import { isKvCacheError } from '../../src/errors'
import { assertKnownOptions, nearestOption } from '../../src/options'
import { resolveReadOptions } from '../../src/read-options'
import { thrown } from '../helpers'

describe('option names', () => {
  it("names the nearest valid option: typos, case, and other caches' names", () => {
    const known = ['ttlSeconds', 'swrSeconds', 'tables', 'tags', 'rows', 'scopes']
    expect(nearestOption('table', known)).toBe('tables')
    expect(nearestOption('ttl', known)).toBe('ttlSeconds')
    expect(nearestOption('swr', known)).toBe('swrSeconds')
    expect(nearestOption('ttlseconds', known)).toBe('ttlSeconds')
    expect(nearestOption('tsgs', known)).toBe('tags')
    expect(nearestOption('completelyDifferent', known)).toBeUndefined()
    // Accelerate's names known, ours written (Prisma's cacheStrategy).
    expect(nearestOption('ttlSeconds', ['ttl', 'swr', 'tags'])).toBe('ttl')
    expect(thrown(() => assertKnownOptions('prisma', { ttlSeconds: 1 }, ['ttl', 'swr'], { field: 'cacheStrategy' })).message).toContain(
      'Unknown option `cacheStrategy.ttlSeconds`. Did you mean `cacheStrategy.ttl`?',
    )
    const error = thrown(() => assertKnownOptions('core', { table: ['posts'] }, known))
    expect(isKvCacheError(error, 'UNKNOWN_OPTION')).toBe(true)
    expect(error.message).toContain('Did you mean `tables`?')
  })

  it('survives hostile names', () => {
    const error = thrown(() => assertKnownOptions('core', { ['\ud800'.repeat(200)]: 1 }, ['tags']))
    expect(isKvCacheError(error, 'UNKNOWN_OPTION')).toBe(true)
    expect(error.message.length).toBeLessThan(500)
  })
})

describe('read options (one rule for every binding)', () => {
  it('resolves and sorts tags, keeps lifetimes', () => {
    expect(resolveReadOptions('x', { ttlSeconds: 5, swrSeconds: 0, staleIfErrorSeconds: 600, tags: ['b', 'a', 'b', 'user:42', 'a@b.c'] })).toStrictEqual({
      ttlSeconds: 5,
      swrSeconds: 0,
      staleIfErrorSeconds: 600,
      tags: ['a', 'a@b.c', 'b', 'user:42'],
    })
    expect(resolveReadOptions('x', undefined)).toStrictEqual({ ttlSeconds: undefined, swrSeconds: undefined, tags: [] })
    expect(resolveReadOptions('x', {})).toStrictEqual({ ttlSeconds: undefined, swrSeconds: undefined, staleIfErrorSeconds: undefined, tags: [] })
  })

  it('fails fast naming the option', () => {
    const cases: [unknown, string][] = [
      [{ ttl: 60 }, 'ttlSeconds'],
      [{ ttlSeconds: 0 }, 'ttlSeconds'],
      [{ ttlSeconds: -5 }, 'ttlSeconds'],
      [{ ttlSeconds: Number.POSITIVE_INFINITY }, 'ttlSeconds'],
      [{ ttlSeconds: '60' }, 'ttlSeconds'],
      [{ swrSeconds: -1 }, 'swrSeconds'],
      [{ staleIfErrorSeconds: -1 }, 'staleIfErrorSeconds'],
      [{ staleIfErrorSeconds: Number.NaN }, 'staleIfErrorSeconds'],
      [{ staleIfError: 60 }, 'staleIfErrorSeconds'],
      [{ tags: 'posts' }, 'tags'],
      [{ tags: [''] }, 'tags[0]'],
      [{ tags: ['*'] }, 'tags[0]'],
      [{ tags: ['a\u0000'] }, 'tags[0]'],
      [{ tags: ['\ud800'] }, 'tags[0]'],
      [{ tags: ['x'.repeat(1025)] }, 'tags[0]'],
      [{ tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }, 'tags'],
      ['60', 'Options'],
    ]
    for (const [options, named] of cases) {
      const error = thrown(() => resolveReadOptions('kysely', options))
      expect(isKvCacheError(error), JSON.stringify(options)).toBe(true)
      expect(error.message, JSON.stringify(options)).toContain(named)
    }
  })
})

describe('binding options', () => {
  it('resolves the shared options with defaults', () => {
    expect(resolveBindingOptions('drizzle', {}, [])).toStrictEqual({
      strategy: 'explicit',
      database: undefined,
      ttlSeconds: undefined,
      swrSeconds: undefined,
      staleIfErrorSeconds: undefined,
      sourceLagSeconds: undefined,
      fieldTracking: undefined,
    })
    expect(
      resolveBindingOptions(
        'drizzle',
        { strategy: 'all', database: 'main', ttlSeconds: 30, swrSeconds: 5, staleIfErrorSeconds: 600, sourceLagSeconds: 0, schema: {} },
        ['schema'],
      ),
    ).toStrictEqual({
      strategy: 'all',
      database: 'main',
      ttlSeconds: 30,
      swrSeconds: 5,
      staleIfErrorSeconds: 600,
      sourceLagSeconds: 0,
      fieldTracking: undefined,
    })
  })

  it('rejects what every binding rejects, naming the option and the binding', () => {
    for (const [options, named] of [
      [{ strategy: 'everything' }, 'strategy'],
      [{ database: '' }, 'database'],
      [{ database: 5 }, 'database'],
      [{ ttlSeconds: 0 }, 'ttlSeconds'],
      [{ swr: 5 }, 'swrSeconds'],
      [{ sourceLagSeconds: -1 }, 'sourceLagSeconds'],
      [{ sourceLag: 60 }, 'sourceLagSeconds'],
      [{ databse: 'x' }, 'database'],
    ] as const) {
      const error = thrown(() => resolveBindingOptions('kysely', options, []))
      expect(error.message).toContain('[kysely]')
      expect(error.message).toContain(named)
    }
  })
})
