import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** True when `socat` can be run (Debian package `socat`). */
export function socatAvailable(): boolean {
  const r = spawnSync("socat", ["-V"], { stdio: "ignore" });
  return r.status === 0;
}

/**
 * A pseudo-terminal whose other side is the simulator's TCP port, made with socat: the host opens `path` as a serial
 * port (through serialport, exactly as a USB stick) and its bytes reach the coordinator unchanged.
 * socat ends when the host closes the port, so the bridge respawns it until closed.
 */
export class PtyBridge {
  private child: ChildProcess | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly tcpPort: number,
    private readonly log?: (level: "debug" | "info" | "warn", message: string) => void,
  ) {}

  async open(timeoutMs = 5000): Promise<void> {
    this.spawn();
    const until = Date.now() + timeoutMs;
    while (!existsSync(this.path)) {
      if (Date.now() > until) throw new Error(`socat did not create ${this.path}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private spawn(): void {
    const child = spawn(
      "socat",
      [`PTY,link=${this.path},raw,echo=0,mode=660`, `TCP:127.0.0.1:${this.tcpPort},nodelay`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.child = child;
    child.stderr?.on("data", (d: Buffer) => this.log?.("debug", `socat: ${d.toString().trim()}`));
    child.on("exit", (code) => {
      if (this.child === child) this.child = undefined;
      if (!this.closed) {
        this.log?.("debug", `socat exited (${code}); reopening ${this.path}`);
        setTimeout(() => {
          if (!this.closed) this.spawn();
        }, 50).unref();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    }
  }
}
