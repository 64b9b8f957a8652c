// drizzle-kit: generates the committed SQL migrations from the table files.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});
