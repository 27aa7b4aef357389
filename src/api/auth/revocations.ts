// Logged-out sessions (issue 10, finding 10). Every token a node issues names its login session (the
// `sid` claim); access tokens got by refresh keep the session of the refresh token. Logging out
// revokes the session: its access tokens and its refresh token are refused from then on, on this node.
// (Revoking a KEY needs nothing here: caller.ts looks the subject up in the state at every request and
// on every refresh, so a suspended practitioner, a rotated patient key or a revoked proxy is refused.)
//
// A revocation is kept until the latest moment a token of that session could still be accepted, then
// forgotten. With a file, revocations survive a restart: one line per revocation appended, compacted
// (expired lines dropped) when loaded; the file is the node's own, mode 0600.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Clock } from '../../core/env.ts';
import { isHex } from '../../core/bytes.ts';
import { invariant } from '../../core/errors.ts';

/** Revoked sessions kept at most; past this the one closest to expiry is forgotten early (STYLE §5). */
export const REVOCATIONS_MAX_DEFAULT = 1_000_000;
export const REVOCATIONS_FILE = 'revoked-sessions.log';

export class SessionRevocations {
  /** sid → until when (ms since the epoch) a token of it could still be accepted; insertion order. */
  private readonly revoked = new Map<string, number>();
  private readonly path: string | undefined;
  private readonly clock: Clock;
  private readonly sizeMax: number;

  constructor(options: { path?: string; sizeMax?: number }, deps: { clock: Clock }) {
    this.path = options.path;
    this.clock = deps.clock;
    this.sizeMax = options.sizeMax ?? REVOCATIONS_MAX_DEFAULT;
    invariant(this.sizeMax > 0, 'revocations bound is positive');
    if (this.path !== undefined && existsSync(this.path)) this.load(this.path);
  }

  get size(): number {
    return this.revoked.size;
  }

  /** Revokes a session until `untilMs`, after which none of its tokens would verify anyway. */
  revoke(sid: string, untilMs: number): void {
    invariant(isHex(sid, 16), 'a session id is 16 bytes of hex');
    if (untilMs <= this.clock.nowMs()) return;
    this.sweep();
    while (this.revoked.size >= this.sizeMax) {
      const oldest = this.revoked.keys().next();
      if (oldest.done === true) break;
      this.revoked.delete(oldest.value);
    }
    this.revoked.set(sid, Math.max(untilMs, this.revoked.get(sid) ?? 0));
    if (this.path !== undefined) appendFileSync(this.path, `${sid} ${untilMs}\n`, { mode: 0o600 });
  }

  isRevoked(sid: string): boolean {
    const until = this.revoked.get(sid);
    return until !== undefined && until > this.clock.nowMs();
  }

  private sweep(): void {
    const nowMs = this.clock.nowMs();
    for (const [sid, until] of this.revoked) if (until <= nowMs) this.revoked.delete(sid);
  }

  private load(path: string): void {
    const nowMs = this.clock.nowMs();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [sid, until] = line.split(' ');
      const untilMs = Number(until);
      if (isHex(sid, 16) && Number.isSafeInteger(untilMs) && untilMs > nowMs) {
        this.revoked.set(sid, Math.max(untilMs, this.revoked.get(sid) ?? 0));
      }
    }
    const partial = `${path}.partial`;
    const lines = [...this.revoked].map(([sid, untilMs]) => `${sid} ${untilMs}\n`).join('');
    writeFileSync(partial, lines, { mode: 0o600 });
    renameSync(partial, path);
  }
}
