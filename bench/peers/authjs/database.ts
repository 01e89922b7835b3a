import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';

/** The Auth.js database variant's SQLite file (libSQL), at AUTH_DB_PATH. */
export function database() {
  return drizzle(createClient({ url: `file:${process.env.AUTH_DB_PATH ?? 'authjs.db'}` }));
}

/** The Drizzle adapter's default SQLite tables (`defineTables` in @auth/drizzle-adapter), as Drizzle Kit would create them. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS "user" (
  "id" text PRIMARY KEY NOT NULL, "name" text, "email" text UNIQUE, "emailVerified" integer, "image" text);
CREATE TABLE IF NOT EXISTS "account" (
  "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "type" text NOT NULL, "provider" text NOT NULL,
  "providerAccountId" text NOT NULL, "refresh_token" text, "access_token" text, "expires_at" integer, "token_type" text,
  "scope" text, "id_token" text, "session_state" text, PRIMARY KEY("provider", "providerAccountId"));
CREATE TABLE IF NOT EXISTS "session" (
  "sessionToken" text PRIMARY KEY NOT NULL, "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade,
  "expires" integer NOT NULL);
CREATE TABLE IF NOT EXISTS "verificationToken" (
  "identifier" text NOT NULL, "token" text NOT NULL, "expires" integer NOT NULL, PRIMARY KEY("identifier", "token"));
CREATE TABLE IF NOT EXISTS "authenticator" (
  "credentialID" text NOT NULL UNIQUE, "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade,
  "providerAccountId" text NOT NULL, "credentialPublicKey" text NOT NULL, "counter" integer NOT NULL,
  "credentialDeviceType" text NOT NULL, "credentialBackedUp" integer NOT NULL, "transports" text,
  PRIMARY KEY("userId", "credentialID"));
`;
