// Who is logged in on this tab. sessionStorage, not localStorage: on a shared phone or PC,
// closing the tab logs out.
import { $ } from './dom.js';

function savedAccount(key) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    if (saved && saved.token && Date.parse(saved.expires_at) > Date.now()) return saved;
  } catch { /* nothing saved */ }
  return null;
}

function storeAccount(key, value) {
  if (value) sessionStorage.setItem(key, JSON.stringify(value));
  else sessionStorage.removeItem(key);
}

/**
 * The tab's log-in kept under ``key``, shown in the top bar: ``#whoami`` says ``describe(account)``
 * and ``#log-out`` shows while someone is logged in; ``onRender(account)`` adds what a page needs.
 */
export function signedIn(key, describe, onRender = () => {}) {
  let current = savedAccount(key);
  function render() {
    const who = $('#whoami');
    who.hidden = !current;
    who.textContent = current ? describe(current) : '';
    $('#log-out').hidden = !current;
    onRender(current);
  }
  return {
    get current() { return current; },
    save(value) {
      current = value;
      storeAccount(key, value);
      render();
    },
    render,
  };
}
