// No secret or store here: it holds only what a seal was verified to say, so tests may use it directly.

/**
 * Seals verified before, and what each was verified to hold, so that a request whose cookie was seen
 * before costs a map lookup instead of an unseal. The key is the whole seal, so only the very string
 * that was verified hits. Bounded by bytes rather than by entries, the oldest entry going first: an
 * entry costs its seal (one byte a character, as V8 holds an ASCII string) and what it holds.
 */
export class VerifiedSeals<Entry> {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  /**
   * `entryBytes`: what an entry costs beyond its seal's characters. For the session's entry
   * (`lib/server/session.ts`), measured with `--expose-gc`: about 180 bytes of objects and strings.
   */
  constructor(
    private readonly budgetBytes: number,
    private readonly entryBytes: number,
  ) {}

  get(seal: string): Entry | undefined {
    return this.entries.get(seal);
  }

  set(seal: string, entry: Entry): void {
    if (this.entries.has(seal)) return;
    this.entries.set(seal, entry);
    this.bytes += this.costOf(seal);
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.bytes -= this.costOf(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private costOf(seal: string): number {
    return seal.length + this.entryBytes;
  }
}
