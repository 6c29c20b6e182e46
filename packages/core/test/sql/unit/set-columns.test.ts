// The SET-column extraction behind field-aware invalidation: every spelling it must read exactly,
// and every one it must refuse (a refused statement changes every column, so it always invalidates).
import { describe, expect, it } from 'vitest'
import { describeSql, updateColumnsOf, type Dialect } from '../../../src/sql'

const READS: [string, Dialect | undefined, string, string[]][] = [
  // [sql, dialect, table, columns]
  ['update posts set views = views + 1 where id = ?', 'sqlite', 'posts', ['views']],
  ['UPDATE "posts" SET "view_count" = ? WHERE "posts"."id" = ?', 'sqlite', 'posts', ['view_count']],
  ['update `posts` set `viewCount` = ?', 'sqlite', 'posts', ['viewCount']],
  ['update [posts] set [view_count] = 1', 'sqlite', 'posts', ['view_count']],
  ['UPDATE "Post" SET "viewCount" = "viewCount" + 1 WHERE id = $1', 'postgres', 'post', ['viewCount']],
  // PostgreSQL folds unquoted names; quoted ones keep their case.
  ['UPDATE posts SET View_Count = 1, "Title" = $1', 'postgres', 'posts', ['view_count', 'Title']],
  ['update "app"."posts" set "views" = $1', 'postgres', 'app.posts', ['views']],
  ['update public.posts set views = 1', 'postgres', 'posts', ['views']],
  ['update only posts set views = 1', 'postgres', 'posts', ['views']],
  ['update posts * set views = 1', 'postgres', 'posts', ['views']],
  ['update posts as p set views = p.views + 1 where p.id = $1', 'postgres', 'posts', ['views']],
  ['update posts p set views = 1', 'postgres', 'posts', ['views']],
  ['update or ignore posts set views = 1', 'sqlite', 'posts', ['views']],
  ['UPDATE OR REPLACE posts SET title = ?', 'sqlite', 'posts', ['title']],
  ['update posts set views = 1, title = ? returning *', 'sqlite', 'posts', ['views', 'title']],
  ['update posts set views = v.n from (select 1 as n) as v where posts.id = v.n', 'postgres', 'posts', ['views']],
  ['update posts set views = s.n from stats s where s.id = posts.id returning posts.id', 'postgres', 'posts', ['views']],
  // Row-value assignments (SQLite 3.15+, PostgreSQL).
  ['update posts set (views, title) = (1, ?) where id = ?', 'sqlite', 'posts', ['views', 'title']],
  ['update posts set (views) = (select count(*) from comments where post_id = posts.id)', 'postgres', 'posts', ['views']],
  // Values with commas, FROM and WHERE inside parentheses, CASE, casts, DEFAULT.
  ['update posts set views = coalesce(views, 0) + 1, title = substring(title from 1 for 3) where id = $1', 'postgres', 'posts', ['views', 'title']],
  ['update posts set views = (select max(n) from stats where stats.id = posts.id)', 'sqlite', 'posts', ['views']],
  ['update posts set views = case when views > 10 then 0 else views + 1 end, title = default', 'postgres', 'posts', ['views', 'title']],
  ['update posts set views = $1::int, title = $2', 'postgres', 'posts', ['views', 'title']],
  // `is distinct from` is not the FROM clause: the assignment after it is still read.
  ['update posts set flag = views is distinct from $1, title = $2', 'postgres', 'posts', ['flag', 'title']],
  ['update posts set flag = views is not distinct from ?, title = ?', 'sqlite', 'posts', ['flag', 'title']],
  // SQLite's UPDATE ... ORDER BY ... LIMIT.
  ['update posts set views = 0 order by id limit 5', 'sqlite', 'posts', ['views']],
  ['update posts set views = 0 limit 5', 'sqlite', 'posts', ['views']],
  ['/* hint */ update posts -- why\n set views = 1;', 'sqlite', 'posts', ['views']],
  ['update posts set views = 1, views = 2', undefined, 'posts', ['views']],
]

const REFUSED: [string, Dialect | undefined][] = [
  ['insert into posts (views) values (1)', 'sqlite'],
  ['insert into posts (id, views) values (1, 1) on conflict (id) do update set views = excluded.views', 'sqlite'],
  ['delete from posts where id = ?', 'sqlite'],
  ['replace into posts (id, views) values (1, 2)', 'sqlite'],
  ['select * from posts', 'sqlite'],
  // A CTE before the UPDATE, or two statements.
  ['with s as (select 1) update posts set views = 1', 'postgres'],
  ['update posts set views = 1; update posts set title = 2', 'sqlite'],
  // Targets it cannot name exactly: subscripts, composite fields, qualified names.
  ['update posts set tags[1] = $1', 'postgres'],
  ['update posts set address.city = $1', 'postgres'],
  ['update posts set posts.views = 1', 'sqlite'],
  ['update posts set (views, title = (1, 2)', 'sqlite'],
  // Broken text.
  ['update posts set views = , title = 1', 'sqlite'],
  ['update posts set', 'sqlite'],
  ['update posts set views = 1,', 'sqlite'],
  ['update posts indexed by idx set views = 1', 'sqlite'],
  ['update', 'sqlite'],
  ['', 'sqlite'],
]

describe('updateColumnsOf', () => {
  for (const [sql, dialect, table, columns] of READS) {
    it(`reads ${JSON.stringify(sql)}`, () => {
      expect(updateColumnsOf(sql, dialect)).toStrictEqual({ table, columns })
    })
  }
  for (const [sql, dialect] of REFUSED) {
    it(`refuses ${JSON.stringify(sql)}`, () => {
      expect(updateColumnsOf(sql, dialect)).toBeUndefined()
    })
  }
})

describe('describeSql hands the planner the assigned columns of a plain UPDATE only', () => {
  it('an UPDATE: its columns on its one write', () => {
    expect(describeSql({ sql: 'update posts set views = views + 1 where id = ?', params: [1], dialect: 'sqlite' }, undefined).writes).toStrictEqual([
      { table: 'posts', event: 'update', columns: ['views'] },
    ])
  })
  it('UPDATE OR REPLACE may delete rows: no columns', () => {
    const writes = describeSql({ sql: 'update or replace posts set views = 1', dialect: 'sqlite' }, undefined).writes ?? []
    expect(writes.map((write) => write.event)).toStrictEqual(['update', 'delete'])
    expect(writes.some((write) => write.columns)).toBe(false)
  })
  it('an upsert, and a data-modifying CTE writing two tables: no columns', () => {
    const upsert = describeSql({ sql: 'insert into posts (id, views) values (1, 1) on conflict (id) do update set views = 2', dialect: 'sqlite' }, undefined)
    expect(upsert.writes?.some((write) => write.columns)).toBe(false)
    const cte = describeSql({ sql: 'with d as (delete from comments returning post_id) update posts set views = 0', dialect: 'postgres' }, undefined)
    expect(cte.writes?.some((write) => write.columns)).toBe(false)
  })
})
