/**
 * The gallery index: one HTML page (`index.html`) that links every notebook page `optlab run DIR
 * --html OUT` wrote, each with its title and its one-line claim.
 *
 * A notebook states its claim in its metadata, `metadata.optlab.claim` (one sentence, Markdown
 * with `$…$` math allowed); without one, the first Markdown paragraph that is not a heading stands
 * in. The title is the notebook's first `#` heading, else its file name.
 */
import { escapeHtml } from "../src/display/index.js";
import { inline } from "./markdown.js";
import { delimitedToMathml } from "./math.js";
import { joinText, type Notebook } from "./notebook.js";

/** One page of the gallery. */
export interface GalleryEntry {
  /** The page's file name relative to the index (`rosenbrock.html`). */
  href: string;
  /** The notebook's file name (`rosenbrock.ipynb`). */
  notebook: string;
  title: string;
  claim: string;
  /** Whether the claim came from `metadata.optlab.claim` (else from the first paragraph). */
  claimFromMetadata: boolean;
  /** False when the notebook failed (a cell raised): the index says so next to the link. */
  ok: boolean;
}

/** The notebook's first `# ` heading, without the `#`; undefined when it has none. */
export function notebookTitle(nb: Notebook): string | undefined {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^#\s+(.+?)\s*#*\s*$/m.exec(joinText(c.source));
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The notebook's one-line claim: `metadata.optlab.claim` when it is a non-empty string, else the
 * first Markdown paragraph that is not a heading (joined onto one line), else "".
 */
export function notebookClaim(nb: Notebook): { claim: string; fromMetadata: boolean } {
  const meta = (nb.metadata as { optlab?: { claim?: unknown } }).optlab?.claim;
  if (typeof meta === "string" && meta.trim() !== "") return { claim: meta.trim().replace(/\s*\n\s*/g, " "), fromMetadata: true };
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    for (const para of joinText(c.source).split(/\n\s*\n/)) {
      const p = para.trim();
      if (p === "" || /^#{1,6}\s/.test(p) || p.startsWith("$$") || p.startsWith("```")) continue;
      return { claim: p.replace(/\s*\n\s*/g, " "), fromMetadata: false };
    }
  }
  return { claim: "", fromMetadata: false };
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}
h1{border-bottom:1px solid #e1e4e8}ol{padding-left:1.5em}li{margin:.9em 0}a{font-weight:600;color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
.claim{display:block;color:#444}.file{color:#888;font:12px ui-monospace,monospace;margin-left:.5em}.failed{color:#b42318;font-weight:600;margin-left:.5em}
code{background:#f3f4f6;padding:0 .2em;border-radius:3px}math{font-family:"Latin Modern Math","STIX Two Math","Cambria Math","DejaVu Math TeX Gyre",math}`;

/** The index page: a title, a line on how it was made, and one list item per entry (in the given order). */
export function renderGalleryIndex(entries: readonly GalleryEntry[], o: { title?: string } = {}): string {
  const title = o.title ?? "optlab notebooks";
  const items = entries.map((e) => {
    const claim = e.claim ? `<span class="claim">${inline(e.claim, { math: delimitedToMathml })}</span>` : "";
    const failed = e.ok ? "" : `<span class="failed">(failed: a cell raised; see the page)</span>`;
    return `<li><a href="${escapeHtml(encodeURI(e.href))}">${inline(e.title, { math: delimitedToMathml })}</a><span class="file">${escapeHtml(e.notebook)}</span>${failed}${claim}</li>`;
  });
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n<p>${entries.length} notebook${entries.length === 1 ? "" : "s"}, each executed by <code>optlab run</code>; every page works offline.</p>\n<ol class="gallery">\n${items.join("\n")}\n</ol>\n</body>\n</html>\n`;
}
