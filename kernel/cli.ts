#!/usr/bin/env node
/**
 * The `optlab` command.
 *
 *   optlab kernel -f CONNECTION_FILE      start the Jupyter kernel (what the kernelspec runs)
 *   optlab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME]
 *   optlab run NOTEBOOK_OR_DIR... [--html DIR] [--out DIR] [--allow-errors] [--timeout SECONDS]
 *   optlab --version | help
 */
import { inspect } from "node:util";
import { packageVersion } from "./package-root.js";

const USAGE = `usage:
  optlab kernel -f CONNECTION_FILE
      Start the Jupyter kernel (the installed kernelspec runs this).
  optlab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME]
      Install the Jupyter kernelspec "optlab" ("TypeScript (optlab)"); --user is the default.
  optlab run NOTEBOOK_OR_DIR... [--html DIR] [--out DIR] [--allow-errors] [--timeout SECONDS]
      Execute notebooks in this process; write the executed .ipynb (to --out, else next to the
      HTML, else in place) and, with --html, an offline HTML page per notebook.
  optlab --version`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parse(args: string[], withValue: Set<string>): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-") || a === "-") {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (withValue.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, v);
    } else flags.set(name, true);
  }
  return { positional, flags };
}

/** The value of the first of `names` given with a value (flags without one count as absent). */
function value(p: Parsed, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = p.flags.get(n);
    if (typeof v === "string") return v;
  }
  return undefined;
}

class UsageError extends Error {}

async function kernelCommand(args: string[]): Promise<void> {
  const p = parse(args, new Set(["-f", "--connection-file", "--config-path"]));
  const file = value(p, "-f", "--connection-file", "--config-path") ?? p.positional[0];
  if (file === undefined) throw new UsageError("optlab kernel: give the connection file with -f FILE");
  const { startKernel } = await import("./main.js");
  await startKernel(file);
}

async function installCommand(args: string[]): Promise<void> {
  const p = parse(args, new Set(["--prefix", "--name", "--display-name"]));
  const { install } = await import("./install.js");
  const prefix = value(p, "--prefix");
  const kinds = [p.flags.has("--user"), p.flags.has("--sys-prefix"), prefix !== undefined].filter(Boolean).length;
  if (kinds > 1) throw new UsageError("optlab install: choose one of --user, --sys-prefix, --prefix DIR");
  const target = prefix !== undefined ? { kind: "prefix" as const, dir: prefix } : p.flags.has("--sys-prefix") ? { kind: "sys-prefix" as const } : { kind: "user" as const };
  const name = value(p, "--name");
  const displayName = value(p, "--display-name");
  const dir = install({ target, ...(name !== undefined ? { name } : {}), ...(displayName !== undefined ? { displayName } : {}) });
  process.stdout.write(`Installed the kernelspec ${name ?? "optlab"} in ${dir}\n`);
}

async function runCommand(args: string[]): Promise<void> {
  const p = parse(args, new Set(["--html", "--out", "--timeout"]));
  if (p.positional.length === 0) throw new UsageError("optlab run: give at least one notebook (or a directory of notebooks)");
  const timeout = value(p, "--timeout");
  const seconds = timeout !== undefined ? Number(timeout) : undefined;
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`optlab run: --timeout must be a positive number of seconds, got ${timeout}`);
  const { runNotebooks } = await import("./runner.js");
  const html = value(p, "--html");
  const out = value(p, "--out");
  const result = await runNotebooks(p.positional, {
    ...(html !== undefined ? { html } : {}),
    ...(out !== undefined ? { out } : {}),
    allowErrors: p.flags.has("--allow-errors"),
    ...(seconds !== undefined ? { timeoutMs: seconds * 1000 } : {}),
  });
  process.exitCode = result.ok ? 0 : 1;
  // Timers a notebook left running must not keep the command alive.
  setTimeout(() => process.exit(), 500).unref();
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "kernel":
      return kernelCommand(rest);
    case "install":
      return installCommand(rest);
    case "run":
      return runCommand(rest);
    case "--version":
    case "-v":
    case "version":
      process.stdout.write(`optlab ${packageVersion()}\n`);
      return;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE + "\n");
      return;
    default:
      throw new UsageError(`optlab: unknown command ${JSON.stringify(cmd)}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) process.stderr.write(`${e.message}\n\n${USAGE}\n`);
  else process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : inspect(e)}\n`);
  process.exit(2);
});
