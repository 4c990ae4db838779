import { ieeeFromBuffer } from "../../mt/codec.js";
import { COORDINATOR_NWK, type Member } from "../../network/network.js";
import * as Zdo from "../../network/zdoPayloads.js";
import {
  bindingTableResponse,
  channelOfMask,
  lqiTableResponse,
  memberNodeDescriptor,
  parseBind,
  reachable as reachableIn,
  routingTableResponse,
} from "../../network/zdpServer.js";
import type { CoordinatorContext, Responder } from "../context.js";

const n = (v: unknown) => v as number;
const OK = { status: 0 };

/** A device that answers ZDO: joined and not silenced by a fault. Otherwise no answer ever comes, as on air. */
function reachable(ctx: CoordinatorContext, nwk: number): Member | undefined {
  return reachableIn(ctx.net, nwk);
}

function answer(ctx: CoordinatorContext, name: string, srcaddr: number, payload: Buffer) {
  ctx.emit("ZDO", name, { srcaddr, payload });
}

function bindOrUnbind(ctx: CoordinatorContext, req: Record<string, unknown>, unbind: boolean) {
  const dst = n(req.dstaddr);
  const rsp = unbind ? "unbindRsp" : "bindRsp";
  const binding = parseBind(req.payload as Buffer);
  if (dst === COORDINATOR_NWK) {
    answer(ctx, rsp, dst, Zdo.status(binding ? Zdo.ZdoStatus.SUCCESS : Zdo.ZdoStatus.NOT_SUPPORTED));
    return OK;
  }
  const m = reachable(ctx, dst);
  if (m) {
    const s = !binding ? Zdo.ZdoStatus.NOT_SUPPORTED : unbind ? m.device.unbind(binding) : m.device.bind(binding);
    answer(ctx, rsp, dst, Zdo.status(s));
    ctx.changed();
  }
  return OK;
}

function table(ctx: CoordinatorContext, req: Record<string, unknown>, kind: "lqi" | "rtg") {
  const dst = n(req.dstaddr);
  const start = n(req.startindex);
  const rsp = kind === "lqi" ? "mgmtLqiRsp" : "mgmtRtgRsp";
  if (dst !== COORDINATOR_NWK) {
    const m = reachable(ctx, dst);
    if (!m) return OK;
    if (m.device.description.logicalType !== "Router") {
      answer(ctx, rsp, dst, Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED));
      return OK;
    }
  }
  const epid = ctx.networkInfo()?.extendedPanIdStored ?? Buffer.alloc(8);
  const body =
    kind === "lqi" ? lqiTableResponse(ctx.net, dst, epid, ctx.ieee, start) : routingTableResponse(ctx.net, dst, start);
  answer(ctx, rsp, dst, body);
  return OK;
}

export const zdoResponder: Responder = {
  nodeDescReq: (req, ctx) => {
    const nwk = n(req.nwkaddrofinterest);
    if (nwk === COORDINATOR_NWK) {
      const desc = Zdo.nodeDescriptor({ nwk, logicalType: 0, macCapabilities: 0x8f, manufacturerCode: 0x0000 });
      answer(ctx, "nodeDescRsp", COORDINATOR_NWK, desc);
      return OK;
    }
    const m = reachable(ctx, n(req.dstaddr));
    if (m) answer(ctx, "nodeDescRsp", m.nwk, memberNodeDescriptor(m));
    return OK;
  },
  powerDescReq: (req, ctx) => {
    const nwk = n(req.nwkaddrofinterest);
    if (nwk === COORDINATOR_NWK) answer(ctx, "powerDescRsp", 0, Zdo.powerDescriptor(0, true));
    else {
      const m = reachable(ctx, n(req.dstaddr));
      if (m)
        answer(
          ctx,
          "powerDescRsp",
          m.nwk,
          Zdo.powerDescriptor(m.nwk, (m.device.description.macCapabilities & 0x04) !== 0),
        );
    }
    return OK;
  },
  activeEpReq: (req, ctx) => {
    const nwk = n(req.nwkaddrofinterest);
    if (nwk === COORDINATOR_NWK) {
      answer(ctx, "activeEpRsp", 0, Zdo.activeEndpoints(0, [...ctx.endpoints.keys()]));
      return OK;
    }
    const m = reachable(ctx, n(req.dstaddr));
    if (m)
      answer(
        ctx,
        "activeEpRsp",
        m.nwk,
        Zdo.activeEndpoints(
          m.nwk,
          m.device.description.endpoints.map((e) => e.endpoint),
        ),
      );
    return OK;
  },
  simpleDescReq: (req, ctx) => {
    const nwk = n(req.nwkaddrofinterest);
    const ep = n(req.endpoint);
    if (nwk === COORDINATOR_NWK) {
      const d = ctx.endpoints.get(ep);
      answer(
        ctx,
        "simpleDescRsp",
        0,
        d ? Zdo.simpleDescriptor(0, d) : Zdo.simpleDescriptorStatus(0, Zdo.ZdoStatus.NOT_ACTIVE),
      );
      return OK;
    }
    const m = reachable(ctx, n(req.dstaddr));
    if (m) {
      const d = m.device.description.endpoints.find((e) => e.endpoint === ep);
      answer(
        ctx,
        "simpleDescRsp",
        m.nwk,
        d ? Zdo.simpleDescriptor(m.nwk, d) : Zdo.simpleDescriptorStatus(m.nwk, Zdo.ZdoStatus.NOT_ACTIVE),
      );
    }
    return OK;
  },
  matchDescReq: (req, ctx) => {
    const m = reachable(ctx, n(req.dstaddr));
    if (m) {
      const wantIn = req.inclusterlist as number[];
      const wantOut = req.outclusterlist as number[];
      const eps = m.device.description.endpoints
        .filter(
          (e) =>
            e.profileId === n(req.profileid) &&
            (wantIn.some((c) => e.inClusters.includes(c)) || wantOut.some((c) => e.outClusters.includes(c))),
        )
        .map((e) => e.endpoint);
      answer(ctx, "matchDescRsp", m.nwk, Zdo.matchDescriptor(m.nwk, eps));
    }
    return OK;
  },
  nwkAddrReq: (req, ctx) => {
    const ieee = String(req.ieeeaddr).toLowerCase();
    if (ieee === ctx.ieee.toLowerCase()) ctx.emit("ZDO", "nwkAddrRsp", { payload: Zdo.addressResponseMt(ctx.ieee, 0) });
    else {
      const m = ctx.net.get(ieee);
      if (m?.joined && !m.silent) ctx.emit("ZDO", "nwkAddrRsp", { payload: Zdo.addressResponseMt(m.ieee, m.nwk) });
    }
    return OK;
  },
  ieeeAddrReq: (req, ctx) => {
    const nwk = n(req.shortaddr);
    if (nwk === COORDINATOR_NWK) ctx.emit("ZDO", "ieeeAddrRsp", { payload: Zdo.addressResponseMt(ctx.ieee, 0) });
    else {
      const m = reachable(ctx, nwk);
      if (m) ctx.emit("ZDO", "ieeeAddrRsp", { payload: Zdo.addressResponseMt(m.ieee, m.nwk) });
    }
    return OK;
  },
  bindReq: (req, ctx) => bindOrUnbind(ctx, req, false),
  unbindReq: (req, ctx) => bindOrUnbind(ctx, req, true),
  mgmtLqiReq: (req, ctx) => table(ctx, req, "lqi"),
  mgmtRtgReq: (req, ctx) => table(ctx, req, "rtg"),
  mgmtBindReq: (req, ctx) => {
    const m = reachable(ctx, n(req.dstaddr));
    if (m) answer(ctx, "mgmtBindRsp", m.nwk, bindingTableResponse(m, n(req.startindex)));
    return OK;
  },
  mgmtLeaveReq: (req, ctx) => {
    const m = reachable(ctx, n(req.dstaddr));
    if (m) {
      const rejoin = (n(req.removechildrenRejoin) & 0x80) !== 0;
      answer(ctx, "mgmtLeaveRsp", m.nwk, Zdo.status(0));
      ctx.later(1, () => ctx.net.leave(m.ieee, { rejoin }));
    }
    return OK;
  },
  mgmtPermitJoinReq: (req, ctx) => {
    const mode = n(req.addrmode);
    const dst = n(req.dstaddr);
    const duration = n(req.duration);
    if (mode === 0x0f || dst >= 0xfff8) {
      ctx.net.permitJoin(mode === 0x0f ? "all" : "coordinator", duration);
      ctx.emit("ZDO", "permitJoinInd", { duration });
    } else {
      const m = reachable(ctx, dst);
      if (m && m.device.description.logicalType === "Router") {
        ctx.net.permitJoin(m.nwk, duration);
        answer(ctx, "mgmtPermitJoinRsp", m.nwk, Zdo.status(0));
      } else if (m) answer(ctx, "mgmtPermitJoinRsp", m.nwk, Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED));
    }
    return OK;
  },
  mgmtNwkUpdateReq: (req, ctx) => {
    const channel = n(req.scanduration) === 0xfe ? channelOfMask(n(req.channelmask)) : undefined;
    if (channel !== undefined) ctx.changeChannel(channel);
    return OK;
  },
  msgCbRegister: () => OK,
  msgCbRemove: () => OK,
  startupFromApp: (_req, ctx) => ({ status: ctx.resumeNetwork() ? 0 : 1 }),
  secDeviceRemove: () => OK,
  extRouteDisc: () => OK,
  extRouteCheck: () => OK,
  extSetParams: () => OK,
  extNwkInfo: (_req, ctx) => {
    const info = ctx.networkInfo();
    return {
      shortaddr: 0,
      devstate: ctx.devState,
      panid: info?.panId ?? 0xffff,
      parentaddr: 0,
      extendedpanid: ieeeFromBuffer(info?.extendedPanIdStored ?? Buffer.alloc(8), 0),
      parentextaddr: "0x0000000000000000",
      channel: info?.channel ?? 0,
    };
  },
  extFindGroup: (req, ctx) => {
    const found = ctx.groups.get(n(req.groupid))?.has(n(req.endpoint)) ?? false;
    if (n(req.endpoint) === 242 || found) ctx.hostStarted();
    return { status: found ? 0 : 1, groupid: n(req.groupid), namelen: 0, groupname: Buffer.alloc(0) };
  },
  extAddGroup: (req, ctx) => {
    const g = ctx.groups.get(n(req.groupid)) ?? new Set<number>();
    g.add(n(req.endpoint));
    ctx.groups.set(n(req.groupid), g);
    ctx.changed();
    ctx.hostStarted();
    return OK;
  },
  extRemoveGroup: (req, ctx) => {
    const g = ctx.groups.get(n(req.groupid));
    const ok = g?.delete(n(req.endpoint)) ?? false;
    if (g && g.size === 0) ctx.groups.delete(n(req.groupid));
    ctx.changed();
    return { status: ok ? 0 : 1 };
  },
  extRemoveAllGroup: (req, ctx) => {
    for (const [id, eps] of ctx.groups) {
      eps.delete(n(req.endpoint));
      if (eps.size === 0) ctx.groups.delete(id);
    }
    ctx.changed();
    return OK;
  },
  extFindAllGroupsEndpoint: (req, ctx) => {
    const list = [...ctx.groups].filter(([, eps]) => eps.has(n(req.endpoint))).map(([id]) => id);
    return { groups: list.length, grouplist: list };
  },
  extCountAllGroups: (_req, ctx) => ({ status: ctx.groups.size }),
};
