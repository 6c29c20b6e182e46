// The consistency demo against `wrangler dev`: with KV stamps, location B serves the old title
// after A's write (B's KV edge still holds the old stamp); with the coordinator, B reads it fresh.
import { describe, expect, it } from 'vitest'
import { usePlayground } from './start-worker'

const playground = usePlayground()

interface Read {
  title: string
  database: string
  fresh: boolean
  outcome: string
  calls: { kvReads: number; coordinatorReads: number; coordinatorBumps: number }
}

const readB = async (mode: string) => (await (await fetch(`${playground.url}/api/consistency/read?mode=${mode}`)).json()) as Read
const writeA = (mode: string, title: string) =>
  fetch(`${playground.url}/api/consistency/write?mode=${mode}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })

describe('consistency demo', () => {
  it('serves the page', async () => {
    const response = await fetch(`${playground.url}/consistency`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('KV stamps vs the Durable Object coordinator')
  })

  it('KV stamps: location B keeps serving the old title right after location A wrote', async () => {
    const before = await readB('kv')
    expect(before.fresh).toBe(true)
    const title = `kv ${Date.now()}`
    expect((await writeA('kv', title)).status).toBe(200)
    const after = await readB('kv')
    expect(after.database).toBe(title)
    expect(after.title).toBe(before.title)
    expect(after.fresh).toBe(false)
  })

  it('coordinator: location B reads the new title right after location A wrote, with one coordinator call', async () => {
    expect((await readB('coordinator')).fresh).toBe(true)
    const title = `coordinator ${Date.now()}`
    const write = await writeA('coordinator', title)
    expect(((await write.json()) as Read).calls.coordinatorBumps).toBe(1)
    const after = await readB('coordinator')
    expect(after).toMatchObject({ title, database: title, fresh: true, outcome: 'miss' })
    expect(after.calls.coordinatorReads).toBe(1)
  })

  it.each(['', 'strong', 'KV'])('?mode=%s answers 400', async (mode) => {
    const response = await fetch(`${playground.url}/api/consistency/read?mode=${mode}`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toMatch(/^mode must be kv or coordinator/)
  })
})
