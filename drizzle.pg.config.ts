import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/repositories/postgres/schema.ts',
  out: './drizzle/pg',
});
