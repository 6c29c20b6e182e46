import { describe, expect, it } from 'vitest'
import { diffLines, setupLines } from '../setup-lines'

const before = `import { drizzle } from 'drizzle-orm/d1'

interface Env {
  DB: D1Database
}

export default {
  fetch(request, env) {
    const db = drizzle(env.DB)
    return read(db)
  },
}
`
const after = `import { drizzleKv } from '@kvcache/drizzle/d1'
import { drizzle } from 'drizzle-orm/d1'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

export default {
  fetch(request, env, ctx) {
    const kv = drizzleKv(env.CACHE_KV, ctx)

    // a comment explains, and is not counted
    const db = drizzle(kv.d1(env.DB), { cache: kv })
    const seen = [] // x-cache: what the cache did
    return read(db, seen) // x-cache
  },
}
`

describe('setupLines', () => {
  it('counts added and changed lines by kind: imports, Env fields, the rest (blank, comment and x-cache lines not counted)', () => {
    expect(setupLines(before, after)).toStrictEqual({ imports: 1, env: 1, code: 3 })
  })

  it('a file against itself adds nothing', () => {
    expect(setupLines(after, after)).toStrictEqual({ imports: 0, env: 0, code: 0 })
  })

  it('diffLines keeps the common lines in order and marks the rest', () => {
    const lines = diffLines('a\nb\nc', 'a\nx\nc\nd')
    expect(lines).toStrictEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ])
  })
})
