/**
 * Debian's classic Jupyter Notebook 6 server for live browser tests: started on 127.0.0.1 with a
 * random token, isolated config/data/runtime directories (plus extra kernelspec directories),
 * stopped by the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { BOUNDS, NOTEBOOK6_BENIGN, open, watch, type PageLog } from "./chrome.js";

export interface NotebookServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/**
 * Start `python3 -m notebook` serving `dir`.
 * @param jupyterPath extra data directories (each with `kernels/<name>/kernel.json`).
 */
export async function startNotebookServer(dir: string, jupyterPath: string[] = []): Promise<NotebookServer> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const home = mkdtempSync(join(tmpdir(), "optlab-nbserver-"));
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: join(home, "config"),
    JUPYTER_DATA_DIR: join(home, "data"),
    JUPYTER_RUNTIME_DIR: join(home, "runtime"),
    JUPYTER_PATH: jupyterPath.join(":"),
    IPYTHONDIR: join(home, "ipython"),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
  const proc: ChildProcess = spawn("/usr/bin/python3", [
    "-Xfrozen_modules=off", "-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`,
    // Containers and CI machines often run tests as root; the server refuses that without this.
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout!.on("data", (d) => (output += d));
  proc.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  // Polls the server's status API (the event: it answers) within a generous bound for a busy machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`notebook server exited (${proc.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`notebook server did not start within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url, token,
    async stop() {
      // Shut kernels down through the API first so none outlives the test.
      try {
        const sessions = (await (await fetch(`${url}/api/sessions?token=${token}`)).json()) as { kernel: { id: string } }[];
        for (const s of sessions) await fetch(`${url}/api/kernels/${s.kernel.id}?token=${token}`, { method: "DELETE" });
      } catch { /* server already gone */ }
      proc.kill("SIGTERM");
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { proc.kill("SIGKILL"); resolve(); }, 5000);
        proc.on("exit", () => { clearTimeout(t); resolve(); });
      });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** What a notebook page showed of its live displays while it ran. */
export interface LiveSeen {
  /** The progress lines ("… step N …") the live SVG showed, in order, each once. */
  seen: string[];
  /** The most live displays on the page at one time. */
  most: number;
}

/**
 * Open `name` in the server's classic Notebook UI, wait for its kernel, watch live displays
 * (`.optlab-live`) and run all cells. Returns the page's log and a reader of what was seen live.
 */
export async function openAndRunAll(page: Page, server: NotebookServer, name: string): Promise<{ log: PageLog; liveSeen: () => Promise<LiveSeen> }> {
  const log = await watch(page, {
    allow: (u) => u.startsWith(server.url) || u.startsWith(server.url.replace("http", "ws")),
    benign: NOTEBOOK6_BENIGN,
  });
  await open(page, `${server.url}/notebooks/${name}?token=${server.token}`);
  // The event to wait for: the page's kernel connected (a kernel start on a busy machine can take a while).
  await page.waitForFunction(() => {
    const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
    return J?.notebook?.kernel?.is_connected() === true;
  }, undefined, { timeout: BOUNDS.navigationMs, polling: 100 });
  await page.evaluate(() => {
    const w = window as unknown as LiveSeen;
    w.seen = [];
    w.most = 0;
    new MutationObserver(() => {
      const live = document.querySelectorAll(".optlab-live");
      w.most = Math.max(w.most, live.length);
      for (const t of Array.from(live[0]?.querySelectorAll("svg > text") ?? [])) {
        if (/step \d/.test(t.textContent ?? "") && !w.seen.includes(t.textContent!)) w.seen.push(t.textContent!);
      }
    }).observe(document.body, { childList: true, subtree: true });
    (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells();
  });
  return {
    log,
    liveSeen: () => page.evaluate(() => {
      const w = window as unknown as LiveSeen;
      return { seen: w.seen, most: w.most };
    }),
  };
}
