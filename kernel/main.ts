/**
 * `optlab kernel -f FILE`: the kernel process. Binds the sockets of the connection file,
 * interrupts the running cell on SIGINT or `interrupt_request` (io worker, interrupt.ts), keeps
 * errors thrown outside any cell from ending the process, and exits when the Jupyter process
 * that started it is gone.
 */
import { readConnectionFile } from "./connection.js";
import { Kernel } from "./kernel.js";
import { ZmqTransport } from "./zmq-transport.js";

/** Starts the kernel for a connection file; resolves once the sockets are bound. */
export async function startKernel(connectionFile: string): Promise<Kernel> {
  const info = readConnectionFile(connectionFile);
  let kernel: Kernel | null = null;
  const log = (m: string) => (kernel ? kernel.log(m) : process.stderr.write(`${m}\n`));
  // SIGINT is watched by the io worker (it reaches a cell that blocks the main thread).
  const transport = new ZmqTransport(info, log, { sigint: true });
  kernel = new Kernel({
    transport,
    key: info.key,
    signatureScheme: info.signature_scheme,
    mode: "kernel",
    guardProcess: true,
    onShutdown: () => process.exit(0),
  });
  const k = kernel;
  process.on("SIGINT", () => k.interrupt());
  watchParent(k);
  await k.start();
  return k;
}

/** Exits when the parent process (the Jupyter server) dies without shutting the kernel down. */
function watchParent(k: Kernel): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  setInterval(() => {
    if (process.ppid !== parent) {
      k.log("optlab kernel: the parent process is gone; exiting");
      void k.close().finally(() => process.exit(0));
    }
  }, 2000).unref();
}
