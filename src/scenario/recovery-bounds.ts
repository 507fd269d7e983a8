import { type Bound, bound, type Term } from "../assertions/bound.js";
import { FACTS_QUERY_TIMEOUT_MS, type TopologySpec, VERIFY_PAUSE_MS } from "../cluster/topology.js";
import { measurement } from "./define.js";

/**
 * verify() sees what has come back: a look under way at that moment may wait out one connection's timeout on a
 * node not back yet, then verify() pauses, and its next look reads the whole stack (one look's duration).
 * Every recovery bound ends with these: recovery is read by verify(), not by the probes.
 */
export function verifySeesTerms(spec: TopologySpec): Term[] {
  return [["a look meeting a node not back yet", FACTS_QUERY_TIMEOUT_MS], ["verify() pause", VERIFY_PAUSE_MS], ["one verify() look", spec.margins.factsLookMs]];
}

/** A recovery bound: what has to come back (the mechanisms' own terms), then verify() seeing it. */
export function recoveryBound(spec: TopologySpec, ...terms: readonly Term[]): Bound {
  return bound(...terms, ...verifySeesTerms(spec));
}

/** Nothing came down (no fault, or the new state was reached while the fault was held): one green look. */
export function nothingToRecover(spec: TopologySpec): Bound {
  return bound(["one verify() look", spec.margins.factsLookMs]);
}

/**
 * HAProxy sees a DOWN server come up: its next check comes within `downinter`; once one passes the server is in
 * transition and checked every `fastinter` (the templates set it to `inter`) until `rise` passed. HAProxy
 * schedules a check's successor only once it has ended, so every check from the last failing one to the rise-th
 * passing one may add its duration, up to the check timeout each (rise + 1 of them). Measured under production
 * timings, where a check (a psql per request behind socat) is slow enough to show it: 7901 ms against a bound that
 * counted one check timeout, 7444 ms.
 */
export function haproxySeesUpTerms(spec: TopologySpec): Term[] {
  const h = spec.timings.haproxy;
  return [["downinter", h.downInterMs], ["fastinter", h.interMs, "rise - 1", h.rise - 1], ["check timeout", h.checkTimeoutMs, "rise + 1", h.rise + 1], ...measurement(spec)];
}

/** HAProxy's view of a returned server as one bound (to weigh against mechanisms that run beside it). */
export function haproxySeesUp(spec: TopologySpec): Bound {
  return bound(...haproxySeesUpTerms(spec));
}

/**
 * A client that reconnects by itself (a pool, ioredis, redis-py) uses its dependency again once its next attempt
 * succeeds: the attempt under way at the heal may wait out the dependency timeout, and a client that retries on a
 * timer (`retryMs`, 0 for one that connects on the next request) adds its delay.
 */
export function clientReconnectsTerms(spec: TopologySpec, retryMs = 0): Term[] {
  return [["app dep timeout (an attempt under way)", spec.timings.app.depTimeoutMs], ...(retryMs > 0 ? [["client retry delay", retryMs] as const] : [])];
}
