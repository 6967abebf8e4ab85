// Downloads of the finished clips: a PNG strip (every frame, each model a row) and an animated GIF
// (the models side by side), enlarged with square pixels. GIF encoding is gifenc's (npm, vendored
// into static/gifenc/ like onnxruntime-web); the clips are synthetic and flat, so one 256-colour
// palette quantised from all frames together keeps every colour stable over the clip.

import { GIFEncoder, applyPalette, quantize } from "gifenc";

/** A PNG of every frame, one row per clip, each pixel 2x2. `rows` is Player.finals(). */
export function pngStrip(rows) {
  const { width, height, frames } = rows[0][1].clip;
  const canvas = document.createElement("canvas");
  canvas.width = width * frames * 2; canvas.height = height * rows.length * 2;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  const tile = document.createElement("canvas");
  tile.width = width; tile.height = height;
  const size = width * height * 4;
  rows.forEach(([, panel], r) => {
    for (let f = 0; f < panel.clip.frames; f++) {
      tile.getContext("2d").putImageData(new ImageData(panel.clip.rgba.slice(f * size, (f + 1) * size), width, height), 0, 0);
      ctx.drawImage(tile, f * width * 2, r * height * 2, width * 2, height * 2);
    }
  });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

/** The clips side by side, `scale` times enlarged, as frames of RGBA bytes: [Uint8ClampedArray]. */
function sideBySide(rows, scale) {
  const { width, height, frames } = rows[0][1].clip;
  const size = width * height * 4;
  const outW = width * scale * rows.length, outH = height * scale;
  const images = [];
  for (let f = 0; f < frames; f++) {
    const out = new Uint8ClampedArray(outW * outH * 4);
    rows.forEach(([, panel], r) => {
      const src = panel.clip.rgba;
      for (let y = 0; y < outH; y++) for (let x = 0; x < width * scale; x++) {
        const s = f * size + (Math.floor(y / scale) * width + Math.floor(x / scale)) * 4;
        const d = (y * outW + r * width * scale + x) * 4;
        out[d] = src[s]; out[d + 1] = src[s + 1]; out[d + 2] = src[s + 2]; out[d + 3] = 255;
      }
    });
    images.push(out);
  }
  return { images, width: outW, height: outH };
}

/** An animated GIF of the finished clips at `fps`, each pixel 4x4. */
export function gifBlob(rows, fps) {
  const { images, width, height } = sideBySide(rows, 4);
  const all = new Uint8ClampedArray(images.length * images[0].length);
  images.forEach((image, i) => all.set(image, i * image.length));
  const palette = quantize(all, 256);
  const gif = GIFEncoder();
  for (const image of images) {
    gif.writeFrame(applyPalette(image, palette), width, height, { palette, delay: 1000 / fps });
  }
  gif.finish();
  return new Blob([gif.bytes()], { type: "image/gif" });
}

/** Offer `blob` as a download called `name`. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
