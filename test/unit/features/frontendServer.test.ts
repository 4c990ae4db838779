import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { get as httpGet, type IncomingMessage, type Server } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { closeServer, createFrontendServer, listen } from "../../../lib/features/frontend/httpServer.js";
import { normalizeBaseUrl, uiRequestHandler } from "../../../lib/features/frontend/staticFiles.js";
import { uiPackageDir } from "../../../lib/features/frontend/uiPackage.js";
import type { FrontendSettings } from "../../../lib/settings/types.js";
import { removeDir, tempDir } from "../../e2e/support/herdsmanWorld.js";
import { makeTestCertificates } from "../../support/tls.js";

/** The HTTP side of the frontend on real sockets: unix socket, TLS, WebSocket-only mode, refused settings. */
const dir = tempDir("zigmqtt-frontend-");
const ui = join(dir, "ui");
mkdirSync(ui, { recursive: true });
writeFileSync(join(ui, "index.html"), "<html>ui</html>");
const settings = (s: Partial<FrontendSettings>): FrontendSettings => ({
  enabled: true,
  package: "zigbee2mqtt-windfront",
  port: 0,
  base_url: "/",
  ...s,
});
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await closeServer(s);
});

function body(res: IncomingMessage): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    let text = "";
    res.on("data", (c) => {
      text += c;
    });
    res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
  });
}

async function start(s: FrontendSettings, uiDir: string | null = ui) {
  const { server, tls } = createFrontendServer(
    s,
    uiRequestHandler({ base: normalizeBaseUrl(s.base_url), uiDir: uiDir ?? undefined, iconsDir: join(dir, "icons") }),
  );
  servers.push(server);
  return listen(server, s, tls, normalizeBaseUrl(s.base_url));
}

describe("frontend server", () => {
  it("finds WindFront's files, and refuses a package that is not a zigbee2mqtt UI", async () => {
    expect(existsSync(join(await uiPackageDir("zigbee2mqtt-windfront"), "index.html"))).toBe(true);
    await expect(uiPackageDir("left-pad")).rejects.toThrow(/is not one of zigbee2mqtt-windfront, zigbee2mqtt-frontend/);
  });

  it("normalises base_url", () => {
    expect(["/", "", "/z2m", "/z2m/", "z2m"].map(normalizeBaseUrl)).toEqual(["", "", "/z2m", "/z2m", "/z2m"]);
  });

  it("listens on a unix socket when host is an absolute path, replacing a stale socket file", async () => {
    const path = join(dir, "ui.sock");
    // a process that died leaves its socket file behind
    const script = `require("net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`;
    spawnSync(process.execPath, ["-e", script]);
    expect(statSync(path).isSocket()).toBe(true);
    const l = await start(settings({ host: path }));
    expect(l.address).toBe(`unix:${path}`);
    const res = await new Promise<IncomingMessage>((r) => httpGet({ socketPath: path, path: "/" }, r));
    expect(await body(res)).toEqual({ status: 200, text: "<html>ui</html>" });
  });

  it("serves HTTPS with ssl_cert and ssl_key", async () => {
    const certs = await makeTestCertificates(dir);
    const l = await start(settings({ host: "127.0.0.1", ssl_cert: certs.cert, ssl_key: certs.key }));
    expect(l.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await new Promise<IncomingMessage>((r) =>
      httpsGet({ host: "127.0.0.1", port: l.port, path: "/", ca: readFileSync(certs.ca) }, r),
    );
    expect((await body(res)).status).toBe(200);
  });

  it("refuses half a TLS setting or a missing file with a clear error (no silent plain HTTP)", () => {
    expect(() => createFrontendServer(settings({ ssl_cert: "/nowhere.crt" }), () => {})).toThrow(
      /ssl_cert and frontend.ssl_key must be set together/,
    );
    expect(() =>
      createFrontendServer(settings({ ssl_cert: "/nowhere.crt", ssl_key: "/nowhere.key" }), () => {}),
    ).toThrow(/cannot read frontend.ssl_cert '\/nowhere.crt'/);
  });

  it("serves no files without a UI directory (disable_ui_serving), and a taken port is an error", async () => {
    const l = await start(settings({ host: "127.0.0.1" }), null);
    const res = await new Promise<IncomingMessage>((r) => httpGet({ host: "127.0.0.1", port: l.port, path: "/" }, r));
    expect((await body(res)).status).toBe(404);
    await expect(start(settings({ host: "127.0.0.1", port: l.port }))).rejects.toThrow(/EADDRINUSE/);
  });
});

process.on("exit", () => removeDir(dir));
