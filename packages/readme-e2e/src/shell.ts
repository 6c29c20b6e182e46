import { spawn } from 'node:child_process'
import { delimiter } from 'node:path'

/**
 * The environment of a newcomer's shell: without what `pnpm test` adds (npm_* settings, the workspace's
 * node_modules/.bin on PATH), so `npx wrangler` in a fresh project runs that project's wrangler or fails.
 */
export function newcomerEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|INIT_CWD$|PNPM_)/i.test(name)) env[name] = value
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes(`node_modules`))
    .join(delimiter)
  // No prompt, no telemetry, no update check: the same output on every run.
  return { ...env, WRANGLER_SEND_METRICS: 'false', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', ...extra }
}

/** Runs `command` through `sh -c` in `cwd`; resolves with its output, or rejects with it when the exit code is not 0. */
export function run(command: string, options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends the command and everything it started.
    const child = spawn('sh', ['-c', command], { cwd: options.cwd, env: options.env ?? newcomerEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(output)
      else reject(new Error(`\`${command}\` in ${options.cwd} ended with ${signal ?? `exit code ${code}`}:\n${output}`))
    })
  })
}

/** Signals every process of the group led by `pid` (a child spawned with `detached: true`); a group already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: nothing left to end.
  }
}
