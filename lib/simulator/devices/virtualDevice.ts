import { Zcl } from "zigbee-herdsman";
import type { ApsFrame, Binding, Destination, DeviceLink, NodeDescription, Timer } from "../air.js";
import type { AirDevice } from "./airDevice.js";
import { type AttributeSlot, AttributeStore, type ClusterStore } from "./attributeStore.js";
import type { ClusterBehaviour, EndpointContext } from "./behaviours/clusterBehaviour.js";
import { defaultBehaviours } from "./behaviours/defaultBehaviours.js";
import { OtaClient, type OtaClientSpec } from "./behaviours/otaClient.js";
import { TOUCHLINK_CLUSTER, TouchlinkTarget } from "./behaviours/touchlinkTarget.js";
import { BindingTable } from "./bindingTable.js";
import { restoreDevice, snapshotDevice } from "./deviceSnapshot.js";
import type { AttributeValue, CommandSpec, DeviceSpec } from "./deviceSpec.js";
import { createEndpointContext } from "./endpointContext.js";
import { GroupTable } from "./groupTable.js";
import { Reporter } from "./reporter.js";
import { SceneTable } from "./sceneTable.js";
import type { DeviceSimulation } from "./simulations/deviceSimulation.js";
import { type DispatchHost, dispatchZcl } from "./zclDispatch.js";
import { encodeReport, encodeSpecific } from "./zclFrames.js";

const { Direction } = Zcl;
const BINDINGS: Destination = { kind: "bindings" };
export interface VirtualDeviceOptions {
  /** cluster behaviours, tried in order (default: `defaultBehaviours`); prepend one to inject a fault */
  behaviours?: ClusterBehaviour[];
  simulations?: DeviceSimulation[];
  /** binding table size (default 16) */
  bindingCapacity?: number;
  /** a touchlink target (the device needs the touchlink cluster 0x1000), its radio on this channel out of a network */
  touchlink?: { idleChannel: number };
  /** an OTA upgrade client (genOta must be in the endpoint's output clusters) */
  ota?: OtaClientSpec;
}

/** A virtual Zigbee device built from plain data (`DeviceSpec`), answering ZCL as a real one does. */
export class VirtualDevice implements AirDevice {
  readonly description: NodeDescription;
  readonly attributes = new AttributeStore();
  readonly groups = new GroupTable();
  readonly scenes = new SceneTable();
  readonly reporter: Reporter;
  /** tried in order for each cluster-specific command; the first that does not answer "not mine" wins */
  readonly behaviours: ClusterBehaviour[];
  readonly simulations: DeviceSimulation[];
  /** its touchlink target, when it answers touchlink commissioning */
  readonly touchlink: TouchlinkTarget | undefined;
  /** its OTA upgrade client, when it takes firmware updates */
  readonly ota: OtaClient | undefined;
  private readonly bindingTable: BindingTable;
  private readonly contexts = new Map<number, ReturnType<typeof createEndpointContext>>();
  private readonly timers = new Set<Timer>();
  private readonly dispatchHost: DispatchHost;
  private link: DeviceLink | undefined;
  private tsn: number;
  private batchDepth = 0;

  constructor(
    readonly spec: DeviceSpec,
    options: VirtualDeviceOptions = {},
  ) {
    this.description = {
      ieee: spec.ieee,
      logicalType: spec.logicalType,
      manufacturerCode: spec.manufacturerCode,
      macCapabilities: spec.macCapabilities,
      endpoints: spec.endpoints.map((e) => ({
        endpoint: e.id,
        profileId: e.profileId,
        deviceId: e.deviceId,
        deviceVersion: e.deviceVersion ?? 1,
        inClusters: [...e.inClusters],
        outClusters: [...e.outClusters],
      })),
    };
    this.behaviours = [...(options.behaviours ?? defaultBehaviours)];
    this.simulations = options.simulations ?? [];
    this.bindingTable = new BindingTable(
      spec.endpoints.map((e) => e.id),
      options.bindingCapacity,
    );
    this.tsn = Number.parseInt(spec.ieee.slice(-2), 16) || 0;
    const endpointHost = {
      attributes: this.attributes,
      groups: this.groups,
      scenes: this.scenes,
      now: () => this.now(),
      setValue: (c: ClusterStore, s: AttributeSlot, v: AttributeValue) => this.setValue(c, s, v),
      startTimer: (fn: () => void, ms: number) => this.startTimer(fn, ms),
      stopTimer: (timer: Timer) => this.stopTimer(timer),
    };
    for (const endpoint of spec.endpoints) {
      for (const clusterId of endpoint.inClusters) this.attributes.ensure(endpoint.id, clusterId);
      for (const [cluster, values] of Object.entries(endpoint.attributes)) {
        const store = this.attributes.ensure(endpoint.id, cluster);
        for (const [attribute, value] of Object.entries(values)) store.define(attribute, value);
      }
      this.contexts.set(endpoint.id, createEndpointContext(endpoint.id, endpointHost));
    }
    this.reporter = new Reporter({
      now: () => this.now(),
      setTimer: (fn, ms) => this.startTimer(fn, ms),
      clearTimer: (timer) => this.stopTimer(timer),
      sendReport: (cluster, slots) =>
        this.send(cluster.endpoint, cluster.id, BINDINGS, encodeReport(cluster.id, this.nextTsn(), slots)),
    });
    this.dispatchHost = {
      attributes: this.attributes,
      behaviours: this.behaviours,
      foundation: { reporter: this.reporter, write: (cluster, slot, value) => this.setValue(cluster, slot, value) },
      endpoint: (id) => this.endpoint(id),
    };
    for (const r of spec.reporting ?? []) {
      const store = this.attributes.cluster(r.endpoint, r.cluster);
      const slot = store?.slot(r.attribute);
      if (!store || !slot) throw new Error(`reporting of unknown attribute ${r.endpoint}/${r.cluster}/${r.attribute}`);
      this.reporter.configure(store, slot, { min: r.min, max: r.max, change: r.change });
    }
    this.touchlink = options.touchlink && this.createTouchlinkTarget(options.touchlink.idleChannel);
    this.ota = options.ota && this.createOtaClient(options.ota);
  }

  private createOtaClient(spec: OtaClientSpec): OtaClient {
    const clusterId = Zcl.Clusters.genOta.ID;
    if (!this.spec.endpoints.some((e) => e.id === spec.endpoint && e.outClusters.includes(clusterId))) {
      throw new Error(`${this.ieee} cannot be an OTA client: endpoint ${spec.endpoint} has no genOta output cluster`);
    }
    return new OtaClient(spec, {
      manufacturerCode: this.spec.manufacturerCode,
      endpoint: () => this.endpoint(spec.endpoint),
      send: (command, payload) =>
        this.send(
          spec.endpoint,
          clusterId,
          { kind: "coordinator", endpoint: 1 },
          encodeSpecific(clusterId, this.nextTsn(), command, payload, Direction.CLIENT_TO_SERVER),
        ),
      reboot: () => this.link?.reboot?.(),
    });
  }

  private createTouchlinkTarget(idleChannel: number): TouchlinkTarget {
    if (!this.spec.endpoints.some((e) => e.inClusters.includes(TOUCHLINK_CLUSTER))) {
      throw new Error(`${this.ieee} cannot be a touchlink target: it has no touchlink cluster (0x1000)`);
    }
    // its state as it left the factory, for a reset to factory new (only touchlink targets keep one)
    const factoryState = this.snapshot();
    return new TouchlinkTarget({
      description: this.description,
      idleChannel,
      seed: this.ieee,
      // factory attribute values and reporting, no bindings, groups or scenes
      resetDevice: () => this.batch(() => restoreDevice(this, factoryState, this.bindingTable)),
    });
  }

  get ieee(): string {
    return this.spec.ieee;
  }

  get attached(): boolean {
    return this.link !== undefined;
  }

  endpoint(id: number): EndpointContext {
    const context = this.contexts.get(id);
    if (!context) throw new Error(`${this.ieee} has no endpoint ${id}`);
    return context;
  }

  attach(link: DeviceLink): void {
    if (this.link) this.detach();
    this.link = link;
    this.touchlink?.joinedNetwork();
    this.batch(() => {
      this.reporter.start();
      for (const simulation of this.simulations) simulation.start(this);
      this.ota?.started();
    });
  }

  detach(): void {
    this.reporter.stop();
    for (const timer of this.timers) this.link?.clearTimer(timer);
    this.timers.clear();
    for (const context of this.contexts.values()) context.reset();
    this.link = undefined;
  }

  receive(frame: ApsFrame): void {
    if (!this.link) return;
    const header = Zcl.Header.fromBuffer(frame.data);
    if (!header) return;
    if (header.frameControl.direction !== Direction.CLIENT_TO_SERVER) {
      if (frame.clusterId === Zcl.Clusters.genOta.ID) this.receiveOta(frame, header);
      return;
    }
    const groupcast = frame.groupId !== undefined || frame.broadcast === true || frame.dstEndpoint === 0xff;
    let endpoints = [frame.dstEndpoint];
    if (frame.groupId !== undefined) endpoints = this.groupEndpoints(frame.groupId);
    else if (frame.dstEndpoint === 0xff) endpoints = [...this.contexts.keys()];
    // only the coordinator gets answers: a device-to-device unicast (a bound remote) needs none
    const answerTo = !groupcast && frame.srcAddr === 0 ? frame.srcEndpoint : undefined;
    this.batch(() => {
      for (const endpoint of endpoints) {
        const spec = this.spec.endpoints.find((e) => e.id === endpoint);
        const answer = spec && dispatchZcl(this.dispatchHost, frame, header, spec, groupcast);
        if (answer && answerTo !== undefined) {
          this.send(endpoint, frame.clusterId, { kind: "coordinator", endpoint: answerTo }, answer);
        }
      }
    });
  }

  /** A genOta frame from the server (the coordinator) to its OTA client. */
  private receiveOta(frame: ApsFrame, header: Zcl.Header): void {
    const ota = this.ota;
    if (!ota || frame.dstEndpoint !== ota.spec.endpoint) return;
    let parsed: Zcl.Frame;
    try {
      parsed = Zcl.Frame.fromBuffer(frame.clusterId, header, frame.data, {});
    } catch {
      return; // a malformed frame: a real client ignores it
    }
    this.batch(() => {
      if (header.isGlobal) {
        if (parsed.command.name === "defaultRsp") ota.defaultResponse();
      } else ota.receive(parsed.command.name, parsed.payload as Record<string, unknown>);
    });
  }

  groupEndpoints(groupId: number): number[] {
    return this.groups.endpointsOf(groupId);
  }

  bind(binding: Binding): number {
    return this.bindingTable.bind(binding);
  }

  unbind(binding: Binding): number {
    return this.bindingTable.unbind(binding);
  }

  get bindings(): readonly Binding[] {
    return this.bindingTable.entries;
  }

  snapshot(): unknown {
    return snapshotDevice(this, this.tsn);
  }

  restore(state: unknown): void {
    this.batch(() => {
      this.tsn = restoreDevice(this, state, this.bindingTable) ?? this.tsn;
    });
  }

  /** Current value of an attribute (undefined if the device has no such attribute). */
  getAttribute(endpoint: number, cluster: string | number, attribute: string | number): AttributeValue | undefined {
    return this.attributes.slot(endpoint, cluster, attribute)?.value;
  }

  /** Simulates a local change (a physical switch, a new reading); it reports as configured. */
  setAttribute(endpoint: number, cluster: string | number, attribute: string | number, value: AttributeValue): void {
    const store = this.attributes.cluster(endpoint, cluster);
    const slot = store?.slot(attribute);
    if (!store || !slot) throw new Error(`${this.ieee} has no attribute ${endpoint}/${cluster}/${attribute}`);
    this.batch(() => this.setValue(store, slot, value));
  }

  /**
   * Sends one attributeReport of these values right now, to the bindings, whatever the reporting configuration (for
   * load tests). The values are stored, without triggering configured reports.
   */
  emitReport(endpoint: number, cluster: string | number, values: Readonly<Record<string, AttributeValue>>): void {
    const store = this.attributes.cluster(endpoint, cluster);
    if (!store) throw new Error(`${this.ieee} has no cluster ${endpoint}/${cluster}`);
    const slots: AttributeSlot[] = [];
    for (const key in values) {
      const slot = store.slot(key);
      if (!slot) throw new Error(`${this.ieee} has no attribute ${endpoint}/${cluster}/${key}`);
      slot.value = values[key] as AttributeValue;
      slots.push(slot);
    }
    this.send(endpoint, store.id, BINDINGS, encodeReport(store.id, this.nextTsn(), slots));
  }

  /** Names of the button presses `press()` knows. */
  get actions(): string[] {
    return Object.keys(this.spec.actions ?? {});
  }

  /** A button press: sends its commands to the bindings (with no binding, to the coordinator). */
  press(action: string): void {
    const commands = this.spec.actions?.[action];
    if (!commands) throw new Error(`${this.ieee} has no action '${action}' (known: ${this.actions.join(", ")})`);
    for (const command of commands) this.sendCommand(command);
  }

  /** Sends a cluster command from this device (client→server, no default response asked). */
  sendCommand(command: CommandSpec, destination: Destination = BINDINGS): void {
    const clusterId = this.attributes.ensure(command.endpoint, command.cluster).id;
    this.send(
      command.endpoint,
      clusterId,
      destination,
      encodeSpecific(clusterId, this.nextTsn(), command.command, command.payload ?? {}, Direction.CLIENT_TO_SERVER),
    );
  }

  private setValue(cluster: ClusterStore, slot: AttributeSlot, value: AttributeValue): boolean {
    if (slot.value === value) return false;
    slot.value = value;
    this.batch(() => {
      this.reporter.changed(cluster, slot);
      if (!this.link) return;
      for (const simulation of this.simulations)
        simulation.changed?.(this, cluster.endpoint, cluster.cluster.name, slot.name);
    });
    return true;
  }

  /** Runs `fn`, then reports what it changed (one report per cluster for changes made together). */
  private batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      this.batchDepth--;
      if (this.batchDepth === 0) this.reporter.flush();
    }
  }

  private now(): number {
    return this.link?.now() ?? 0;
  }

  private startTimer(fn: () => void, ms: number): Timer | undefined {
    const link = this.link;
    if (!link) return undefined;
    const timer = link.setTimer(() => {
      this.timers.delete(timer);
      this.batch(fn);
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private stopTimer(timer: Timer): void {
    if (this.timers.delete(timer)) this.link?.clearTimer(timer);
  }

  private send(srcEndpoint: number, clusterId: number, destination: Destination, data: Buffer): void {
    this.link?.send({ srcEndpoint, clusterId, destination, data });
  }

  private nextTsn(): number {
    this.tsn = (this.tsn + 1) & 0xff;
    return this.tsn;
  }
}
