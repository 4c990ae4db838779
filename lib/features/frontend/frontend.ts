import { join } from "node:path";
import type { FrontendSettings } from "../../settings/types.js";
import { errorMessage } from "../../util/errors.js";
import type { BridgeContext, Feature } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { ICONS_DIR } from "./deviceIcons.js";
import { closeServer, createFrontendServer, type Listening, listen } from "./httpServer.js";
import { normalizeBaseUrl, uiRequestHandler } from "./staticFiles.js";
import { uiPackageDir } from "./uiPackage.js";
import { WebSocketApi } from "./webSocketApi.js";

const NS = "z2m:frontend";

/**
 * The web UI (`frontend:`): zigbee2mqtt's own UI package served over HTTP(S), and its WebSocket API at
 * `<base_url>/api`. Loaded only when `frontend.enabled`. A server that cannot start (port taken, bad TLS files) is
 * an error in the log; the bridge itself keeps running.
 */
export class Frontend implements Feature {
  private readonly api: WebSocketApi;
  private readonly base: string;
  private readonly removeTap: (() => void) | undefined;
  private listening: Listening | undefined;

  constructor(
    private readonly ctx: BridgeContext,
    deps: FeatureDeps,
  ) {
    const s = this.settings;
    this.base = normalizeBaseUrl(s.base_url);
    this.api = new WebSocketApi(ctx, deps.route, `${this.base}/api`, s.auth_token ?? undefined, deps.healthReport);
    // tapped from construction on: the retained bridge topics published while the features start are kept
    this.removeTap = deps.onPublish?.(this.api.tap);
  }

  private get settings(): FrontendSettings {
    return this.ctx.settings.get().frontend;
  }

  /** Where the UI listens (for tests and the log), once started. */
  get address(): Listening | undefined {
    return this.listening;
  }

  async start(): Promise<void> {
    const s = this.settings;
    let uiDir: string | undefined;
    if (s.disable_ui_serving) {
      this.ctx.logger.info("frontend.disable_ui_serving: only the WebSocket API is served", NS);
    } else {
      try {
        uiDir = await uiPackageDir(s.package ?? "zigbee2mqtt-windfront");
      } catch (e) {
        this.ctx.logger.error(`The web UI's files cannot be served: ${errorMessage(e)}`, NS);
      }
    }
    const handler = uiRequestHandler({ base: this.base, uiDir, iconsDir: join(this.ctx.settings.dataDir, ICONS_DIR) });
    try {
      const { server, tls } = createFrontendServer(s, handler);
      server.on("upgrade", (req, socket, head) => {
        socket.on("error", () => socket.destroy());
        if (!this.api.handleUpgrade(req, socket, head)) {
          socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        }
      });
      server.on("clientError", (_e, socket) => {
        if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        else socket.destroy();
      });
      this.listening = await listen(server, s, tls, this.base);
      this.ctx.logger.info(`Web UI and WebSocket API at ${this.listening.address}`, NS);
    } catch (e) {
      const where = s.host?.startsWith("/") ? s.host : `${s.host ?? "0.0.0.0"}:${s.port}`;
      this.ctx.logger.error(`The web UI cannot listen on ${where}: ${errorMessage(e)}; the bridge runs without it`, NS);
    }
  }

  async stop(): Promise<void> {
    this.removeTap?.();
    this.api.close();
    const server = this.listening?.server;
    this.listening = undefined;
    if (server) await closeServer(server);
  }
}
