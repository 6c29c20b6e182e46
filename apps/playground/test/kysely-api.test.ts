// The Kysely page's API against `wrangler dev`: the same D1 data and cache as the Drizzle dashboard.
import { describe, expect, it } from 'vitest'
import { usePlayground } from './start-worker'

const playground = usePlayground()

interface ReadAnswer {
  outcome: string
  post: { id: number; title: string; author: string; comments: number } | null
  sql: string
}

const read = async (id: number, cache = 'on') => (await (await fetch(`${playground.url}/kysely/api/read?id=${id}&cache=${cache}`)).json()) as ReadAnswer
const post = (path: string, body: string) => fetch(`${playground.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })

describe('the Kysely page', () => {
  it('serves its HTML', async () => {
    const response = await fetch(`${playground.url}/kysely`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('@kvcache playground: Kysely')
  })

  it('reads a post with its author and comment count: a miss, then a hit; each table it reads invalidates it', async () => {
    const first = await read(3)
    expect(first).toMatchObject({ outcome: 'miss', post: { id: 3, title: 'Go To Statement Considered Harmful', author: 'Edsger Dijkstra', comments: 0 } })
    expect(first.sql).toContain('inner join "users"')
    expect((await read(3)).outcome).toBe('hit')

    const write = (await (await post('/kysely/api/write?id=3', '{"title":"Considered helpful"}')).json()) as { invalidated: string[] }
    expect(write.invalidated).toContain('table:posts')
    expect(await read(3)).toMatchObject({ outcome: 'miss', post: { title: 'Considered helpful', comments: 0 } })

    // Another post (KV takes one write per key per second, so post 3's entry is not refilled yet).
    // comments is read only in a subquery of the SELECT list: a new comment must still show.
    expect(await read(2)).toMatchObject({ outcome: 'miss', post: { comments: 1 } })
    expect(await read(2)).toMatchObject({ outcome: 'hit', post: { comments: 1 } })
    const comment = (await (await post('/kysely/api/comment?id=2', '{}')).json()) as { invalidated: string[] }
    expect(comment.invalidated).toContain('table:comments')
    expect(await read(2)).toMatchObject({ outcome: 'miss', post: { comments: 2 } })
  })

  it('the uncached path reads the database', async () => {
    expect(await read(3, 'off')).toMatchObject({ outcome: 'uncached', post: { title: 'Considered helpful' } })
  })

  it('bad input answers 400 with a message', async () => {
    expect((await fetch(`${playground.url}/kysely/api/read?id=abc`)).status).toBe(400)
    const response = await post('/kysely/api/write?id=1', '{"title": ""}')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toMatch(/title/)
    expect((await fetch(`${playground.url}/kysely/api/nothing`)).status).toBe(404)
  })
})
