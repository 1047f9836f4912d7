// What both Node client workers share: the clock, the line protocol with the Python
// parent (one JSON array per line on stdin/stdout) and how one socket connects.
// Written from docs/protocol.md only (not from the server or static/js).

import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";

/** Epoch seconds (float), like Python's time.time(), so the parent compares them with its own clock. */
export const now = () => (performance.timeOrigin + performance.now()) / 1000;
export const sleep = (s) => new Promise((resolve) => setTimeout(resolve, Math.max(0, s * 1000)));

/** Resolves once the line is handed to the pipe: exiting earlier would cut a large result. */
export function send(kind, payload) {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify([kind, payload])}\n`, resolve));
}

// Lines from the parent, one at a time.
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let pending = null; // a read still waiting when recv() timed out: the next recv() takes its line

/** The next message from the parent (null at end of input); rejects after timeoutS seconds. */
export async function recv(timeoutS) {
  pending ??= lines.next();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no message from parent within ${timeoutS} s`)), timeoutS * 1000);
  });
  try {
    const { value, done } = await Promise.race([pending, timeout]);
    pending = null;
    if (done) return null;
    return JSON.parse(value);
  } finally {
    clearTimeout(timer);
  }
}

export function bump(counts, key) {
  counts[key] = (counts[key] || 0) + 1;
}

/** Resolve once connected; reject with the connect_error (auth refusal, refused socket...). */
export function connectSocket(baseUrl, spec, timeoutS) {
  const socket = io(baseUrl, {
    auth: spec.auth,
    transports: ["websocket"], // websocket only, as the Python clients
    forceNew: true, // one connection per socket, like one phone each
    reconnection: false, // docs/protocol.md: Socket.IO's own reconnection is off
    timeout: timeoutS * 1000,
    // perMessageDeflate: socket.io-client's default ({threshold: 1024}) stands, as on phones,
    // unless the parent switched it off (--no-deflate) to measure what compression costs.
    ...(spec.no_deflate ? { perMessageDeflate: false } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(Object.assign(err, { socket })));
  });
}

/** A counting semaphore: at most `n` holders at once. */
export function limiter(n) {
  let slots = n;
  const waiting = [];
  return {
    acquire() {
      if (slots > 0) {
        slots--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      if (waiting.length) waiting.shift()();
      else slots++;
    },
  };
}
