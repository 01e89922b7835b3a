import 'server-only';
import { config } from './config';

/** A bad session setting stops the server at start, naming the variable, instead of failing a request later. */
export function assertConfigAtStart(): void {
  try {
    config();
  } catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
