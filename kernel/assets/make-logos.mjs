#!/usr/bin/env node
/**
 * Draws the kernelspec logos (logo-32x32.png, logo-64x64.png) with a tiny PNG encoder: a blue
 * rounded square, white contour rings of a valley, and an orange descent path to its minimum.
 * Run `node kernel/assets/make-logos.mjs` to regenerate them (the PNGs are committed).
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** RGBA pixels (width·height·4 bytes) → PNG file bytes. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

const BLUE = [49, 120, 198];
const WHITE = [255, 255, 255];
const ORANGE = [245, 166, 35];

/** Layers in unit coordinates [0, 1]²: each returns coverage (0 or 1) at a point. */
function layers() {
  const cx = 0.58, cy = 0.58;
  const ring = (r, w) => (x, y) => {
    const d = Math.hypot((x - cx) / 1.25, (y - cy) * 1.0);
    return Math.abs(d - r) < w;
  };
  const path = [[0.14, 0.18], [0.3, 0.3], [0.4, 0.44], [0.5, 0.52], [cx, cy]];
  const onPath = (x, y) => {
    for (let i = 0; i + 1 < path.length; i++) {
      const [ax, ay] = path[i], [bx, by] = path[i + 1];
      const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      if (Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) < 0.035) return true;
    }
    return Math.hypot(x - cx, y - cy) < 0.075;
  };
  const square = (x, y) => {
    const r = 0.2;
    const qx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0), qy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0);
    return Math.hypot(qx, qy) <= r;
  };
  return [
    [square, BLUE],
    [ring(0.16, 0.025), WHITE],
    [ring(0.28, 0.025), WHITE],
    [ring(0.4, 0.025), WHITE],
    [onPath, ORANGE],
  ];
}

/** Renders the logo at `size` px with 8×8 supersampling. */
export function drawLogo(size) {
  const ss = 8;
  const out = Buffer.alloc(size * size * 4);
  const ls = layers();
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size, y = (py + (sy + 0.5) / ss) / size;
          let color = null;
          for (const [inside, c] of ls) if (inside(x, y) && (color !== null || c === BLUE)) color = c;
          if (!ls[0][0](x, y)) color = null;
          if (color) {
            r += color[0];
            g += color[1];
            b += color[2];
            a++;
          }
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
      }
      out[o + 3] = Math.round((255 * a) / (ss * ss));
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = dirname(fileURLToPath(import.meta.url));
  for (const size of [32, 64]) {
    const file = join(dir, `logo-${size}x${size}.png`);
    writeFileSync(file, encodePng(size, size, drawLogo(size)));
    process.stdout.write(`wrote ${file}\n`);
  }
}
