import { bundleWorker, DRIZZLE_D1 } from './attribution.mjs'
import { gzipSync } from 'node:zlib'
const { code } = await bundleWorker({ entry: DRIZZLE_D1.cached, external: ['drizzle-orm', 'drizzle-orm/*'] })
const re = /`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g
const found = code.match(re).filter((s) => s.length > 60)
let total = 0
for (const s of found) total += s.length
console.log('long strings', found.length, total, 'bytes; bundle', code.length, gzipSync(code).length)
const names = code.match(/__name\([^()]*?,"[^"]*"\)/g) ?? []
console.log('__name wrappers', names.length)
if (process.argv[2]) for (const s of found.sort((a, b) => b.length - a.length)) console.log(s.length, s.slice(0, 200))
