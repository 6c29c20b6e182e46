/** The test databases: D1 (SQLite) or PostgreSQL. The Prisma schema itself is in generate.mjs. */
export type Flavor = 'd1' | 'pg'

/** Tables as \`prisma migrate\` would create them (the tests create them with SQL, no migration engine). */
export function ddl(flavor: Flavor): string[] {
  if (flavor === 'd1') {
    return [
      'CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL UNIQUE, "name" TEXT)',
      'CREATE TABLE "Profile" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "bio" TEXT NOT NULL, "userId" INTEGER NOT NULL UNIQUE REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE)',
      'CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "views" INTEGER NOT NULL DEFAULT 0, "authorId" INTEGER REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE, "price" DECIMAL NOT NULL DEFAULT 0, "big" BIGINT NOT NULL DEFAULT 0, "data" BLOB, "meta" JSONB, "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)',
      'CREATE TABLE "Comment" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "body" TEXT NOT NULL, "postId" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE)',
      'CREATE TABLE "Tag" ("name" TEXT NOT NULL PRIMARY KEY)',
      'CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE, "B" TEXT NOT NULL REFERENCES "Tag"("name") ON DELETE CASCADE ON UPDATE CASCADE)',
      'CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B")',
      'CREATE TABLE "Membership" ("orgId" INTEGER NOT NULL, "userId" INTEGER NOT NULL REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE, "role" TEXT NOT NULL, PRIMARY KEY ("orgId", "userId"))',
      'CREATE UNIQUE INDEX "Membership_userId_role_key" ON "Membership"("userId", "role")',
      'CREATE TABLE "Item" ("code" TEXT NOT NULL PRIMARY KEY, "label" TEXT NOT NULL)',
      'CREATE VIEW "post_titles" AS SELECT "id", "title" FROM "Post"',
    ]
  }
  return [
    'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL UNIQUE, "name" TEXT)',
    'CREATE TABLE "Profile" ("id" SERIAL PRIMARY KEY, "bio" TEXT NOT NULL, "userId" INTEGER NOT NULL UNIQUE REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE)',
    'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL, "views" INTEGER NOT NULL DEFAULT 0, "authorId" INTEGER REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE, "price" DECIMAL(65,30) NOT NULL DEFAULT 0, "big" BIGINT NOT NULL DEFAULT 0, "data" BYTEA, "meta" JSONB, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    'CREATE TABLE "Comment" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL, "postId" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE)',
    'CREATE TABLE "Tag" ("name" TEXT PRIMARY KEY)',
    'CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE, "B" TEXT NOT NULL REFERENCES "Tag"("name") ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY ("A", "B"))',
    'CREATE TABLE "Membership" ("orgId" INTEGER NOT NULL, "userId" INTEGER NOT NULL REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE, "role" TEXT NOT NULL, PRIMARY KEY ("orgId", "userId"), UNIQUE ("userId", "role"))',
    'CREATE TABLE "Item" ("code" TEXT PRIMARY KEY, "label" TEXT NOT NULL)',
    'CREATE VIEW "post_titles" AS SELECT "id", "title" FROM "Post"',
  ]
}
