/** `kernel_info_request`: who we are (answered at once; the compiler warms up afterwards). */
import type { Kernel } from "../kernel.js";
import { packageVersion } from "../package-root.js";
import { tsVersions } from "../ts-host.js";
import { PROTOCOL_VERSION } from "../wire.js";
import type { Request } from "./index.js";

let content: Record<string, unknown> | undefined;

/** The `kernel_info_reply` content. */
export function kernelInfoContent(): Record<string, unknown> {
  if (content) return content;
  const v = tsVersions();
  const version = packageVersion();
  content = {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "optlab",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: v.typescript,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // JupyterLab reads `mode`; classic Notebook needs `name` + `typescript` (as tslab sends).
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      nbconvert_exporter: "script",
    },
    banner: `optlab ${version}: TypeScript ${v.typescript} (tslab ${v.tslab}) on Node.js ${process.version}. The optlab DSL is preloaded.`,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "mathjs expression syntax", url: "https://mathjs.org/docs/expressions/syntax.html" },
      { text: "PyTorch optimizers (optlab follows torch.optim)", url: "https://pytorch.org/docs/stable/optim.html" },
      { text: "Plotly.js", url: "https://plotly.com/javascript/" },
    ],
    debugger: false,
  };
  return content;
}

/** Answers `kernel_info_request` and lets the compiler warm-up start. */
export function kernelInfo(k: Kernel, r: Request): void {
  k.reply(r, "kernel_info_reply", kernelInfoContent());
  k.warmSoon();
}
