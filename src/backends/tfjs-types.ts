/**
 * The TensorFlow.js types engine code is written against (`TF`, `Tensor`), declared so that the
 * public declaration files never import `@tensorflow/*`.
 *
 * Why: the kernel type-checks every new cell against optlab's declarations (`import "optlab"`
 * and everything it reaches). Were `Tensor` declared as `tfc.Tensor`, every check would carry
 * tfjs-core's declarations and, through them, the WebGPU ones (~770 KB; +7 ms per new cell and
 * +0.7 s of kernel warm-up, measured), although a notebook user never touches a tfjs type.
 *
 * How: `TfjsTypeRegistry` is empty here and filled by declaration merging in ./tfjs-typings.ts,
 * which only the engine's own compilation includes (tsconfig's `src/**`; ./tfjs.ts imports it
 * too). There `TF` is `typeof import("@tensorflow/tfjs-core")` and `Tensor` its `Tensor`, so
 * engine code is fully typed. The emitted .d.ts files that `optlab`'s entry point reaches do not
 * reach ./tfjs-typings.d.ts, so for a user `TF` is `unknown` and `Tensor` the structural
 * `TensorLike` (a real tfjs tensor is one).
 */

/** What a TensorFlow.js tensor is, as far as the public API says. */
export interface TensorLike {
  readonly shape: number[];
  readonly dtype: string;
  readonly size: number;
  dispose(): void;
}

/** Filled by ./tfjs-typings.ts (declaration merging) where tfjs's own types are wanted. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TfjsTypeRegistry {}

/** The `@tensorflow/tfjs-core` module (engine code); `unknown` in the public declarations. */
export type TF = TfjsTypeRegistry extends { tf: infer T } ? T : unknown;

/** A TensorFlow.js tensor (engine code); `TensorLike` in the public declarations. */
export type Tensor = TfjsTypeRegistry extends { tensor: infer T } ? T : TensorLike;
