// The one DOM helper the generator and the code cell share. All reader text goes into the page
// through textContent, never innerHTML.

/** An element with properties (text, class, DOM properties, else attributes) and children. */
export function make(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}
