// zhanqun serve: added by the preview server to every page it sends, never written into the output.
// Reloads the page when a new build is ready; while the last build failed, shows its problems in a
// dialog. Every text comes from the server (in the user's language) and is shown with
// textContent: messages quote authors' files.
(() => {
  "use strict";
  const base = "/__zhanqun__/";
  const boxId = "zhanqun-serve-problems";
  // the build this page is from (the server writes it into the script's address)
  const mine = new URL(document.currentScript.src).searchParams.get("generation");
  let generation = mine === null ? null : Number(mine);
  let dismissed = -1;

  function remove() {
    const box = document.getElementById(boxId);
    if (box) box.remove();
  }

  function show(state) {
    remove();
    // a failed build only: warnings stay in the terminal, or every reload would open the dialog
    if (!state.failed || !state.problems.length || dismissed === state.version) return;
    const box = document.createElement("section");
    box.id = boxId;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", boxId + "-title");
    box.tabIndex = -1;
    box.style.cssText = "position:fixed;z-index:2147483647;left:1rem;right:1rem;top:1rem;max-height:80vh;overflow:auto;" +
      "background:#fff;color:#1a1a1a;border:3px solid " + (state.failed ? "#b00020" : "#8a6d00") + ";border-radius:6px;" +
      "padding:1rem 1.25rem;font:15px/1.5 system-ui,sans-serif;box-shadow:0 6px 24px rgba(0,0,0,.3)";
    const title = document.createElement("h2");
    title.id = boxId + "-title";
    title.style.cssText = "margin:0 0 .5rem;font-size:1.1rem";
    title.textContent = state.title;
    box.setAttribute("aria-describedby", boxId + "-list");
    const list = document.createElement("ul");
    list.id = boxId + "-list";
    list.style.cssText = "margin:0;padding-left:1.25rem;font-family:ui-monospace,monospace;font-size:14px";
    for (const problem of state.problems) {
      const item = document.createElement("li");
      const where = problem.path + (problem.line ? ":" + problem.line : "");
      item.textContent = (where ? where + ": " : "") + problem.code + ": " + problem.message;
      list.append(item);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = state.close;
    close.style.cssText = "margin-top:.75rem;font:inherit;padding:.25rem 1rem";
    close.addEventListener("click", () => {
      dismissed = state.version;  // until the next build says something new
      remove();
    });
    box.append(title, list, close);
    document.body.append(box);
    box.focus();
  }

  async function problems() {
    try {
      const response = await fetch(base + "problems", { cache: "no-store" });
      show(await response.json());
    } catch (error) {
      // the server stopped: nothing to show
    }
  }

  const events = new EventSource(base + "events");
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (generation !== null && state.generation !== generation) {
      location.reload();
      return;
    }
    generation = state.generation;
    if (state.problems) problems();
    else remove();
  });
})();
