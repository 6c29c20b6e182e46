// The playground's HTTP API with bad input: every route answers 400 with a message, never a 500.
import { describe, expect, it } from 'vitest'
import { usePlayground } from './start-worker'

const playground = usePlayground()

const post = (path: string, body?: string) =>
  fetch(`${playground.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body }) })

describe('playground API input', () => {
  it.each([
    ['an empty body', undefined],
    ['a non-JSON body', 'title=hello'],
    ['JSON that is not an object', '"hello"'],
    ['a missing title', '{}'],
    ['a non-string title', '{"title": 42}'],
    ['a blank title', '{"title": "   "}'],
    ['a title over 200 characters', JSON.stringify({ title: 'x'.repeat(201) })],
  ])('POST /api/write with %s answers 400 with a message', async (_, body) => {
    const response = await post('/api/write?id=1', body)
    expect(response.status).toBe(400)
    const answer = (await response.json()) as { error: string }
    expect(answer.error).toMatch(/title|JSON/)
    expect(JSON.stringify(answer)).not.toMatch(/at \w+ \(|\.ts:\d+/)
  })

  it.each(['abc', '-1', '0', '1.5', '1e3', '99999999999999999999', ''])('?id=%s answers 400 on every route', async (id) => {
    const query = `id=${encodeURIComponent(id)}`
    for (const response of [
      await fetch(`${playground.url}/api/read?${query}`),
      await post(`/api/write?${query}`, '{"title":"ok"}'),
      await post(`/api/burst?${query}`),
    ]) {
      expect(response.status).toBe(400)
      // The debug header is on every API response, these too: no read used the cache.
      expect(response.headers.get('x-kvcache')).toBe('none')
      expect(((await response.json()) as { error: string }).error).toMatch(/^id must be a positive integer/)
    }
  })

  it.each(['0', '501', 'x', '-5'])('POST /api/burst?n=%s answers 400', async (n) => {
    const response = await post(`/api/burst?id=1&n=${n}`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toMatch(/^n must be an integer/)
  })

  it('a valid write still works and the next read has the new title', async () => {
    const title = `Valid ${Date.now()}`
    const response = await post('/api/write?id=3', JSON.stringify({ title }))
    expect(response.status).toBe(200)
    const read = (await (await fetch(`${playground.url}/api/read?id=3`)).json()) as { post: { title: string } }
    expect(read.post.title).toBe(title)
  })
})
