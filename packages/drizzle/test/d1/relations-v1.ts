// RQB v1 (drizzle-orm 0.x): `relations()` from the main entry, passed to drizzle() in `schema`.
// drizzle-orm 1.0 dropped it from there (relations-v2.ts): only `relational()` loads this file, on 0.x.
import { relations } from 'drizzle-orm'
import { comments, posts, users } from './schema'

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }))
export const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  comments: many(comments),
}))
export const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.postId], references: [posts.id] }),
}))
