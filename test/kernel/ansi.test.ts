import { describe, expect, test } from "vitest";
import { ANSI_CSS, ansiToHtml, stripAnsi } from "../../kernel/ansi.js";

describe("ansiToHtml (ansi_up)", () => {
  test("standard and bright colors become JupyterLab's classes; text is escaped", () => {
    expect(ansiToHtml("\u001b[0;31mError\u001b[0m: <boom> & more")).toBe('<span class="ansi-red-fg">Error</span>: &lt;boom&gt; &amp; more');
    expect(ansiToHtml("\u001b[92mok\u001b[0m \u001b[44mbg\u001b[0m")).toBe('<span class="ansi-bright-green-fg">ok</span> <span class="ansi-blue-bg">bg</span>');
  });

  test("bold, 256 and 24-bit colors as inline styles; cursor sequences dropped", () => {
    expect(ansiToHtml("\u001b[1mB\u001b[0m")).toBe('<span style="font-weight:bold">B</span>');
    expect(ansiToHtml("\u001b[38;5;208mo\u001b[0m")).toBe('<span style="color:rgb(255,135,0)">o</span>');
    expect(ansiToHtml("\u001b[48;2;1;2;3mr\u001b[0m")).toBe('<span style="background-color:rgb(1,2,3)">r</span>');
    expect(ansiToHtml("a\u001b[2Kb\u001b[1Ac")).toBe("abc");
  });

  test("a color left open does not leak into the next output", () => {
    expect(ansiToHtml("\u001b[31mred")).toBe('<span class="ansi-red-fg">red</span>');
    expect(ansiToHtml("plain")).toBe("plain");
  });

  test("the CSS styles every class it emits", () => {
    for (const c of ["red", "bright-green"]) for (const k of ["fg", "bg"]) expect(ANSI_CSS).toContain(`.ansi-${c}-${k}{`);
  });

  test("stripAnsi", () => {
    expect(stripAnsi("\u001b[0;31mError\u001b[0m \u001b]8;;http://x.org\u0007link\u001b]8;;\u0007")).toBe("Error link");
  });
});
