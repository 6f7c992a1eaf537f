/**
 * TSDoc math as readable text: docstrings write formulas in LaTeX between `$$ … $$` or `$ … $`
 * (`$$m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t$$`), which a Shift-Tab tooltip would show raw. This
 * turns them into Unicode (`mₜ = β₁ mₜ₋₁ + (1−β₁)gₜ`): Greek letters and operators as symbols,
 * sub- and superscripts as Unicode ones where every character has one (else `_(…)` / `^(…)`),
 * `\frac{a}{b}` as `a/b`, `\sqrt{x}` as `√x`, `\text{…}` as its words.
 */

const SYMBOLS: Readonly<Record<string, string>> = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η", theta: "θ", vartheta: "ϑ",
  iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", upsilon: "υ",
  phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π",
  Sigma: "Σ", Upsilon: "Υ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  nabla: "∇", partial: "∂", sum: "Σ", prod: "∏", int: "∫", infty: "∞", cdot: "·", times: "×", odot: "⊙", otimes: "⊗",
  le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", sim: "∼", propto: "∝", equiv: "≡", in: "∈",
  to: "→", rightarrow: "→", leftarrow: "←", Rightarrow: "⇒", mapsto: "↦", pm: "±", mp: "∓", ldots: "…", dots: "…", cdots: "⋯",
  langle: "⟨", rangle: "⟩", lVert: "‖", rVert: "‖", "|": "‖", lvert: "|", rvert: "|", top: "ᵀ", circ: "∘", star: "⋆",
  ell: "ℓ", min: "min", max: "max", log: "log", exp: "exp", sin: "sin", cos: "cos", tan: "tan", tanh: "tanh", arg: "arg",
  argmin: "argmin", argmax: "argmax", lim: "lim", sup: "sup", inf: "inf", det: "det", tr: "tr", operatorname: "",
  quad: "  ", qquad: "   ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ", left: "", right: "", big: "", Big: "", bigl: "", bigr: "",
  "{": "{", "}": "}", "%": "%", "&": "&", "#": "#", _: "_",
};

const SUB: Readonly<Record<string, string>> = {
  "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉", "+": "₊", "-": "₋", "−": "₋", "=": "₌",
  "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", h: "ₕ", i: "ᵢ", j: "ⱼ", k: "ₖ", l: "ₗ", m: "ₘ", n: "ₙ", o: "ₒ", p: "ₚ", r: "ᵣ", s: "ₛ", t: "ₜ",
  u: "ᵤ", v: "ᵥ", x: "ₓ", β: "ᵦ", γ: "ᵧ", ρ: "ᵨ", φ: "ᵩ", χ: "ᵪ",
};

const SUP: Readonly<Record<string, string>> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼",
  "(": "⁽", ")": "⁾", a: "ᵃ", b: "ᵇ", c: "ᶜ", d: "ᵈ", e: "ᵉ", f: "ᶠ", g: "ᵍ", h: "ʰ", i: "ⁱ", j: "ʲ", k: "ᵏ", l: "ˡ", m: "ᵐ", n: "ⁿ",
  o: "ᵒ", p: "ᵖ", r: "ʳ", s: "ˢ", t: "ᵗ", u: "ᵘ", v: "ᵛ", w: "ʷ", x: "ˣ", y: "ʸ", z: "ᶻ", T: "ᵀ", β: "ᵝ", γ: "ᵞ", δ: "ᵟ", φ: "ᵠ", χ: "ᵡ",
  "*": "*", "′": "′", "ᵀ": "ᵀ",
};

/** Reads a `{…}` group (or one token) at `i`; returns its inner text and the index after it. */
function group(s: string, i: number): [string, number] {
  while (s[i] === " ") i++;
  if (s[i] === "{") {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      if (s[j] === "{") depth++;
      else if (s[j] === "}" && --depth === 0) return [s.slice(i + 1, j), j + 1];
    }
    return [s.slice(i + 1), s.length];
  }
  if (s[i] === "\\") {
    const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
    if (m) return [m[0], i + m[0].length];
  }
  return [s[i] ?? "", i + 1];
}

/** `text` as Unicode sub- or superscripts when every character has one, else `_(text)` / `^(text)`. */
function script(text: string, table: Readonly<Record<string, string>>, mark: "_" | "^"): string {
  const chars = [...text.replace(/\s+/g, "")];
  if (chars.length > 0 && chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join("");
  return chars.length === 1 ? `${mark}${text}` : `${mark}(${text})`;
}

/** Parenthesizes a fraction's part unless it is one token. */
function part(t: string): string {
  return /^[\p{L}\p{N}.₀-₉ᵢⱼₜₖ·ᵀ′*]+$/u.test(t) || /^\(.*\)$/.test(t) ? t : `(${t})`;
}

/**
 * LaTeX math (without its `$` delimiters) as Unicode text.
 *
 * @example
 * texToText("m_t = \\beta_1 m_{t-1} + (1-\\beta_1)g_t"); // "mₜ = β₁ mₜ₋₁ + (1-β₁)gₜ"
 */
export function texToText(tex: string): string {
  let out = "";
  let i = 0;
  while (i < tex.length) {
    const c = tex[i]!;
    if (c === "\\") {
      if (tex[i + 1] === "\\") {
        out += "; ";
        i += 2;
        continue;
      }
      const m = /^\\([A-Za-z]+|.)/.exec(tex.slice(i))!;
      const name = m[1]!;
      i += m[0].length;
      if (name === "frac" || name === "tfrac" || name === "dfrac") {
        const [a, j] = group(tex, i);
        const [b, k] = group(tex, j);
        out += `${part(texToText(a))}/${part(texToText(b))}`;
        i = k;
      } else if (name === "sqrt") {
        const [a, j] = group(tex, i);
        const t = texToText(a);
        out += `√${part(t)}`;
        i = j;
      } else if (name === "text" || name === "mathrm" || name === "textrm" || name === "mathbf" || name === "mathit" || name === "operatorname" || name === "mathcal" || name === "boldsymbol" || name === "mbox") {
        const [a, j] = group(tex, i);
        out += name === "text" || name === "mbox" || name === "textrm" ? a : texToText(a);
        i = j;
      } else if (name === "hat" || name === "bar" || name === "tilde" || name === "overline") {
        const [a, j] = group(tex, i);
        const mark = { hat: "\u0302", bar: "\u0304", tilde: "\u0303", overline: "\u0305" }[name];
        const t = texToText(a);
        out += [...t].length === 1 ? t + mark : `${name}(${t})`;
        i = j;
      } else if (name === "begin" || name === "end") {
        i = group(tex, i)[1];
        out += name === "begin" ? "{ " : " }";
      } else out += SYMBOLS[name] ?? name;
      // a command word followed by a letter needs the space LaTeX swallowed
      if (/^[A-Za-z]+$/.test(name) && SYMBOLS[name] && /^[A-Za-z]/.test(SYMBOLS[name]!) && /[A-Za-z]/.test(tex[i] ?? "")) out += " ";
      continue;
    }
    if (c === "_" || c === "^") {
      const [g, j] = group(tex, i + 1);
      out += script(texToText(g), c === "_" ? SUB : SUP, c);
      i = j;
      continue;
    }
    if (c === "{" || c === "}") {
      i++;
      continue;
    }
    if (c === "&") {
      out += " ";
      i++;
      continue;
    }
    if (c === "~") {
      out += " ";
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out.replace(/[ \t]+/g, " ").replace(/ ([,.;)])/g, "$1").trim();
}

/**
 * A docstring with its `$$ … $$` and `$ … $` math as Unicode text (display math on a line of its
 * own), the rest unchanged.
 *
 * @example
 * docMathToText("Adam: $$m_t = \\beta_1 m_{t-1}$$"); // "Adam:\n  mₜ = β₁ mₜ₋₁"
 */
export function docMathToText(doc: string): string {
  return doc
    .replace(/\s*\$\$([\s\S]+?)\$\$\s*/g, (_m, tex: string) => `\n  ${texToText(tex.replace(/\s*\n\s*/g, " "))}\n`)
    // inline math as pandoc reads it: no space inside the dollars, no digit after ("$5 and $6" is money)
    .replace(/\$(?=\S)([^$\n]*?\S)\$(?!\d)/g, (_m, tex: string) => texToText(tex))
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+/, "");
}
