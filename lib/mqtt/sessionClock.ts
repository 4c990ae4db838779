/**
 * When the bridge was last connected to the broker, kept in `<data>/mqtt_session.json` so that a stop or a crash
 * counts as time away too. It decides whether the broker's session (and the QoS 1 commands queued in it while the
 * bridge was away) may be resumed: only when the bridge was away for at most `mqtt.queued_command_max_age`.
 *
 * While connected the time is rewritten every quarter of the bound (1 to 15 s), so after a crash the time away is
 * over-estimated by at most that: an old command is dropped rather than carried out. No fsync: a lost write also
 * only over-estimates.
 */
import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const SESSION_FILE = "mqtt_session.json";

interface Stored {
  /** client id and server: another session is not this one */
  client_id: string;
  server: string;
  /** ms since the epoch */
  last_connected: number;
}

export class SessionClock {
  private lastConnected: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private isConnected = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    /** seconds; 0: never resume */
    readonly maxAgeSec: number,
    private readonly clientId: string,
    private readonly server: string,
    private readonly dataDir: string | undefined,
    private readonly onWriteError: (message: string) => void = () => {},
  ) {
    this.lastConnected = this.read();
  }

  /** ms away from the broker, or undefined when this session was never seen connected. */
  awayMs(now = Date.now()): number | undefined {
    return this.lastConnected === undefined ? undefined : Math.max(0, now - this.lastConnected);
  }

  /** True when the broker's session may be resumed: away for at most the bound (never when unknown or bound 0). */
  mayResume(now = Date.now()): boolean {
    const away = this.awayMs(now);
    return this.maxAgeSec > 0 && away !== undefined && away <= this.maxAgeSec * 1000;
  }

  /** Connected now: note it, and keep noting it until `disconnected()`. */
  connected(now = Date.now()): void {
    this.isConnected = true;
    this.note(now);
    if (this.timer || this.maxAgeSec === 0) return;
    const every = Math.min(15_000, Math.max(1000, (this.maxAgeSec * 1000) / 4));
    this.timer = setInterval(() => this.note(Date.now()), every);
    this.timer.unref();
  }

  /** The connection is gone (now, or on stop): if it was up, now is the last moment connected. Resolves when written. */
  disconnected(now = Date.now()): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.isConnected) this.note(now);
    this.isConnected = false;
    return this.writing;
  }

  private note(now: number): void {
    this.lastConnected = now;
    if (!this.dataDir) return;
    const path = join(this.dataDir, SESSION_FILE);
    const data: Stored = { client_id: this.clientId, server: this.server, last_connected: now };
    const tmp = `${path}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(() => writeFile(tmp, `${JSON.stringify(data)}\n`, { mode: 0o600 }))
      .then(() => rename(tmp, path))
      .catch((error: Error) => this.onWriteError(`Cannot write ${path}: ${error.message}`));
  }

  private read(): number | undefined {
    if (!this.dataDir) return undefined;
    try {
      const stored = JSON.parse(readFileSync(join(this.dataDir, SESSION_FILE), "utf8")) as Partial<Stored>;
      if (stored.client_id !== this.clientId || stored.server !== this.server) return undefined;
      return typeof stored.last_connected === "number" ? stored.last_connected : undefined;
    } catch {
      return undefined; // missing or unreadable: unknown, so no session is resumed
    }
  }
}
