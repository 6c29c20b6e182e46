import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs'

/**
 * Makes `directory` once: fills a private staging directory, then renames it into place. A reader never
 * sees a half-written copy (an interrupted run leaves only a `.partial-` directory behind), and of two
 * runs filling it at once one wins and the other drops its copy. Nothing to do when it exists.
 */
export async function publishOnce(directory: string, fill: (staging: string) => Promise<void>): Promise<void> {
  if (existsSync(directory)) return assertOwnedByThisUser(directory)
  const staging = mkdtempSync(`${directory}.partial-`)
  try {
    await fill(staging)
    // mkdtemp makes it private; other users must be able to enter it (PostgreSQL runs as `postgres` under root).
    chmodSync(staging, 0o755)
    renameSync(staging, directory)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(directory)) throw error
  }
}

// The directory holds programs we run; in a shared temp directory, one that another user made could hold anything.
function assertOwnedByThisUser(directory: string): void {
  const uid = process.getuid?.()
  if (uid !== undefined && statSync(directory).uid !== uid) {
    throw new Error(`${directory} belongs to another user: delete it, or point TMPDIR elsewhere`)
  }
}
