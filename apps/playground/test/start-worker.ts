import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'

const appDir = fileURLToPath(new URL('..', import.meta.url))

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * Starts the playground exactly as the quick start does (`wrangler dev`), on a free port with fresh
 * local state. A port found free can be taken before wrangler binds it (another process's outgoing
 * connection on a busy machine): then it starts again on another one.
 */
export async function startPlayground(): Promise<{ url: string; stop(): Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce()
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('Address already in use')) throw error
    }
  }
}

async function startOnce(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort()
  const state = mkdtempSync(join(tmpdir(), 'kvcache-playground-'))
  const child: ChildProcess = spawn(
    join(appDir, 'node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false'],
    { cwd: appDir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start in 60 s:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const ready = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolve(ready[1] as string)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      rmSync(state, { recursive: true, force: true })
      reject(new Error(`wrangler dev exited with ${code}:\n${output}`))
    })
  })
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(state, { recursive: true, force: true })
    },
  }
}

/** `startPlayground()` once for the test file, stopped after it; `url` is readable once it runs. */
export function usePlayground(): { readonly url: string } {
  let running: Awaited<ReturnType<typeof startPlayground>> | undefined
  beforeAll(async () => {
    running = await startPlayground()
  }, 90_000)
  afterAll(async () => {
    await running?.stop()
  })
  return {
    get url() {
      if (!running) throw new Error('The playground is not running (beforeAll has not run).')
      return running.url
    },
  }
}
