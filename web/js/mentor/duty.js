// On duty: while a mentor is logged in, one WebSocket that joins no group, so crisis alerts and
// "I'm on it" reach them wherever they are on the page, in a chat or not. It keeps itself alive
// (ping), comes back after a drop with back-off, and stops when the log-in expires.
const PING_EVERY_MS = 4 * 60 * 1000; // API Gateway drops a connection idle for 10 minutes
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30 * 1000;

/**
 * @param {object} options
 * @param {string} options.wsUrl            the WebSocket endpoint from config.json
 * @param {function} options.params         query parameters read at each connect: {token, lang}
 * @param {function} options.expiresAt      ms since epoch when the log-in ends (null: unknown)
 * @param {function} options.onFrame        every frame the server sends
 * @param {function} [options.onReconnected] after a drop, once the line is back: catch up there
 * @param {function} [options.onOpen]       every time the line opens (the first time too)
 */
export function createDutyLine({ wsUrl, params, expiresAt, onFrame, onReconnected = () => {}, onOpen = () => {} }) {
  let ws = null;
  let running = false;
  let attempt = 0;
  let opened = false; // once open before: the next open is a reconnect
  let retryTimer = null;
  let pingTimer = null;

  function start() {
    if (running) return;
    running = true;
    attempt = 0;
    opened = false;
    window.addEventListener('online', reconnectNow);
    connect();
  }

  function stop() {
    running = false;
    window.removeEventListener('online', reconnectNow);
    clearTimeout(retryTimer);
    drop();
  }

  function reconnectNow() {
    if (!running || ws) return;
    attempt = 0;
    connect();
  }

  function connect() {
    clearTimeout(retryTimer);
    const until = expiresAt();
    if (!running || (until && Date.now() >= until)) return;
    let socket;
    try {
      socket = new WebSocket(`${wsUrl}?${new URLSearchParams(params())}`);
    } catch {
      retry();
      return;
    }
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      if (opened) onReconnected();
      opened = true;
      onOpen();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ action: 'ping' }), PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      onFrame(frame);
    };
    socket.onclose = () => { drop(); retry(); };
    socket.onerror = () => { /* a close event follows */ };
  }

  function drop() {
    clearInterval(pingTimer);
    const socket = ws;
    ws = null;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    try { socket.close(); } catch { /* already closing */ }
  }

  function retry() {
    if (!running) return;
    // Exponential back-off with jitter, so a server restart is not met by every tab at once.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
    attempt += 1;
    retryTimer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** True when the frame went (the line is open). */
  function send(frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  return { start, stop, send };
}
