import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { readFileWithBackup, writeFileWithBackup } from "../util/backedUpFile.js";
import type { Ieee } from "./air.js";
import { Coordinator } from "./coordinator/coordinator.js";
import type { NvSnapshot } from "./coordinator/nvStore.js";
import { DeconzCoordinator } from "./deconz/deconzCoordinator.js";
import type { DeconzSnapshot } from "./deconz/parameters.js";
import type { FirmwareIdentity } from "./deconz/protocol.js";
import { createDevice } from "./devices/catalog.js";
import type { VirtualDevice } from "./devices/virtualDevice.js";
import type { CoordinatorFrontEnd, CoordinatorProtocol, HostEndpoint } from "./frontEnd.js";
import { type ReportLoadOptions, type ReportLoadResult, runReportLoad } from "./load/reportLoad.js";
import type { Member } from "./network/network.js";
import { loadScenario, type Scenario } from "./scenario/scenario.js";
import { PtyBridge } from "./transport/ptyBridge.js";
import { TcpTransport } from "./transport/tcpTransport.js";
import { unpiEndpoint } from "./transport/unpiEndpoint.js";
import { deterministicIeee } from "./util/prng.js";

export type LogFn = (level: "debug" | "info" | "warn", message: string) => void;

export interface SimulatorOptions {
  /** `demo` (default), `scale:N`, a YAML/JSON file, or a scenario object */
  scenario?: string | Scenario;
  /** TCP port to listen on (0 or unset: a free port) */
  port?: number;
  host?: string;
  /** where NV and the joined-device table persist; unset: nothing persists (a new stick every start) */
  nvFile?: string;
  /** also expose the coordinator as a serial port: a pseudo-terminal at this path (needs socat) */
  ptyPath?: string;
  /** overrides the scenario's seed */
  seed?: string;
  /** the serial protocol: a Z-Stack stick (default) or a ConBee / RaspBee with deCONZ firmware */
  adapter?: CoordinatorProtocol;
  /** the deCONZ firmware identity (ConBee II by default) */
  deconzFirmware?: FirmwareIdentity;
  log?: LogFn;
}

interface PersistedDevice {
  nwk: number;
  parent: number;
  joined: boolean;
  state: unknown;
}

interface PersistedState {
  version: 1;
  ieee: Ieee;
  /** Z-Stack NV; kept while the simulator runs as deCONZ, so a switch back resumes it */
  nv: NvSnapshot;
  /** deCONZ parameters; kept while the simulator runs as Z-Stack */
  deconz?: DeconzSnapshot;
  groups: Record<string, number[]>;
  devices: Record<Ieee, PersistedDevice>;
}

const SAVE_DEBOUNCE_MS = 100;

/**
 * The virtual coordinator as a whole: a coordinator front-end (Z-Stack or deCONZ) on TCP (and optionally a pty), its
 * network of virtual devices from a scenario, and its NV persisted to a JSON file so that a restart resumes the same
 * network.
 */
export class Simulator {
  readonly scenario: Scenario;
  /** the serial protocol the simulator speaks */
  readonly adapter: CoordinatorProtocol;
  /** the coordinator front-end, whichever protocol it speaks */
  readonly frontEnd: CoordinatorFrontEnd;
  /** the front-end as what it is (one of them is set) */
  readonly zstack: Coordinator | undefined;
  readonly deconz: DeconzCoordinator | undefined;
  readonly transport: TcpTransport;
  private readonly persisted: PersistedState | undefined;
  private readonly devicesByName = new Map<string, VirtualDevice>();
  private pty: PtyBridge | undefined;
  private port = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private started = false;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.scenario = loadScenario(options.scenario ?? "demo");
    const seed = options.seed ?? this.scenario.seed;
    const persisted = this.readPersisted();
    this.persisted = persisted;
    const base = {
      ieee: persisted?.ieee ?? deterministicIeee(seed, "coordinator"),
      seed,
      coordinatorReceivesAllGroupcasts: this.scenario.coordinatorReceivesAllGroupcasts,
      log: options.log,
    };
    let endpoint: HostEndpoint;
    this.adapter = options.adapter ?? "zstack";
    if (options.adapter === "deconz") {
      this.deconz = new DeconzCoordinator({ ...base, firmware: options.deconzFirmware });
      this.frontEnd = this.deconz;
      endpoint = this.deconz;
    } else {
      this.zstack = new Coordinator(base);
      this.frontEnd = this.zstack;
      endpoint = unpiEndpoint(this.zstack);
    }
    this.scenario.devices.forEach((d, i) => {
      const ieee = d.ieee ?? deterministicIeee(seed, `${d.kind}/${i}`, "a4c138");
      const touchlink = d.touchlinkChannel === undefined ? {} : { touchlinkChannel: d.touchlinkChannel };
      const device = createDevice(d.kind, { ieee, ...(d.options ?? {}), ...touchlink });
      const name = d.name ?? `${d.kind}_${i + 1}`;
      this.devicesByName.set(name, device);
      const saved = persisted?.devices[ieee];
      const joined = saved?.joined === true && persisted !== undefined;
      if (saved) device.restore(saved.state);
      this.frontEnd.net.add(device, {
        paired: d.paired,
        autoJoin: d.autoJoin,
        nwk: joined ? saved.nwk : undefined,
        parent: saved?.parent,
        joined,
      });
    });
    if (persisted) {
      if (persisted.nv && Object.keys(persisted.nv).length > 0) this.zstack?.nv.restore(persisted.nv);
      if (persisted.deconz) this.deconz?.restore(persisted.deconz);
      for (const [id, eps] of Object.entries(persisted.groups)) this.frontEnd.groups.set(Number(id), new Set(eps));
    }
    this.frontEnd.powerOn();
    this.frontEnd.events.changed = () => this.scheduleSave();
    this.transport = new TcpTransport(endpoint, { host: options.host, port: options.port, log: options.log });
    if (this.deconz) this.deconz.events.rebooted = () => this.transport.dropHost();
  }

  /** The Z-Stack coordinator (tests of Z-Stack specifics); throws when the simulator speaks deCONZ. */
  get coordinator(): Coordinator {
    if (!this.zstack) throw new Error("the simulator runs a deCONZ coordinator (see Simulator.deconz)");
    return this.zstack;
  }

  async start(): Promise<this> {
    this.port = await this.transport.listen();
    if (this.options.ptyPath) {
      this.pty = new PtyBridge(this.options.ptyPath, this.port, this.options.log);
      await this.pty.open();
    }
    this.started = true;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.pty?.close();
    await this.transport.close();
    this.frontEnd.stop();
    this.saveNow();
  }

  /** `tcp://127.0.0.1:PORT`, as zigbee-herdsman takes it in `transport.path` */
  get url(): string {
    return `tcp://${this.options.host ?? "127.0.0.1"}:${this.port}`;
  }

  get tcpPort(): number {
    return this.port;
  }

  get ptyPath(): string | undefined {
    return this.options.ptyPath;
  }

  /** A device by scenario name or IEEE address. */
  device(nameOrIeee: string): VirtualDevice {
    const d = this.devicesByName.get(nameOrIeee) ?? this.member(nameOrIeee)?.device;
    if (!d) throw new Error(`no simulated device '${nameOrIeee}'`);
    return d as VirtualDevice;
  }

  member(nameOrIeee: string): Member | undefined {
    const d = this.devicesByName.get(nameOrIeee);
    return this.frontEnd.net.get(d ? d.description.ieee : nameOrIeee);
  }

  deviceNames(): string[] {
    return [...this.devicesByName.keys()];
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** The device stops acknowledging (out of range, unpowered): unicasts to it fail with MAC_NO_ACK. */
  setSilent(nameOrIeee: string, silent: boolean): void {
    this.frontEnd.net.setSilent(this.device(nameOrIeee).description.ieee, silent);
  }

  leave(nameOrIeee: string): void {
    this.frontEnd.net.leave(this.device(nameOrIeee).description.ieee);
  }

  /** Rejoins with a new network address; returns it. */
  rejoin(nameOrIeee: string): number | undefined {
    return this.frontEnd.net.rejoin(this.device(nameOrIeee).description.ieee);
  }

  /**
   * The coordinator loses the device from its address manager (Z-Stack's fault of devices going missing from its
   * NV tables): the device stays in the network and works, the host is told nothing, but a backup of the stick no
   * longer lists it. Returns whether the table had it.
   */
  dropFromAddressManager(nameOrIeee: string): boolean {
    if (!this.zstack) throw new Error("dropFromAddressManager is a Z-Stack fault");
    return this.zstack.deviceTables.forget(this.device(nameOrIeee).description.ieee);
  }

  /** The host connection drops (stick unplugged / adapter reboot); the host may reconnect. */
  dropHost(): void {
    this.transport.dropHost();
  }

  /** Raw bytes to the host, as if the stick sent them (see Coordinator.injectToHost); for fuzzing the host. */
  injectToHost(bytes: Buffer): void {
    this.frontEnd.injectToHost(bytes);
  }

  // ---- load -------------------------------------------------------------------------------------------------

  /**
   * Joined devices (by default every joined device that has the attribute) send `count` attribute reports, at
   * `rate` per second or as fast as the host takes them.
   */
  async generateReports(options: ReportLoadOptions & { devices?: string[] }): Promise<ReportLoadResult> {
    const cluster = options.cluster ?? "genLevelCtrl";
    const attribute = options.attribute ?? "currentLevel";
    const candidates = options.devices
      ? options.devices.map((n) => this.device(n))
      : this.frontEnd.net
          .joinedMembers()
          .map((m) => m.device as VirtualDevice)
          .filter((d) => d.getAttribute(options.endpoint ?? 1, cluster, attribute) !== undefined);
    return runReportLoad(candidates, this.deconz?.queues.loadSink(this.transport) ?? this.transport, options);
  }

  // ---- persistence ----------------------------------------------------------------------------------------------

  private readPersisted(): PersistedState | undefined {
    const file = this.options.nvFile;
    if (!file) return undefined;
    const read = readFileWithBackup(file, parsePersisted, (m) => this.options.log?.("warn", `NV file ${m}`));
    if (read?.fromBackup) this.scheduleSave();
    return read?.value;
  }

  private scheduleSave(): void {
    if (!this.options.nvFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, SAVE_DEBOUNCE_MS);
    this.saveTimer.unref();
  }

  /** Writes the NV file now (atomically). */
  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const file = this.options.nvFile;
    if (!file) return;
    const devices: Record<Ieee, PersistedDevice> = {};
    for (const m of this.frontEnd.net.all()) {
      devices[m.ieee] = { nwk: m.nwk, parent: m.parent, joined: m.joined, state: m.device.snapshot() };
    }
    const groups: Record<string, number[]> = {};
    for (const [id, eps] of this.frontEnd.groups) groups[String(id)] = [...eps];
    const state: PersistedState = {
      version: 1,
      ieee: this.frontEnd.ieeeAddr,
      nv: this.zstack?.nv.snapshot() ?? this.persisted?.nv ?? { osal: {}, ext: {} },
      deconz: this.deconz?.snapshot() ?? this.persisted?.deconz,
      groups,
      devices,
    };
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileWithBackup(file, `${JSON.stringify(state, null, 1)}\n`);
    } catch (e) {
      this.options.log?.("warn", `cannot write NV file ${file}: ${(e as Error).message}`);
    }
  }
}

/** The NV file's content; throws when it is not one (the caller falls back to the last good copy). */
function parsePersisted(text: string): PersistedState {
  const data = JSON.parse(text) as PersistedState;
  if (data?.version !== 1 || typeof data.ieee !== "string" || typeof data.nv !== "object") {
    throw new Error("not a simulator NV file");
  }
  data.groups ??= {};
  data.devices ??= {};
  return data;
}

/**
 * For a process whose only job is one simulator (the CLI, the compat harness's launcher): SIGINT or SIGTERM stops it
 * (its NV state written) and exits; a second signal while it stops is ignored.
 */
export function exitOnSignals(sim: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
