import type { Generated } from 'kysely'

// The tables the README's examples use, created by your migrations:
//   CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)
//   CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
//                       title TEXT NOT NULL, views INTEGER NOT NULL DEFAULT 0)
export interface Database {
  users: { id: number; name: string }
  posts: { id: number; author_id: number; title: string; views: Generated<number> }
}
