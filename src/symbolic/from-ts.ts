/**
 * TypeScript arrow functions → IR, with ts-morph (loaded on first use).
 *
 * Accepted: `(x, y) => expr`, `function (x, y) { return expr; }`, block bodies made of `const`
 * declarations and one final `return`; parameters that are scalars (`x`), destructured arrays
 * (`([x, y]) => …`) or vectors indexed by constant integers (`(w) => w[0] * w[1]`, giving the
 * variables `w[0]`, `w[1]`); `+ - * / **`, unary minus, `Math.*` functions and constants, and the
 * IR's own functions called by name (`sigmoid(z)`, `softplus(z)`, `logsumexp(a, b)`).
 * Everything else (loops, `if`, `?:`, assignments, closures over outer variables) is reported
 * with its line and column.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import { applyFunction, KNOWN_FUNCTIONS } from "./calls.js";
import { closeMatches, exprError, lineCol } from "./errors.js";
import { evaluateOne, UnboundSymbolError } from "./evaluate.js";
import type { Expr } from "./ir.js";
import { add, addList, call, div, mul, mulList, neg, num, ONE, pow, sqrt, sub, sym } from "./simplify.js";
import { isStackOverflow, tooDeep, type Parsed } from "./parse.js";

/**
 * Every node below `root` (compiler nodes), by an explicit stack: ts-morph's getDescendants()
 * nests one generator per level, which overflows the stack on a sum of a few thousand terms
 * (TypeScript parses a + b + … as a left-deep tree) and is quadratic in the depth.
 */
function compilerDescendants(tm: typeof TsMorph, root: TsMorph.ts.Node): TsMorph.ts.Node[] {
  const out: TsMorph.ts.Node[] = [];
  const stack: TsMorph.ts.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    tm.ts.forEachChild(node, (child) => {
      out.push(child);
      stack.push(child);
    });
  }
  return out;
}

let tsMorph: typeof TsMorph | undefined;
let project: TsMorph.Project | undefined;
function load(): { tm: typeof TsMorph; project: TsMorph.Project } {
  tsMorph ??= createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
  project ??= new tsMorph.Project({ useInMemoryFileSystem: true });
  return { tm: tsMorph, project };
}

/** A converted function: the expression, its symbols in first-appearance order, its parameters. */
export interface ParsedFunction extends Parsed {
  /** Parameter names in order (scalars, destructured elements, or vector bases). */
  readonly params: readonly string[];
  /** Parameters used as vectors (`w[0]`). */
  readonly vectors: ReadonlySet<string>;
}

const MATH_CONSTANTS: Record<string, () => Expr> = {
  PI: () => call("pi", []),
  E: () => call("exp", [ONE]),
  SQRT2: () => sqrt(2),
  SQRT1_2: () => sqrt(0.5),
  LN2: () => call("log", [2]),
  LN10: () => call("log", [10]),
  LOG2E: () => div(1, call("log", [2])),
  LOG10E: () => div(1, call("log", [10])),
};

const PREFIX = "const __objective = (";

/** Converts a TS/JS function (or its source text) into the IR. */
export function parseFunction(fn: ((...args: never[]) => unknown) | string, constants: Readonly<Record<string, number>> = {}): ParsedFunction {
  const text = typeof fn === "function" ? Function.prototype.toString.call(fn) : fn;
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    throw exprError("unsupported-syntax", "objective: a built-in function has no source to read; write an arrow function such as (x, y) => x * y", { src: text });
  }
  const { tm, project: shared } = load();
  // A method's source has no `function` keyword: `{ f(x) { return x * x; } }.f` reads as `f(x) { … }`.
  const prefix = METHOD.test(text) && !/^\s*(async\s+)?function\b/.test(text) ? `${PREFIX}function ` : PREFIX;
  // A long function gets a project of its own, dropped afterwards: replacing its source file in the
  // shared project would make ts-morph "forget" its nodes recursively, one level per term of a
  // long sum (a stack overflow past a few thousand terms).
  const project = text.length > LONG_SOURCE ? new tm.Project({ useInMemoryFileSystem: true }) : shared;
  try {
    const sf = project.createSourceFile("objective.ts", `${prefix}${text}\n);`, { overwrite: true });
    return new TsConverter(tm, text, constants, prefix.length).run(sf);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    throw tooDeep(text);
  }
}

/** Source length (characters) from which a function is parsed in a throwaway ts-morph project. */
const LONG_SOURCE = 20_000;

/** A method's source text: `name(…) {`, `async name(…) {`, `*name(…) {` (an arrow has `=>` there). */
const METHOD = /^\s*(async\s+)?(\*\s*)?[A-Za-z_$][\w$]*\s*\([^()]*\)\s*(:[^{=]*)?\{/;

class TsConverter {
  private readonly order: string[] = [];
  private readonly seen = new Set<string>();
  private readonly scalars = new Set<string>();
  private readonly vectors = new Set<string>();
  private readonly locals = new Map<string, Expr>();
  private readonly params: string[] = [];
  /** Names used with an index somewhere in the body. */
  private readonly indexed = new Set<string>();

  constructor(
    private readonly tm: typeof TsMorph,
    private readonly text: string,
    private readonly constants: Readonly<Record<string, number>>,
    private readonly prefixLength = PREFIX.length,
  ) {}

  private fail(code: string, message: string, node: TsMorph.Node): never {
    const pos = Math.max(0, node.getStart() - this.prefixLength);
    const { line, col } = lineCol(this.text, pos);
    throw exprError(code, message, { src: this.text, pos, line, col });
  }

  run(sf: TsMorph.SourceFile): ParsedFunction {
    const { Node } = this.tm;
    const diags = (sf.compilerNode as unknown as { parseDiagnostics?: { start?: number; messageText: unknown }[] }).parseDiagnostics ?? [];
    if (diags.length > 0) {
      const d = diags[0]!;
      const pos = Math.min(this.text.length, Math.max(0, (d.start ?? this.prefixLength) - this.prefixLength));
      const msg = typeof d.messageText === "string" ? d.messageText : "syntax error";
      const { line, col } = lineCol(this.text, pos);
      throw exprError("parse", `objective: cannot parse the function: ${msg}`, { src: this.text, pos, line, col });
    }
    const init = sf.getVariableDeclarations()[0]?.getInitializer();
    let fn: TsMorph.Node | undefined = init;
    while (fn !== undefined && Node.isParenthesizedExpression(fn)) fn = fn.getExpression();
    const bad = compilerDescendants(this.tm, sf.compilerNode).some((d) => d.kind === this.tm.SyntaxKind.Unknown);
    if (bad || fn === undefined || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
      throw exprError("unsupported-syntax", `objective: expected an arrow function such as (x, y) => (1 - x) ** 2 + 100 * (y - x ** 2) ** 2, got ${JSON.stringify(this.text.slice(0, 60))}`, { src: this.text });
    }
    // An async function returns a promise and a generator an iterator, not a number: no objective.
    if (fn.isAsync() || (Node.isFunctionExpression(fn) && fn.isGenerator())) {
      this.fail("unsupported-syntax", `objective: ${fn.isAsync() ? "async functions" : "generator functions"} are not supported: an objective function returns a number`, fn);
    }
    // A parameter indexed anywhere in the body (w[0]) is a vector; the others are scalars.
    const ts = this.tm.ts;
    for (const el of compilerDescendants(this.tm, fn.compilerNode)) {
      if (ts.isElementAccessExpression(el) && ts.isIdentifier(el.expression)) this.indexed.add(el.expression.text);
    }
    for (const p of fn.getParameters()) this.parameter(p);
    const body = fn.getBody();
    const expr = Node.isBlock(body) ? this.block(body) : this.expr(body as TsMorph.Expression);
    return { expr, order: this.order, params: this.params, vectors: this.vectors };
  }

  private parameter(p: TsMorph.ParameterDeclaration): void {
    const { Node } = this.tm;
    if (p.getInitializer() !== undefined || p.isRestParameter()) this.fail("unsupported-syntax", "objective: default values and rest parameters are not supported in objective functions", p);
    const name = p.getNameNode();
    if (Node.isIdentifier(name)) {
      this.params.push(name.getText());
      if (!this.indexed.has(name.getText())) this.scalars.add(name.getText());
    } else if (Node.isArrayBindingPattern(name)) {
      for (const el of name.getElements()) {
        if (!Node.isBindingElement(el) || !Node.isIdentifier(el.getNameNode())) this.fail("unsupported-syntax", "objective: only simple names can be destructured from a parameter ([x, y])", el);
        this.params.push(el.getName());
        this.scalars.add(el.getName());
      }
    } else this.fail("unsupported-syntax", "objective: object destructuring is not supported in parameters; use (x, y) => … or ([x, y]) => …", name);
  }

  private block(b: TsMorph.Block): Expr {
    const { Node } = this.tm;
    const stmts = b.getStatements();
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      if (Node.isReturnStatement(s)) {
        if (i !== stmts.length - 1) this.fail("unsupported-syntax", "objective: statements after `return` are not supported", stmts[i + 1]!);
        const e = s.getExpression();
        if (e === undefined) this.fail("unsupported-syntax", "objective: `return` needs a value", s);
        return this.expr(e);
      }
      if (Node.isVariableStatement(s)) {
        for (const d of s.getDeclarations()) {
          const init = d.getInitializer();
          if (!Node.isIdentifier(d.getNameNode()) || init === undefined) this.fail("unsupported-syntax", "objective: declarations need a simple name and a value (const u = …)", d);
          this.locals.set(d.getName(), this.expr(init));
        }
        continue;
      }
      this.fail("unsupported-syntax", `objective: ${statementName(s.getKindName())} are not supported in objective functions`, s);
    }
    this.fail("unsupported-syntax", "objective: the function body needs a `return`", b);
  }

  private record(name: string): Expr {
    if (!this.seen.has(name)) {
      this.seen.add(name);
      this.order.push(name);
    }
    return sym(name);
  }

  private identifier(node: TsMorph.Identifier): Expr {
    const name = node.getText();
    const local = this.locals.get(name);
    if (local !== undefined) return local;
    if (this.scalars.has(name) || name in this.constants) return this.record(name);
    if (name === "Infinity") return num(Infinity);
    if (this.params.includes(name)) this.fail("unsupported-syntax", `objective: the vector parameter '${name}' must be indexed with constant integers (${name}[0])`, node);
    this.fail("unknown-symbol", `objective: unknown name '${name}' in the objective function: make it a parameter or pass its value in opts.constants ({ ${name}: … })`, node);
  }

  private expr(node: TsMorph.Node): Expr {
    const { Node, SyntaxKind } = this.tm;
    // Not getLiteralValue(): ts-morph parses the text with parseInt unless it has a ".", so
    // 1e-8 and 1e21 became 1. The compiler's text is the literal in decimal (hex, binary, octal
    // and separators already resolved), which Number reads exactly.
    if (Node.isNumericLiteral(node)) return num(Number(node.compilerNode.text));
    if (Node.isIdentifier(node)) return this.identifier(node);
    if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isTypeAssertion(node)) {
      return this.expr(node.getExpression());
    }
    if (Node.isPrefixUnaryExpression(node)) {
      const op = node.getOperatorToken();
      if (op === SyntaxKind.MinusToken) return neg(this.expr(node.getOperand()));
      if (op === SyntaxKind.PlusToken) return this.expr(node.getOperand());
      this.fail("unsupported-syntax", `objective: the operator '${node.getText().charAt(0)}' is not supported in objective functions`, node);
    }
    if (Node.isBinaryExpression(node)) return this.binary(node);
    if (Node.isCallExpression(node)) return this.callExpr(node);
    if (Node.isPropertyAccessExpression(node)) return this.mathConstant(node);
    if (Node.isElementAccessExpression(node)) return this.element(node);
    if (Node.isConditionalExpression(node)) {
      this.fail("unsupported-syntax", "objective: conditional expressions (a ? b : c) are not supported in objective functions: use Math.max, Math.min or Math.abs", node);
    }
    this.fail("unsupported-syntax", `objective: ${expressionName(node.getKindName())} are not supported in objective functions`, node);
  }

  private binary(node: TsMorph.BinaryExpression): Expr {
    const { SyntaxKind } = this.tm;
    const op = node.getOperatorToken();
    const k = op.getKind();
    const arith = [SyntaxKind.PlusToken, SyntaxKind.MinusToken, SyntaxKind.AsteriskToken, SyntaxKind.SlashToken, SyntaxKind.AsteriskAsteriskToken];
    if (!arith.includes(k)) this.fail("unsupported-syntax", `objective: the operator '${op.getText()}' is not supported in objective functions; use + - * / **`, op);
    if (k !== SyntaxKind.AsteriskAsteriskToken) return this.chain(node, k === SyntaxKind.PlusToken || k === SyntaxKind.MinusToken);
    return pow(this.expr(node.getLeft()), this.expr(node.getRight()));
  }

  /**
   * A left-deep chain a + b − c + … (or a·b/c·…), as TypeScript parses it, walked in a loop into
   * one flat sum (product): no recursion per term, so sums of any length convert (3000 terms
   * overflowed the stack when each operator was a recursive call).
   */
  private chain(node: TsMorph.BinaryExpression, additive: boolean): Expr {
    const { Node, SyntaxKind } = this.tm;
    const [plus, minus] = additive ? [SyntaxKind.PlusToken, SyntaxKind.MinusToken] : [SyntaxKind.AsteriskToken, SyntaxKind.SlashToken];
    const right: TsMorph.Node[] = [];
    const inverse: boolean[] = [];
    let c: TsMorph.Node = node;
    while (Node.isBinaryExpression(c)) {
      const k = c.getOperatorToken().getKind();
      if (k !== plus && k !== minus) break;
      right.push(c.getRight());
      inverse.push(k === minus);
      c = c.getLeft();
    }
    const parts: Expr[] = [this.expr(c)];
    for (let i = right.length - 1; i >= 0; i--) {
      const e = this.expr(right[i]!);
      parts.push(!inverse[i] ? e : additive ? neg(e) : pow(e, -1));
    }
    return additive ? addList(parts) : mulList(parts);
  }

  private callExpr(node: TsMorph.CallExpression): Expr {
    const { Node } = this.tm;
    const callee = node.getExpression();
    let name: string;
    if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math") name = callee.getName();
    else if (Node.isIdentifier(callee)) name = callee.getText();
    else this.fail("unsupported-syntax", "objective: only Math.* functions and the known functions (sigmoid, softplus, …) can be called", callee);
    const args = node.getArguments().map((a) => this.expr(a));
    const applied = applyFunction(name, args);
    if (applied.ok) return applied.expr;
    if (applied.reason === "arity") this.fail("bad-arity", `objective: ${name} takes ${applied.expected}, got ${args.length}`, node);
    const close = closeMatches(name, KNOWN_FUNCTIONS);
    this.fail("unknown-function", `objective: unknown function '${name}'${close.length > 0 ? ` (did you mean ${close.join(", ")}?)` : ""}`, callee);
  }

  private mathConstant(node: TsMorph.PropertyAccessExpression): Expr {
    const c = node.getExpression().getText() === "Math" ? MATH_CONSTANTS[node.getName()] : undefined;
    if (c === undefined) this.fail("unsupported-syntax", `objective: property access '${node.getText()}' is not supported (only Math constants such as Math.PI)`, node);
    return c();
  }

  private element(node: TsMorph.ElementAccessExpression): Expr {
    const { Node } = this.tm;
    const obj = node.getExpression();
    if (!Node.isIdentifier(obj) || !this.params.includes(obj.getText()) || this.scalars.has(obj.getText())) {
      this.fail("unsupported-syntax", "objective: only parameters can be indexed (w[0])", node);
    }
    const arg = node.getArgumentExpression();
    if (arg === undefined) this.fail("unsupported-syntax", "objective: missing index", node);
    let k: number;
    try {
      k = evaluateOne(this.expr(arg), (s) => this.constants[s.name]);
    } catch (e) {
      if (e instanceof UnboundSymbolError) this.fail("bad-index", `objective: the index of ${obj.getText()}[…] must be a constant integer, but it depends on '${e.symbol}'`, arg);
      throw e;
    }
    if (!Number.isInteger(k)) this.fail("bad-index", `objective: the index of ${obj.getText()}[…] must be an integer, got ${k}`, arg);
    this.vectors.add(obj.getText());
    return this.record(`${obj.getText()}[${k}]`);
  }
}

/** "ForStatement" → "`for` loops". */
function statementName(kind: string): string {
  const names: Record<string, string> = {
    ForStatement: "`for` loops", ForOfStatement: "`for` loops", ForInStatement: "`for` loops",
    WhileStatement: "`while` loops", DoStatement: "`do` loops", IfStatement: "`if` statements",
    SwitchStatement: "`switch` statements", TryStatement: "`try` blocks", ThrowStatement: "`throw` statements",
    ExpressionStatement: "expression statements (assignments, calls)", FunctionDeclaration: "nested functions",
    ClassDeclaration: "classes",
  };
  return names[kind] ?? `${kind.replace(/Statement$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} statements`;
}

/** "TemplateExpression" → "template strings". */
function expressionName(kind: string): string {
  const names: Record<string, string> = {
    TemplateExpression: "template strings", NoSubstitutionTemplateLiteral: "template strings", StringLiteral: "strings",
    ArrowFunction: "nested functions", FunctionExpression: "nested functions", ArrayLiteralExpression: "array literals",
    ObjectLiteralExpression: "object literals", PostfixUnaryExpression: "increments and decrements", NewExpression: "`new` expressions",
    TrueKeyword: "booleans", FalseKeyword: "booleans", AwaitExpression: "`await`", TypeOfExpression: "`typeof`",
  };
  return names[kind] ?? `${kind.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}s`;
}
