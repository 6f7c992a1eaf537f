#!/usr/bin/env node
/**
 * The `optlab` command (reference: docs/readme/cli.md).
 *
 *   optlab run NOTEBOOK_OR_DIR... [--html DIR] [--out DIR | --inplace] [--allow-errors] [--timeout SECONDS]
 *   optlab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME] [--no-snapshot]
 *   optlab examples DIR [--force]
 *   optlab kernel -f CONNECTION_FILE
 *   optlab help [COMMAND] | --help | --version
 *
 * Arguments are parsed strictly with Node's `util.parseArgs`, one option table per command:
 * an unknown command or flag is an error that suggests the nearest name; `--help`/`-h` prints
 * that command's usage and does nothing else. User mistakes are one line on stderr, never a
 * stack trace (set OPTLAB_DEBUG=1 to see one). Exit codes: 0 ok, 1 a notebook failed (or the
 * command could not do its work), 2 bad usage.
 */
import { existsSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { packageVersion } from "./package-root.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** How many positionals: [min, max]. */
  positionals: [number, number];
  /** The message when fewer than min are given. */
  missing?: string;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

/** A mistake in the command line: exit code 2, with a pointer to the command's help. */
class UsageError extends Error {
  constructor(readonly command: string | undefined, message: string) {
    super(message);
  }
}

/** The command could not do its work (a file exists, no permission…): one line, exit code 1. */
class CommandError extends Error {}

const HELP = { help: { type: "boolean", short: "h" } } as const satisfies Options;

const COMMANDS: Record<string, Command> = {
  run: {
    summary: "Execute notebooks headlessly (no Jupyter needed); write the executed .ipynb and HTML pages.",
    usage: `usage: optlab run NOTEBOOK_OR_DIR... [--html DIR] [--out DIR | --inplace] [--allow-errors] [--timeout SECONDS]

Execute each notebook (a directory stands for the .ipynb files in it) in this process, with a
fresh kernel per notebook and the notebook's directory as the working directory.

  --html DIR        write an offline HTML page per notebook into DIR (given a directory of
                    notebooks, also DIR/index.html: every page with its title and claim)
  --out DIR         write the executed notebooks into DIR (default: the --html DIR)
  --inplace         write the executed notebook over its input instead
  --allow-errors    run every cell even after one raised; list the cells that raised, exit 0
  --timeout SECONDS interrupt a cell whose code runs longer than this (its type check not counted)
  -h, --help        show this help

Without --out, --html or --inplace the executed notebook is not saved: the run only checks that
every cell runs. The input is never overwritten without --inplace. A cell that raises stops its
notebook (later cells do not run) unless the cell is tagged "raises-exception" or --allow-errors
is given. One line per notebook goes to stderr.

Exit status: 0 every notebook ran, 1 a notebook failed (a cell raised, or it is not a notebook),
2 bad usage (unknown flag, a path that does not exist, an output that would overwrite an input).`,
    options: {
      ...HELP,
      html: { type: "string" },
      out: { type: "string" },
      inplace: { type: "boolean" },
      "allow-errors": { type: "boolean" },
      timeout: { type: "string" },
    },
    positionals: [1, Infinity],
    missing: "give at least one notebook, or a directory of notebooks",
    run: runCommand,
  },
  install: {
    summary: "Install the Jupyter kernelspec \"optlab\" (no Python needed).",
    usage: `usage: optlab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME]

Write the Jupyter kernelspec (kernel.json and logos) that starts this package's kernel with this
Node.

  --user               into your Jupyter data directory (the default)
  --sys-prefix         into the active virtualenv or conda environment
  --prefix DIR         into DIR/share/jupyter/kernels (add DIR/share/jupyter to JUPYTER_PATH)
  --name NAME          kernelspec directory name (default: optlab)
  --display-name NAME  the name Jupyter shows (default: "TypeScript (optlab)")
  --no-snapshot        no start-up snapshot: the kernel loads TypeScript and the DSL at each
                       start (~1.3 s to a first result instead of ~0.5 s)
  -h, --help           show this help

On Linux the kernelspec also gets the kernel's V8 start-up snapshot (kernel.blob, ~60 MB, built
in a few seconds for this Node.js and this build of optlab) and a launcher that uses it while
both are unchanged; run optlab install again after upgrading Node.js or optlab.

The kernelspec points at this copy of optlab: install optlab for good first (npm i -g optlab, or
npm i optlab in a project), not from npx's temporary cache.`,
    options: {
      ...HELP,
      user: { type: "boolean" },
      "sys-prefix": { type: "boolean" },
      prefix: { type: "string" },
      name: { type: "string" },
      "display-name": { type: "string" },
      "no-snapshot": { type: "boolean" },
    },
    positionals: [0, 0],
    run: installCommand,
  },
  examples: {
    summary: "Copy the starter notebooks into a directory.",
    usage: `usage: optlab examples DIR [--force]

Copy the starter notebooks that ship with optlab (rosenbrock.ipynb, …) into DIR (created if
needed). Refuses to overwrite a file that exists, unless --force.

  --force      overwrite notebooks that exist in DIR
  -h, --help   show this help`,
    options: { ...HELP, force: { type: "boolean" } },
    positionals: [1, 1],
    missing: "give the directory to copy the notebooks into",
    run: examplesCommand,
  },
  kernel: {
    summary: "Start the Jupyter kernel (what the installed kernelspec runs).",
    usage: `usage: optlab kernel -f CONNECTION_FILE

Start the kernel on the ports of a Jupyter connection file. Jupyter runs this; you do not need to.

  -f, --connection-file FILE   the connection file
  -h, --help                   show this help`,
    options: { ...HELP, "connection-file": { type: "string", short: "f" } },
    positionals: [0, 0],
    run: kernelCommand,
  },
  help: {
    summary: "Show the help of a command.",
    usage: "usage: optlab help [COMMAND]",
    options: { ...HELP },
    positionals: [0, 1],
    run: async (_v, [name]) => {
      if (name === undefined) return void process.stdout.write(USAGE + "\n");
      const c = COMMANDS[name];
      if (!c) throw new UsageError(undefined, `unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}`);
      process.stdout.write(c.usage + "\n");
    },
  },
};

const USAGE = `usage: optlab COMMAND [OPTIONS]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join("\n")}

Run "optlab COMMAND --help" for a command's options. Other flags: --help (-h), --version (-v).`;

/** `levenshtein(a, b)`: the edit distance, for "did you mean". */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** `" (did you mean X?)"` for the nearest candidate within a few edits, else "". */
function didYouMean(given: string, candidates: string[]): string {
  if (/^-[^-]$/.test(given)) return ""; // -x: any one-letter flag is one edit away
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(given) && given.length >= 3 ? 0.5 : levenshtein(given, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(given.length / 3)) ? ` (did you mean ${best}?)` : "";
}

/**
 * Parses a command's arguments strictly. Unknown flags, flags without their value, values given
 * to on/off flags and extra positionals are `UsageError`s, with a suggestion where one is near.
 */
function parse(command: string, c: Command, args: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[]; help: boolean } {
  const flags = Object.entries(c.options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
  // --help wins wherever it is (before a `--`), even where it reads as another flag's value.
  const end = args.indexOf("--");
  if ((end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h")) return { values: {}, positionals: [], help: true };
  // First pass, lenient, to name the mistake precisely; the strict pass below then cannot fail.
  const tokens = parseArgs({ args, options: c.options, allowPositionals: true, strict: false, tokens: true }).tokens ?? [];
  for (const t of tokens) {
    if (t.kind !== "option") continue;
    const spec = c.options[t.name];
    if (!spec) throw new UsageError(command, `unknown option "${t.rawName}"${didYouMean(t.rawName, flags)}`);
    if (spec.type === "string" && t.value === undefined) throw new UsageError(command, `${t.rawName} needs a value`);
    if (spec.type === "string" && !t.inlineValue && t.value !== undefined && flags.includes(t.value.replace(/=.*/, ""))) throw new UsageError(command, `${t.rawName} needs a value`);
    if (spec.type === "string" && !t.inlineValue && t.value?.startsWith("-")) {
      throw new UsageError(command, `${t.rawName} needs a value, got the option-like "${t.value}" (write ${t.rawName}=${t.value} if that is the value)`);
    }
    if (spec.type === "boolean" && t.inlineValue) throw new UsageError(command, `${t.rawName} takes no value (got ${JSON.stringify(t.value)})`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: c.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(command, (e as Error).message.split("\n")[0]!);
  }
  const [min, max] = c.positionals;
  const pos = parsed.positionals;
  if (pos.length > max) {
    const extra = pos[max]!;
    const what = max === 0 ? `takes no arguments, got "${extra}"` : `takes at most ${max} argument${max === 1 ? "" : "s"}, got "${extra}" too`;
    // `optlab install prefix DIR`: a flag written without its dashes.
    const longs = Object.keys(c.options).filter((n) => n !== "help");
    const hint = extra.length >= 3 ? didYouMean(extra, longs).replace(/mean (\S+)\?/, "mean --$1?") : "";
    throw new UsageError(command, `${what}${hint}`);
  }
  if (pos.length < min) throw new UsageError(command, c.missing ?? "missing arguments");
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: pos, help: false };
}

async function runCommand(v: Record<string, string | boolean | undefined>, paths: string[]): Promise<void> {
  const { executedPath, notebookPaths, runNotebooks } = await import("./runner.js");
  const html = v.html as string | undefined;
  const out = v.out as string | undefined;
  const inplace = v.inplace === true;
  if (inplace && out !== undefined) throw new UsageError("run", "--inplace and --out exclude each other: write the executed notebooks over their inputs, or into --out DIR");
  const timeout = v.timeout as string | undefined;
  const seconds = timeout !== undefined ? Number(timeout) : undefined;
  if (seconds !== undefined && !(seconds > 0 && Number.isFinite(seconds))) throw new UsageError("run", `--timeout must be a positive number of seconds, got "${timeout}"`);
  let files: string[];
  try {
    files = notebookPaths(paths);
  } catch (e) {
    throw new UsageError("run", (e as Error).message);
  }
  for (const p of paths) {
    if (!files.some((f) => f === resolve(p) || f.startsWith(resolve(p) + sep))) throw new UsageError("run", `${p}: a directory with no notebooks (*.ipynb) in it`);
  }
  // Refuse, before running anything, to overwrite an input or to write two notebooks to one file.
  const targets = new Map<string, string>();
  const o = { ...(out !== undefined ? { out } : {}), ...(html !== undefined ? { html } : {}), inplace };
  for (const f of files) {
    const target = executedPath(f, { ...o, inplace: false });
    if (target === f && !inplace) {
      const how = out !== undefined ? `--out ${out} would write the executed copy over it` : `--html ${html} puts the executed copy next to the HTML, over it`;
      throw new UsageError("run", `${shown(f)}: ${how}; give --out DIR (another directory), or --inplace to overwrite on purpose`);
    }
    const t = executedPath(f, o);
    if (t === undefined) continue;
    const other = targets.get(t);
    if (other !== undefined) throw new UsageError("run", `${shown(other)} and ${shown(f)} would both be written to ${shown(t)}; run them with different --out directories`);
    targets.set(t, f);
  }
  const result = await runNotebooks(files, {
    ...o,
    allowErrors: v["allow-errors"] === true,
    // a directory given: the gallery index (index.html next to the pages), as `npm start` wants
    index: paths.some((p) => statSync(p).isDirectory()),
    ...(seconds !== undefined ? { timeoutMs: seconds * 1000 } : {}),
  });
  if (result.results.length > 1) {
    const failed = result.results.filter((r) => !r.ok).length;
    const allowed = result.results.filter((r) => r.ok && r.errors.some((e) => !e.expected)).length;
    const parts = [`${result.results.length - failed - allowed} ok`, ...(allowed ? [`${allowed} with errors allowed`] : []), ...(failed ? [`${failed} FAILED`] : [])];
    process.stderr.write(`${result.results.length} notebooks: ${parts.join(", ")}\n`);
  }
  process.exitCode = result.ok ? 0 : 1;
  // Timers a notebook left running must not keep the command alive.
  setTimeout(() => process.exit(), 500).unref();
}

const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
};

async function installCommand(v: Record<string, string | boolean | undefined>): Promise<void> {
  const { ephemeralInstall, install } = await import("./install.js");
  const prefix = v.prefix as string | undefined;
  const kinds = [v.user === true, v["sys-prefix"] === true, prefix !== undefined].filter(Boolean).length;
  if (kinds > 1) throw new UsageError("install", "choose one of --user, --sys-prefix, --prefix DIR");
  const target = prefix !== undefined ? { kind: "prefix" as const, dir: resolve(prefix) } : v["sys-prefix"] === true ? { kind: "sys-prefix" as const } : { kind: "user" as const };
  const name = v.name as string | undefined;
  const displayName = v["display-name"] as string | undefined;
  if (name !== undefined && !/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError("install", `--name must be letters, digits, ".", "_" or "-" (a directory name Jupyter accepts), got "${name}"`);
  const warning = ephemeralInstall();
  if (warning) process.stderr.write(`optlab install: warning: ${warning}\n`);
  let dir: string;
  try {
    dir = install({
      target,
      ...(name !== undefined ? { name } : {}),
      ...(displayName !== undefined ? { displayName } : {}),
      snapshot: v["no-snapshot"] !== true,
      onSnapshot: (r) => {
        if (r instanceof Error) process.stderr.write(`optlab install: warning: no start-up snapshot (the kernel will start without it): ${r.message}\n`);
        else process.stdout.write(`Built the kernel's start-up snapshot (${(r.bytes / 2 ** 20).toFixed(0)} MB, ${r.declarationFiles} declaration files parsed)\n`);
      },
    });
  } catch (e) {
    throw new CommandError((e as Error).message.replace(/^optlab install(?: --sys-prefix)?: /, ""));
  }
  process.stdout.write(`Installed the kernelspec ${name ?? "optlab"} in ${dir}\n`);
}

async function examplesCommand(v: Record<string, string | boolean | undefined>, [dir]: string[]): Promise<void> {
  const { copyFileSync, mkdirSync, readdirSync, statSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { packageRoot } = await import("./package-root.js");
  const src = join(packageRoot(), "notebooks");
  const names = existsSync(src) ? readdirSync(src).filter((f) => f.endsWith(".ipynb")).sort() : [];
  if (names.length === 0) throw new CommandError(`no starter notebooks in ${src} (this copy of optlab was packed without notebooks/)`);
  const to = resolve(dir!);
  if (existsSync(to) && !statSync(to).isDirectory()) throw new UsageError("examples", `${dir} exists and is not a directory`);
  const clash = names.filter((n) => existsSync(join(to, n)));
  if (clash.length && v.force !== true) throw new CommandError(`${clash.map((n) => join(dir!, n)).join(", ")} exist${clash.length === 1 ? "s" : ""}; nothing copied (--force overwrites)`);
  mkdirSync(to, { recursive: true });
  for (const n of names) copyFileSync(join(src, n), join(to, n));
  process.stdout.write(`Copied ${names.length} notebooks into ${dir}: ${names.join(", ")}\nRun them: optlab run ${dir} --html ${join(dir!, "html")}\n`);
}

async function kernelCommand(v: Record<string, string | boolean | undefined>): Promise<void> {
  const file = v["connection-file"] as string | undefined;
  if (file === undefined) throw new UsageError("kernel", "give the connection file with -f FILE");
  if (!existsSync(file)) throw new UsageError("kernel", `${file}: no such connection file`);
  const { startKernel } = await import("./main.js");
  await startKernel(file);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h") return void process.stdout.write(USAGE + "\n");
  if (cmd === "--version" || cmd === "-v" || cmd === "version") {
    if (rest.length) throw new UsageError(undefined, `${cmd} takes no arguments, got "${rest[0]}"`);
    return void process.stdout.write(`optlab ${packageVersion()}\n`);
  }
  const command = COMMANDS[cmd];
  if (!command) {
    const hint = cmd.startsWith("-") ? didYouMean(cmd, ["--help", "--version"]) : didYouMean(cmd, Object.keys(COMMANDS));
    throw new UsageError(undefined, `unknown ${cmd.startsWith("-") ? "option" : "command"} "${cmd}"${hint}`);
  }
  const { values, positionals, help } = parse(cmd, command, rest);
  if (help) return void process.stdout.write(command.usage + "\n");
  await command.run(values, positionals);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const debug = process.env.OPTLAB_DEBUG === "1";
  if (e instanceof UsageError) {
    const where = e.command ? `optlab ${e.command}` : "optlab";
    process.stderr.write(`${where}: ${e.message}\nRun "${where} --help" for usage.\n`);
    process.exit(2);
  }
  const cmd = process.argv[2] && process.argv[2] in COMMANDS ? `optlab ${process.argv[2]}` : "optlab";
  const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
  // Our own refusals and the system's (EACCES, ENOSPC…) are the whole story; anything else may be
  // a bug, whose stack OPTLAB_DEBUG=1 shows.
  const expected = e instanceof CommandError || typeof (e as { code?: unknown } | null)?.code === "string";
  process.stderr.write(debug && e instanceof Error ? `${cmd}: ${e.stack}\n` : `${cmd}: ${message}\n`);
  if (!expected && !debug) process.stderr.write(`(an unexpected error: OPTLAB_DEBUG=1 shows where it happened)\n`);
  process.exit(1);
});

