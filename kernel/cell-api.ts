/**
 * The kernel's own names in every cell: `display`, `prompt` and `comms` (types only; the kernel
 * supplies the values). Cells see these declarations through the prelude, so a cell may shadow
 * them like any other name.
 */

/** Options of `display` and its helpers. */
export interface DisplayOptions {
  /**
   * Tag the output so it can be replaced later: a string, or `true` for a fresh id (returned).
   * With `update: true`, replaces every output shown under this id instead of adding one.
   */
  displayId?: string | true;
  /** Replace the outputs of `displayId` (`update_display_data`) instead of adding an output. */
  update?: boolean;
  /** Output metadata (e.g. `{ "image/png": { width: 320 } }`). */
  metadata?: Record<string, unknown>;
}

/** A figure as Plotly takes it. */
export interface PlotlyFigure {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/**
 * Shows a value as an output of the running cell: through its `[Symbol.for("Jupyter.display")]()`
 * MIME bundle when it has one, else as `text/plain` (`util.inspect`). Returns the display id
 * (when one was given or asked for with `true`).
 *
 * @example
 * const id = display("starting…", { displayId: true });
 * display("done", { displayId: id, update: true });
 */
export interface DisplayFunction {
  (value: unknown, options?: DisplayOptions): string | undefined;
  /** Raw HTML (`text/html`). */
  html(html: string, options?: DisplayOptions): string | undefined;
  /** Markdown (`text/markdown`). */
  markdown(markdown: string, options?: DisplayOptions): string | undefined;
  /** LaTeX (`text/latex`), e.g. `"$$\\nabla f = 0$$"`. */
  latex(latex: string, options?: DisplayOptions): string | undefined;
  /** An SVG image (`image/svg+xml`). */
  svg(svg: string, options?: DisplayOptions): string | undefined;
  /** A PNG image: bytes or base64 text. */
  png(png: Uint8Array | string, options?: DisplayOptions): string | undefined;
  /** A JPEG image: bytes or base64 text. */
  jpeg(jpeg: Uint8Array | string, options?: DisplayOptions): string | undefined;
  /** Any JSON value (`application/json`, a collapsible tree in JupyterLab). */
  json(value: unknown, options?: DisplayOptions): string | undefined;
  /** A Plotly figure (`application/vnd.plotly.v1+json`). */
  plotly(figure: PlotlyFigure, options?: DisplayOptions): string | undefined;
  /** Plain text. */
  text(text: string, options?: DisplayOptions): string | undefined;
  /** A whole MIME bundle (`text/plain` is added when missing). */
  mime(bundle: Record<string, unknown>, options?: DisplayOptions): string | undefined;
  /** Clears the cell's output (with `wait: true`, when the next output arrives). */
  clear(options?: { wait?: boolean }): void;
}

/** A message received on a comm. */
export interface CommMessage {
  content: { comm_id: string; data: Record<string, unknown>; target_name?: string };
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

/** A comm: a channel between kernel code and front-end code (widgets use these). */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  /** Sends `comm_msg` to the front end. */
  send(data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): void;
  /** Closes the comm (sends `comm_close`). */
  close(data?: Record<string, unknown>): void;
  /** Called for every `comm_msg` from the front end. */
  onMsg: ((msg: CommMessage) => void) | null;
  /** Called when the front end closes the comm. */
  onClose: ((msg: CommMessage) => void) | null;
}

/** Comms: register targets the front end may open, or open one from the kernel. */
export interface CommManager {
  /** Accept `comm_open` for `targetName`. */
  registerTarget(targetName: string, handler: (comm: Comm, open: CommMessage) => void): void;
  unregisterTarget(targetName: string): void;
  /** Opens a comm to a front-end target (sends `comm_open`). */
  open(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>): Comm;
}

/** Shows a value as an output of the running cell (see `DisplayFunction`). */
export declare const display: DisplayFunction;

/**
 * Asks the user for a line of text (an `input_request` to the front end) and waits for it, like
 * the browser's `prompt`. Throws when the front end cannot answer input requests.
 */
export declare function prompt(message?: string, defaultValue?: string): string | null;

/** The kernel's comms. */
export declare const comms: CommManager;
