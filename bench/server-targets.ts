import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import { DEMO } from '../test-support/demo-accounts';
import { signInOverHttp } from '../test-support/sign-in';
import { PEERS, startPeer } from './peer-apps';
import { seedSessions } from './seed-sessions';
import { asSignedIn, identifyOurs, inParallel, startBenchApp, type BenchApp, type Endpoint, type SignedIn } from './support';

/** One app under load: its bare route, its session checks, and how a benchmark user signs in to it. */
export interface Target {
  id: string;
  label: string;
  app: BenchApp;
  checks: Record<string, Omit<Endpoint, 'sessions'>>;
  /** `count` new signed-in sessions, of benchmark users numbered from `first` where the app has users of its own. */
  signIn(count: number, first: number): Promise<SignedIn[]>;
}

/** Starts this app, a second copy of it that only ever serves the bare route (the RSS floor), and every peer. */
export async function startTargets(dataDir: string, started: BenchApp[]): Promise<{ targets: Target[]; bareApp: BenchApp }> {
  const track = async (app: Promise<BenchApp>) => {
    const running = await app;
    started.push(running);
    return running;
  };
  const oursDb = `${dataDir}/ours.db`;
  const ours = await track(startBenchApp(0, { SESSION_DB_PATH: oursDb }));
  const bareApp = await track(startBenchApp(1, { SESSION_DB_PATH: `${dataDir}/bare-app.db` }));
  const targets: Target[] = [
    {
      id: 'ours',
      label: 'ours',
      app: ours,
      checks: {
        status: { method: 'GET', path: '/api/session', identify: identifyOurs },
        keepAlive: { method: 'POST', path: '/api/session/keep-alive', body: '{"idleMs":0}', identify: identifyOurs },
      },
      // One signs in over HTTP; many are written straight into the store, as bench/scale.bench.ts does,
      // since 1,000 sign-ins cost 1,000 scrypts (about 100 s on this machine under load).
      signIn: async (count) => (count === 1 ? [asSignedIn(await signInOverHttp(ours.url, DEMO))] : seedSessions(new SqliteSessionStore(oursDb), count)),
    },
  ];
  for (const [index, peer] of PEERS.entries()) {
    const peerDir = `${dataDir}/${peer.id}`;
    const app = await track(startPeer(peer, 20 + index, peerDir));
    const signIn = (count: number, first: number) => inParallel(count, 4, (index) => peer.signIn(app.url, first + index, peerDir));
    targets.push({ id: peer.id, label: peer.label, app, checks: peer.checks, signIn });
  }
  return { targets, bareApp };
}
