/**
 * The symmetric eigensolver (src/numeric/eig-sym.ts: Householder tridiagonalisation + implicit QL
 * with Wilkinson shifts) against numpy.linalg.eigvalsh (LAPACK dsyevd through OpenBLAS, Debian's
 * python3-numpy), eigenvalues only, at n = 50, 200, 500, and the old cyclic Jacobi solver for
 * scale. Goal: within 3× of numpy at n = 200. Best of several runs each, measured in this run
 * (numpy in a child process with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for that command).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { eigSym, eigSymJacobi, eigvalsSym } from "../../src/numeric/eig-sym.js";
import type { BenchRow } from "./run.js";

const SIZES = [50, 200, 500];
const here = dirname(fileURLToPath(import.meta.url));

function randomSymmetric(n: number): Float64Array {
  let s = 12345 + n;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = r();
  return A;
}

function best(f: () => unknown, reps: number): number {
  f();
  let b = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

function numpyMs(): Record<string, number> | undefined {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const p = spawnSync("/usr/bin/python3", [join(here, "numpy_eigvalsh.py"), ...SIZES.map(String)], { encoding: "utf8", env, timeout: 600_000 });
  if (p.status !== 0) return undefined;
  return JSON.parse(p.stdout) as Record<string, number>;
}

export default async function bench(): Promise<BenchRow[]> {
  const np = numpyMs();
  const rows: BenchRow[] = [];
  for (const n of SIZES) {
    const A = randomSymmetric(n);
    const ms = best(() => eigvalsSym(A, n), n <= 50 ? 300 : n <= 200 ? 40 : 8);
    const ref = np?.[String(n)];
    rows.push({
      name: `eigvalsSym n=${n} (Householder + implicit QL), random symmetric`,
      ours: ms,
      unit: "ms",
      ...(ref !== undefined ? { reference: ref, referenceName: "numpy.linalg.eigvalsh (LAPACK/OpenBLAS)" } : {}),
      ...(n === 200 && ref !== undefined ? { goal: "≤ 3× numpy", met: ms <= 3 * ref } : {}),
    });
  }
  const n = 200;
  const A = randomSymmetric(n);
  const withVectors = best(() => eigSym(A, n), 5);
  const jac = best(() => eigSymJacobi(A, n), 2);
  rows.push({ name: `eigSym n=${n} with eigenvectors (QL) vs the old cyclic Jacobi`, ours: withVectors, unit: "ms", reference: jac, referenceName: "eigSymJacobi (the previous solver)" });
  return rows;
}
