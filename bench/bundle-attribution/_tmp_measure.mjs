import { measureDrizzleD1 } from './attribution.mjs'
const m = await measureDrizzleD1(process.argv[2])
console.log(JSON.stringify({ added: m.added, ours: m.ours }))
