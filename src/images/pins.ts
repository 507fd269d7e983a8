/**
 * Every pinned version of what the images are made of, in one place. Changing one changes the content hash
 * of the recipes that use it, so the next `npm run images` rebuilds exactly those.
 */
export const PINS = {
  /** Debian release of the base image (debootstrap suite or the debian:<release>-slim tag). */
  debianRelease: "bookworm",
  postgresMajor: "15",
  /** Go toolchain for the build stage, from bookworm-backports. */
  goPackage: "golang-1.23-go",
  /** github.com/Shopify/toxiproxy/v2 release, built from source through the Go module proxy. */
  toxiproxy: "v2.12.0",
  /**
   * The Ryuk protocol version our reaper speaks: the one testcontainers 11 ships as its default
   * (testcontainers/ryuk:0.14.0).
   */
  ryukProtocol: "0.14.0",
  /** github.com/rhysd/actionlint release (its go.mod fits the build stage's Go), to check the CI workflows. */
  actionlint: "v1.7.7",
} as const;
