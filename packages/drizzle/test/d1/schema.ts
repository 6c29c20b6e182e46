import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

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

export const DDL = [
  'PRAGMA foreign_keys = ON',
  'DROP VIEW IF EXISTS published_titles',
  'DROP TABLE IF EXISTS comments',
  'DROP TABLE IF EXISTS posts',
  'DROP TABLE IF EXISTS users',
  'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT NOT NULL, created_at INTEGER NOT NULL, cover BLOB, views INTEGER NOT NULL DEFAULT 0)',
  'CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE, body TEXT NOT NULL)',
  'CREATE VIEW published_titles AS SELECT p.id, p.title, u.name AS author FROM posts p JOIN users u ON u.id = p.author_id',
]
