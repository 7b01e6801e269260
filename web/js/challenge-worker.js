// The sign-up's proof of work (the ALTCHA protocol), solved off the page's thread.
// In: {challenge, salt, maxNumber}. Out: {progress: 0..1} now and then, then {number} or {number: null}.
// SHA-256 is written out here rather than taken from crypto.subtle: one synchronous hash per number is
// faster than a promise per number, and it works on a plain-http address too (a phone on the local network).

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Uint32Array(64);
const H = new Uint32Array(8);
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** SHA-256 of the first ``length`` bytes of ``buffer`` (which has room for the padding) into ``H``. */
function sha256(buffer, view, length) {
  const blocks = Math.ceil((length + 9) / 64);
  buffer.fill(0, length, blocks * 64);
  buffer[length] = 0x80;
  view.setUint32(blocks * 64 - 4, length * 8);
  H.set(INITIAL);
  for (let offset = 0; offset < blocks * 64; offset += 64) {
    for (let i = 0; i < 16; i += 1) W[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i += 1) {
      const x = W[i - 15], y = W[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (let i = 0; i < 64; i += 1) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
  }
}

const PROGRESS_EVERY = 5000;

self.onmessage = (event) => {
  const { challenge, salt, maxNumber } = event.data;
  const target = Uint32Array.from({ length: 8 }, (_, i) => parseInt(challenge.slice(i * 8, i * 8 + 8), 16));
  const saltBytes = new TextEncoder().encode(salt);
  // The salt once, then the number's digits written in place: no allocation per try.
  const buffer = new Uint8Array(Math.ceil((saltBytes.length + 16 + 9) / 64) * 64);
  const view = new DataView(buffer.buffer);
  buffer.set(saltBytes);
  for (let number = 0; number <= maxNumber; number += 1) {
    const digits = String(number);
    for (let i = 0; i < digits.length; i += 1) buffer[saltBytes.length + i] = digits.charCodeAt(i);
    sha256(buffer, view, saltBytes.length + digits.length);
    if (H[0] === target[0] && H[1] === target[1] && H[2] === target[2] && H[3] === target[3]
        && H[4] === target[4] && H[5] === target[5] && H[6] === target[6] && H[7] === target[7]) {
      self.postMessage({ number });
      return;
    }
    if (number % PROGRESS_EVERY === 0) self.postMessage({ progress: number / maxNumber });
  }
  self.postMessage({ number: null });
};
