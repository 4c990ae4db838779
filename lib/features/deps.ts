import type { BridgePublications } from "./bridge/bridgePublications.js";
import type { Configure } from "./configure.js";
import type { EntityPublisher } from "./entityPublisher.js";
import type { ExternalConverters } from "./external/externalConverters.js";
import type { HealthReport } from "./health.js";

/** The MQTT client's counters, for bridge/health and health_check. */
export interface MqttStatsView {
  readonly connected: boolean;
  readonly queued: number;
  readonly received: number;
  readonly published: number;
}

/** Bridge parts some features need besides the context: the state publisher, configure, bridge republishing. */
export interface FeatureDeps {
  publisher: EntityPublisher;
  configure: Configure;
  publications: BridgePublications;
  /** restarts the bridge in-process (bridge/request/restart) */
  restart(): void;
  /** the MQTT client's live counters (the controller passes `() => mqtt.stats`) */
  mqttStats?: () => MqttStatsView;
  /** hands a message to the topic router as if it came from the broker; false when no handler takes its topic */
  route?: (topic: string, payload: Buffer) => boolean;
  /** sees every publish (full topic), connected or not; returns the function that removes the tap */
  onPublish?: (tap: PublishTap) => () => void;
  /** the external converters the controller loaded before Zigbee started (none: external JavaScript is disabled) */
  externalConverters?: ExternalConverters;
  /** a current bridge/health report, not published (the web UI's, for a client that connects before the first one) */
  healthReport?: () => HealthReport;
}

/** A publish as the bridge made it: the full topic, the payload, whether it asked for retain. */
export type PublishTap = (topic: string, payload: string | Buffer, retain: boolean) => void;
