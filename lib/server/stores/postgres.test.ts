import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PostgresSessionStore } from './postgres';
import { MIGRATIONS } from './postgres-schema';
import { MAX_STATEMENT_TIMEOUT_MS } from './postgres-settings';
import type { NewSessionRecord } from './types';

// What the contract suite cannot say of every store: Postgres's schema and its migrations, its typed columns, its
// timeouts, and a connection cut by the server. Each store here gets a schema of its own, dropped at the end.
const url = inject('postgresUrl');
const admin = postgres(url, { max: 2, onnotice: () => {} });
const made: string[] = [];
afterAll(async () => {
  for (const schema of made) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

function newSchema(): string {
  const schema = `store_test_${Math.random().toString(36).slice(2)}`;
  made.push(schema);
  return schema;
}

const open = (schema: string, settings: { poolSize?: number; statementTimeoutMs?: number } = {}) =>
  new PostgresSessionStore({ url, schema, poolSize: settings.poolSize ?? 4, statementTimeoutMs: settings.statementTimeoutMs ?? 10_000 });

const T0 = Date.now();
const record = (overrides: Partial<NewSessionRecord> = {}): NewSessionRecord => ({
  id: crypto.randomUUID(),
  username: 'demo',
  role: 'user',
  createdAt: T0,
  lastActivityAt: T0,
  authenticatedAt: T0,
  expiresAt: T0 + 1_800_000,
  remember: false,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  ...overrides,
});

const tablesIn = async (schema: string) =>
  (await admin<Array<{ table_name: string }>>`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`).map((row) => row.table_name);

/** `schema` as the first version of the app left it (the first step taken, and nothing later), with `also` run in it. */
async function atFirstVersion(schema: string, also?: string): Promise<void> {
  await admin.begin(async (tx) => {
    await tx`CREATE SCHEMA ${tx(schema)}`;
    await tx`SET LOCAL search_path TO ${tx(schema)}`;
    await tx`CREATE TABLE session_store_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)`;
    await tx.unsafe(MIGRATIONS[0] ?? '').simple();
    await tx`INSERT INTO session_store_migrations VALUES (1, ${T0})`;
    if (also) await tx.unsafe(also).simple();
  });
}

describe('postgres session store: its schema', () => {
  it('makes its schema and tables on first use, records its version, and keeps records across a reopen', async () => {
    const schema = newSchema();
    const first = open(schema);
    const created = record();
    await first.create(created, 20);
    await first.end(created.id, 'signed-out-elsewhere', T0);
    await first.close();
    expect(await tablesIn(schema)).toEqual(['session_events', 'session_store_migrations', 'sessions', 'sign_in_attempts', 'used_once']);
    expect(await admin`SELECT version FROM ${admin(schema)}.session_store_migrations ORDER BY version`).toEqual(MIGRATIONS.map((_, index) => ({ version: index + 1 })));

    const second = open(schema);
    expect(await second.get(created.id)).toMatchObject({ endReason: 'signed-out-elsewhere' });
    await second.close();
    expect(await admin`SELECT version FROM ${admin(schema)}.session_store_migrations`).toHaveLength(MIGRATIONS.length);
  });

  it('takes a schema of the first version to the last, its records kept and found by a provider logout once signed in so', async () => {
    const schema = newSchema();
    await atFirstVersion(schema);
    const before = record();
    await admin`INSERT INTO ${admin(schema)}.sessions (id, username, role, created_at, last_activity_at, authenticated_at, expires_at, purge_at, remember, user_agent)
      VALUES (${before.id}, 'demo', 'user', ${T0}, ${T0}, ${T0}, ${before.expiresAt}, ${before.expiresAt + 3_600_000}, false, ${before.userAgent})`;
    const store = open(schema);
    expect(await store.get(before.id)).toMatchObject({ id: before.id, username: 'demo' });
    expect((await store.get(before.id))?.providerLink).toBeUndefined();
    const linked = record({ username: 'alice@idp', providerLink: { subject: 'sub-1', sessionId: 'sid-1', idToken: 'eyJ.a.b' } });
    await store.create(linked, 20);
    expect(await store.providerSessions({ sessionId: 'sid-1' }, T0)).toEqual([{ id: linked.id, username: 'alice@idp' }]);
    await store.close();
    expect(await admin`SELECT version FROM ${admin(schema)}.session_store_migrations ORDER BY version`).toEqual(MIGRATIONS.map((_, index) => ({ version: index + 1 })));
  });

  it('refuses to take a schema of the first version on when a later step\'s table is someone else\'s, naming it', async () => {
    const schema = newSchema();
    await atFirstVersion(schema, 'CREATE TABLE used_once (note text)');
    const store = open(schema);
    await expect(store.get('any')).rejects.toThrow(`SESSION_DB_SCHEMA ${schema} holds tables the session store did not make (used_once)`);
    await store.close();
    expect(await admin`SELECT version FROM ${admin(schema)}.session_store_migrations`).toEqual([{ version: 1 }]);
  });

  it('refuses a schema that holds a table of its names it did not make (an app\'s own sessions), naming SESSION_DB_SCHEMA, and leaves it alone', async () => {
    const schema = newSchema();
    await admin`CREATE SCHEMA ${admin(schema)}`;
    await admin`CREATE TABLE ${admin(schema)}.sessions (token text PRIMARY KEY, user_id integer)`;
    await admin`INSERT INTO ${admin(schema)}.sessions VALUES ('app-token', 1)`;
    const store = open(schema);
    await expect(store.get('any')).rejects.toThrow(`SESSION_DB_SCHEMA ${schema} holds tables the session store did not make (sessions)`);
    await store.close();
    expect(await tablesIn(schema)).toEqual(['sessions']);
    expect(await admin`SELECT * FROM ${admin(schema)}.sessions`).toEqual([{ token: 'app-token', user_id: 1 }]);
  });

  it('ten instances starting at once on a new schema make it once, and each works', async () => {
    const schema = newSchema();
    const instances = Array.from({ length: 10 }, () => open(schema, { poolSize: 2 }));
    try {
      const records = instances.map(() => record({ username: 'many' }));
      await Promise.all(instances.map((store, i) => store.create(records[i] as NewSessionRecord, 20)));
      expect((await instances[0]?.listByUser('many', T0, { offset: 0, limit: 20 }))?.total).toBe(10);
      expect(await admin`SELECT count(*)::int AS n FROM ${admin(schema)}.session_store_migrations`).toEqual([{ n: MIGRATIONS.length }]);
    } finally {
      await Promise.all(instances.map((store) => store.close()));
    }
  });

  it('sign-ins of one user on five instances at once, 200 in all, leave exactly the cap active, in every one of five rounds', async () => {
    const schema = newSchema();
    const instances = Array.from({ length: 5 }, () => open(schema, { poolSize: 4 }));
    try {
      for (let round = 0; round < 5; round += 1) {
        const user = `capped-${round}`;
        await Promise.all(Array.from({ length: 200 }, (_, i) => instances[i % 5]?.create(record({ username: user, lastActivityAt: T0 - i }), 20)));
        expect((await instances[0]?.listByUser(user, T0, { offset: 0, limit: 1 }))?.total, `round ${round}`).toBe(20);
      }
    } finally {
      await Promise.all(instances.map((store) => store.close()));
    }
  });

  it('refuses a schema a later version of the app has moved on, naming SESSION_DB_SCHEMA, and touches nothing', async () => {
    const schema = newSchema();
    const store = open(schema);
    await store.create(record(), 20);
    await store.close();
    await admin`INSERT INTO ${admin(schema)}.session_store_migrations (version, applied_at) VALUES (${MIGRATIONS.length + 1}, ${Date.now()})`;
    const older = open(schema);
    await expect(older.get('any')).rejects.toThrow(`SESSION_DB_SCHEMA ${schema} is at version ${MIGRATIONS.length + 1}`);
    await older.close();
  });

  /** A login role of its own, with `grants` given to it, for `work`; dropped afterwards, with what it was granted. */
  async function asRole(grants: (role: string) => string[], work: (url: string) => Promise<void>) {
    const role = `store_role_${Math.random().toString(36).slice(2)}`;
    await admin.unsafe(`CREATE ROLE ${role} LOGIN`);
    try {
      for (const grant of grants(role)) await admin.unsafe(grant);
      const login = new URL(url);
      login.username = role;
      await work(login.toString());
    } finally {
      await admin.unsafe(`DROP OWNED BY ${role} CASCADE`);
      await admin.unsafe(`DROP ROLE ${role}`);
    }
  }

  it('runs as a role that may only read and write the rows, on a schema its owner made: no CREATE on the database or the schema', async () => {
    const schema = newSchema();
    const owner = open(schema);
    const created = record();
    await owner.create(created, 20);
    await owner.close();
    await asRole(
      (role) => [`GRANT USAGE ON SCHEMA ${schema} TO ${role}`, `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`],
      async (roleUrl) => {
        const store = new PostgresSessionStore({ url: roleUrl, schema, poolSize: 2, statementTimeoutMs: 10_000 });
        try {
          expect(await store.get(created.id)).toMatchObject({ id: created.id });
          expect(await store.touch(created.id, T0 + 1, T0 + 3_600_000, Date.now())).toMatchObject({ lastActivityAt: T0 + 1 });
          await store.create(record(), 20);
        } finally {
          await store.close();
        }
      },
    );
  });

  it('makes its tables in a schema an administrator made for it, as a role with CREATE on that schema and none on the database', async () => {
    const schema = newSchema();
    await admin`CREATE SCHEMA ${admin(schema)}`;
    await asRole(
      (role) => [`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`],
      async (roleUrl) => {
        const store = new PostgresSessionStore({ url: roleUrl, schema, poolSize: 2, statementTimeoutMs: 10_000 });
        try {
          const created = record();
          await store.create(created, 20);
          expect(await store.get(created.id)).toMatchObject({ id: created.id });
          expect(await tablesIn(schema)).toEqual(['session_events', 'session_store_migrations', 'sessions', 'sign_in_attempts', 'used_once']);
        } finally {
          await store.close();
        }
      },
    );
  });

  it('keeps two apps apart in one database by their schemas, and makes nothing outside its own', async () => {
    const [a, b] = [newSchema(), newSchema()];
    // Where a store that lost its schema would write: the default one, and the one every role has. (Other test files
    // make schemas of their own meanwhile, so the whole database is no measure.)
    const elsewhere = () => admin`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'session_store') ORDER BY 1, 2`;
    const before = await elsewhere();
    const [storeA, storeB] = [open(a), open(b)];
    try {
      const mine = record({ username: 'shared-name' });
      await storeA.create(mine, 20);
      await storeA.reserveAttempt('user:shared-name', 60_000, Date.now());
      expect(await storeB.get(mine.id)).toBeUndefined();
      expect(await storeB.listAll(T0, { offset: 0, limit: 10 })).toEqual({ records: [], total: 0 });
      expect(await storeB.reserveAttempt('user:shared-name', 60_000, Date.now())).toMatchObject({ count: 1 });
      expect(await storeA.get(mine.id)).toMatchObject({ id: mine.id });
      expect(await elsewhere()).toEqual(before);
      expect(await tablesIn(a)).toEqual(['session_events', 'session_store_migrations', 'sessions', 'sign_in_attempts', 'used_once']);
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });

  it('keeps its tables in its schema and its own timeout whatever settings DATABASE_URL carries: ?search_path=, ?statement_timeout=, Prisma\'s ?schema=', async () => {
    const schema = newSchema();
    const store = new PostgresSessionStore({
      url: `${url}?schema=public&search_path=public&statement_timeout=1&connection_limit=5&sslmode=disable`,
      schema,
      poolSize: 2,
      statementTimeoutMs: 10_000,
    });
    try {
      const created = record();
      await store.create(created, 20);
      await store.appendEvent({ id: crypto.randomUUID(), at: Date.now(), kind: 'signed-in', username: 'demo', actor: { by: 'user' }, details: {} });
      expect(await store.get(created.id)).toMatchObject({ id: created.id });
      expect(await tablesIn(schema)).toEqual(['session_events', 'session_store_migrations', 'sessions', 'sign_in_attempts', 'used_once']);
      expect(await tablesIn('public')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a time that is not a whole number, or a missing field, at the column itself (bigint, NOT NULL)', async () => {
    const schema = newSchema();
    const store = open(schema);
    const created = record();
    await store.create(created, 20);
    const table = admin`${admin(schema)}.sessions`;
    await expect(admin`UPDATE ${table} SET last_activity_at = ${'soon'} WHERE id = ${created.id}`).rejects.toMatchObject({ code: '22P02' });
    await expect(admin`UPDATE ${table} SET expires_at = ${'1.5'} WHERE id = ${created.id}`).rejects.toMatchObject({ code: '22P02' });
    await expect(admin`UPDATE ${table} SET user_agent = NULL WHERE id = ${created.id}`).rejects.toMatchObject({ code: '23502' });
    expect(await store.get(created.id)).toMatchObject({ id: created.id, lastActivityAt: T0 });
    await store.close();
  });
});

describe('postgres session store: racing another transaction', () => {
  it.each([
    ['a keep-alive', (store: PostgresSessionStore, id: string) => store.touch(id, T0 + 1, T0 + 3_600_000, Date.now())],
    ['a confirmation', (store: PostgresSessionStore, id: string) => store.markAuthenticated(id, Date.now())],
    ['a second sign-out', (store: PostgresSessionStore, id: string) => store.end(id, 'signed-out', Date.now())],
  ] as const)('%s waiting on a sign-out in another instance answers with the record as that sign-out left it', async (_what, act) => {
    const schema = newSchema();
    const store = open(schema);
    const created = record();
    await store.create(created, 20);
    const other = await admin.reserve();
    try {
      await other`BEGIN`;
      await other`UPDATE ${other(schema)}.sessions SET ended_at = ${T0}, end_reason = 'signed-out-elsewhere', purge_at = ${T0 + 3_600_000} WHERE id = ${created.id}`;
      const acted = act(store, created.id);
      await expect.poll(async () => (await admin`SELECT pid FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`).length).toBe(1);
      await other`COMMIT`;
      expect(await acted).toMatchObject({ id: created.id, endedAt: T0, endReason: 'signed-out-elsewhere' });
    } finally {
      other.release();
      await store.close();
    }
  });
});

describe('postgres session store: when the database fails', () => {
  it('fails with StoreUnavailableError, quickly, when Postgres cannot be reached', async () => {
    const store = new PostgresSessionStore({ url: 'postgres://postgres@127.0.0.1:1/postgres', schema: newSchema(), poolSize: 2, statementTimeoutMs: 2_000 });
    const started = Date.now();
    await expect(store.get('x')).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });

  /** A store whose keep-alive of `created` waits on a row lock another connection holds, until `release`. */
  async function blockedTouch(statementTimeoutMs: number) {
    const schema = newSchema();
    const store = open(schema, { poolSize: 1, statementTimeoutMs });
    const created = record();
    await store.create(created, 20);
    const holder = await admin.reserve();
    await holder`BEGIN`;
    await holder`SELECT * FROM ${holder(schema)}.sessions WHERE id = ${created.id} FOR UPDATE`;
    const touched = store.touch(created.id, T0 + 1, T0 + 3_600_000, Date.now());
    touched.catch(() => {});
    const release = async () => {
      await holder`ROLLBACK`;
      holder.release();
    };
    return { store, created, touched, release };
  }

  it('a statement that runs past SESSION_DB_STATEMENT_TIMEOUT fails with StoreUnavailableError, and the store goes on', async () => {
    const { store, created, touched, release } = await blockedTouch(1_000);
    try {
      const started = Date.now();
      await expect(touched).rejects.toMatchObject({ name: 'StoreUnavailableError', cause: { code: '57014' } });
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await release();
    }
    expect(await store.touch(created.id, T0 + 2, T0 + 3_600_000, Date.now())).toMatchObject({ lastActivityAt: T0 + 2 });
    await store.close();
  });

  it('a sign-in whose connection is ended after its insert, while it waits to end a session past the cap, leaves nothing behind', async () => {
    const schema = newSchema();
    const store = open(schema, { poolSize: 2 });
    const oldest = record({ username: 'killed', lastActivityAt: T0 - 1 });
    await store.create(oldest, 1);
    const holder = await admin.reserve();
    try {
      // The oldest session held: the sign-in's insert is done, its end of the oldest waits on the row.
      await holder`BEGIN`;
      await holder`SELECT * FROM ${holder(schema)}.sessions WHERE id = ${oldest.id} FOR UPDATE`;
      const newer = record({ username: 'killed' });
      const created = store.create(newer, 1);
      created.catch(() => {});
      const waiting = () => admin`SELECT pid FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`;
      await expect.poll(async () => (await waiting()).length).toBe(1);
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`;
      await expect(created).rejects.toMatchObject({ name: 'StoreUnavailableError' });
      expect(await store.get(newer.id)).toBeUndefined();
    } finally {
      await holder`ROLLBACK`;
      holder.release();
    }
    expect(await store.get(oldest.id)).toMatchObject({ id: oldest.id });
    expect((await store.get(oldest.id))?.endedAt).toBeUndefined();
    await store.close();
  });

  it('works with the longest SESSION_DB_STATEMENT_TIMEOUT config accepts: no timer of the client fires at once', async () => {
    const store = open(newSchema(), { statementTimeoutMs: MAX_STATEMENT_TIMEOUT_MS });
    try {
      const created = record();
      await store.create(created, 20);
      expect(await store.get(created.id)).toMatchObject({ id: created.id });
    } finally {
      await store.close();
    }
  });

  it('a connection the server ends mid-statement (pg_terminate_backend) fails that call with StoreUnavailableError, and the next call works', async () => {
    const { store, created, touched, release } = await blockedTouch(10_000);
    try {
      await expect
        .poll(async () => (await admin`SELECT pid FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`).length)
        .toBe(1);
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`;
      await expect(touched).rejects.toMatchObject({ name: 'StoreUnavailableError', cause: { code: '57P01' } });
    } finally {
      await release();
    }
    expect(await store.get(created.id)).toMatchObject({ id: created.id, lastActivityAt: T0 });
    await store.close();
  });
});
