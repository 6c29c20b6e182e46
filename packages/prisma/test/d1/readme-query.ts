import type { database } from './readme-example'

export async function titles(prisma: ReturnType<typeof database>) {
  // `info.cacheStatus`: 'ttl' (a hit), 'swr' (a stale hit, refreshed in the background), 'miss' or 'none' (not cached).
  const { data, info } = await prisma.post
    .findMany({ select: { title: true }, orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60, swr: 300, tags: ['feed'] } })
    .withAccelerateInfo()
  return { titles: data.map((post) => post.title), cacheStatus: info?.cacheStatus }
}
