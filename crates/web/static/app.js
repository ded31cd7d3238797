// Small progressive enhancements; every page works without this file.
//  - Search as you type: asks /search/suggest and shows links under the box;
//    arrow keys move through them, Escape or a click elsewhere closes them.
//  - Forms with data-confirm ask before they are sent (deletes).
//  - A data-select-all checkbox ticks every checkbox of that name (the
//    review list).
//  - Menus: one open at a time; a click elsewhere or Escape closes them.
//  - Record pickers: a select or record number input marked data-pick
//    (or data-pick-from, naming the select that says the record type)
//    becomes a combobox asking /search/pick as the person types; the
//    original control stays in the form, hidden, and carries the id.
//  - Times come from the server in UTC; they are shown in the browser's
//    time zone, and an activity's time is typed in it and sent as UTC.
(function () {
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var local = function (d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  };
  var utcInput = function (d) {
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  };
  Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) return;
    t.title = t.textContent;
    t.textContent = local(d);
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[type=datetime-local][name=occurred_at]"), function (input) {
    var given = input.value && new Date(input.value + "Z");
    if (given && !isNaN(given)) input.value = local(given).replace(" ", "T");
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) label.textContent = "When (your time)";
    input.form.addEventListener("submit", function () {
      var typed = input.value && new Date(input.value);
      if (typed && !isNaN(typed)) input.value = utcInput(typed);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), function (all) {
    var name = all.getAttribute("data-select-all");
    all.addEventListener("change", function () {
      // The form's elements, including boxes outside it that name it (form=…).
      Array.prototype.forEach.call(all.form.elements, function (box) {
        if (box.type === "checkbox" && box.name === name) box.checked = all.checked;
      });
    });
  });

  var box = document.getElementById("search-box");
  var list = document.getElementById("search-suggestions");
  if (box && list) {
    var timer = null;
    var close = function () { list.innerHTML = ""; };
    var links = function () { return Array.prototype.slice.call(list.querySelectorAll("a")); };
    var move = function (step) {
      var all = links();
      if (!all.length) return;
      var current = all.indexOf(list.querySelector("a.active"));
      if (current >= 0) all[current].classList.remove("active");
      var next = all[(current + step + all.length) % all.length];
      next.classList.add("active");
      next.focus();
    };
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = box.value.trim();
        if (q.length < 2) { close(); return; }
        fetch("/search/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { list.innerHTML = html; });
      }, 120);
    });
    var keys = function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { close(); box.focus(); }
    };
    box.addEventListener("keydown", keys);
    list.addEventListener("keydown", keys);
    document.addEventListener("click", function (event) {
      if (!list.contains(event.target) && event.target !== box) close();
    });
  }
  var pickers = 0;
  var pickable = function (type) { return type === "organisation" || type === "contact"; };
  Array.prototype.forEach.call(document.querySelectorAll("[data-pick], [data-pick-from]"), function (control) {
    pickers += 1;
    var isSelect = control.tagName === "SELECT";
    var typeOf = function () {
      var from = control.getAttribute("data-pick-from");
      if (!from) return control.getAttribute("data-pick");
      var source = control.form && control.form.elements[from];
      return source ? source.value : "";
    };
    var chosenLabel = function () {
      if (isSelect) {
        var option = control.options[control.selectedIndex];
        return option && option.value ? option.text : "";
      }
      return control.value ? (control.getAttribute("data-pick-label") || control.value) : "";
    };
    var wrap = document.createElement("div");
    wrap.className = "picker";
    var input = document.createElement("input");
    input.type = "text";
    input.id = control.id;
    control.id = control.id + "-chosen";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    if (control.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", control.getAttribute("aria-describedby"));
    if (control.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", control.getAttribute("aria-invalid"));
    var list = document.createElement("ul");
    list.id = "picker-" + pickers;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.value = chosenLabel();
    control.parentNode.insertBefore(wrap, control);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(control);
    if (isSelect) control.hidden = true; else control.type = "hidden";
    var found = [];
    var active = -1;
    var timer = null;
    var close = function () {
      list.hidden = true;
      list.innerHTML = "";
      found = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    var choose = function (choice) {
      if (isSelect) {
        var option = Array.prototype.filter.call(control.options, function (o) { return o.value === choice.id; })[0];
        if (!option) {
          option = new Option(choice.label, choice.id);
          control.add(option);
        }
        control.value = choice.id;
      } else {
        control.value = choice.id;
        control.setAttribute("data-pick-label", choice.label);
      }
      input.value = choice.label;
      close();
    };
    var highlight = function (index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      if (active >= 0) items[active].setAttribute("aria-selected", "false");
      active = (index + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
    };
    var show = function (choices) {
      close();
      found = choices;
      if (!choices.length) {
        var none = document.createElement("li");
        none.className = "picker-none";
        none.textContent = "No match among your records";
        list.appendChild(none);
      }
      choices.forEach(function (choice, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = choice.label;
        if (choice.detail) {
          var detail = document.createElement("small");
          detail.textContent = " " + choice.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(choice); });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var typed = input.value.trim();
      var type = typeOf();
      if (!isSelect && (/^\d+$/.test(typed) || !pickable(type))) {
        control.value = typed;
        control.removeAttribute("data-pick-label");
        close();
        return;
      }
      if (typed.length < 1 || !pickable(type)) { close(); return; }
      timer = setTimeout(function () {
        fetch("/search/pick?type=" + encodeURIComponent(type) + "&q=" + encodeURIComponent(typed), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (choices) { if (input.value.trim() === typed) show(choices); })
          .catch(function () { close(); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden && active >= 0 && found[active]) { event.preventDefault(); choose(found[active]); }
      else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); }
    });
    // Text that names no chosen record is never sent as if it did: an
    // emptied field removes the link, anything else shows the link kept.
    input.addEventListener("blur", function () {
      close();
      var typed = input.value.trim();
      if (!typed) { control.value = ""; if (!isSelect) control.removeAttribute("data-pick-label"); return; }
      if (!isSelect && (/^\d+$/.test(typed) || !pickable(typeOf()))) return;
      input.value = chosenLabel();
    });
  });
  // The portal's new ticket: answers from the FAQ that may already help,
  // as the subject is typed.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-faq-suggest]"), function (subject) {
    var shown = document.getElementById("faq-suggestions");
    var wait = null;
    if (!shown) return;
    subject.addEventListener("input", function () {
      clearTimeout(wait);
      wait = setTimeout(function () {
        var typed = subject.value.trim();
        if (typed.length < 3) { shown.innerHTML = ""; return; }
        fetch(subject.getAttribute("data-faq-suggest") + "?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { if (subject.value.trim() === typed) shown.innerHTML = html; })
          .catch(function () { shown.innerHTML = ""; });
      }, 250);
    });
  });
  // Canned replies on a ticket: "Use" puts the chosen text into the reply
  // at the cursor, without leaving the page (and what was typed stays).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-canned-into]"), function (form) {
    var reply = document.getElementById(form.getAttribute("data-canned-into"));
    if (!reply) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.elements.reply_with.options[form.elements.reply_with.selectedIndex];
      if (!chosen) return;
      var text = chosen.getAttribute("data-text") || "";
      var at = reply.selectionStart || reply.value.length;
      reply.value = reply.value.slice(0, at) + text + reply.value.slice(reply.selectionEnd || at);
      reply.focus();
    });
  });
  // Menus: one open at a time; a click elsewhere or Escape closes them.
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.menu"));
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) menus.forEach(function (other) { if (other !== menu) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  });
  // A link shown once is selected when focused, ready to copy.
  Array.prototype.forEach.call(document.querySelectorAll("input.copy-link"), function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
