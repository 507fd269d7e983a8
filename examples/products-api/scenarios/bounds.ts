import { type Bound, bound, measurement, type TopologySpec } from "brownout";

/** A request that meets a dead dependency is answered within the API's dependency timeout, seen one lateness late. */
export const failFast = (spec: TopologySpec): Bound => bound(["app dep timeout", spec.timings.app.depTimeoutMs], ["scheduler lateness", spec.margins.schedulerLatenessMs]);

/** A cached entry lives one TTL from when it was filled (cache-aside's race), seen by probes one interval apart. */
export const cacheTtl = (spec: TopologySpec): Bound => bound(["cache TTL", spec.app.cacheTtlS * 1000], ...measurement(spec));
