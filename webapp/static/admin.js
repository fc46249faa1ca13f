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

/* The document picker of 引用文档: search as you type, chosen documents as removable chips.
 * Without JavaScript the plain text field of ids is used; with it, that field is kept (hidden) and
 * always holds the chosen ids, so the form posts the same value either way. */
(function () {
  "use strict";

  function splitIds(text) {
    return text.split(/[,，、;；\s]+/).filter(function (id) { return id; });
  }

  function setupPicker(field) {
    var url = field.getAttribute("data-picker-url");
    var label = document.querySelector("label[for=" + field.id + "]");
    var hint = document.getElementById("hint-" + field.name);
    var chosen = [];  // {id, title, level_label}
    var options = [], active = -1, timer = null, asked = "";

    var box = document.createElement("div");
    box.className = "picker";
    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    chips.setAttribute("aria-label", "已选择的文档");
    var search = document.createElement("input");
    search.type = "search";
    search.id = field.id + "-search";
    search.className = "picker-search";
    search.placeholder = "输入标题、文号或编号中的文字";
    search.autocomplete = "off";
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-expanded", "false");
    search.setAttribute("aria-controls", field.id + "-options");
    var list = document.createElement("ul");
    list.id = field.id + "-options";
    list.className = "picker-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "picker-status subtle";
    status.setAttribute("aria-live", "polite");
    box.appendChild(chips);
    box.appendChild(search);
    box.appendChild(list);
    box.appendChild(status);
    field.parentNode.insertBefore(box, field.nextSibling);
    field.type = "hidden";
    if (label) label.setAttribute("for", search.id);
    if (hint) hint.textContent = "输入文字后从列表中选择（↑↓ 选择，回车确认），点 × 移除；保存的是文档编号。";
    if (field.getAttribute("aria-describedby")) search.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));

    function sync() {
      field.value = chosen.map(function (d) { return d.id; }).join("，");
      chips.textContent = "";
      chosen.forEach(function (doc, n) {
        var chip = document.createElement("li");
        chip.className = "picker-chip";
        chip.setAttribute("data-id", doc.id);
        var text = document.createElement("span");
        text.textContent = doc.title === doc.id ? doc.id : doc.title + "（" + doc.id + "）";
        if (doc.unknown) { chip.className += " unknown"; text.textContent = doc.id + "（找不到这篇文档）"; }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.setAttribute("aria-label", "移除 " + (doc.title || doc.id));
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          chosen.splice(n, 1);
          sync();
          search.focus();
        });
        chip.appendChild(text);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function close() {
      list.hidden = true;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(n) {
      var items = list.querySelectorAll("li");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === n ? "true" : "false"); });
      active = n;
      if (items[n]) {
        search.setAttribute("aria-activedescendant", items[n].id);
        items[n].scrollIntoView({block: "nearest"});
      }
    }

    function choose(doc) {
      if (!chosen.some(function (d) { return d.id === doc.id; })) chosen.push(doc);
      sync();
      search.value = "";
      asked = "";
      status.textContent = "已添加《" + doc.title + "》。";
      close();
      search.focus();
    }

    function show(found) {
      options = found.filter(function (doc) { return !chosen.some(function (d) { return d.id === doc.id; }); });
      list.textContent = "";
      options.forEach(function (doc, n) {
        var item = document.createElement("li");
        item.id = field.id + "-option-" + n;
        item.setAttribute("role", "option");
        item.className = "picker-option";
        var title = document.createElement("span");
        title.className = "picker-title";
        title.textContent = doc.title;
        var meta = document.createElement("span");
        meta.className = "picker-meta subtle";
        meta.textContent = doc.level_label + " · " + doc.id;
        item.appendChild(title);
        item.appendChild(meta);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(doc); });
        list.appendChild(item);
      });
      status.textContent = options.length ? "" : "没有找到匹配的文档。";
      list.hidden = !options.length;
      search.setAttribute("aria-expanded", options.length ? "true" : "false");
      if (options.length) highlight(0);
    }

    function ask() {
      var q = search.value.trim();
      if (q === asked) return;
      asked = q;
      if (!q) { close(); status.textContent = ""; return; }
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) { if (search.value.trim() === q) show(data.documents || []); })
        .catch(function () { status.textContent = "暂时无法查找文档，可以稍后再试。"; });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; search.setAttribute("aria-expanded", "true"); }
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && options[active]) { event.preventDefault(); choose(options[active]); }
        else if (search.value.trim()) event.preventDefault();  // never submit the form by accident
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !search.value && chosen.length) {
        chosen.pop();
        sync();
      }
    });
    search.addEventListener("blur", function () { setTimeout(close, 150); });

    var ids = splitIds(field.value);
    chosen = ids.map(function (id) { return {id: id, title: id, level_label: ""}; });
    sync();
    if (ids.length) {
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "ids=" + encodeURIComponent(ids.join(",")), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var byId = {};
          (data.documents || []).forEach(function (doc) { byId[doc.id] = doc; });
          chosen = chosen.map(function (doc) {
            return byId[doc.id] || {id: doc.id, title: doc.id, level_label: "", unknown: true};
          });
          sync();
        })
        .catch(function () { /* the ids stay shown as they are */ });
    }
  }

  document.querySelectorAll("input[data-picker-url]").forEach(setupPicker);
})();
