import { bundleWorker, DRIZZLE_D1, attribution, gzipBytes } from './attribution.mjs'
const out = await bundleWorker({ entry: DRIZZLE_D1.cached, external: ['drizzle-orm', 'drizzle-orm/*'] })
const { code } = out
// string/template literals with a space (prose), ignoring those spanning code
const re = /"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g
let stripped = code.replace(re, (s) => (/ [a-z]+ [a-z]+ /.test(s) && s.length > 30 ? '""' : s))
console.log(
  'bundle gz',
  gzipBytes(code),
  'without prose strings',
  gzipBytes(stripped),
  'saving',
  gzipBytes(code) - gzipBytes(stripped),
  'raw',
  code.length - stripped.length,
)
