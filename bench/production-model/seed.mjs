// The production model's rows, as SQL that D1 and PostgreSQL both accept (worker.ts and index.mjs share it).

export const POSTS = 1000
export const USERS = 100

/** The seed, as SQL both databases accept: users, posts with a ~400-byte body, 0-4 comments each. */
export function seedStatements(qualify) {
  const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '.repeat(5)
  const statements = [`INSERT INTO ${qualify('users')} (id, name) VALUES ${Array.from({ length: USERS }, (_, i) => `(${i + 1}, 'User ${i + 1}')`).join(', ')}`]
  for (let start = 0; start < POSTS; start += 100) {
    const values = Array.from({ length: 100 }, (_, k) => {
      const id = start + k + 1
      return `(${id}, ${(id % USERS) + 1}, 'Post ${id}', '${body}', ${1767225600000 + id * 60_000})`
    })
    statements.push(`INSERT INTO ${qualify('posts')} (id, author_id, title, body, updated_at) VALUES ${values.join(', ')}`)
  }
  const comments = []
  let commentId = 0
  for (let post = 1; post <= POSTS; post++) for (let c = 0; c < post % 5; c++) comments.push(`(${++commentId}, ${post}, 'Comment ${c + 1} on post ${post}')`)
  for (let start = 0; start < comments.length; start += 500) {
    statements.push(`INSERT INTO ${qualify('comments')} (id, post_id, body) VALUES ${comments.slice(start, start + 500).join(', ')}`)
  }
  return statements
}

/** `{table}` is replaced by the (qualified) table name. */
export const CREATE_TABLES = [
  'CREATE TABLE {users} (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE {posts} (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, updated_at BIGINT NOT NULL)',
  'CREATE TABLE {comments} (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, body TEXT NOT NULL)',
]
