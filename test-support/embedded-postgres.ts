// A throwaway PostgreSQL server from npm's binaries (see postgres-binaries.ts), for machines without
// one. Each call starts its own server on its own free port with its own data directory, so two test
// runs at once never share or stop each other's server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries.ts'

export interface EmbeddedServer {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/test` */
  readonly url: string
  /** Its data (and nothing else); deleted by stop(). */
  readonly dataDirectory: string
  /** Stops the server and deletes its data. */
  stop(): Promise<void>
}

/** The user the server runs as: PostgreSQL refuses to run as root. */
interface Owner {
  readonly uid: number
  readonly gid: number
}

const ATTEMPTS = 3
const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

/** Starts a server with an empty database `test`; retries on a new port if another process took the one picked. */
export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const binaries = await postgresBinaries()
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binaries, owner, await freePort())
    } catch (error) {
      if (attempt === ATTEMPTS) throw error
    }
  }
}

async function startOnce(binaries: PostgresBinaries, owner: Owner | undefined, port: number): Promise<EmbeddedServer> {
  const home = mkdtempSync(join(tmpdir(), 'kvcache-pg-'))
  const dataDirectory = join(home, 'data')
  const password = randomBytes(16).toString('hex')
  const passwordFile = join(home, 'password')
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  if (owner) for (const path of [home, passwordFile]) chownSync(path, owner.uid, owner.gid)
  const output: string[] = []
  let server: ChildProcess | undefined
  const stop = async () => {
    process.off('exit', killOnExit)
    if (server) await stopProcess(server)
    rmSync(home, { recursive: true, force: true })
  }
  // Vitest exiting without teardown (Ctrl-C, a crash) must not leave a server running.
  const killOnExit = () => {
    server?.kill('SIGKILL')
    rmSync(home, { recursive: true, force: true })
  }
  process.once('exit', killOnExit)
  try {
    const initdbArgs = ['-D', dataDirectory, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`]
    await run(binaries.initdb, [...initdbArgs, '--encoding=UTF8', '--no-locale', '--no-sync', '--no-instructions'], owner, output)
    rmSync(passwordFile)
    // TCP on loopback only (no Unix socket to collide with a system server's); no fsync: the data is thrown away.
    const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'fsync=off', 'full_page_writes=off']
    server = spawn(binaries.postgres, ['-D', dataDirectory, '-p', String(port), ...settings.flatMap((setting) => ['-c', setting])], {
      ...owner,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    collect(server, output)
    const admin = `postgres://postgres:${password}@127.0.0.1:${port}`
    await waitUntilAnswers(`${admin}/postgres`, server)
    await createDatabase(`${admin}/postgres`, 'test')
    return { url: `${admin}/test`, dataDirectory, stop }
  } catch (error) {
    await stop()
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${reason}\n${output.join('').slice(-4_000)}`)
  }
}

/** Runs a program to completion; rejects with its output unless it exits with 0. */
async function run(program: string, args: string[], owner: Owner | undefined, output: string[]): Promise<void> {
  const child = spawn(program, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'] })
  collect(child, output)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`${program} exited with ${code}`)
}

function collect(child: ChildProcess, output: string[]): void {
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  // A spawn failure (EACCES, ENOENT) arrives as an 'error' event: without a listener it would kill Vitest.
  child.on('error', (error) => output.push(`${error.message}\n`))
}

async function waitUntilAnswers(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (server.pid === undefined || server.exitCode !== null || server.signalCode !== null) throw new Error('the server exited')
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 })
    client.on('error', () => undefined)
    try {
      await client.connect()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(100)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
}

async function createDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
  } finally {
    await client.end()
  }
}

/** SIGINT is PostgreSQL's fast shutdown; SIGKILL if it has not exited in time. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGINT')
  await Promise.race([exited, sleep(STOP_TIMEOUT_MS)])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

/** The `postgres` user's ids, creating the user (and group) when missing, as PostgreSQL's own packages do. */
function postgresUser(): Owner {
  const ids = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined
  }
  const existing = ids()
  if (existing) return existing
  spawnSync('groupadd', ['--system', 'postgres'])
  spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'])
  const created = ids()
  if (!created) throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as, nor could one be created (useradd)')
  return created
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))))
    })
  })
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())
