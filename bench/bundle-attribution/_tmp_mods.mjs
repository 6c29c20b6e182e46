import { measureDrizzleD1 } from './attribution.mjs'
const m = await measureDrizzleD1(process.argv[2])
console.log(JSON.stringify(m.added))
for (const [k, v] of Object.entries(m.modules).sort((a, b) => b[1].gzipBytes - a[1].gzipBytes))
  if (v.minBytes) console.log(String(v.minBytes).padStart(6), String(v.gzipBytes).padStart(5), k)
