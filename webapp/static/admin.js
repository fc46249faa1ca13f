/* policykb office workspace: live Markdown preview and confirmation prompts. No inline code (CSP). */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function setupPreview(textarea) {
    var url = textarea.getAttribute("data-preview-url");
    var target = document.getElementById(textarea.getAttribute("data-preview-target"));
    var state = document.getElementById(textarea.getAttribute("data-preview-target") + "-state");
    var timer = null, sent = null, controller = null;
    if (!url || !target) return;

    function show(message) { if (state) state.textContent = message; }

    function refresh() {
      var body = textarea.value;
      if (body === sent) return;
      sent = body;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      show("更新中……");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify({body: body}),
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        if (data.error) { show(data.error); return; }
        // The server returns HTML sanitised by nh3 (the same renderer as the document page).
        target.innerHTML = data.html || "";
        show("");
      }).catch(function (error) {
        if (error && error.name === "AbortError") return;
        show("预览暂时不可用（不影响保存）。");
      });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    refresh();
  }

  function setupConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  document.querySelectorAll("textarea[data-preview-url]").forEach(setupPreview);
  document.querySelectorAll("form[data-confirm]").forEach(setupConfirm);
})();
