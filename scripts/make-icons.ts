import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

// Draws the Teams app icons (appPackage/color.png, appPackage/outline.png) from a few shapes, so they can be
// remade without an image editor: `node scripts/make-icons.ts`. The symbol is a speech bubble (a short
// conversation) with a rising path cut out of it (a next step in a career).

/** The app's accent colour: the colour icon's background and manifest.json's accentColor. */
export const accentColor = '#1B6B73';

type Point = readonly [number, number];

const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const add = (a: Point, b: Point): Point => [a[0] + b[0], a[1] + b[1]];
const scale = (a: Point, k: number): Point => [a[0] * k, a[1] * k];
const dot = (a: Point, b: Point) => a[0] * b[0] + a[1] * b[1];
const cross = (a: Point, b: Point) => a[0] * b[1] - a[1] * b[0];

function insideRoundedRect(p: Point, min: Point, max: Point, radius: number): boolean {
  const cx = Math.min(Math.max(p[0], min[0] + radius), max[0] - radius);
  const cy = Math.min(Math.max(p[1], min[1] + radius), max[1] - radius);
  return (p[0] - cx) ** 2 + (p[1] - cy) ** 2 <= radius ** 2;
}

function insideTriangle(p: Point, a: Point, b: Point, c: Point): boolean {
  const s1 = cross(sub(b, a), sub(p, a));
  const s2 = cross(sub(c, b), sub(p, b));
  const s3 = cross(sub(a, c), sub(p, c));
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
}

function nearSegment(p: Point, a: Point, b: Point, halfWidth: number): boolean {
  const ab = sub(b, a);
  const t = Math.min(1, Math.max(0, dot(sub(p, a), ab) / dot(ab, ab)));
  const d = sub(p, add(a, scale(ab, t)));
  return dot(d, d) <= halfWidth ** 2;
}

// The symbol in a unit square (y grows downwards).
const path_: Point[] = [
  [0.2, 0.57],
  [0.4, 0.38],
  [0.54, 0.5],
  [0.74, 0.29],
];
const pathHalfWidth = 0.058;
const arrowHead = (() => {
  const end = path_[path_.length - 1]!;
  const dir = sub(end, path_[path_.length - 2]!);
  const unit = scale(dir, 1 / Math.hypot(dir[0], dir[1]));
  const normal: Point = [-unit[1], unit[0]];
  const base = sub(end, scale(unit, 0.05));
  return [add(end, scale(unit, 0.11)), add(base, scale(normal, 0.13)), sub(base, scale(normal, 0.13))] as const;
})();

/** True where the symbol is white. */
function inSymbol(p: Point): boolean {
  const bubble =
    insideRoundedRect(p, [0.04, 0.06], [0.96, 0.74], 0.17) || insideTriangle(p, [0.2, 0.68], [0.44, 0.68], [0.14, 0.95]);
  if (!bubble) return false;
  for (let i = 1; i < path_.length; i++) if (nearSegment(p, path_[i - 1]!, path_[i]!, pathHalfWidth)) return false;
  return !insideTriangle(p, ...arrowHead);
}

/** Fraction of the pixel (x, y) covered by the symbol, with the symbol drawn in the square [inset, size - inset]. */
function coverage(x: number, y: number, size: number, inset: number): number {
  const samples = 4;
  const span = size - 2 * inset;
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < samples; j++) {
      const px = x + (i + 0.5) / samples;
      const py = y + (j + 0.5) / samples;
      if (inSymbol([(px - inset) / span, (py - inset) / span])) hits++;
    }
  }
  return hits / samples ** 2;
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** 192×192, opaque: the white symbol on the accent colour, inside the 120×120 safe area Teams asks for. */
export function colorIcon(): Buffer {
  const size = 192;
  const [r, g, b] = hexToRgb(accentColor);
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size, 36);
      const o = (y * size + x) * 4;
      rgba[o] = Math.round(r + (255 - r) * c);
      rgba[o + 1] = Math.round(g + (255 - g) * c);
      rgba[o + 2] = Math.round(b + (255 - b) * c);
      rgba[o + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}

/** 32×32: the symbol in white on a transparent background, as Teams requires of an outline icon. */
export function outlineIcon(): Buffer {
  const size = 32;
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      rgba.fill(255, o, o + 3);
      rgba[o + 3] = Math.round(255 * coverage(x, y, size, 1));
    }
  }
  return encodePng(size, size, rgba);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG of 8-bit RGBA pixels, every row unfiltered. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(rgba.buffer, y * stride, stride).copy(raw, y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const appPackageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../appPackage');

if (import.meta.main) {
  fs.writeFileSync(path.join(appPackageDir, 'color.png'), colorIcon());
  fs.writeFileSync(path.join(appPackageDir, 'outline.png'), outlineIcon());
  process.stdout.write(`Wrote color.png and outline.png to ${appPackageDir}\n`);
}
