// Building DOM without innerHTML: every string becomes a text node, so no user text is ever markup.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** Show exactly one of the given views, and move focus to its heading for screen readers. */
export function showView(views, name, { focus = true } = {}) {
  for (const [key, element] of Object.entries(views)) element.hidden = key !== name;
  const shown = views[name];
  if (focus && shown) {
    const heading = shown.querySelector('h1, h2');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  }
}

/** A polite live region: screen readers hear new messages without losing their place. */
export function announcer(element) {
  let timer = null;
  return (text) => {
    // Clearing first makes a repeated identical text be announced again.
    element.textContent = '';
    clearTimeout(timer);
    timer = setTimeout(() => { element.textContent = text; }, 50);
  };
}
