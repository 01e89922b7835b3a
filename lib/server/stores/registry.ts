import 'server-only';
import { z } from 'zod';
import { PostgresSessionStore } from './postgres';
import { namesPostgres, PostgresSettings, PostgresVariables } from './postgres-settings';
import { RedisSessionStore } from './redis';
import { RedisSettings, RedisVariables } from './redis-settings';
import { SqliteSessionStore } from './sqlite';
import type { SessionStore, StoreOptions } from './types';

/**
 * Where sessions can live, one entry each: the settings a store reads from the environment, and how to open it.
 * Adding a store is one entry here (and the class, held to stores/contract.test.ts); `SESSION_STORE` accepts the
 * keys of this map, and config.ts, stores/index.ts and the settings' checks follow from it.
 */
interface StoreEntry<Settings extends object> {
  /** What people call it, in the message that refuses its variables while another store is chosen. */
  name: string;
  /** Its settings, parsed from the whole environment; an issue's path names the variable. */
  settings: z.ZodType<Settings, Record<string, string | undefined>>;
  /**
   * The variables only it reads, each parsed alone: checked whichever store is chosen, so a malformed one is named
   * anyway, and refused while another store is chosen (a deployment that would not do what its settings say).
   */
  variables?: z.ZodObject;
  /**
   * With `SESSION_STORE` unset: the variable that chooses this store by being set (`REDIS_URL` alone means Redis),
   * or `undefined` when the environment does not choose it.
   */
  chosenBy?: (env: Record<string, string | undefined>) => string | undefined;
  /** Whether sessions have records on the server; not in the cookie, where the sealed cookie is all there is. */
  keepsRecords: boolean;
  /** Opens it; `undefined` for the store that keeps no records. */
  open: (settings: Settings, options: StoreOptions) => SessionStore | undefined;
}

const defineStore = <Settings extends object>(entry: StoreEntry<Settings>) => entry;

const isSet = (value: string | undefined) => value !== undefined && value !== '';

export const STORES = {
  cookie: defineStore({ name: 'the cookie', keepsRecords: false, settings: z.object({}).transform(() => ({})), open: () => undefined }),
  sqlite: defineStore({
    name: 'SQLite',
    keepsRecords: true,
    // No `variables`: the path has a default, and is not refused beside another store (one environment may serve both kinds).
    settings: z.object({ SESSION_DB_PATH: z.string().optional() }).transform(({ SESSION_DB_PATH }) => ({ path: SESSION_DB_PATH || '.data/sessions.db' })),
    open: ({ path }, options) => new SqliteSessionStore(path, options),
  }),
  redis: defineStore({
    name: 'Redis',
    keepsRecords: true,
    settings: RedisSettings,
    variables: RedisVariables,
    chosenBy: (env) => ['REDIS_URL', 'REDIS_CLUSTER_NODES'].find((name) => isSet(env[name])),
    open: ({ prefix, ...target }, options) => new RedisSessionStore(target, { ...options, prefix }),
  }),
  postgres: defineStore({
    name: 'Postgres',
    keepsRecords: true,
    settings: PostgresSettings,
    variables: PostgresVariables,
    chosenBy: (env) => (namesPostgres(env.DATABASE_URL) ? 'DATABASE_URL' : undefined),
    open: (target, options) => new PostgresSessionStore(target, options),
  }),
};

export type StoreKind = keyof typeof STORES;
export const STORE_KINDS = Object.keys(STORES) as [StoreKind, ...StoreKind[]];
/** The store used when the environment names none. */
export const DEFAULT_STORE: StoreKind = 'sqlite';

type SettingsOf<K extends StoreKind> = (typeof STORES)[K] extends StoreEntry<infer S> ? S : never;
/** The chosen store and its settings, as config().store holds them. */
export type StoreConfig = { [K in StoreKind]: { kind: K } & SettingsOf<K> }[StoreKind];

/** Opens the chosen store (`undefined` for the cookie). */
export function openStore({ kind, ...settings }: StoreConfig, options: StoreOptions): SessionStore | undefined {
  // TypeScript cannot follow that `settings` are the settings of `kind`'s entry; `StoreConfig` is built so they are.
  const open = STORES[kind].open as (settings: object, options: StoreOptions) => SessionStore | undefined;
  return open(settings, options);
}
