/**
 * Runs the ```ts examples of docs/readme/plots.md in order, in one scope, with every DSL name
 * bound (as in a notebook cell, where the prelude provides them). A block followed by an image
 * link (`![...](../img/plots-NAME.png)`) must end with a `plot.*(...)` statement (the figure that
 * image shows) or with a bare name of a run or comparison (`cmp;`: its default display's chart).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as dsl from "../../dsl/index.js";
import { resultChart, type Figure } from "../../src/plots/index.js";

export const README = join(import.meta.dirname, "../../docs/readme/plots.md");

/** The figures of the blocks that have an image, by image file name. */
export async function runReadmeBlocks(): Promise<{ image: string; fig: Figure }[]> {
  const md = readFileSync(README, "utf8");
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```(?:\s*!\[[^\]]*\]\(\.\.\/img\/([\w-]+\.png)\))?/g)];
  let body = "";
  for (const [, code, image] of blocks) {
    const lines = code!.split("\n").filter((l) => !/^import .* from "optlab";$/.test(l)).join("\n").trimEnd().split("\n");
    const shown = /^([A-Za-z_$][\w$]*);$/.exec(lines[lines.length - 1]!.trim());
    if (image && shown) {
      // A result's default display: its chart (what its bundle carries after the table).
      lines[lines.length - 1] = `__figs.push([${JSON.stringify(image)}, __chart(${shown[1]})]);`;
    } else if (image) {
      // The pictured figure: the block's last statement, from its last line that starts with "plot.".
      let k = lines.length - 1;
      while (k > 0 && !lines[k]!.startsWith("plot.")) k--;
      const expr = lines.splice(k).join("\n").replace(/;\s*$/, "");
      lines.push(`__figs.push([${JSON.stringify(image)}, ${expr}]);`);
    }
    body += `${lines.join("\n")}\n`; // one scope: later examples use earlier names, as cells do
  }
  const names = Object.keys(dsl).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...args: unknown[]) => Promise<void>;
  const figs: [string, Figure][] = [];
  await new AsyncFunction("__figs", "__chart", ...names, body)(figs, resultChart, ...names.map((n) => (dsl as Record<string, unknown>)[n]));
  return figs.map(([image, fig]) => ({ image, fig }));
}
