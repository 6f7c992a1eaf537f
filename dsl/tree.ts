/**
 * `tree`: parameter trees in a notebook — a number, a (nested) array of numbers, a Float64Array,
 * or a record or array of those. `tree.flatten(t)` gives `{ values, paths, unflatten }` with paths
 * such as `W1[0,2]` and `layers[1].b[3]`; `optimize`, `compare`, `gradcheck`, `theory` and
 * `curvature` accept trees as points and answer in the same structure.
 *
 * @example
 * const { values, paths, unflatten } = tree.flatten({ W: [[1, 2], [3, 4]], b: [0, 0] });
 * paths;                     // ["W[0,0]", "W[0,1]", "W[1,0]", "W[1,1]", "b[0]", "b[1]"]
 * unflatten(values.map((v) => 2 * v)); // { W: [[2, 4], [6, 8]], b: [0, 0] }
 * tree.globalNorm({ W: [[3]], b: [4] }); // 5
 */
export {
  add,
  flatten,
  flatValues,
  globalNorm,
  isTree,
  layoutOf,
  leafNorms,
  map,
  map2,
  scale,
  size,
  sub,
  unflatten,
  vdot,
  zerosLike,
  zip,
  type Flat,
  type Layout,
  type Leaf,
  type Tree,
} from "../src/tree/index.js";
