import type { BuiltinRole } from "./catalog.js";
import { ensureImages } from "./ensure-images.js";
import { imageTag } from "./recipe-hash.js";

/**
 * A shipped kind's image, its catalog recipe's: built now when the engine lacks it, so a team's stack may run the
 * kind (its own Redis nodes, say) without the built-in part that would have built it. Present: one inspect.
 */
export async function catalogImage(role: BuiltinRole): Promise<{ readonly image: string }> {
  await ensureImages({ roles: [role] });
  return { image: imageTag(role) };
}
