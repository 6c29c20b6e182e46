import { isKvCacheError } from '@kvcache/core'
import { describe, expect, it } from 'vitest'
import { shapeOf, ttlSecondsOf } from '../../src'

describe('shapeOf', () => {
  const cases: [string, string, string[], string[]][] = [
    ['select "id" from "posts" where "posts"."id" = ?', 'read', ['posts'], []],
    ['select * from posts p, users u where p.author_id = u.id', 'read', ['posts', 'users'], []],
    ['select * from "a" inner join "b" on "a"."id" = "b"."a_id" left join "C" on true', 'read', ['a', 'b', 'c'], []],
    ['select * from "posts" where "author_id" in (select "id" from "users")', 'read', ['posts', 'users'], []],
    ['(select "name" from "users") union (select "body" from "comments")', 'read', ['users', 'comments'], []],
    ['with "hot" as (select * from "posts") select * from "hot"', 'read', ['posts'], []],
    ['select * from "app"."accounts"', 'read', ['app.accounts'], []],
    ['select * from "public"."accounts"', 'read', ['accounts'], []],
    ['select \'from secret\' as x from "t" -- from hidden', 'read', ['t'], []],
    ['insert into "posts" ("id") values (?)', 'write', [], ['posts']],
    ['insert or replace into posts (id) select id from drafts', 'write', ['drafts'], ['posts']],
    ['update "posts" set "title" = ? where "posts"."id" = ?', 'write', [], ['posts']],
    ['delete from "comments" where "post_id" in (select "id" from "posts")', 'write', ['comments', 'posts'], ['comments']],
    ['with x as (delete from "a" returning *) insert into "b" select * from x', 'write', ['a'], ['a', 'b']],
    ['truncate table "a", "b"', 'write', [], ['a', 'b']],
    ['vacuum', 'unknown', [], []],
  ]
  for (const [sql, kind, reads, writes] of cases) {
    it(sql, () => {
      const shape = shapeOf(sql)
      expect(shape.kind).toBe(kind)
      expect([...shape.reads].sort()).toStrictEqual([...reads].sort())
      expect([...shape.writes].sort()).toStrictEqual([...writes].sort())
    })
  }

  it('recognises transaction control', () => {
    expect(shapeOf('begin').control).toBe('begin')
    expect(shapeOf('COMMIT').control).toBe('commit')
    expect(shapeOf('rollback').control).toBe('rollback')
    expect(shapeOf('rollback to savepoint sp1').control).toBe('savepoint')
  })
})

describe('ttlSecondsOf ($withCache config)', () => {
  const now = 1_800_000_000_000
  it('reads ex, px, exat and pxat', () => {
    expect(ttlSecondsOf({ ex: 90 }, now)).toBe(90)
    expect(ttlSecondsOf({ px: 1500 }, now)).toBe(1.5)
    expect(ttlSecondsOf({ exat: now / 1000 + 30 }, now)).toBe(30)
    expect(ttlSecondsOf({ pxat: now + 2500 }, now)).toBe(2.5)
    expect(ttlSecondsOf({}, now)).toBeUndefined()
    expect(ttlSecondsOf({ keepTtl: true }, now)).toBeUndefined()
    expect(ttlSecondsOf(undefined, now)).toBeUndefined()
  })
  it('gives 0 (do not store) for a moment already past', () => {
    expect(ttlSecondsOf({ exat: now / 1000 - 1 }, now)).toBe(0)
    expect(ttlSecondsOf({ pxat: now }, now)).toBe(0)
  })
  it.each([
    [{ ex: -5 }, 'INVALID_OPTION', /`config\.ex` must be a finite number of seconds > 0, got -5/],
    [{ ex: 0 }, 'INVALID_OPTION', /`config\.ex`/],
    [{ ex: Number.NaN }, 'INVALID_OPTION', /`config\.ex`/],
    [{ ex: '60' }, 'INVALID_OPTION', /`config\.ex`/],
    [{ px: 0 }, 'INVALID_OPTION', /`config\.px` must be a finite number of milliseconds > 0/],
    [{ exat: Number.NaN }, 'INVALID_OPTION', /`config\.exat` must be a finite unix time in seconds/],
    [{ pxat: null }, 'INVALID_OPTION', /`config\.pxat`/],
    [{ ex: 1, exat: now / 1000 + 5 }, 'INVALID_OPTION', /`config\.ex`, `config\.exat`/],
    [{ ttl: 60 }, 'UNKNOWN_OPTION', /Unknown option `ttl`/],
    [{ EX: 60 }, 'UNKNOWN_OPTION', /Did you mean `ex`\?/],
    [{ keepTTL: true }, 'UNKNOWN_OPTION', /Did you mean `keepTtl`\?/],
    ['60', 'INVALID_OPTION', /`config` of \$withCache must be an object/],
    // Shown the way every option message shows a value (read-options' describeValue).
    [[60], 'INVALID_OPTION', /`config` of \$withCache must be an object like \{ ex: 60 \}, got an array\./],
    [{ px: [10] }, 'INVALID_OPTION', /`config\.px` must be a finite number of milliseconds > 0, got an array\./],
  ])('%j fails with %s', (config, code, message) => {
    let error: unknown
    try {
      ttlSecondsOf(config as never, now)
    } catch (caught) {
      error = caught
    }
    expect(isKvCacheError(error, code as never)).toBe(true)
    expect((error as Error).message).toMatch(message)
  })
})
