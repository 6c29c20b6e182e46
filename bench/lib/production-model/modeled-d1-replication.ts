// D1 with read replication and the Sessions API, over two real local databases: `primary` (far,
// figures.d1Distant) and `replica` (in the Worker's region, figures.d1Replica). A write runs on the
// primary, gets the next commit number, and is replayed on the replica after a drawn lag
// (figures.d1ReplicaLag), in commit order. So a lagging replica really serves older rows.
// https://developers.cloudflare.com/d1/best-practices/read-replication/
//
// Sessions: `withSession('first-unconstrained')` (a fresh session per request) reads whatever the
// replica has applied; `'first-primary'` sends the first query to the primary; a bookmark (from
// `getBookmark()`) makes every read at least that new: a replica that has not applied it yet is
// skipped and the primary answers (an assumption: D1 may instead wait for the replica).
import type { LatencyModel } from './latency'

const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i
const RUNS = new Set(['all', 'first', 'run', 'raw'])
const POLL_MS = 2

const bookmarkOf = (commit: number) => String(commit).padStart(12, '0')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

export interface D1Replication {
  /** A session as `env.DB.withSession(...)` returns it; `waitUntil` keeps the replay of its writes alive. */
  withSession(constraintOrBookmark: string | undefined, waitUntil: (promise: Promise<unknown>) => void): D1Database & { getBookmark(): string | null }
  /** Commits on the primary and how many the replica has applied. */
  readonly state: () => { readonly committed: number; readonly applied: number }
}

export function modeledD1Replication(primary: D1Database, replica: D1Database, model: LatencyModel): D1Replication {
  let committed = 0
  let applied = 0
  let lastApplyAtMs = 0

  // Replays commit `commit` once its lag has passed and every earlier commit is applied.
  const replay = async (commit: number, sql: string, params: unknown[]) => {
    const applyAtMs = Math.max(lastApplyAtMs, Date.now() + model.draw('d1ReplicaLag'))
    lastApplyAtMs = applyAtMs
    await sleep(applyAtMs - Date.now())
    while (applied < commit - 1) await sleep(POLL_MS)
    await replica
      .prepare(sql)
      .bind(...params)
      .run()
    applied = commit
  }

  const withSession: D1Replication['withSession'] = (constraintOrBookmark, waitUntil) => {
    const needed = constraintOrBookmark && /^\d+$/.test(constraintOrBookmark) ? Number(constraintOrBookmark) : 0
    let primaryFirst = constraintOrBookmark === 'first-primary'
    let seen: number | undefined

    const execute = async (sql: string, params: unknown[], run: (statement: D1PreparedStatement) => Promise<unknown>) => {
      if (WRITE.test(sql)) {
        await model.wait('d1Distant')
        const result = await run(primary.prepare(sql).bind(...params))
        const commit = ++committed
        seen = Math.max(seen ?? 0, commit)
        waitUntil(replay(commit, sql, params))
        return result
      }
      if (!primaryFirst && applied >= Math.max(needed, seen ?? 0)) {
        await model.wait('d1Replica')
        seen = Math.max(seen ?? 0, applied)
        return run(replica.prepare(sql).bind(...params))
      }
      primaryFirst = false
      await model.wait('d1Distant')
      seen = Math.max(seen ?? 0, committed)
      return run(primary.prepare(sql).bind(...params))
    }

    const statement = (sql: string, params: unknown[]): D1PreparedStatement => {
      const methods: Record<string, unknown> = { bind: (...args: unknown[]) => statement(sql, args) }
      for (const name of RUNS) {
        methods[name] = (...args: unknown[]) =>
          execute(sql, params, (real) => (real as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args))
      }
      return methods as unknown as D1PreparedStatement
    }

    const session = {
      prepare: (sql: string) => statement(sql, []),
      getBookmark: () => (seen === undefined ? null : bookmarkOf(seen)),
      async batch() {
        throw new Error('modeled D1 replication: batch() is not modeled')
      },
      async exec() {
        throw new Error('modeled D1 replication: exec() is not modeled')
      },
    }
    return session as unknown as D1Database & { getBookmark(): string | null }
  }

  return { withSession, state: () => ({ committed, applied }) }
}
