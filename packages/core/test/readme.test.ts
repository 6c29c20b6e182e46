import { expect, it } from 'vitest'
import readme from '../README.md?raw'
import exampleSource from './readme-example.ts?raw'
import { readmeExample } from './readme-example'

it('the README shows exactly the example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it('the README example hits, invalidates and reads fresh rows', async () => {
  const { first, second, fresh, events } = await readmeExample()
  expect(second).toStrictEqual(first)
  expect(second[0]?.publishedAt).toBeInstanceOf(Date)
  expect(fresh.map((post) => post.title)).toStrictEqual(['Hello', 'World'])
  expect(events).toStrictEqual(['miss', 'fill', 'hit', 'invalidate', 'miss', 'fill'])
})
