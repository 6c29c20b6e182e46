// RQB v2 (drizzle-orm 1.0): `defineRelations`, passed to drizzle() as `relations`. Only the 1.0
// projects load this file. It imports the `drizzle-orm-1` alias, so `tsc` checks it against 1.0's
// types, and declares schema.ts's tables again for that (schema.ts is checked against 0.x; the
// RQB v2 test asserts both declare the same columns).
import { defineRelations } from 'drizzle-orm-1'
import { blob, integer, sqliteTable, text } from 'drizzle-orm-1/sqlite-core'

export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
})

export const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  cover: blob('cover', { mode: 'buffer' }),
  views: integer('views').notNull().default(0),
})

export const comments = sqliteTable('comments', {
  id: integer('id').primaryKey(),
  postId: integer('post_id')
    .notNull()
    .references(() => posts.id, { onDelete: 'cascade' }),
  body: text('body').notNull(),
})

export const relations = defineRelations({ users, posts, comments }, (r) => ({
  users: { posts: r.many.posts() },
  posts: {
    author: r.one.users({ from: r.posts.authorId, to: r.users.id }),
    comments: r.many.comments(),
  },
  comments: { post: r.one.posts({ from: r.comments.postId, to: r.posts.id }) },
}))
