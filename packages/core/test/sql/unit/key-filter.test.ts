import { describe, expect, it } from 'vitest'
import { assignsColumns, keyFilterOf, type Dialect } from '../../../src/sql'

type Case = readonly [sql: string, table: string, key: string[], rows: number[][] | undefined, dialect?: Dialect]

const cases: Case[] = [
  // One key column.
  ['select * from "posts" where "posts"."id" = ?', 'posts', ['id'], [[0]]],
  ['select * from "posts" where "posts"."id" = ? limit ?', 'posts', ['id'], [[0]]],
  ['select * from posts where ? = id', 'posts', ['id'], [[0]]],
  ['select * from posts where id == ?', 'posts', ['id'], [[0]], 'sqlite'],
  ['select * from posts p where p.id = $1', 'posts', ['id'], [[0]], 'postgres'],
  ['select * from "app"."accounts" where "app"."accounts"."id" = $2', 'app.accounts', ['id'], [[1]], 'postgres'],
  ['select * from posts where (posts.id = ?)', 'posts', ['id'], [[0]]],
  ['select * from posts where id = ? and views > ?', 'posts', ['id'], [[0]]],
  ['select * from posts where views between ? and ? and id = ?', 'posts', ['id'], [[2]]],
  ['select * from posts where id in (?, ?, ?)', 'posts', ['id'], [[0], [1], [2]]],
  ['select * from posts where title = ? and id = ?10', 'posts', ['id'], [[9]], 'sqlite'],
  ['update "posts" set "title" = ? where "posts"."id" = ?', 'posts', ['id'], [[1]]],
  ['update posts as p set title = ? where p.id = ? returning *', 'posts', ['id'], [[1]]],
  ['delete from "posts" where "posts"."id" = ?', 'posts', ['id'], [[0]]],
  ['delete from only posts where id = $1 returning id', 'posts', ['id'], [[0]], 'postgres'],
  ['with x as (select 1) update t set a = 1 where id = ?', 't', ['id'], [[0]]],
  // Composite keys: one value per column, any order.
  ['select * from "members" where ("members"."org_id" = ? and "members"."user_id" = ?)', 'members', ['org_id', 'user_id'], [[0, 1]]],
  ['select * from members where user_id = ? and org_id = ?', 'members', ['org_id', 'user_id'], [[1, 0]]],
  ['delete from members where org_id = $2 and user_id = $1', 'members', ['org_id', 'user_id'], [[1, 0]], 'postgres'],
  // Drizzle 1.0's `and()`: each condition in its own parentheses.
  ['select * from "members" where (("members"."org_id" = ?) and ("members"."user_id" = ?))', 'members', ['org_id', 'user_id'], [[0, 1]]],
  ['delete from members where ((org_id = ?) and ((user_id = ?)))', 'members', ['org_id', 'user_id'], [[0, 1]]],
  ['select * from members where ((org_id = ?) and (user_id = ? or user_id = ?))', 'members', ['org_id', 'user_id'], undefined],
  ['select * from members where ((org_id = ?) and not (user_id = ?))', 'members', ['org_id', 'user_id'], undefined],
  ['select * from members where org_id = ?', 'members', ['org_id', 'user_id'], undefined],
  ['select * from members where org_id in (?, ?) and user_id = ?', 'members', ['org_id', 'user_id'], undefined],
  // Not limited to rows by key.
  ['select * from posts where id = ? or views = ?', 'posts', ['id'], undefined],
  ['select * from posts where id = 5', 'posts', ['id'], undefined],
  ['select * from posts where id = :id', 'posts', ['id'], undefined, 'sqlite'],
  ['select * from posts where id > ?', 'posts', ['id'], undefined],
  ['select * from posts where author_id = ?', 'posts', ['id'], undefined],
  ['select * from posts where other.id = ?', 'posts', ['id'], undefined],
  ['select * from posts where id = ? and views = (select max(views) from posts)', 'posts', ['id'], undefined],
  ['select * from posts where id = ? union select * from posts where id = ?', 'posts', ['id'], undefined],
  ['select * from posts join users on true where posts.id = ?', 'posts', ['id'], undefined],
  ['select * from users where id = ?', 'posts', ['id'], undefined],
  ['insert into posts (id) values (?)', 'posts', ['id'], undefined],
  ['update posts set a = 1 from other where other.id = ?', 'posts', ['id'], undefined, 'postgres'],
  ['select * from posts where "ID" = $1', 'posts', ['id'], undefined, 'postgres'],
  ['select * from posts where ID = $1', 'posts', ['id'], [[0]], 'postgres'],
  ['select * from posts where "ID" = ?', 'posts', ['id'], [[0]], 'sqlite'],
  ['select * from posts where id = ?; select 1', 'posts', ['id'], undefined],
]

describe('keyFilterOf', () => {
  for (const [sql, table, key, rows, dialect] of cases) {
    it(`${dialect ?? 'any'}: ${sql}`, () => {
      expect(keyFilterOf(sql, table, key, dialect)).toStrictEqual(rows)
    })
  }
})

describe('assignsColumns', () => {
  const cases: [string, boolean, Dialect?][] = [
    ['update posts set title = ? where id = ?', false],
    ['update posts set "id" = ? where id = ?', true],
    ['update posts set title = ?, posts.id = ? where id = ?', true],
    ['update posts set (id, title) = (?, ?) where id = ?', true],
    ['update posts set title = (select id from x where id = 1) where id = ?', false],
    ['update posts set views = coalesce(views, 0) + 1, title = ? where id = ?', false],
    // `is distinct from` does not end the SET list: the key assigned after it moves the row.
    ['update posts set flagged = title is distinct from ?, id = ? where id = ?', true, 'postgres'],
    ['update posts set flagged = title is not distinct from ?, "ID" = ? where id = ?', true, 'postgres'],
    ['update posts set flagged = title is distinct from ? where id = ?', false, 'postgres'],
    ['update posts set title = ? from other where posts.id = other.id', false, 'postgres'],
  ]
  for (const [sql, expected, dialect] of cases) {
    it(sql, () => expect(assignsColumns(sql, ['id'], dialect)).toBe(expected))
  }
})
