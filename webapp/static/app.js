/* policykb: search suggestions, citation copying and passage highlighting. No external code. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /* ---- suggestions while typing ---- */
  function setupSuggest(box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector(".suggestions");
    var url = box.getAttribute("data-suggest-url");
    var form = box.closest("form");
    var items = [], active = -1, lastQuery = null, controller = null;
    if (!input || !list || !url) return;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(item) {
      if (item.kind === "title" && item.doc_id) {
        window.location.href = "/documents/" + encodeURIComponent(item.doc_id);
        return;
      }
      input.value = item.text;
      close();
      if (form) form.submit();
    }

    function render(suggestions) {
      list.innerHTML = "";
      items = suggestions;
      active = -1;
      if (!suggestions.length) { close(); return; }
      suggestions.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = input.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "suggestion suggestion-" + item.kind;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.kind_label;
        var text = document.createElement("span");
        text.className = "text";
        text.textContent = item.text;
        li.appendChild(kind);
        li.appendChild(text);
        if (item.detail) {
          var detail = document.createElement("span");
          detail.className = "detail";
          detail.textContent = item.kind === "alias" ? "即 " + item.detail : item.detail;
          li.appendChild(detail);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  /* keep focus in the input */
          choose(item);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function move(delta) {
      if (!items.length) return;
      var options = list.querySelectorAll("li");
      if (active >= 0) options[active].setAttribute("aria-selected", "false");
      active = (active + delta + items.length) % items.length;
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
    }

    var fetchSuggestions = debounce(function () {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (!q || q.length > 50) { close(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), controller ? { signal: controller.signal } : {})
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
        .catch(function () { /* offline or aborted: no suggestions */ });
    }, 150);

    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        choose(items[active]);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  /* ---- copy a citation ---- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return legacyCopy(text); });
    }
    return Promise.resolve(legacyCopy(text));
  }

  function legacyCopy(text) {
    /* Intranet sites are often plain http (no Clipboard API): copy via a selected textarea. */
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function setupCopy() {
    var status = document.querySelector(".copy-status");
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(".copy-cite") : null;
      if (!button) return;
      var text = button.getAttribute("data-cite");
      /* The answer card has its own status line; document passages report in the header. */
      var own = button.parentNode.querySelector(".copy-status");
      copyText(text).then(function (ok) {
        var message = ok ? "已复制：" + text : "请手动复制：" + text;
        if (own || status) (own || status).textContent = message;
        var original = button.textContent;
        button.textContent = ok ? "已复制" : "复制失败";
        setTimeout(function () { button.textContent = original; }, 1500);
      });
    });
  }

  /* ---- highlight the passage named in the URL fragment ---- */
  function highlightTarget() {
    var previous = document.querySelectorAll(".is-highlighted");
    for (var i = 0; i < previous.length; i++) previous[i].classList.remove("is-highlighted");
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.classList.contains("block")) {
      target.classList.add("is-highlighted");
    }
  }

  /* ---- facets fold away on narrow screens ---- */
  function setupFacets() {
    var box = document.querySelector(".facet-box");
    if (box && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
      box.open = false;
    }
  }

  /* ---- print buttons (the review report) ---- */
  function setupPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupPrint();
    var boxes = document.querySelectorAll(".searchbox");
    for (var i = 0; i < boxes.length; i++) setupSuggest(boxes[i]);
    setupCopy();
    setupFacets();
    highlightTarget();
    window.addEventListener("hashchange", highlightTarget);
  });
})();
