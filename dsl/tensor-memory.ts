/**
 * `tensorMemory()`: how many TensorFlow.js tensors are alive, how many bytes they hold, and which
 * backend is active — for checking that tensor code (yours or optlab's) frees what it makes.
 *
 * In the kernel a cell's `import * as tf from "@tensorflow/tfjs"` (or `-core`) is optlab's own
 * TensorFlow.js, so this counts the cell's tensors and optlab's together.
 *
 * @example
 * const before = tensorMemory().numTensors;
 * const t = tf.tensor([1, 2, 3]);
 * tensorMemory().numTensors - before; // 1
 * t.dispose();
 */
import { tfjsMemory, type TfjsMemory } from "../src/backends/index.js";

/** What `tensorMemory()` reports. */
export type TensorMemory = TfjsMemory;

/**
 * TensorFlow.js's live tensors (`numTensors`), their bytes (`numBytes`) and its active backend
 * (`backend`: "cpu", "wasm", "webgpu", "tensorflow", or null before tfjs has started one).
 * Loads nothing: before any tfjs work it answers `{ numTensors: 0, numBytes: 0, backend: null }`.
 *
 * @returns a fresh record (later tensor work does not change it).
 * @example
 * tensorMemory(); // { numTensors: 0, numBytes: 0, backend: null }
 */
export function tensorMemory(): TensorMemory {
  return tfjsMemory();
}
