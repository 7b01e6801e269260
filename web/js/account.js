// Who is logged in on this tab. sessionStorage, not localStorage: on a shared phone or PC,
// closing the tab logs out.

export function savedAccount(key) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    if (saved && saved.token && Date.parse(saved.expires_at) > Date.now()) return saved;
  } catch { /* nothing saved */ }
  return null;
}

export function storeAccount(key, value) {
  if (value) sessionStorage.setItem(key, JSON.stringify(value));
  else sessionStorage.removeItem(key);
}
