// Device tokens: "this browser has logged in to that name before". Kept across visits (localStorage).
// They are opaque (they name nobody) and let nobody in without the password; they only spare the owner
// the wait when strangers are guessing the name. A shared browser keeps a few, newest first.
const KEY = 'gruppechat.devices';
const MAX = 5;

export function deviceTokens() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(saved) ? saved.filter((token) => typeof token === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberDevice(token) {
  if (typeof token !== 'string' || !token) return;
  const kept = [token, ...deviceTokens().filter((other) => other !== token)].slice(0, MAX);
  try { localStorage.setItem(KEY, JSON.stringify(kept)); } catch { /* private mode: not remembered */ }
}
