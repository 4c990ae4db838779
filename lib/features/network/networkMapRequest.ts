import { BridgeError } from "../../util/errors.js";
import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import { renderGraphviz } from "./graphviz.js";
import { scanNetwork } from "./networkMap.js";
import { renderPlantuml } from "./plantuml.js";

const TYPES = ["raw", "graphviz", "plantuml"] as const;
type MapType = (typeof TYPES)[number];

/** `networkmap`: `{"type": "raw"|"graphviz"|"plantuml", "routes"?: bool}` or the type as a string. */
export function networkMapRequests(ctx: BridgeContext): RequestModule {
  return {
    networkmap: async (payload) => {
      const { type, routes } = parse(payload);
      const zigbee = ctx.zigbee;
      if (!zigbee.available) {
        throw new BridgeError("ADAPTER_UNAVAILABLE", "The Zigbee adapter is disconnected (reconnecting)");
      }
      ctx.logger.info(`Starting network scan (includeRoutes '${routes}')`); // zigbee2mqtt's wording, as below
      const map = await scanNetwork(
        {
          devices: () => [zigbee.coordinator(), ...zigbee.devices()].filter((d) => d !== undefined),
          logger: ctx.logger,
        },
        routes,
      );
      ctx.logger.info("Network scan finished");
      const value =
        type === "raw"
          ? map
          : type === "graphviz"
            ? renderGraphviz(map, ctx.settings.get().map_options?.graphviz?.colors)
            : renderPlantuml(map);
      return { type, routes, value };
    },
  };
}

function parse(payload: unknown): { type: MapType; routes: boolean } {
  let type: unknown = payload;
  let routes: unknown = false;
  if (typeof payload === "object" && payload !== null && !Array.isArray(payload)) {
    const p = payload as Record<string, unknown>;
    type = p.type;
    routes = p.routes ?? false;
  }
  if (typeof type !== "string" || !(TYPES as readonly string[]).includes(type)) {
    const got = typeof type === "string" ? `'${type}'` : (JSON.stringify(type) ?? "nothing");
    throw new BridgeError("INVALID_PAYLOAD", `Invalid network map type ${got}: expected raw, graphviz or plantuml`);
  }
  if (typeof routes !== "boolean") {
    throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'routes' must be true or false");
  }
  return { type: type as MapType, routes };
}
