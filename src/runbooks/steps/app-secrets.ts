// The secrets the app needs, with their checks and remedies: asked for by 03 when it installs,
// and by validate-all up front so that the whole run can then go on unattended.
import { randomSecret, validatePostgresUrl, minLength, nonEmpty, type SecretSpec } from '../../secrets.ts';

export function secretSpecs(externalDatabase: boolean): SecretSpec[] {
  const database: SecretSpec = externalDatabase
    ? {
        key: 'DATABASE_URL',
        description: 'external PostgreSQL URL (e.g. Neon)',
        validate: validatePostgresUrl,
        remedy: 'use postgresql://user:password@host:5432/dbname (add ?sslmode=require for Neon)',
      }
    : // 32 letters and digits: about 190 bits, and nothing the database URL would need to escape.
      {
        key: 'POSTGRES_PASSWORD',
        description: 'password of the in-chart PostgreSQL',
        validate: minLength(12),
        remedy: 'generate one: openssl rand -base64 24 (or run without --yes and choose "generate")',
        generate: () => randomSecret(32),
      };
  return [
    database,
    // 48 letters and digits: about 285 bits, above the 32 characters Better Auth asks for.
    {
      key: 'BETTER_AUTH_SECRET',
      description: 'Better Auth signing secret',
      validate: minLength(32),
      remedy: 'generate one: openssl rand -base64 32 (or run without --yes and choose "generate")',
      generate: () => randomSecret(48),
    },
    {
      key: 'OPENAI_API_KEY',
      description: 'OpenAI API key for the chatbot',
      validate: nonEmpty,
      remedy: 'create a key at platform.openai.com (the demo app accepts any non-empty value)',
    },
  ];
}
