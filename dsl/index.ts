/**
 * optlab's public API: everything a notebook user types. The kernel predeclares these names in
 * every cell; `import { ... } from "optlab"` gives the same names from Node.
 *
 * Each area re-exports its DSL module here (one line per module; keep the list sorted by area).
 */
export { DslError } from "../src/errors/index.js";
export { DISPLAY, format, type MimeBundle } from "../src/display/index.js";
