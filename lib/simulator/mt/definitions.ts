import { Subsystem } from "../unpi/frame.js";
import type { MtCommand, Param, ParamType } from "./types.js";

/**
 * The MT commands the virtual coordinator understands or emits, written from TI's Z-Stack Monitor and Test API.
 * One table, used both to decode what the host sends and to encode what we answer.
 * Field spec: "name:type" or "name:bytes:N".
 */
function params(spec: string): Param[] {
  if (!spec) return [];
  return spec.split(",").map((f) => {
    const [name, type, length] = f.trim().split(":");
    return length ? { name, type: type as ParamType, length: Number(length) } : { name, type: type as ParamType };
  });
}

function sreq(subsystem: number, id: number, name: string, req: string, rsp: string): MtCommand {
  return { subsystem, id, name, type: "SREQ", request: params(req), response: params(rsp) };
}
function areq(subsystem: number, id: number, name: string, fields: string): MtCommand {
  return { subsystem, id, name, type: "AREQ", request: params(fields) };
}

const { SYS, AF, ZDO, UTIL, APP_CNF, SAPI, MAC } = Subsystem;
const ST = "status:u8";

export const COMMANDS: readonly MtCommand[] = [
  // SYS
  areq(SYS, 0x00, "resetReq", "type:u8"),
  sreq(SYS, 0x01, "ping", "", "capabilities:u16"),
  sreq(SYS, 0x02, "version", "", "transportrev:u8,product:u8,majorrel:u8,minorrel:u8,maintrel:u8,revision:u32"),
  sreq(SYS, 0x03, "setExtAddr", "extaddress:ieee", ST),
  sreq(SYS, 0x04, "getExtAddr", "", "extaddress:ieee"),
  sreq(SYS, 0x07, "osalNvItemInit", "id:u16,len:u16,initlen:u8,initvalue:buffer", ST),
  sreq(SYS, 0x08, "osalNvRead", "id:u16,offset:u8", `${ST},len:u8,value:buffer`),
  sreq(SYS, 0x09, "osalNvWrite", "id:u16,offset:u8,len:u8,value:buffer", ST),
  sreq(SYS, 0x0c, "random", "", "value:u16"),
  sreq(SYS, 0x0f, "stackTune", "operation:u8,value:i8", "value:u8"),
  sreq(SYS, 0x12, "osalNvDelete", "id:u16,len:u16", ST),
  sreq(SYS, 0x13, "osalNvLength", "id:u16", "length:u16"),
  sreq(SYS, 0x14, "setTxPower", "level:u8", "txpower:u8"),
  sreq(SYS, 0x1c, "osalNvReadExt", "id:u16,offset:u16", `${ST},len:u8,value:buffer`),
  sreq(SYS, 0x1d, "osalNvWriteExt", "id:u16,offset:u16,len:u16,value:buffer", ST),
  sreq(SYS, 0x30, "nvCreate", "sysid:u8,itemid:u16,subid:u16,len:u32", ST),
  sreq(SYS, 0x31, "nvDelete", "sysid:u8,itemid:u16,subid:u16", ST),
  sreq(SYS, 0x32, "nvLength", "sysid:u8,itemid:u16,subid:u16", "len:u8"),
  sreq(SYS, 0x33, "nvRead", "sysid:u8,itemid:u16,subid:u16,offset:u16,len:u8", `${ST},len:u8,value:buffer`),
  sreq(SYS, 0x34, "nvWrite", "sysid:u8,itemid:u16,subid:u16,offset:u16,len:u8,value:buffer", ST),
  sreq(SYS, 0x35, "nvUpdate", "sysid:u8,itemid:u16,subid:u16,len:u8,value:buffer", ST),
  areq(SYS, 0x80, "resetInd", "reason:u8,transportrev:u8,productid:u8,majorrel:u8,minorrel:u8,hwrev:u8"),

  // MAC (only what a host may probe)
  sreq(MAC, 0x01, "resetReq", "setdefault:u8", ST),

  // AF
  sreq(
    AF,
    0x00,
    "register",
    "endpoint:u8,appprofid:u16,appdeviceid:u16,appdevver:u8,latencyreq:u8,appnuminclusters:u8,appinclusterlist:list_u16,appnumoutclusters:u8,appoutclusterlist:list_u16",
    ST,
  ),
  sreq(
    AF,
    0x01,
    "dataRequest",
    "dstaddr:u16,destendpoint:u8,srcendpoint:u8,clusterid:u16,transid:u8,options:u8,radius:u8,len:u8,data:buffer",
    ST,
  ),
  sreq(
    AF,
    0x02,
    "dataRequestExt",
    "dstaddrmode:u8,dstaddr:bytes:8,destendpoint:u8,dstpanid:u16,srcendpoint:u8,clusterid:u16,transid:u8,options:u8,radius:u8,len:u16,data:buffer",
    ST,
  ),
  sreq(
    AF,
    0x03,
    "dataRequestSrcRtg",
    "dstaddr:u16,destendpoint:u8,srcendpoint:u8,clusterid:u16,transid:u8,options:u8,radius:u8,relaycount:u8,relaylist:list_u16,len:u8,data:buffer",
    ST,
  ),
  sreq(AF, 0x04, "delete", "endpoint:u8", ST),
  sreq(AF, 0x10, "interPanCtl", "cmd:u8,data:rest", ST),
  areq(AF, 0x80, "dataConfirm", "status:u8,endpoint:u8,transid:u8"),
  areq(
    AF,
    0x81,
    "incomingMsg",
    "groupid:u16,clusterid:u16,srcaddr:u16,srcendpoint:u8,dstendpoint:u8,wasbroadcast:u8,linkquality:u8,securityuse:u8,timestamp:u32,transseqnumber:u8,len:u8,data:buffer,macsrcaddr:u16,radius:u8",
  ),
  areq(
    AF,
    0x82,
    "incomingMsgExt",
    "groupid:u16,clusterid:u16,srcaddrmode:u8,srcaddr:ieee,srcendpoint:u8,srcpanid:u16,dstendpoint:u8,wasbroadcast:u8,linkquality:u8,securityuse:u8,timestamp:u32,transseqnumber:u8,len:u16,data:buffer",
  ),

  // ZDO requests: data is `dstaddr` + the ZDO payload (no TSN); the SRSP is a status, the answer a later AREQ
  sreq(ZDO, 0x00, "nwkAddrReq", "ieeeaddr:ieee,reqtype:u8,startindex:u8", ST),
  sreq(ZDO, 0x01, "ieeeAddrReq", "shortaddr:u16,reqtype:u8,startindex:u8", ST),
  sreq(ZDO, 0x02, "nodeDescReq", "dstaddr:u16,nwkaddrofinterest:u16", ST),
  sreq(ZDO, 0x03, "powerDescReq", "dstaddr:u16,nwkaddrofinterest:u16", ST),
  sreq(ZDO, 0x04, "simpleDescReq", "dstaddr:u16,nwkaddrofinterest:u16,endpoint:u8", ST),
  sreq(ZDO, 0x05, "activeEpReq", "dstaddr:u16,nwkaddrofinterest:u16", ST),
  sreq(
    ZDO,
    0x06,
    "matchDescReq",
    "dstaddr:u16,nwkaddrofinterest:u16,profileid:u16,numinclusters:u8,inclusterlist:list_u16,numoutclusters:u8,outclusterlist:list_u16",
    ST,
  ),
  sreq(ZDO, 0x21, "bindReq", "dstaddr:u16,payload:rest", ST),
  sreq(ZDO, 0x22, "unbindReq", "dstaddr:u16,payload:rest", ST),
  sreq(ZDO, 0x31, "mgmtLqiReq", "dstaddr:u16,startindex:u8", ST),
  sreq(ZDO, 0x32, "mgmtRtgReq", "dstaddr:u16,startindex:u8", ST),
  sreq(ZDO, 0x33, "mgmtBindReq", "dstaddr:u16,startindex:u8", ST),
  sreq(ZDO, 0x34, "mgmtLeaveReq", "dstaddr:u16,deviceaddress:ieee,removechildrenRejoin:u8", ST),
  sreq(ZDO, 0x36, "mgmtPermitJoinReq", "addrmode:u8,dstaddr:u16,duration:u8,tcsignificance:u8", ST),
  sreq(ZDO, 0x37, "mgmtNwkUpdateReq", "dstaddr:u16,dstaddrmode:u8,channelmask:u32,scanduration:u8,payload:rest", ST),
  sreq(ZDO, 0x3e, "msgCbRegister", "clusterid:u16", ST),
  sreq(ZDO, 0x3f, "msgCbRemove", "clusterid:u16", ST),
  sreq(ZDO, 0x40, "startupFromApp", "startdelay:u16", ST),
  sreq(ZDO, 0x44, "secDeviceRemove", "extaddr:ieee", ST),
  sreq(ZDO, 0x45, "extRouteDisc", "dstAddr:u16,options:u8,radius:u8", ST),
  sreq(ZDO, 0x46, "extRouteCheck", "dstaddr:u16,rtstatus:u8,options:u8", ST),
  sreq(ZDO, 0x47, "extRemoveGroup", "endpoint:u8,groupid:u16", ST),
  sreq(ZDO, 0x48, "extRemoveAllGroup", "endpoint:u8", ST),
  sreq(ZDO, 0x49, "extFindAllGroupsEndpoint", "endpoint:u8", "groups:u8,grouplist:list_u16"),
  sreq(ZDO, 0x4a, "extFindGroup", "endpoint:u8,groupid:u16", `${ST},groupid:u16,namelen:u8,groupname:buffer`),
  sreq(ZDO, 0x4b, "extAddGroup", "endpoint:u8,groupid:u16,namelen:u8,groupname:buffer", ST),
  sreq(ZDO, 0x4c, "extCountAllGroups", "", ST),
  sreq(
    ZDO,
    0x50,
    "extNwkInfo",
    "",
    "shortaddr:u16,devstate:u8,panid:u16,parentaddr:u16,extendedpanid:ieee,parentextaddr:ieee,channel:u8",
  ),
  sreq(ZDO, 0x53, "extSetParams", "usemulticast:u8", ST),
  // ZDO answers and indications (AREQ). Most: `srcaddr` + the standard ZDO response payload (no TSN).
  areq(ZDO, 0x80, "nwkAddrRsp", "payload:rest"),
  areq(ZDO, 0x81, "ieeeAddrRsp", "payload:rest"),
  areq(ZDO, 0x82, "nodeDescRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0x83, "powerDescRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0x84, "simpleDescRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0x85, "activeEpRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0x86, "matchDescRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xa1, "bindRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xa2, "unbindRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xb1, "mgmtLqiRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xb2, "mgmtRtgRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xb3, "mgmtBindRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xb4, "mgmtLeaveRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xb6, "mgmtPermitJoinRsp", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xb8, "mgmtNwkUpdateNotify", "srcaddr:u16,payload:rest"),
  areq(ZDO, 0xc0, "stateChangeInd", "state:u8"),
  areq(ZDO, 0xc1, "endDeviceAnnceInd", "srcaddr:u16,nwkaddr:u16,ieeeaddr:ieee,capabilities:u8"),
  areq(ZDO, 0xc4, "srcRtgInd", "dstaddr:u16,relaycount:u8,relaylist:list_u16"),
  areq(ZDO, 0xc8, "concentratorIndCb", "srcaddr:u16,extaddr:ieee,pktCost:u8"),
  areq(ZDO, 0xc9, "leaveInd", "srcaddr:u16,extaddr:ieee,request:u8,removechildren:u8,rejoin:u8"),
  areq(ZDO, 0xca, "tcDeviceInd", "nwkaddr:u16,extaddr:ieee,parentaddr:u16"),
  areq(ZDO, 0xcb, "permitJoinInd", "duration:u8"),

  // SAPI (Z-Stack 1.2 hosts; answered for completeness)
  sreq(SAPI, 0x04, "readConfiguration", "configid:u8", `${ST},configid:u8,len:u8,value:buffer`),
  sreq(SAPI, 0x05, "writeConfiguration", "configid:u8,len:u8,value:buffer", ST),

  // UTIL
  sreq(
    UTIL,
    0x00,
    "getDeviceInfo",
    "",
    `${ST},ieeeaddr:ieee,shortaddr:u16,devicetype:u8,devicestate:u8,numassocdevices:u8,assocdeviceslist:list_u16`,
  ),
  sreq(UTIL, 0x06, "callbackSubCmd", "subsystemid:u16,action:u8", ST),
  sreq(UTIL, 0x0a, "ledControl", "ledid:u8,mode:u8", ST),
  sreq(UTIL, 0x10, "testLoopback", "data:rest", "data:rest"),
  sreq(UTIL, 0x40, "addrmgrExtAddrLookup", "extaddr:ieee", "nwkaddr:u16"),
  sreq(UTIL, 0x41, "addrmgrNwkAddrLookup", "nwkaddr:u16", "extaddr:ieee"),
  sreq(UTIL, 0x4a, "assocGetWithAddress", "extaddr:ieee,nwkaddr:u16", "nwkaddr:u16,addridx:u16,noderelation:u8"),
  sreq(UTIL, 0x63, "assocRemove", "ieeeadr:ieee", ST),
  sreq(UTIL, 0x64, "assocAdd", "ieeeadr:ieee,nwkaddr:u16,noderelation:u8", ST),

  // APP_CNF
  sreq(APP_CNF, 0x04, "bdbAddInstallCode", "installCodeFormat:u8,ieeeaddr:ieee,installCode:rest", ST),
  sreq(APP_CNF, 0x05, "bdbStartCommissioning", "mode:u8", ST),
  sreq(APP_CNF, 0x08, "bdbSetChannel", "isPrimary:u8,channel:u32", ST),
  sreq(APP_CNF, 0x09, "bdbSetTcRequireKeyExchange", "value:u8", ST),
  sreq(APP_CNF, 0xff, "setNwkFrameCounter", "value:u32", ST),
  areq(APP_CNF, 0x80, "bdbComissioningNotifcation", "status:u8"),
];

const byKey = new Map<number, MtCommand>();
const byName = new Map<string, MtCommand>();
for (const c of COMMANDS) {
  byKey.set((c.subsystem << 8) | c.id, c);
  byName.set(`${Subsystem[c.subsystem]}.${c.name}`, c);
}

export function findCommand(subsystem: number, id: number): MtCommand | undefined {
  return byKey.get((subsystem << 8) | id);
}

/** `findByName("AF", "incomingMsg")`; throws on a name that is not in the table (a programming error). */
export function commandByName(subsystem: keyof typeof Subsystem, name: string): MtCommand {
  const c = byName.get(`${subsystem}.${name}`);
  if (!c) throw new Error(`unknown MT command ${subsystem}.${name}`);
  return c;
}
