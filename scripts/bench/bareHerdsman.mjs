// The floor's parts: zigbee-herdsman + converters, silent, on the virtual coordinator.
import { join } from "node:path";
import { Controller, setLogger } from "zigbee-herdsman";
import * as zhc from "zigbee-herdsman-converters";
import { NETWORK } from "./common.mjs";

const quiet = () => {};
setLogger({ debug: quiet, info: quiet, warning: quiet, error: quiet });
zhc.setLogger({ debug: quiet, info: quiet, warning: quiet, error: quiet });

/** A herdsman Controller on the simulator at `url`, its files in `dir` (not started). */
export function bareHerdsman(url, dir) {
  return new Controller({
    network: NETWORK,
    transport: { path: url, adapter: "zstack" },
    databasePath: join(dir, "database.db"),
    databaseBackupPath: join(dir, "database.db.backup"),
    backupPath: join(dir, "coordinator_backup.json"),
    adapter: { disableLED: false },
    acceptJoiningDeviceHandler: async () => true,
  });
}
