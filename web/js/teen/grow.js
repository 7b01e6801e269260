// The message box grows with what the teen writes, as in the messaging apps: one line when empty,
// up to the CSS max-height (about five lines), then it scrolls inside. The chat is a column whose
// list takes what is left, so the list gets shorter, not the page longer; the list's own
// ResizeObserver (stick.js) keeps a reader who was at the newest message there. On a short screen
// (the keyboard open, a phone on its side) the box grows only while the list keeps room for the
// newest message. The private talk's box (private.js) grows the same way; the room it takes comes
// from the group's list first (it has what is left of the column), then from the talk's own list.

const LIST_KEEPS_PX = 64; // about one message with its name line

/**
 * Keep ``box`` as tall as its text (within its min- and max-height, and the room the lists can give).
 * @param {HTMLTextAreaElement} box
 * @param {HTMLElement | HTMLElement[]} lists  the message list(s) that give up their height to the box
 * @returns {() => void} call it after the text was set from code (sent, handed back)
 */
export function growWithText(box, lists) {
  const givers = [lists].flat();
  function fit() {
    if (!box.getClientRects().length) return; // not on screen: nothing to measure
    const atEnd = box.selectionEnd === box.value.length;
    const scrolled = box.scrollTop;
    box.style.height = 'auto'; // one line first, or a shorter text would keep the old height
    const style = getComputedStyle(box);
    const oneLine = box.getBoundingClientRect().height;
    const spare = givers.reduce((room, list) => room + Math.max(0, list.clientHeight - LIST_KEEPS_PX), 0);
    const max = Math.min(parseFloat(style.maxHeight) || Infinity, oneLine + spare);
    const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    const wanted = box.scrollHeight + borders;
    box.style.height = `${Math.max(oneLine, Math.min(wanted, max))}px`;
    box.style.overflowY = wanted > max ? 'auto' : 'hidden'; // a scrollbar only once it is full
    box.scrollTop = atEnd ? box.scrollHeight : scrolled; // the caret stays in sight
  }
  box.addEventListener('input', fit);
  box.addEventListener('focus', fit); // it may have been given text while hidden
  // A turned phone wraps the lines anew; the on-screen keyboard leaves less room. Measured a frame
  // later, once viewport.js has given the chat its new height.
  const refit = () => requestAnimationFrame(fit);
  window.addEventListener('resize', refit);
  window.visualViewport?.addEventListener('resize', refit);
  return fit;
}
