// Creates the blog schema and its seed rows on first use; idempotent, so every start can call it.
const STATEMENTS = [
  'CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL)',
  'CREATE TABLE IF NOT EXISTS comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE, body TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS post_tags (post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE, tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE, PRIMARY KEY (post_id, tag_id))',
  "INSERT OR IGNORE INTO users (id, name) VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper'), (3, 'Edsger Dijkstra')",
  "INSERT OR IGNORE INTO posts (id, author_id, title, body, updated_at) VALUES (1, 1, 'Notes on the Analytical Engine', 'The engine weaves algebraic patterns.', 1767225600000), (2, 2, 'A bug in the relay', 'First actual case of bug being found.', 1767312000000), (3, 3, 'Go To Statement Considered Harmful', 'For a number of years I have been familiar...', 1767398400000)",
  "INSERT OR IGNORE INTO comments (id, post_id, body) VALUES (1, 1, 'Visionary.'), (2, 1, 'Still relevant.'), (3, 2, 'Moths everywhere.')",
  "INSERT OR IGNORE INTO tags (id, name) VALUES (1, 'history'), (2, 'computing')",
  'INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (2, 2), (3, 2)',
]

let seeded: Promise<void> | undefined

export function ensureSeeded(db: D1Database): Promise<void> {
  seeded ??= db
    .batch(STATEMENTS.map((statement) => db.prepare(statement)))
    .then(() => undefined)
    .catch((error: unknown) => {
      seeded = undefined
      throw error
    })
  return seeded
}
