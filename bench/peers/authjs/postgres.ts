import { Pool } from 'pg';

/**
 * The Auth.js database variant's Postgres, at AUTH_DATABASE_URL: a `pg` pool of 10 connections, as many as the
 * product's Postgres store opens by default, so both sides of the comparison queue on pools of one size.
 */
export const postgresPool = () => new Pool({ connectionString: process.env.AUTH_DATABASE_URL, max: 10 });

/**
 * @auth/pg-adapter's tables, as its own `schema.sql` (packages/adapter-pg in the next-auth repository) creates them.
 * Its documentation page lists the same columns without the unique constraints and foreign keys; without the
 * index under `UNIQUE "sessionToken"`, every session check would scan the whole table, which no one would ship.
 */
export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id SERIAL, name VARCHAR(255), email VARCHAR(255) UNIQUE NOT NULL, "emailVerified" TIMESTAMPTZ, image TEXT,
  PRIMARY KEY (id));
CREATE TABLE IF NOT EXISTS accounts (
  id SERIAL, "userId" INTEGER NOT NULL REFERENCES users ON DELETE CASCADE, type VARCHAR(255) NOT NULL,
  provider VARCHAR(255) NOT NULL, "providerAccountId" VARCHAR(255) NOT NULL, refresh_token TEXT, access_token TEXT,
  expires_at BIGINT, id_token TEXT, scope TEXT, session_state TEXT, token_type TEXT,
  PRIMARY KEY (id), UNIQUE (provider, "providerAccountId"));
CREATE TABLE IF NOT EXISTS sessions (
  id SERIAL, "userId" INTEGER NOT NULL REFERENCES users ON DELETE CASCADE, expires TIMESTAMPTZ NOT NULL,
  "sessionToken" VARCHAR(255) UNIQUE NOT NULL,
  PRIMARY KEY (id));
CREATE TABLE IF NOT EXISTS verification_token (
  identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL, token TEXT NOT NULL,
  PRIMARY KEY (identifier, token));
`;
