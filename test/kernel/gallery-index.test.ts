/** The gallery index: claims and titles from notebooks, the index page, and `writeIndex` over run results. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { notebookClaim, notebookTitle, renderGalleryIndex } from "../../kernel/gallery-index.js";
import { readNotebook, type Notebook } from "../../kernel/notebook.js";
import { writeIndex, type NotebookResult } from "../../kernel/runner.js";

const md = (source: string) => ({ cell_type: "markdown" as const, metadata: {}, source });
const nb = (cells: Notebook["cells"], metadata: Record<string, unknown> = {}): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata, cells });

describe("notebookClaim and notebookTitle", () => {
  test("the claim comes from metadata.optlab.claim, joined onto one line", () => {
    const n = nb([md("# Title\n\nFirst paragraph.")], { optlab: { claim: "GD converges\n  at rate $1 - \\mu/L$. " } });
    expect(notebookClaim(n)).toEqual({ claim: "GD converges at rate $1 - \\mu/L$.", fromMetadata: true });
    expect(notebookTitle(n)).toBe("Title");
  });

  test("without metadata: the first markdown paragraph that is not a heading; no markdown: empty", () => {
    const n = nb([{ cell_type: "code", metadata: {}, source: "1", outputs: [], execution_count: null }, md("# The title #\n\n## sub\n\nThe first\nparagraph.\n\nThe second.")], { optlab: { claim: "  " } });
    expect(notebookClaim(n)).toEqual({ claim: "The first paragraph.", fromMetadata: false });
    expect(notebookTitle(n)).toBe("The title");
    expect(notebookClaim(nb([]))).toEqual({ claim: "", fromMetadata: false });
    expect(notebookTitle(nb([md("no heading")]))).toBeUndefined();
  });
});

describe("renderGalleryIndex", () => {
  test("one item per entry, in order: link, file name, claim with math as MathML, failures marked", () => {
    const html = renderGalleryIndex([
      { href: "a b.html", notebook: "a b.ipynb", title: "A *first* one", claim: "Rate $\\rho^t$ and `code`.", claimFromMetadata: true, ok: true },
      { href: "z.html", notebook: "z.ipynb", title: "Z", claim: "", claimFromMetadata: false, ok: false },
    ]);
    expect(html).toContain("<title>optlab notebooks</title>");
    expect(html).toContain("2 notebooks");
    const items = html.match(/<li>.*<\/li>/g)!;
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('<a href="a%20b.html">A <em>first</em> one</a>');
    expect(items[0]).toContain("<math");
    expect(items[0]).toContain("<code>code</code>");
    expect(items[0]).not.toContain("failed");
    expect(items[1]).toContain('<a href="z.html">Z</a>');
    expect(items[1]).toContain("failed");
  });
});

describe("writeIndex", () => {
  const dir = mkdtempSync(join(tmpdir(), "optlab-index-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const result = (name: string, html: boolean, ok = true): NotebookResult => ({
    path: join(dir, `${name}.ipynb`), ok, ...(html ? { html: join(dir, "html", `${name}.html`) } : {}), cells: 1, codeCells: 1, errors: [], seconds: 0.1,
  });

  test("links the pages that were written, with title and claim read from each notebook", () => {
    writeFileSync(join(dir, "one.ipynb"), JSON.stringify(nb([md("# One\n\nClaim one.")])));
    writeFileSync(join(dir, "two.ipynb"), JSON.stringify(nb([md("no title here")], { optlab: { claim: "Claim two." } })));
    const path = writeIndex(join(dir, "html"), [result("one", true), result("two", true, false), result("three", false)]);
    expect(path).toBe(join(dir, "html", "index.html"));
    const html = readFileSync(path!, "utf8");
    const items = html.match(/<li>.*<\/li>/g)!;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/<a href="one\.html">One<\/a>.*Claim one\./);
    expect(items[1]).toMatch(/<a href="two\.html">two<\/a>.*failed.*Claim two\./);
  });

  test("never over the page of a notebook named index", () => {
    writeFileSync(join(dir, "index.ipynb"), JSON.stringify(nb([md("# Mine")])));
    const out = join(dir, "html2");
    expect(writeIndex(out, [{ ...result("index", true), html: join(out, "index.html") }])).toBeUndefined();
  });
});

describe("the notebooks in notebooks/", () => {
  test("every notebook states its one-line claim in metadata.optlab.claim", () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../notebooks");
    const names = readdirSync(root).filter((f) => f.endsWith(".ipynb")).sort();
    expect(names.length).toBeGreaterThan(0);
    const missing = names.filter((f) => !notebookClaim(readNotebook(join(root, f))).fromMetadata);
    expect(missing, `notebooks without metadata.optlab.claim: ${missing.join(", ")}`).toEqual([]);
  });

  test("docs/readme/gallery.md lists every notebook with its claim", () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
    const doc = readFileSync(join(root, "docs/readme/gallery.md"), "utf8");
    const names = readdirSync(join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
    const unlisted = names.filter((f) => {
      const { claim } = notebookClaim(readNotebook(join(root, "notebooks", f)));
      return !doc.includes(`](../../notebooks/${f}) | ${claim.replace(/\|/g, "\\|")} |`);
    });
    expect(unlisted, `notebooks missing from docs/readme/gallery.md, or listed with another claim: ${unlisted.join(", ")}`).toEqual([]);
  });
});
