// Finds a Chromium for browser tests, so the test command needs nothing but Node and npm. In order:
//   1. `CHROMIUM_PATH`, when set.
//   2. A system Chromium or Chrome (Debian's /usr/bin/chromium, ...).
//   3. The headless Chromium shipped inside the npm package `@sparticuz/chromium` (x86-64 Linux),
//      unpacked once per version under the system temp directory. We unpack it ourselves rather than
//      through the package's executablePath() (we never run the package's code): that one writes to a
//      fixed /tmp/chromium whatever the version, and reuses a half-written file after an interrupted run.
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createBrotliDecompress } from 'node:zlib'
import { extract } from 'tar-fs'
import { publishOnce } from './publish-once.ts'

export interface Chromium {
  /** The browser binary, for Playwright's `executablePath`. */
  readonly executablePath: string
  /** The environment to start it with (Playwright's `env`): the process's, plus the bundled build's libraries and fonts. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Where it came from, for test logs. */
  readonly source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium'
  /** Command-line flags for a headless run as root on a closed network (Playwright's `args`). */
  readonly args: readonly string[]
}

const ARGS = [
  '--headless',
  // Root (as in CI) cannot use Chromium's sandbox.
  '--no-sandbox',
  '--disable-gpu',
  // Without these, Chromium keeps calling Google's hosts at start, which a closed network refuses, many at a time.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome']

export async function findChromium(): Promise<Chromium> {
  const found = await lookUp()
  process.stderr.write(`[test-support] Chromium: ${found.source} (${found.executablePath})\n`)
  return found
}

async function lookUp(): Promise<Chromium> {
  const configured = process.env.CHROMIUM_PATH
  if (configured) {
    if (!isExecutableFile(configured)) throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`)
    return { executablePath: configured, env: process.env, source: 'CHROMIUM_PATH', args: ARGS }
  }
  const system = SYSTEM_CHROMIUM.find(isExecutableFile)
  if (system) return { executablePath: system, env: process.env, source: 'system', args: ARGS }
  return bundledChromium()
}

function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(path)
    return stat.isFile() && (stat.mode & 0o111) !== 0
  } catch {
    return false
  }
}

/** The npm-shipped build, whatever the machine has (exported so its own test runs where a system Chromium exists too). */
export async function bundledChromium(): Promise<Chromium> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no Chromium found: install one and set CHROMIUM_PATH (the npm-shipped build is for x86-64 Linux, this is ${process.platform}-${process.arch})`,
    )
  }
  // The package's entry point sits in build/; the compressed browser, libraries and fonts in bin/.
  const packageDirectory = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..')
  const { version } = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as { version: string }
  const directory = join(tmpdir(), `kvcache-chromium-${version}`)
  await publishOnce(directory, (staging) => unpack(join(packageDirectory, 'bin'), staging, directory))
  return {
    executablePath: join(directory, 'chromium'),
    env: {
      ...process.env,
      // NSS and expat built for the same system as the browser, so it does not depend on the machine having them.
      LD_LIBRARY_PATH: [join(directory, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(directory, 'fonts.conf'),
    },
    source: '@sparticuz/chromium',
    args: ARGS,
  }
}

async function unpack(bin: string, staging: string, directory: string): Promise<void> {
  await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(staging, 'chromium'), { mode: 0o755 }))
  await pipeline(createReadStream(join(bin, 'al2023.tar.br')), createBrotliDecompress(), extract(staging))
  await pipeline(createReadStream(join(bin, 'fonts.tar.br')), createBrotliDecompress(), extract(staging))
  // The package's own fonts.conf names fixed Lambda paths; this one names the fonts unpacked here.
  writeFileSync(
    join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${directory}/fonts</dir>\n  <cachedir>${directory}/fonts-cache</cachedir>\n</fontconfig>\n`,
  )
}
