import type { Generated } from 'kysely'

export interface Database {
  users: { id: number; name: string }
  posts: { id: number; author_id: number; title: string; created_at: number; cover: Uint8Array | number[] | null; views: Generated<number> }
  comments: { id: number; post_id: number; body: string }
  published_titles: { id: number; title: string; author: string }
  /** A text primary key. */
  tags: { code: string; label: string }
  /** A composite primary key. */
  post_tags: { post_id: number; tag_code: string; note: string }
}

export const DDL = [
  'PRAGMA foreign_keys = ON',
  'DROP VIEW IF EXISTS published_titles',
  'DROP TABLE IF EXISTS post_tags',
  'DROP TABLE IF EXISTS tags',
  'DROP TABLE IF EXISTS comments',
  'DROP TABLE IF EXISTS posts',
  'DROP TABLE IF EXISTS users',
  'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT NOT NULL, created_at INTEGER NOT NULL, cover BLOB, views INTEGER NOT NULL DEFAULT 0)',
  'CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE, body TEXT NOT NULL)',
  'CREATE TABLE tags (code TEXT PRIMARY KEY, label TEXT NOT NULL)',
  'CREATE TABLE post_tags (post_id INTEGER NOT NULL, tag_code TEXT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (post_id, tag_code))',
  'CREATE VIEW published_titles AS SELECT p.id, p.title, u.name AS author FROM posts p JOIN users u ON u.id = p.author_id',
]

export const SEED = [
  "INSERT INTO users (id, name) VALUES (1, 'Ada'), (2, 'Grace')",
  "INSERT INTO posts (id, author_id, title, created_at, cover, views) VALUES (1, 1, 'Hello', 1767225600000, X'00FF10', 10), (2, 2, 'World', 1767312000000, NULL, 20)",
  "INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'First!')",
  "INSERT INTO tags (code, label) VALUES ('123', 'numeric-looking'), ('news', 'News')",
  "INSERT INTO post_tags (post_id, tag_code, note) VALUES (1, 'news', 'first'), (2, 'news', 'second')",
]
