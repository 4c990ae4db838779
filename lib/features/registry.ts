import { Availability } from "./availability.js";
import type { RequestModule } from "./bridge/requests.js";
import type { BridgeContext, Feature } from "./context.js";
import type { FeatureDeps } from "./deps.js";
import { deviceRequests } from "./devices/deviceRequests.js";
import { groupRequests } from "./groups/groupRequests.js";
import { GroupState } from "./groups/groupState.js";
import { Health } from "./health.js";
import { EndpointStates } from "./homeassistant/endpointStates.js";
import { HomeAssistant } from "./homeassistant/homeAssistant.js";
import { networkRequests } from "./network/networkRequests.js";
import { otaRequests } from "./ota/otaRequests.js";
import { OtaUpdates } from "./ota/otaUpdates.js";

/**
 * The optional capabilities and request modules, in one list so that the controller stays small. Each area adds
 * its feature classes and request module here. A feature's constructor runs before any feature starts.
 */
export async function createFeatures(
  ctx: BridgeContext,
  deps: FeatureDeps,
): Promise<{ features: Feature[]; requests: RequestModule[] }> {
  const features: Feature[] = [];
  features.push(new Availability(ctx), new Health(ctx, deps.mqttStats));
  features.push(new GroupState(ctx, deps.publisher));
  if (ctx.settings.get().homeassistant.enabled) features.push(new HomeAssistant(ctx, deps), new EndpointStates(ctx));
  if (ctx.settings.get().frontend.enabled) {
    // the web UI (HTTP server, WebSocket API) is loaded only when enabled
    const { Frontend } = await import("./frontend/frontend.js");
    features.push(new Frontend(ctx, deps));
  }
  const ota = new OtaUpdates(ctx, deps);
  features.push(ota);
  const requests: RequestModule[] = [
    deviceRequests(ctx, deps),
    groupRequests(ctx, deps),
    networkRequests(ctx, deps),
    otaRequests(ctx, ota),
  ];
  return { features, requests };
}
