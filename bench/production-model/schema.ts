// The blog schema of the production model, for D1 (SQLite) and for PostgreSQL (in this run's
// schema); its rows come from seed.mjs.
import { relations } from 'drizzle-orm'
import { bigint, integer as pgInteger, pgSchema, text as pgText } from 'drizzle-orm/pg-core'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

const users = sqliteTable('users', { id: integer('id').primaryKey(), name: text('name').notNull() })
const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
})
const comments = sqliteTable('comments', { id: integer('id').primaryKey(), postId: integer('post_id').notNull(), body: text('body').notNull() })

export const sqliteSchema = {
  users,
  posts,
  comments,
  postsRelations: relations(posts, ({ one, many }) => ({ author: one(users, { fields: [posts.authorId], references: [users.id] }), comments: many(comments) })),
  commentsRelations: relations(comments, ({ one }) => ({ post: one(posts, { fields: [comments.postId], references: [posts.id] }) })),
}

export function postgresSchema(name: string) {
  const schema = pgSchema(name)
  const pgUsers = schema.table('users', { id: pgInteger('id').primaryKey(), name: pgText('name').notNull() })
  const pgPosts = schema.table('posts', {
    id: pgInteger('id').primaryKey(),
    authorId: pgInteger('author_id').notNull(),
    title: pgText('title').notNull(),
    body: pgText('body').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  })
  const pgComments = schema.table('comments', { id: pgInteger('id').primaryKey(), postId: pgInteger('post_id').notNull(), body: pgText('body').notNull() })
  return {
    users: pgUsers,
    posts: pgPosts,
    comments: pgComments,
    postsRelations: relations(pgPosts, ({ one, many }) => ({
      author: one(pgUsers, { fields: [pgPosts.authorId], references: [pgUsers.id] }),
      comments: many(pgComments),
    })),
    commentsRelations: relations(pgComments, ({ one }) => ({ post: one(pgPosts, { fields: [pgComments.postId], references: [pgPosts.id] }) })),
  }
}
