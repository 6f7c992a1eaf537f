import { expect, test } from "vitest";
import { codePointToUtf16, utf16ToCodePoint } from "../../kernel/handlers/positions.js";

test("cursor positions convert between code points (Jupyter) and UTF-16 units (JavaScript)", () => {
  const s = 'a😀b"x';
  expect(s.length).toBe(6);
  expect([...s].length).toBe(5);
  expect(codePointToUtf16(s, 0)).toBe(0);
  expect(codePointToUtf16(s, 2)).toBe(3);
  expect(codePointToUtf16(s, 5)).toBe(6);
  expect(codePointToUtf16(s, 99)).toBe(6);
  for (let cp = 0; cp <= 5; cp++) expect(utf16ToCodePoint(s, codePointToUtf16(s, cp))).toBe(cp);
});
