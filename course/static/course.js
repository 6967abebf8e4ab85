// Course chrome behaviour that needs no Python: embed snippets with absolute URLs, and their copy buttons.
(function () {
  "use strict";
  // The table of contents starts open; on a phone it folds away so the chapter comes first.
  const toc = document.querySelector(".course-toc details");
  if (toc && window.matchMedia("(max-width: 820px)").matches && !document.querySelector(".chapter-list")) {
    toc.removeAttribute("open");
  }
  for (const box of document.querySelectorAll(".embed-snippet")) {
    const area = box.querySelector(".embed-code");
    const url = new URL(area.dataset.src, window.location.href).href;
    const safe = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    area.value = `<iframe src="${safe}" width="100%" height="${area.dataset.height}" style="border:0" loading="lazy" title="${box.dataset.sim} simulation"></iframe>`;
    const status = box.querySelector(".copy-status");
    box.querySelector(".copy-embed").addEventListener("click", async () => {
      area.select();
      try {
        await navigator.clipboard.writeText(area.value);
        status.textContent = "Copied.";
      } catch (err) {
        // Clipboard API refused (http page, permissions): the text is selected for Ctrl+C instead.
        status.textContent = document.execCommand && document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.";
      }
    });
  }
})();
