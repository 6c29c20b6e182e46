// bench/production-model: the playground's read (a post with its author and comments, Drizzle)
// with production latencies added around the real local bindings (../lib/production-model).
// GET  /read?config=<name>&loc=<location>&id=N[&bookmark=B]  answers the post, header x-outcome
// POST /write?config=<name>&loc=<location>&id=N&title=T[&bookmark=B]  sets the title
// Both answer header x-d1-bookmark for D1 replica sessions. See configs.ts for the names.
import { KvCacheCoordinator } from '../../packages/coordinator/src/index.ts'
import { installModeledCaches } from '../lib/production-model/modeled-cache-api'
import { modeledD1 } from '../lib/production-model/modeled-d1'
import { modeledD1Replication } from '../lib/production-model/modeled-d1-replication'
import { latencyModel } from '../lib/production-model/latency'
import { CONFIG_NAMES, readPost, writeTitle, type Answer, type ConfigName } from './configs'
import { createLocation, type Env, type Location } from './location'
import { CREATE_TABLES, seedStatements } from './seed.mjs'

export { KvCacheCoordinator }

// Per isolate: one latency model, the shared databases, and one state per modeled location.
let state: ReturnType<typeof isolateState> | undefined

function isolateState(env: Env) {
  const model = latencyModel(Number(env.MODEL_SEED))
  installModeledCaches(model)
  const locations = new Map<string, Location>()
  return {
    model,
    d1: modeledD1(env.DB, model),
    replication: modeledD1Replication(env.DB, env.REPLICA, model),
    location(name: string) {
      let location = locations.get(name)
      if (!location) locations.set(name, (location = createLocation(env, name, model)))
      return location
    },
  }
}

async function setup(env: Env) {
  const qualify = (table: string) => table
  for (const db of [env.DB, env.REPLICA]) {
    await db.batch(CREATE_TABLES.map((sql) => db.prepare(sql.replace(/\{(\w+)\}/g, (_, table: string) => qualify(table)))))
    await db.batch(seedStatements(qualify).map((sql) => db.prepare(sql)))
  }
  return Response.json({ ok: true })
}

function respond(answer: Answer, status = 200, body?: unknown): Response {
  const headers = { 'x-outcome': answer.outcome, 'x-d1-bookmark': answer.bookmark ?? '' }
  return Response.json(body ?? answer.post ?? null, { status, headers })
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/setup') return setup(env)
    const s = (state ??= isolateState(env))
    if (url.pathname === '/drawn') return Response.json({ drawn: s.model.drawn, replication: s.replication.state() })
    const name = url.searchParams.get('config') as ConfigName
    if (!CONFIG_NAMES.includes(name)) return new Response(`unknown config ${name}`, { status: 400 })
    const id = Number(url.searchParams.get('id'))
    const bookmark = url.searchParams.get('bookmark') || undefined
    const call = {
      env,
      ctx,
      model: s.model,
      location: s.location(url.searchParams.get('loc') ?? 'main'),
      replication: s.replication,
      d1: s.d1,
      ...(bookmark && { bookmark }),
    }
    if (url.pathname === '/write') {
      const answer = await writeTitle(name, call, id, url.searchParams.get('title') ?? '')
      return respond(answer, 200, { ok: true })
    }
    if (url.pathname !== '/read') return new Response('not found', { status: 404 })
    const answer = await readPost(name, call, id)
    if (answer.post?.id !== id) return respond(answer, 500, `post ${id} not found`)
    return respond(answer)
  },
}
