// A mentor's calls to the server: a refusal is shown next to what the mentor did, in their language;
// an expired log-in sends them back to the log-in form.
import { errorText } from '../i18n.js';

export function createCalls({ onExpired }) {
  function failed(target, failure) {
    if (failure.status === 401) { onExpired(); return; }
    target.textContent = errorText(failure.code, failure.message);
  }

  /** The answer of ``call``, or ``fallback`` when it was refused (shown in ``errorTarget``). */
  async function load(errorTarget, call, fallback = null) {
    errorTarget.textContent = '';
    try {
      return await call();
    } catch (failure) {
      failed(errorTarget, failure);
      return fallback;
    }
  }

  /** Do ``call``, then ``after`` (a reload); true when both went through. */
  function act(errorTarget, call, after) {
    return load(errorTarget, async () => {
      await call();
      if (after) await after();
      return true;
    }, false);
  }

  return { load, act };
}
