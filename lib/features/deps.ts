import type { BridgePublications } from "./bridge/bridgePublications.js";
import type { Configure } from "./configure.js";
import type { EntityPublisher } from "./entityPublisher.js";

/** Bridge parts some features need besides the context: the state publisher, configure, bridge republishing. */
export interface FeatureDeps {
  publisher: EntityPublisher;
  configure: Configure;
  publications: BridgePublications;
  /** restarts the bridge in-process (bridge/request/restart) */
  restart(): void;
}
