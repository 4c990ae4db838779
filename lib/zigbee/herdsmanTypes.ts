import type { Controller } from "zigbee-herdsman";
import type * as zhc from "zigbee-herdsman-converters";

/** herdsman's model types, named once (its index exports them only as a type namespace). */
export type Device = ReturnType<Controller["getDevices"]>[number];
export type Endpoint = NonNullable<ReturnType<Device["getEndpoint"]>>;
export type Group = ReturnType<Controller["getGroups"]>[number];
export type Definition = NonNullable<Awaited<ReturnType<typeof zhc.findByDevice>>>;
