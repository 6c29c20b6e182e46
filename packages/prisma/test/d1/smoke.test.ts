import { expect, it } from 'vitest'
import { d1Harness } from './harness'

it('caches a findMany and refreshes it after a write', async () => {
  const { prisma, behind } = await d1Harness()
  await prisma.user.create({ data: { email: 'a@x', name: 'Ada' } })
  const first = await prisma.user.findMany({ cacheStrategy: { ttl: 60 } })
  await behind.user.update({ where: { email: 'a@x' }, data: { name: 'changed behind' } })
  expect(await prisma.user.findMany({ cacheStrategy: { ttl: 60 } })).toEqual(first)
  await prisma.user.update({ where: { email: 'a@x' }, data: { name: 'Grace' } })
  expect((await prisma.user.findMany({ cacheStrategy: { ttl: 60 } }))[0].name).toBe('Grace')
})
