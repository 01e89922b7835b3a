import { RedisSessionStore } from '../lib/server/stores/redis';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import { DEMO } from '../test-support/demo-accounts';
import { startPostgres } from '../test-support/postgres-server';
import { clusterTestPorts, startRedisCluster } from '../test-support/redis-cluster';
import { startRedis } from '../test-support/redis-server';
import { signInOverHttp } from '../test-support/sign-in';
import { authJsPostgres, PEERS, startPeer, type Peer } from './peer-apps';
import { benchPostgresPort, benchRedisPort } from './ports';
import { benchPostgresStore, sealStatelessSessions, seedSessions } from './seed-sessions';
import { asSignedIn, identifyOurs, inParallel, startBenchApp, type BenchApp, type Endpoint, type SignedIn } from './support';

/** One app under load: its bare route, its session checks, and how a benchmark user signs in to it. */
export interface Target {
  id: string;
  label: string;
  app: BenchApp;
  checks: Record<string, Omit<Endpoint, 'sessions'>>;
  /** `count` new signed-in sessions, of benchmark users numbered from `first` where the app has users of its own. */
  signIn(count: number, first: number): Promise<SignedIn[]>;
  /** Measured with many sessions only: the other session stores of this app, beside its default one, and Auth.js on Postgres. */
  manyOnly?: boolean;
}

/** Anything the bench started and must stop: an app, a Redis, a cluster, a Postgres. */
export interface Started {
  stop(): Promise<void>;
}

const OUR_CHECKS: Target['checks'] = {
  status: { method: 'GET', path: '/api/session', identify: identifyOurs },
  keepAlive: { method: 'POST', path: '/api/session/keep-alive', body: '{"idleMs":0}', identify: identifyOurs },
};

type Track = <T extends Started>(running: Promise<T>) => Promise<T>;

/** The schema of this app's sessions in the bench's Postgres (the store's default one); Auth.js's tables are in `public`. */
const OURS_SCHEMA = 'session_store';

/**
 * This app with each of its other session stores (docs/stores.md): the cookie alone, one Redis,
 * a Redis Cluster of three masters and three replicas, and Postgres, all on loopback. Their sessions are written
 * straight into the store (or sealed, for the cookie) as for the default store; all are one user's, so on the
 * cluster they share that user's hash slot, as one user's sessions always do.
 */
async function storeModes(track: Track, postgresUrl: string): Promise<Target[]> {
  const redis = await track(startRedis(benchRedisPort(1)));
  const cluster = await track(startRedisCluster(clusterTestPorts(2)));
  const apps = {
    cookie: await track(startBenchApp(30, { SESSION_STORE: 'cookie' })),
    redis: await track(startBenchApp(31, { SESSION_STORE: 'redis', REDIS_URL: redis.url })),
    cluster: await track(startBenchApp(32, { SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.seeds })),
    postgres: await track(startBenchApp(33, { SESSION_STORE: 'postgres', DATABASE_URL: postgresUrl, SESSION_DB_SCHEMA: OURS_SCHEMA })),
  };
  const modes = [
    { id: 'ours-cookie', label: 'ours, SESSION_STORE=cookie', app: apps.cookie, signIn: (count: number) => sealStatelessSessions(count) },
    { id: 'ours-redis', label: 'ours, one Redis', app: apps.redis, signIn: (count: number) => seedSessions(new RedisSessionStore(redis.url), count) },
    { id: 'ours-cluster', label: 'ours, Redis Cluster', app: apps.cluster, signIn: (count: number) => seedSessions(new RedisSessionStore({ clusterNodes: cluster.nodes }), count) },
    { id: 'ours-postgres', label: 'ours, Postgres', app: apps.postgres, signIn: (count: number) => seedSessions(benchPostgresStore(postgresUrl, OURS_SCHEMA), count) },
  ];
  return modes.map((mode) => ({ ...mode, checks: OUR_CHECKS, manyOnly: true }));
}

/**
 * Starts this app, a second copy of it that only ever serves the bare route (the RSS floor), every peer, Auth.js on
 * Postgres, and this app on its other stores; one Postgres holds both apps' sessions, each in tables of its own.
 */
export async function startTargets(dataDir: string, started: Started[]): Promise<{ targets: Target[]; bareApp: BenchApp }> {
  const track: Track = async (running) => {
    const value = await running;
    started.push(value);
    return value;
  };
  // Stopping the bench's Postgres deletes its data too.
  const postgres = await track(startPostgres(benchPostgresPort(1)).then((server) => ({ url: server.url, stop: server.destroy })));
  const oursDb = `${dataDir}/ours.db`;
  const ours = await track(startBenchApp(0, { SESSION_DB_PATH: oursDb }));
  const bareApp = await track(startBenchApp(1, { SESSION_DB_PATH: `${dataDir}/bare-app.db` }));
  const targets: Target[] = [
    {
      id: 'ours',
      label: 'ours',
      app: ours,
      checks: OUR_CHECKS,
      // One signs in over HTTP; many are written straight into the store, as bench/scale.bench.ts does,
      // since 1,000 sign-ins cost 1,000 scrypts (about 100 s on this machine under load).
      signIn: async (count) => (count === 1 ? [asSignedIn(await signInOverHttp(ours.url, DEMO))] : seedSessions(new SqliteSessionStore(oursDb), count)),
    },
  ];
  const peerTarget = async (peer: Peer, offset: number): Promise<Target> => {
    const peerDir = `${dataDir}/${peer.id}`;
    const app = await track(startPeer(peer, offset, peerDir));
    const signIn = (count: number, first: number) => inParallel(count, 4, (index) => peer.signIn(app.url, first + index, peerDir));
    return { id: peer.id, label: peer.label, app, checks: peer.checks, signIn };
  };
  for (const [index, peer] of PEERS.entries()) targets.push(await peerTarget(peer, 20 + index));
  // Beside ours on Postgres, and like it measured with many sessions only.
  targets.push({ ...(await peerTarget(authJsPostgres(postgres.url), 20 + PEERS.length)), manyOnly: true });
  targets.push(...(await storeModes(track, postgres.url)));
  return { targets, bareApp };
}
