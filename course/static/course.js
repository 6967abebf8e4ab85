// Course chrome behaviour that needs no Python: the chapter quiz, embed snippets with absolute URLs,
// and their copy buttons. The same file runs under `panel serve` and in the static site.
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

  // The quiz (course/quiz.py): each question is a fieldset of radios; its verdicts wait in
  // <template> elements. Picking an option shows its verdict; the score counts every question.
  for (const quiz of document.querySelectorAll("section.quiz")) {
    const questions = Array.from(quiz.querySelectorAll(".quiz-question"));
    const score = quiz.querySelector(".quiz-score");
    const update = () => {
      let answered = 0, right = 0;
      for (const q of questions) {
        const picked = q.querySelector("input[type=radio]:checked");
        if (!picked) continue;
        answered += 1;
        if (picked.value === q.dataset.correct) right += 1;
      }
      const total = questions.length;
      score.textContent = answered === total
        ? `Score: ${right} of ${total} right.`
        : `Score: ${right} of ${total} right so far (${answered} of ${total} answered).`;
    };
    for (const q of questions) {
      const status = q.querySelector(".quiz-status");
      q.addEventListener("change", (event) => {
        const input = event.target;
        if (!input.matches("input[type=radio]")) return;
        const why = q.querySelector(`template.quiz-why[data-option="${input.value}"]`);
        const right = why.dataset.right === "true";
        status.className = `quiz-status quiz-feedback ${right ? "quiz-right" : "quiz-wrong"}`;
        status.innerHTML = why.innerHTML;
        for (const label of q.querySelectorAll(".quiz-option")) label.classList.remove("picked");
        input.closest(".quiz-option").classList.add("picked");
        update();
      });
    }
    update();
  }
})();
