// Writes the "before" side of bench/bundle-attribution: the Drizzle + D1 Worker measured with the
// @kvcache packages of another commit, built in a worktree of it:
//
//   git worktree add --detach /tmp/before <commit>
//   (link node_modules: the root one as a symlink, copy packages/*/node_modules and bench/node_modules)
//   cd /tmp/before && npx pnpm@10 --filter @kvcache/core --filter @kvcache/storage-kv --filter @kvcache/drizzle build
//   node bench/bundle-attribution/snapshot.mjs /tmp/before
//
// The Worker and the measuring code are this checkout's; only the packages differ.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { measureDrizzleD1 } from './attribution.mjs'

const worktree = process.argv[2]
if (!worktree) throw new Error('usage: node bench/bundle-attribution/snapshot.mjs <worktree of the commit to snapshot>')
const commit = execFileSync('git', ['-C', worktree, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
const measured = await measureDrizzleD1(`${worktree.replace(/\/$/, '')}/packages/`)
const file = fileURLToPath(new URL(`./before-${commit}.json`, import.meta.url))
writeFileSync(file, `${JSON.stringify({ commit, ...measured }, null, 2)}\n`)
console.log(`wrote ${file}`)
