import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { killGroup, newcomerEnv } from './shell'

/** A running `wrangler dev` and how to reach and end it. */
export interface DevServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** What wrangler printed so far (for failure messages). */
  readonly log: () => string
  /** Ends wrangler and its workerd (the whole process group); resolves once they are gone. */
  readonly stop: () => Promise<void>
}

const STOP_GRACE_MS = 5_000

/**
 * Starts `npx wrangler dev --local` in `cwd` on a free port, in a process group of its own, and resolves
 * once it serves requests. Rejects with wrangler's output when it exits first or is not ready in time.
 */
export async function startDevServer(cwd: string, options: { readonly readyTimeoutMs: number }): Promise<DevServer> {
  const port = await freePort()
  const child = spawn('npx', ['wrangler', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port)], {
    cwd,
    env: newcomerEnv({ WRANGLER_LOG_PATH: `${cwd}/.wrangler/logs` }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // If the test process dies first, do not leave workerd behind.
  const onExit = () => killGroup(child.pid, 'SIGKILL')
  process.once('exit', onExit)
  const stop = async () => {
    process.off('exit', onExit)
    killGroup(child.pid, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
    // workerd may outlive the npx and wrangler processes that lead the group.
    killGroup(child.pid, 'SIGKILL')
  }
  const server: DevServer = { origin: `http://127.0.0.1:${port}`, log: () => output, stop }
  const deadline = Date.now() + options.readyTimeoutMs
  let gone = false
  void exited.then(() => (gone = true))
  while (!/Ready on http/.test(output)) {
    if (gone || Date.now() > deadline) {
      await stop()
      throw new Error(`wrangler dev in ${cwd} ${gone ? 'exited' : `was not ready within ${options.readyTimeoutMs} ms`}:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return server
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
