import type { Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import type { Site } from "./config.js";

/**
 * Rooms and their peers live in the memory of the site that hosts them and are not migrated on failover:
 * when a site goes, its rooms go with it, and clients that reconnect land on the other site in fresh rooms.
 */
export class Rooms {
  readonly #rooms = new Map<string, Map<string, WebSocket>>();

  peers(room: string): string[] | null {
    const peers = this.#rooms.get(room);
    return peers ? [...peers.keys()].sort() : null;
  }

  join(room: string, peer: string, socket: WebSocket): void {
    let peers = this.#rooms.get(room);
    if (!peers) this.#rooms.set(room, (peers = new Map<string, WebSocket>()));
    peers.get(peer)?.close(4000, "replaced by a newer connection");
    peers.set(peer, socket);
  }

  leave(room: string, peer: string, socket: WebSocket): boolean {
    const peers = this.#rooms.get(room);
    if (peers?.get(peer) !== socket) return false;
    peers.delete(peer);
    if (peers.size === 0) this.#rooms.delete(room);
    return true;
  }

  broadcast(room: string, message: object, except?: WebSocket): void {
    const data = JSON.stringify(message);
    for (const socket of this.#rooms.get(room)?.values() ?? []) if (socket !== except) socket.send(data);
  }

  get size(): number {
    return this.#rooms.size;
  }
}

/** Client → server messages on /ws; anything else gets an `error` reply and the socket stays open. */
export type ClientMessage =
  | { readonly type: "join"; readonly room: string; readonly peer: string }
  | { readonly type: "leave" }
  | { readonly type: "peers" }
  | { readonly type: "ping"; readonly t?: number };

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export function parseClientMessage(data: string): ClientMessage | string {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return "message is not valid JSON";
  }
  if (typeof msg !== "object" || msg === null) return "message must be a JSON object";
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case "join":
      if (typeof m.room !== "string" || !NAME.test(m.room) || typeof m.peer !== "string" || !NAME.test(m.peer)) {
        return "join needs 'room' and 'peer': 1-64 characters of letters, digits, _ . : -";
      }
      return { type: "join", room: m.room, peer: m.peer };
    case "leave":
    case "peers":
      return { type: m.type };
    case "ping":
      return typeof m.t === "number" ? { type: "ping", t: m.t } : { type: "ping" };
    default:
      return "type must be one of: join, leave, peers, ping";
  }
}

/** Signalling over WebSocket at /ws: join a room, see its peers, ping; leave on close. */
export function attachSignalling(server: Server, rooms: Rooms, site: Site, maxPayload: number): WebSocketServer {
  const wss = new WebSocketServer({ server, path: "/ws", maxPayload });
  wss.on("connection", (socket) => {
    let joined: { room: string; peer: string } | null = null;
    const send = (m: object) => {
      socket.send(JSON.stringify({ ...m, site }));
    };
    const leave = () => {
      if (joined && rooms.leave(joined.room, joined.peer, socket)) {
        rooms.broadcast(joined.room, { type: "peer-left", peer: joined.peer, site });
      }
      joined = null;
    };
    socket.on("message", (data, isBinary) => {
      const msg = isBinary ? "binary messages are not supported" : parseClientMessage(Buffer.from(data as Buffer).toString("utf8"));
      if (typeof msg === "string") { send({ type: "error", error: msg }); return; }
      switch (msg.type) {
        case "join":
          leave();
          rooms.join(msg.room, msg.peer, socket);
          joined = { room: msg.room, peer: msg.peer };
          rooms.broadcast(msg.room, { type: "peer-joined", peer: msg.peer, site }, socket);
          { send({ type: "joined", room: msg.room, peer: msg.peer, peers: rooms.peers(msg.room) }); return; }
        case "leave":
          leave();
          { send({ type: "left" }); return; }
        case "peers":
          { send({ type: "peers", room: joined?.room ?? null, peers: joined ? rooms.peers(joined.room) : [] }); return; }
        case "ping":
          { send({ type: "pong", ...(msg.t === undefined ? {} : { t: msg.t }) }); return; }
      }
    });
    socket.on("close", leave);
    socket.on("error", () => undefined);
  });
  return wss;
}
