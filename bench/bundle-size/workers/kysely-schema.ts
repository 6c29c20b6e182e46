// Kysely's view of the blog schema the size and start-up workers share.
export interface Database {
  users: { id: number; name: string }
  posts: { id: number; author_id: number; title: string; body: string; updated_at: number }
  comments: { id: number; post_id: number; body: string }
}
