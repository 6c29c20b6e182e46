import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BINDINGS, type ReadmeBinding } from '../src/bindings'
import { startDevServer, type DevServer } from '../src/dev-server'
import { createFreshProject, packWorkspacePackages } from '../src/fresh-project'
import { readReadmeProject } from '../src/readme-project'

// The fill after a miss is stored in the background (waitUntil): the next read may come before it landed.
const HIT_WITHIN_MS = 10_000
// A request that hangs fails the test here (and the server is stopped) rather than at the test's timeout.
const REQUEST_TIMEOUT_MS = 30_000

let packDir: string
let tarballs: Map<string, string>

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), 'kvcache-readme-e2e-pack-'))
  const installed = BINDINGS.flatMap((binding) => {
    const readme = readReadmeProject(readFileSync(binding.readmePath, 'utf8'))
    return [...readme.dependencies, ...readme.devDependencies]
  })
  tarballs = await packWorkspacePackages([...new Set(installed.filter((name) => name.startsWith('@kvcache/')))], packDir)
}, 120_000)

afterAll(() => rmSync(packDir, { recursive: true, force: true }))

describe.each(BINDINGS)('$name README, as a new Worker', (binding) => {
  it('installs, creates its tables and serves a miss, a hit, a write and the fresh read under wrangler dev', async () => {
    const readme = readReadmeProject(readFileSync(binding.readmePath, 'utf8'))
    const dir = await createFreshProject({ readme, tarballs, versionsFrom: binding.versionsFrom, env: binding.env })
    let server: DevServer | undefined
    try {
      server = await startDevServer(dir, { readyTimeoutMs: 90_000 })
      await missHitWriteFresh(server, binding)
    } finally {
      await server?.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 240_000)
})

/** The Quick start's curl lines, asserted: values, and the `x-cache` header the README says shows a hit. */
async function missHitWriteFresh(server: DevServer, binding: ReadmeBinding): Promise<void> {
  const read = async () => {
    const response = await fetch(`${server.origin}/posts`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    const text = await response.text()
    expect(response.status, `GET /posts answered ${text}\n${server.log()}`).toBe(200)
    return { body: JSON.parse(text) as unknown, cache: response.headers.get('x-cache') }
  }
  expect(await read(), 'the first read is answered by the database').toStrictEqual({ body: [], cache: binding.miss })
  let second = await read()
  for (const deadline = Date.now() + HIT_WITHIN_MS; second.cache !== binding.hit && Date.now() < deadline; second = await read()) {
    expect(second.body, 'until the fill has landed, reads still see the database').toStrictEqual([])
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  expect(second, 'a later read is served from the cache').toStrictEqual({ body: [], cache: binding.hit })

  const write = await fetch(`${server.origin}/posts`, {
    method: 'POST',
    body: JSON.stringify({ title: 'Hello' }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const written = await write.text()
  expect(write.status, `POST /posts answered ${written}\n${server.log()}`).toBeLessThan(300)

  expect(await read(), 'after the write, the read is fresh').toStrictEqual({ body: [{ id: 1, title: 'Hello' }], cache: binding.miss })
}
