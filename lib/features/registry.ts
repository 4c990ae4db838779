import { Availability } from "./availability.js";
import type { RequestModule } from "./bridge/requests.js";
import type { BridgeContext, Feature } from "./context.js";
import type { FeatureDeps } from "./deps.js";
import { deviceRequests } from "./devices/deviceRequests.js";
import { ExternalJs } from "./external/externalJs.js";
import { groupRequests } from "./groups/groupRequests.js";
import { GroupState } from "./groups/groupState.js";
import { Health } from "./health.js";
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
  // first: the external extensions run before the features that follow them
  const externalJs = new ExternalJs(ctx, deps, deps.externalConverters);
  const features: Feature[] = [externalJs];
  const health = new Health(ctx, deps.mqttStats);
  features.push(new Availability(ctx), health);
  features.push(new GroupState(ctx, deps.publisher));
  // Home Assistant discovery and the web UI (HTTP server, WebSocket API, WindFront) are loaded only when enabled
  if (ctx.settings.get().homeassistant.enabled) {
    const [{ HomeAssistant }, { EndpointStates }] = await Promise.all([
      import("./homeassistant/homeAssistant.js"),
      import("./homeassistant/endpointStates.js"),
    ]);
    features.push(new HomeAssistant(ctx, deps), new EndpointStates(ctx));
  }
  if (ctx.settings.get().frontend.enabled) {
    const { Frontend } = await import("./frontend/frontend.js");
    // a current report for a UI client that connects before the first bridge/health (one health.interval after start)
    features.push(new Frontend(ctx, { ...deps, healthReport: () => health.report() }));
  }
  const ota = new OtaUpdates(ctx, deps);
  features.push(ota);
  const requests: RequestModule[] = [
    deviceRequests(ctx, deps),
    groupRequests(ctx, deps),
    networkRequests(ctx, deps),
    otaRequests(ctx, ota),
    externalJs.requests(),
  ];
  return { features, requests };
}
