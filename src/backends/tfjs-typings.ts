/**
 * TensorFlow.js's own types for engine code: fills ./tfjs-types.ts's registry (see there why
 * they are not imported by the public declarations). Nothing imports this file's declarations
 * from the public entry point; the engine's compilation includes it (tsconfig `src/**`, and
 * ./tfjs.ts imports it).
 */
import type * as tfc from "@tensorflow/tfjs-core";

declare module "./tfjs-types.js" {
  interface TfjsTypeRegistry {
    tf: typeof tfc;
    tensor: tfc.Tensor;
  }
}

export {};
