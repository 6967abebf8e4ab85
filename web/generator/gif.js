// A small animated-GIF writer for the generator's download button: no dependency, one fixed
// palette (6 red x 7 green x 6 blue levels, 252 colours) that is plenty for 32x32 synthetic clips,
// LZW-compressed as GIF89a requires (the format: https://www.w3.org/Graphics/GIF/spec-gif89a.txt).

const R_LEVELS = 6, G_LEVELS = 7, B_LEVELS = 6;

function paletteBytes() {
  const bytes = new Uint8Array(256 * 3);
  let i = 0;
  for (let r = 0; r < R_LEVELS; r++)
    for (let g = 0; g < G_LEVELS; g++)
      for (let b = 0; b < B_LEVELS; b++) {
        bytes[i++] = Math.round((r * 255) / (R_LEVELS - 1));
        bytes[i++] = Math.round((g * 255) / (G_LEVELS - 1));
        bytes[i++] = Math.round((b * 255) / (B_LEVELS - 1));
      }
  return bytes;                                   // the last 4 entries stay black
}

function paletteIndex(r, g, b) {
  const q = (v, levels) => Math.round((v * (levels - 1)) / 255);
  return (q(r, R_LEVELS) * G_LEVELS + q(g, G_LEVELS)) * B_LEVELS + q(b, B_LEVELS);
}

class ByteWriter {
  constructor() { this.chunks = []; this.current = []; }
  byte(v) { this.current.push(v & 0xff); if (this.current.length >= 65536) this.flush(); }
  word(v) { this.byte(v); this.byte(v >> 8); }
  bytes(list) { for (const v of list) this.byte(v); }
  text(s) { for (const c of s) this.byte(c.charCodeAt(0)); }
  flush() { if (this.current.length) { this.chunks.push(Uint8Array.from(this.current)); this.current = []; } }
  blob() { this.flush(); return new Blob(this.chunks, { type: "image/gif" }); }
}

/** LZW codes for 8-bit indices, packed into GIF sub-blocks of at most 255 bytes. */
function lzw(indices, out) {
  const minCodeSize = 8, clear = 256, end = 257;
  let codeSize = minCodeSize + 1, next = end + 1;
  let dict = new Map();
  const packed = [];
  let acc = 0, bits = 0;
  const emit = (code) => {
    acc |= code << bits;
    bits += codeSize;
    while (bits >= 8) { packed.push(acc & 0xff); acc >>>= 8; bits -= 8; }
  };
  emit(clear);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = prefix * 256 + k;
    if (dict.has(key)) { prefix = dict.get(key); continue; }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << codeSize && codeSize < 12) codeSize++;
    } else {
      emit(clear);
      dict = new Map(); codeSize = minCodeSize + 1; next = end + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(end);
  if (bits > 0) packed.push(acc & 0xff);
  out.byte(minCodeSize);
  for (let i = 0; i < packed.length; i += 255) {
    const block = packed.slice(i, i + 255);
    out.byte(block.length);
    out.bytes(block);
  }
  out.byte(0);
}

/** An animated GIF Blob from RGBA frames (each width x height x 4 bytes), looping forever. */
export function encodeGif(frames, width, height, delayMs = 125) {
  const out = new ByteWriter();
  out.text("GIF89a");
  out.word(width); out.word(height);
  out.byte(0xf7);                                 // global colour table, 8 bits, 256 entries
  out.byte(0); out.byte(0);
  out.bytes(paletteBytes());
  out.bytes([0x21, 0xff, 11]); out.text("NETSCAPE2.0"); out.bytes([3, 1, 0, 0, 0]);   // loop forever
  for (const rgba of frames) {
    out.bytes([0x21, 0xf9, 4, 0x04]); out.word(Math.round(delayMs / 10)); out.bytes([0, 0]);
    out.byte(0x2c); out.word(0); out.word(0); out.word(width); out.word(height); out.byte(0);
    const indices = new Uint8Array(width * height);
    for (let p = 0; p < indices.length; p++) {
      indices[p] = paletteIndex(rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]);
    }
    lzw(indices, out);
  }
  out.byte(0x3b);
  return out.blob();
}
