import { Module } from "node:module";

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

let installed = false;

/**
 * A team's config and scenarios in a CommonJS project (what `npm init -y` makes) load as CommonJS: their
 * `import … from "brownout"` becomes `require("brownout")`. That must be the Brownout already running (one copy of
 * its classes and registries), not a second copy of its ESM build compiled to CommonJS by the TypeScript loader
 * (which also loads its dependencies twice). So, from the first config load on, `require("brownout")` answers with
 * the public API this process has already imported. Only that exact name is answered; anything else is Node's.
 */
export function bridgeRequireOfBrownout(api: unknown): void {
  if (installed) return;
  const mod = Module as unknown as { _load: Load };
  const load = mod._load;
  mod._load = function (this: unknown, request, parent, isMain) {
    return request === "brownout" ? api : load.call(this, request, parent, isMain);
  };
  installed = true;
}
