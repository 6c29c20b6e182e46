// What the ORM bench Workers (bench/drizzle, bench/kysely, bench/prisma) share.

/** The D1 table the Drizzle and Kysely benches read: 500 posts, created once. */
export async function seedPosts(db: D1Database): Promise<void> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id INTEGER NOT NULL, created_at INTEGER NOT NULL)',
  )
  const insert = db.prepare('INSERT OR IGNORE INTO posts VALUES (?, ?, ?, ?, ?)')
  await db.batch(
    Array.from({ length: 500 }, (_, i) =>
      insert.bind(i + 1, `Post ${i + 1}`, 'Lorem ipsum dolor sit amet. '.repeat(10), (i % 17) + 1, 1767225600000 + i * 60000),
    ),
  )
}

/** Runs `read` `n` times in a row (the Node side divides its time by `n`). */
export async function loop(n: number, read: () => Promise<unknown>): Promise<Response> {
  for (let i = 0; i < n; i++) await read()
  return Response.json({ n })
}
