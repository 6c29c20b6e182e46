// Many posts for the load test, written into wrangler's local D1 before `wrangler dev` starts.
// The tables are created by the playground's own statements (read from apps/playground/src/seed.ts),
// so the playground's seeding on first request finds them and keeps these rows (INSERT OR IGNORE).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const POSTS = 1000
const USERS = 50

export function seedPlaygroundD1({ appDir, stateDir }) {
  const source = readFileSync(join(appDir, 'src/seed.ts'), 'utf8')
  const creates = [...source.matchAll(/'(CREATE TABLE IF NOT EXISTS [^']+)'/g)].map((match) => match[1])
  if (creates.length === 0) throw new Error('playground-load: no CREATE TABLE statements found in apps/playground/src/seed.ts')
  const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '.repeat(5)
  const lines = creates.map((sql) => `${sql};`)
  lines.push(`INSERT OR IGNORE INTO users (id, name) VALUES ${Array.from({ length: USERS }, (_, i) => `(${i + 1}, 'User ${i + 1}')`).join(', ')};`)
  for (let start = 0; start < POSTS; start += 100) {
    const values = Array.from({ length: 100 }, (_, k) => {
      const id = start + k + 1
      return `(${id}, ${(id % USERS) + 1}, 'Post ${id}', '${body}', ${1767225600000 + id * 60_000})`
    })
    lines.push(`INSERT OR IGNORE INTO posts (id, author_id, title, body, updated_at) VALUES ${values.join(', ')};`)
  }
  let commentId = 0
  const comments = []
  for (let post = 1; post <= POSTS; post++) for (let c = 0; c < post % 5; c++) comments.push(`(${++commentId}, ${post}, 'Comment ${c + 1} on post ${post}')`)
  for (let start = 0; start < comments.length; start += 500)
    lines.push(`INSERT OR IGNORE INTO comments (id, post_id, body) VALUES ${comments.slice(start, start + 500).join(', ')};`)
  const file = join(stateDir, 'load-seed.sql')
  writeFileSync(file, lines.join('\n'))
  execFileSync(join(appDir, 'node_modules/.bin/wrangler'), ['d1', 'execute', 'kvcache-playground', '--local', '--persist-to', stateDir, '--file', file], {
    cwd: appDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' },
    stdio: 'pipe',
  })
}
